/**
 * CLI speed on plate-like input (timing only; nothing asserted): 696×520 16-bit fluorescence TIFFs, LZW-compressed and
 * uncompressed, made from the committed real fixtures, so it runs on a fresh clone.
 *
 *   npm run build && node build/bench/cli-bench.js [--images 60] [--compare /path/to/other/checkout]
 *
 * 1. Where the time goes, per image, in one thread: read, decode, normalise + cut patches, inference, aggregate, write
 *    a row — and PLLS (the classic metric) on the same decoded images, side by side.
 * 2. The CLI end to end at --jobs 1 and --jobs auto: images/s in steady state ((N − 2) files over the wall-time
 *    difference between an N-file and a 2-file run, so start-up and model loading are left out) and peak RSS.
 *    With --compare, the same runs with the CLI of another built checkout (e.g. the commit before a change).
 * 3. Our model vs the paper architecture's, patches/s in the same runtime (the paper model is built when missing).
 * Other processes may share the CPUs: the load average is printed; compare ratios measured in one run.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { plls } from '../src/core/metrics/plls.js';
import { parseModelCard } from '../src/core/model-card.js';
import { splitIntoPatches } from '../src/core/patches.js';
import { extractPatches, fullScale } from '../src/core/scaling.js';
import type { GrayImage } from '../src/core/types.js';
import { formatImageRow } from '../src/io/csv.js';
import { decodeImage } from '../src/io/decode.js';
import { measureImage } from '../src/inference/measure.js';
import { loadModel } from '../src/inference/session.js';
import { loadModelFromDisk } from '../src/node/model-files.js';
import { ensurePaperModel, paperCard } from './paper-model.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'images');
const now = (): number => performance.now();

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** N files per set: LZW (the four MCF-7 fixtures, as distributed) and uncompressed (the BBBC006 a01/a02 fixtures). */
function makeSets(dir: string, n: number): { lzw: string; raw: string } {
  const sets = { lzw: join(dir, 'lzw'), raw: join(dir, 'raw') };
  const sources = {
    lzw: readdirSync(join(FIXTURES, 'mcf7-defocused')).map((f) => join(FIXTURES, 'mcf7-defocused', f)),
    raw: ['BBBC006_a01_s1_w1_z10.tif', 'BBBC006_a02_s1_w1_z10.tif'].map((f) => join(FIXTURES, 'bbbc006-in-focus', f)),
  };
  for (const [set, folder] of Object.entries(sets) as ['lzw' | 'raw', string][]) {
    mkdirSync(folder);
    for (let i = 0; i < n; i++) copyFileSync(sources[set][i % sources[set].length]!, join(folder, `img_${String(i).padStart(4, '0')}.tif`));
  }
  return sets;
}

interface Stages {
  read: number;
  decode: number;
  patch: number;
  inference: number;
  aggregate: number;
  write: number;
  plls: number;
}

/** Per-image milliseconds of each stage over `files`, one thread, batch 64 (the CLI's default). */
async function profile(files: readonly string[], modelPath: string, outDir: string): Promise<Stages> {
  const model = await loadModelFromDisk(modelPath, { numThreads: 1 });
  const fd = openSync(join(outDir, 'profile.csv'), 'w');
  const sum: Stages = { read: 0, decode: 0, patch: 0, inference: 0, aggregate: 0, write: 0, plls: 0 };
  const P = model.card.patchSize;
  try {
    for (const [k, file] of files.entries()) {
      const t0 = now();
      const bytes = await readFile(file);
      const t1 = now();
      const stack = await decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
      const t2 = now();
      const plane: GrayImage = stack.slices[0]!;
      // The normalise-and-cut step alone (what predictInBatches does before each model call), to split it from inference.
      const rects = splitIntoPatches(plane.width, plane.height, P);
      const scale = fullScale(plane);
      const buffer = new Float32Array(64 * P * P);
      for (let s = 0; s < rects.length; s += 64) extractPatches(plane, rects.slice(s, s + 64), P, buffer, scale);
      const t3 = now();
      const result = await measureImage(model, plane, { batchSize: 64 });
      const t4 = now();
      writeSync(fd, formatImageRow({ file, slice: 0, width: plane.width, height: plane.height, result }) + '\n');
      const t5 = now();
      plls(plane);
      const t6 = now();
      if (k === 0) continue; // warm-up: first-call compilation is not a per-image cost
      const patchMs = t3 - t2;
      const inferenceAndPatch = result.timings.inferenceMs ?? t4 - t3;
      sum.read += t1 - t0;
      sum.decode += t2 - t1;
      sum.patch += patchMs;
      sum.inference += Math.max(0, inferenceAndPatch - patchMs);
      sum.aggregate += (result.timings.prepareMs ?? 0) + (result.timings.aggregateMs ?? 0);
      sum.write += t5 - t4;
      sum.plls += t6 - t5;
    }
  } finally {
    closeSync(fd);
    await model.dispose();
  }
  const n = files.length - 1;
  return Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, v / n])) as unknown as Stages;
}

interface CliRun {
  readonly code: number;
  readonly wallMs: number;
  readonly maxRssMB: number;
}

/** Child: runs a CLI build's `main` on the arguments and prints one JSON line (its peak RSS covers its worker threads). */
async function child(mainJs: string, args: string[]): Promise<void> {
  const { main } = (await import(pathToFileURL(mainJs).href)) as { main: (argv: string[]) => Promise<number> };
  const t0 = now();
  const code = await main(args);
  process.stdout.write(JSON.stringify({ code, wallMs: now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024 } satisfies CliRun) + '\n');
  process.exit(0);
}

function runCli(mainJs: string, args: readonly string[]): CliRun | string {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mainJs, ...args], { encoding: 'utf8', timeout: 1_200_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return `failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  const run = JSON.parse(line) as CliRun;
  return run.code === 0 ? run : `exit status ${run.code}`;
}

/** Steady-state images/s of a CLI build on a folder: N files against the first 2. */
function cliThroughput(mainJs: string, folder: string, jobs: string, work: string): { rate: number; rssMB: number } | string {
  const files = readdirSync(folder).sort().map((f) => join(folder, f));
  const common = ['--quiet', '--jobs', jobs, '--threads', '1'];
  const two = runCli(mainJs, [...files.slice(0, 2), ...common, '--out', join(work, `two-${jobs}-${Date.now()}.csv`)]);
  const all = runCli(mainJs, [folder, ...common, '--out', join(work, `all-${jobs}-${Date.now()}.csv`)]);
  if (typeof two === 'string') return two;
  if (typeof all === 'string') return all;
  return { rate: (files.length - 2) / ((all.wallMs - two.wallMs) / 1000), rssMB: all.maxRssMB };
}

/** Patches per second of a model in this process (one thread, batch 64), over ~3 s. */
async function patchesPerSecond(model: { predict(p: Float32Array, n: number): Promise<Float32Array>; card: { patchSize: number } }): Promise<number> {
  const P = model.card.patchSize;
  const input = new Float32Array(64 * P * P).map((_, i) => ((i * 2654435761) >>> 16) / 65536);
  await model.predict(input, 64);
  let patches = 0;
  const t0 = now();
  while (now() - t0 < 3000) {
    await model.predict(input, 64);
    patches += 64;
  }
  return patches / ((now() - t0) / 1000);
}

async function run(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv.slice(4));
  const n = Number(arg('images', '60'));
  const compare = process.argv.includes('--compare') ? resolve(arg('compare', '')) : undefined;
  const modelPath = join(ROOT, 'models', 'focus-quality.onnx');
  const cpu = cpus();
  console.log(`# focus-quality CLI benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes share the CPUs: compare ratios)`);
  const paper = ensurePaperModel(ROOT); // before any timing: a missing model is built, or the bench fails saying why
  const work = mkdtempSync(join(tmpdir(), 'fq-cli-bench-'));
  try {
    const sets = makeSets(work, n);
    console.log(`\n## Where the time goes (one thread, batch 64, ms per 696×520 16-bit image; ${Math.min(n, 20)} images per set)\n`);
    console.log('| stage | LZW | share | uncompressed | share |\n| --- | --- | --- | --- | --- |');
    const pick = (folder: string): string[] => readdirSync(folder).sort().slice(0, Math.min(n, 20)).map((f) => join(folder, f));
    const lzw = await profile(pick(sets.lzw), modelPath, work);
    const raw = await profile(pick(sets.raw), modelPath, work);
    const stages: (keyof Stages)[] = ['read', 'decode', 'patch', 'inference', 'aggregate', 'write'];
    const total = (s: Stages): number => stages.reduce((a, k) => a + s[k], 0);
    const names: Record<string, string> = { read: 'read file', decode: 'decode', patch: 'normalise + cut patches', inference: 'inference', aggregate: 'aggregate', write: 'write row' };
    for (const k of stages) console.log(`| ${names[k]} | ${lzw[k].toFixed(2)} | ${((100 * lzw[k]) / total(lzw)).toFixed(1)} % | ${raw[k].toFixed(2)} | ${((100 * raw[k]) / total(raw)).toFixed(1)} % |`);
    console.log(`| **total (our model)** | **${total(lzw).toFixed(1)}** | | **${total(raw).toFixed(1)}** | |`);
    console.log(`| PLLS on the same decoded image | ${lzw.plls.toFixed(2)} | | ${raw.plls.toFixed(2)} | |`);
    console.log(`\none thread: ${(1000 / total(lzw)).toFixed(1)} LZW images/s (PLLS alone after decoding: ${(1000 / (lzw.read + lzw.decode + lzw.plls)).toFixed(1)}); decode is ${((100 * lzw.decode) / total(lzw)).toFixed(1)} % of an LZW image's time`);

    console.log(`\n## The CLI end to end (${n} files per set, steady state: start-up and model loading excluded)\n`);
    const builds: [string, string][] = [['this build', join(ROOT, 'build', 'src', 'hosts', 'cli', 'main.js')]];
    if (compare) builds.push([`compare: ${compare}`, join(compare, 'build', 'src', 'hosts', 'cli', 'main.js')]);
    console.log('| build | set | --jobs | images/s | images/hour | peak RSS (process) |\n| --- | --- | --- | --- | --- | --- |');
    for (const [label, mainJs] of builds) {
      if (!existsSync(mainJs)) {
        console.log(`| ${label} | | | not built: ${mainJs} | | |`);
        continue;
      }
      for (const [set, folder] of Object.entries(sets)) {
        // An older build may not know "auto": give it the core count.
        for (const jobs of ['1', label === 'this build' ? 'auto' : String(Math.min(2, cpu.length))]) {
          const r = cliThroughput(mainJs, folder, jobs, work);
          console.log(typeof r === 'string' ? `| ${label} | ${set} | ${jobs} | ${r} | | |` : `| ${label} | ${set} | ${jobs} | ${r.rate.toFixed(2)} | ${Math.round(r.rate * 3600).toLocaleString('en')} | ${r.rssMB.toFixed(0)} MB |`);
        }
      }
    }
    console.log('\ntarget (issue 13): ≥ 14 LZW images/s (50,000/hour) on 2 cores; decode ≤ 20 % of wall time; ≤ 300 MB per job');

    console.log('\n## Our model vs the paper architecture (same runtime: onnxruntime-web wasm, one thread, batch 64)\n');
    const ours = await loadModelFromDisk(modelPath, { numThreads: 1 });
    const oursRate = await patchesPerSecond(ours);
    await ours.dispose();
    const paperModel = await loadModel({ model: new Uint8Array(readFileSync(paper)), card: parseModelCard(paperCard(ROOT, paper), paper), numThreads: 1, name: paper });
    const paperRate = await patchesPerSecond(paperModel);
    await paperModel.dispose();
    console.log(`| model | patches/s |\n| --- | --- |\n| ours | ${oursRate.toFixed(0)} |\n| paper architecture (untrained, same cost) | ${paperRate.toFixed(1)} |`);
    console.log(`\nours is ${(oursRate / paperRate).toFixed(1)}× the paper architecture's patches/s (target ≥ 10×)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await run();
