// Patches per second of ONNX models in onnxruntime-web (Node build, wasm backend), measured in one run so the
// ratio between models is fair. Prints one JSON object: { "<file>": { patchesPerSecond, msPerBatch, batch, runs } }.
//   node training/bench_ort.mjs models/focus-quality.onnx build/models/paper-arch.onnx [--batch 576] [--runs 5] [--threads 1]
// A batch of 576 patches is one 2048×2048 image. Warm-up runs are not timed (first runs compile and allocate).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const batch = opt('batch', 576);
const runs = opt('runs', 5);
ort.env.wasm.numThreads = opt('threads', 1);
if (args.length === 0) {
  console.error('usage: node training/bench_ort.mjs model.onnx [more.onnx …] [--batch N] [--runs N] [--threads N]');
  process.exit(2);
}

// Both sessions stay open and their runs alternate, so a busy neighbour on a shared machine slows both alike;
// the minimum of the runs is the best estimate of each model's own cost, the median is reported beside it.
const sessions = [];
for (const file of args) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    console.error(`${file}: cannot read (${e.message})`);
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const input = new Float32Array(batch * 84 * 84);
  // Deterministic, image-like values (a dim background with noise) so no model meets an all-zero special case.
  let seed = 1;
  for (let i = 0; i < input.length; i++) { seed = (seed * 1103515245 + 12345) % 2147483648; input[i] = 0.002 + 0.01 * (seed / 2147483648); }
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, [batch, 1, 84, 84]) };
  await session.run(feeds);
  sessions.push({ file, session, feeds, times: [] });
}
for (let r = 0; r < runs; r++) {
  for (const s of sessions) {
    const t0 = performance.now();
    await s.session.run(s.feeds);
    s.times.push(performance.now() - t0);
  }
}
const result = {};
for (const s of sessions) {
  const times = [...s.times].sort((a, b) => a - b);
  const best = times[0];
  const median = times[Math.floor(times.length / 2)];
  result[s.file] = { patchesPerSecond: Math.round((batch / best) * 1000), msPerBatch: Math.round(best), msPerBatchMedian: Math.round(median),
    batch, runs, threads: ort.env.wasm.numThreads };
  await s.session.release();
}
console.log(JSON.stringify(result));
