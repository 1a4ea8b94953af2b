#!/usr/bin/env node
// Browser benchmark (timing only, not a test), side by side in one run in Debian's Chromium, cross-origin isolated:
// 1. inference throughput of the shipped model: wasm 1 thread, wasm 2 threads with onnxruntime's idle threads
//    spin-waiting (its default) and without, WebGL (the fixed-batch copy models/*.b64.onnx) and
//    WebGPU where they start — with which backends exist and whether they are software emulations;
// 2. end to end through the library API (dist/, the worker): a 2048×2048 16-bit TIFF Blob → decode + inference, with 1
//    thread, 2 threads and the threads the page has by default (the issue-13 target is ≤ 0.5 s);
// 3. the paper architecture (build/models/paper-arch.onnx, exported untrained when missing) on the fastest backend.
// Needs `npm run build` (build/src and dist/) first.
//   node bench/browser-bench.mjs [--seconds 3] [--batch 576] [--runs 5]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const project = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 3);
const BATCH = arg('batch', 576);
const RUNS = arg('runs', 5);
const GPU_BATCH = 64; // the fixed batch of models/focus-quality.b64.onnx

for (const [need, how] of [['build/src/inference/session.js', 'npm run build'], ['dist/focus-quality.js', 'npm run build']]) {
  if (!existsSync(path.join(project, need))) {
    console.error(`${need} is missing: run \`${how}\` first`);
    process.exit(1);
  }
}

const rel = (p) => '/' + path.relative(project, p).split(path.sep).join('/');
const models = path.join(project, 'models');
const shipped = { model: path.join(models, 'focus-quality.onnx'), card: path.join(models, 'focus-quality.card.json') };
const shippedFixed = { model: path.join(models, 'focus-quality.b64.onnx'), card: path.join(models, 'focus-quality.b64.card.json') };
const paperModel = path.join(project, 'build/models/paper-arch.onnx');

/** The paper architecture, exported untrained (speed only) with the Debian PyTorch when it is missing. */
function ensurePaperModel() {
  if (existsSync(paperModel)) return;
  console.log(`# ${rel(paperModel)} missing: exporting it (untrained) with /usr/bin/python3 -m training.export_onnx --arch paper --untrained`);
  execFileSync('/usr/bin/python3', ['-m', 'training.export_onnx', '--arch', 'paper', '--untrained'], { cwd: project, timeout: 600_000, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The end-to-end input: a 2048×2048 16-bit uncompressed TIFF tiled (mirrored) from a real in-focus field. */
async function e2eTiff() {
  const file = path.join(project, 'build/bench/e2e-2048-16bit.tif');
  if (existsSync(file)) return file;
  const b = (m) => import(pathToFileURL(path.join(project, 'build/src', m)).href);
  const [{ decodeImage }, { encodeTiff }] = await Promise.all([b('io/decode.js'), b('io/tiff-encode.js')]);
  const src = (await decodeImage(readFileSync(path.join(project, 'test/fixtures/images/bbbc006-in-focus/BBBC006_a05_s1_w1_z10.tif')))).slices[0];
  const size = 2048;
  const data = new Uint16Array(size * size);
  const mirror = (v, n) => (v % (2 * n) < n ? v % (2 * n) : 2 * n - 1 - (v % (2 * n)));
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = src.data[mirror(y, src.height) * src.width + mirror(x, src.width)];
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, encodeTiff({ data, width: size, height: size, bitDepth: 16 }));
  return file;
}

const { server, url } = await startServer({ port: 0, root: project });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-webgpu', '--disable-dev-shm-usage'],
});
const oneLine = (text) => String(text).replace(/\s*\n\s*/g, ' | ');

/** One configuration per page load: onnxruntime's wasm thread count is fixed by the first session of a page. */
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
console.log(`# browser benchmark ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)}, ${browser.version()}`);
console.log(`# cross-origin isolated: ${probe.crossOriginIsolated}, navigator.hardwareConcurrency ${probe.cores}`);
for (const p of probe.probes ?? []) console.log(`# ${p.backend}: ${p.available ? (p.software ? 'software emulation' : 'available') : 'not available'} — ${p.detail}`);

console.log(`\n## inference only: batches of ${BATCH} patches (${GPU_BATCH} on GPU backends), steady state`);
const configs = [
  { label: 'wasm, 1 thread', backend: 'wasm', threads: 1, spin: 1, batch: BATCH, ...shipped },
  { label: 'wasm, 2 threads, spinning', backend: 'wasm', threads: 2, spin: 1, batch: BATCH, ...shipped },
  { label: 'wasm, 2 threads, no spinning', backend: 'wasm', threads: 2, spin: 0, batch: BATCH, ...shipped },
  { label: `webgl (fixed batch ${GPU_BATCH})`, backend: 'webgl', threads: 1, spin: 1, batch: GPU_BATCH, ...shippedFixed },
  { label: 'webgpu', backend: 'webgpu', threads: 1, spin: 1, batch: GPU_BATCH, ...shipped },
];
const rows = [];
for (const c of configs) {
  const r = await page({ backend: c.backend, threads: c.threads, spin: c.spin, batch: c.batch, seconds, model: rel(c.model), card: rel(c.card) });
  rows.push({ ...c, r });
  console.log(r.ok ? `${c.label.padEnd(30)} ${r.patchesPerSecond.toFixed(0).padStart(7)} patches/s  (${r.msPerBatch.toFixed(0)} ms per ${c.batch}, ${r.runs} runs, load ${r.loadMs.toFixed(0)} ms)` : `${c.label.padEnd(30)} did not start: ${oneLine(r.error)}`);
}

// [threads (0: the page's default), batch (0: the API's default)]
const E2E_RUNS = (process.env.FQ_E2E_RUNS ?? '1:0,2:0,0:0').split(',').map((x) => x.split(':').map(Number));
console.log(`\n## end to end through the API (worker): a 2048×2048 16-bit TIFF Blob, decode + inference, median of ${RUNS} after a warm-up`);
const tiff = rel(await e2eTiff());
for (const [threads, batch] of E2E_RUNS) {
  const label = `${threads ? `${threads} thread${threads > 1 ? 's' : ''}` : "the page's default"}${batch ? `, batch ${batch}` : ''}`;
  const r = await page({ e2e: tiff, threads, runs: RUNS, ...(batch ? { batch } : {}) });
  const s = r.stages;
  const split = s ? `decode ${s.decode.toFixed(0)} + inference ${s.inference.toFixed(0)} + rest of the measurement ${(s.measure - s.inference).toFixed(0)} ms in the worker, ${(r.medianMs - s.decode - s.measure).toFixed(0)} ms transfer and messages` : '';
  console.log(r.ok ? `${label.padEnd(30)} ${r.medianMs.toFixed(0).padStart(7)} ms  (median run: ${split}; runs ${r.ms.map((v) => v.toFixed(0)).join(', ')}; ${r.patches} patches, ${r.numThreads} thread(s), model ready in ${r.initMs.toFixed(0)} ms${r.choice ? `, chosen by the thread contest: ${r.choice}` : ''})` : `${label.padEnd(30)} failed: ${oneLine(r.error)}`);
}

console.log('');
const fastest = rows.filter((x) => x.r.ok).sort((a, b) => b.r.patchesPerSecond - a.r.patchesPerSecond)[0];
if (!fastest) console.log('no backend started');
else {
  try {
    ensurePaperModel();
  } catch (err) {
    console.log(`paper architecture: cannot export it: ${oneLine(err.stderr ?? err.message)}`);
    process.exitCode = 1;
  }
  if (fastest.backend === 'webgl') console.log('paper architecture: not run on WebGL (it has no fixed-batch copy); compare on wasm');
  else if (existsSync(paperModel)) {
    const r = await page({ backend: fastest.backend, threads: fastest.threads, spin: fastest.spin, batch: fastest.batch, seconds, model: rel(paperModel), card: rel(shipped.card) });
    console.log(
      r.ok
        ? `${`paper arch, ${fastest.label}`.padEnd(30)} ${r.patchesPerSecond.toFixed(0).padStart(7)} patches/s  (${r.msPerBatch.toFixed(0)} ms per ${fastest.batch}); shipped model is ${(fastest.r.patchesPerSecond / r.patchesPerSecond).toFixed(1)}× faster`
        : `paper arch did not start: ${oneLine(r.error)}`,
    );
  }
}
await browser.close();
server.close();
