#!/usr/bin/env node
// Browser benchmark (timing only, not a test): patches per second of the shipped model in Debian's Chromium with
// wasm 1 thread, wasm 2 threads (cross-origin isolated), WebGL and WebGPU where they start, side by side in one run,
// plus the paper architecture (build/models/paper-arch.onnx) on the fastest backend. Prints which backends exist and
// whether they are software emulations. Needs `npm run build` (build/src) first.
//   node bench/browser-bench.mjs [--seconds 3] [--batch 576]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const seconds = arg('seconds', 3);
const BATCH = arg('batch', 576); // one 2048×2048 image
const GPU_BATCH = 64; // emulated GPUs are 20–150× slower: a smaller batch keeps the run short

if (!existsSync(path.join(project, 'build/src/inference/session.js'))) {
  console.error('build/src is missing: run `npm run build` first');
  process.exit(1);
}

/** WebGL rejects a symbolic batch dimension: make fixed-batch copies of a model (and its card) with onnx in Python. */
function fixedBatchCopy(model, card, batch) {
  const dir = path.join(project, 'build/bench');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${path.basename(model, '.onnx')}-b${batch}.onnx`);
  const py = `import onnx,sys\nm=onnx.load(sys.argv[1])\nfor v in list(m.graph.input)+list(m.graph.output):\n  v.type.tensor_type.shape.dim[0].dim_value=${batch}\nonnx.save(m,sys.argv[2])\n`;
  execFileSync('/usr/bin/python3', ['-c', py, model, out], { timeout: 120_000 });
  const c = JSON.parse(readFileSync(card, 'utf8'));
  c.input.shape[0] = batch;
  c.output.shape[0] = batch;
  writeFileSync(out.replace(/\.onnx$/, '.card.json'), JSON.stringify(c));
  return { model: out, card: out.replace(/\.onnx$/, '.card.json') };
}

const rel = (p) => '/' + path.relative(project, p).split(path.sep).join('/');
const shipped = { model: path.join(project, 'models/focus-quality.onnx'), card: path.join(project, 'models/focus-quality.card.json') };
const paperModel = path.join(project, 'build/models/paper-arch.onnx');

const { server, url } = await startServer({ port: 0, root: project });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-webgpu', '--disable-dev-shm-usage'],
});

const oneLine = (text) => String(text).replace(/\s*\n\s*/g, ' | ');

async function page(query, timeoutMs = 300_000) {
  const p = await browser.newPage();
  try {
    await p.goto(`${url}bench/browser-bench.html?${new URLSearchParams(query)}`);
    await p.waitForFunction(() => window.benchResult !== undefined, null, { timeout: timeoutMs });
    return await p.evaluate(() => window.benchResult);
  } catch (err) {
    return { ok: false, error: String(err.message ?? err).split('\n')[0] };
  } finally {
    await p.close();
  }
}

const probe = await page({ probe: '1' });
console.log(`# browser benchmark ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${browser.version()}`);
console.log(`# cross-origin isolated: ${probe.crossOriginIsolated}`);
for (const p of probe.probes ?? []) console.log(`# ${p.backend}: ${p.available ? (p.software ? 'software emulation' : 'available') : 'not available'} — ${p.detail}`);

const fixed = (() => {
  try {
    return fixedBatchCopy(shipped.model, shipped.card, GPU_BATCH);
  } catch (err) {
    console.log(`# no fixed-batch copy for WebGL: ${err.message}`);
    return undefined;
  }
})();
const configs = [
  { label: 'wasm, 1 thread', backend: 'wasm', threads: 1, batch: BATCH, ...shipped },
  { label: 'wasm, 2 threads', backend: 'wasm', threads: 2, batch: BATCH, ...shipped },
  ...(fixed ? [{ label: `webgl (batch fixed at ${GPU_BATCH})`, backend: 'webgl', threads: 1, batch: GPU_BATCH, ...fixed }] : []),
  { label: 'webgpu', backend: 'webgpu', threads: 1, batch: GPU_BATCH, ...shipped },
];
const rows = [];
for (const c of configs) {
  const r = await page({ backend: c.backend, threads: c.threads, batch: c.batch, seconds, model: rel(c.model), card: rel(c.card) });
  rows.push({ ...c, r });
  console.log(r.ok ? `${c.label.padEnd(28)} ${r.patchesPerSecond.toFixed(0).padStart(7)} patches/s  (${r.msPerBatch.toFixed(0)} ms per ${c.batch}, ${r.runs} runs, load ${r.loadMs.toFixed(0)} ms)` : `${c.label.padEnd(28)} did not start: ${oneLine(r.error)}`);
}
const fastest = rows.filter((x) => x.r.ok).sort((a, b) => b.r.patchesPerSecond - a.r.patchesPerSecond)[0];
if (!fastest) console.log('no backend started');
else if (!existsSync(paperModel)) console.log(`paper architecture: skipped (${rel(paperModel)} missing: /usr/bin/python3 -m training.export_onnx --arch paper --untrained)`);
else {
  const paperModelFile = fastest.backend === 'webgl' ? fixedBatchCopy(paperModel, shipped.card, GPU_BATCH) : { model: paperModel, card: shipped.card };
  const r = await page({ backend: fastest.backend, threads: fastest.threads, batch: fastest.batch, seconds, model: rel(paperModelFile.model), card: rel(paperModelFile.card) });
  console.log(
    r.ok
      ? `${`paper arch, ${fastest.label}`.padEnd(28)} ${r.patchesPerSecond.toFixed(0).padStart(7)} patches/s  (${r.msPerBatch.toFixed(0)} ms per ${fastest.batch}); shipped model is ${(fastest.r.patchesPerSecond / r.patchesPerSecond).toFixed(1)}× faster`
      : `paper arch did not start: ${oneLine(r.error)}`,
  );
}
await browser.close();
server.close();
