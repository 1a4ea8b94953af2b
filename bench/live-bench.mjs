#!/usr/bin/env node
// Live-mode benchmark (timing only, not a test): how many frames per second the app's Live mode measures, in Debian's
// Chromium on wasm, when a fake camera delivers frames faster than inference (30 fps, a through-focus series from
// test/e2e/through-focus.py). Region sizes side by side in one run; the issue's target is ≥ 10 measurements/s for the
// default 336×336 region on wasm with 2 cores. Needs `npm run build` (dist/) first.
//   node bench/live-bench.mjs [--seconds 8] [--fps 30]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const project = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 8);
const fps = arg('fps', 30);
const TARGET = 10;

if (!existsSync(path.join(project, 'dist/index.html'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'fq-live-bench-'));
const video = path.join(dir, 'through-focus.y4m');
execFileSync('/usr/bin/python3', [path.join(project, 'test/e2e/through-focus.py'), video, '--levels', '0,2,4,6,8,10,8,6,4,2', '--frames', String(fps / 2), '--fps', String(fps)], { timeout: 300_000 });
const served = await startServer({ port: 0, root: path.join(project, 'dist') });
const args = ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
const rows = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['camera']);
  const page = await context.newPage();
  await page.goto(`${served.url}?samples=0#live`);
  await page.evaluate(() => {
    window.readings = [];
    document.addEventListener('focus-quality-live', (e) => window.readings.push({ at: e.detail.at, latency: e.detail.latencyMs, backend: e.detail.result.backend }));
  });
  for (const size of [168, 336, 504]) {
    await page.selectOption('#live-size', String(size));
    await page.click('#live-camera');
    await page.waitForFunction(() => window.readings.length >= 3, null, { timeout: 120_000 });
    await page.waitForTimeout(1000); // warm
    const start = await page.evaluate(() => {
      window.readings = [];
      return performance.now();
    });
    await page.waitForTimeout(seconds * 1000);
    const r = await page.evaluate(() => ({ readings: window.readings, now: performance.now(), text: document.querySelector('.live-rate').textContent.replace(/\s+/g, ' ').trim() }));
    await page.click('#live-stop');
    const measured = r.readings.length / ((r.now - start) / 1000);
    rows.push({ size, measured, latency: median(r.readings.map((x) => x.latency)), backend: r.readings[0]?.backend ?? '?', shown: r.text });
  }
} finally {
  await browser.close();
  served.server.close();
  rmSync(dir, { recursive: true, force: true });
}

const load = os.loadavg().map((v) => v.toFixed(1)).join(' ');
console.log(`live-bench ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · load average ${load} · Chromium ${browser.version()} · fake camera ${fps} fps · ${seconds} s per size`);
if (os.loadavg()[0] > os.cpus().length) console.log('note: the machine is busy with other work (load above its core count); these rates are lower than it can do alone');
console.log('region     measurements/s   median latency   backend   (the app\'s own display)');
for (const r of rows) console.log(`${`${r.size}×${r.size}`.padEnd(10)} ${r.measured.toFixed(1).padStart(14)}   ${`${r.latency.toFixed(0)} ms`.padStart(14)}   ${r.backend.padEnd(8)}  ${r.shown}`);
const main = rows.find((r) => r.size === 336);
console.log(`target: ≥ ${TARGET} measurements/s at 336×336 → ${main && main.measured >= TARGET ? 'met' : 'NOT met'} (${main?.measured.toFixed(1)})`);
