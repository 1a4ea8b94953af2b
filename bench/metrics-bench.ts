/**
 * Speed of our model vs the paper architecture vs PLLS (and the other classic metrics) on the same 2048×2048
 * 16-bit images, in one process, single-threaded; then images/s of the CLI at --jobs 1 and 2, and peak memory.
 * Timing only: nothing is asserted. Run with `npm run bench` (bench/run.mjs).
 *
 * The paper architecture is the untrained 29M-parameter export (speed does not depend on the weights), built by
 * bench/paper-model.ts when missing. The images are tiled from the committed real fixtures (test/fixtures/images).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_NAMES, METRICS } from '../src/core/metrics/index.js';
import { parseModelCard } from '../src/core/model-card.js';
import type { GrayImage } from '../src/core/types.js';
import { measureImage } from '../src/inference/measure.js';
import { loadModel, type FocusModel } from '../src/inference/session.js';
import { readImageFile } from '../src/node/image-files.js';
import { defaultModelPath, loadModelFromDisk, packageRoot } from '../src/node/model-files.js';
import { ensurePaperModel, paperCard } from './paper-model.js';

const SIDE = 2048;
const IMAGES = Number(process.env.FQ_BENCH_IMAGES ?? 4);
const CLI_IMAGES = Number(process.env.FQ_BENCH_CLI_IMAGES ?? 8);
const root = packageRoot();
const now = (): number => performance.now();

/** A 2048² plane tiled from real 696×520 fields, mirrored at every seam so no artificial edges appear. */
function tiledImage(sources: readonly GrayImage[], seed: number): GrayImage {
  const out = new Uint16Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const src = sources[(seed + Math.floor(y / 520) * 3 + Math.floor(x / 696)) % sources.length]!;
      const tx = Math.floor(x / src.width);
      const ty = Math.floor(y / src.height);
      const sx = tx % 2 ? src.width - 1 - (x % src.width) : x % src.width;
      const sy = ty % 2 ? src.height - 1 - (y % src.height) : y % src.height;
      out[y * SIDE + x] = src.data[sy * src.width + sx]!;
    }
  }
  return { data: out, width: SIDE, height: SIDE, bitDepth: 16 };
}

/** Minimal baseline TIFF (one strip, uncompressed, 16-bit grayscale, little-endian) for the CLI runs. */
function encodeTiff16(image: GrayImage): Uint8Array {
  const { width, height } = image;
  const pixels = width * height * 2;
  const entries: [number, number, number][] = [
    [256, 4, width], [257, 4, height], [258, 3, 16], [259, 3, 1], [262, 3, 1], [273, 4, 8], [277, 3, 1], [278, 4, height], [279, 4, pixels],
  ];
  const ifd = 8 + pixels;
  const buf = new Uint8Array(ifd + 2 + entries.length * 12 + 4);
  const v = new DataView(buf.buffer);
  v.setUint16(0, 0x4949, true);
  v.setUint16(2, 42, true);
  v.setUint32(4, ifd, true);
  new Uint8Array(buf.buffer, 8, pixels).set(new Uint8Array(image.data.buffer, image.data.byteOffset, pixels));
  v.setUint16(ifd, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const o = ifd + 2 + i * 12;
    v.setUint16(o, tag, true);
    v.setUint16(o + 2, type, true);
    v.setUint32(o + 4, 1, true);
    if (type === 3) v.setUint16(o + 8, value, true);
    else v.setUint32(o + 8, value, true);
  });
  return buf;
}

interface Timing {
  readonly name: string;
  readonly ms: number[];
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function timeModel(name: string, model: FocusModel, images: readonly GrayImage[]): Promise<Timing> {
  await measureImage(model, images[0]!); // warm-up: wasm compilation and first-run allocation are not per-image costs
  const ms: number[] = [];
  for (const image of images) {
    const t0 = now();
    await measureImage(model, image, { batchSize: 64 });
    ms.push(now() - t0);
  }
  return { name, ms };
}

function timeMetric(name: string, fn: (image: GrayImage) => number, images: readonly GrayImage[]): Timing {
  fn(images[0]!);
  return { name, ms: images.map((image) => { const t0 = now(); fn(image); return now() - t0; }) };
}

function cliRun(files: readonly string[], jobs: number): { seconds: number; peakMb: number } | string {
  const bin = join(root, 'bin/focus-quality.js');
  if (!existsSync(join(root, 'build/src/hosts/cli/main.js'))) return 'CLI not built';
  const out = join(tmpdir(), `fq-bench-${process.pid}-${jobs}.csv`);
  // GNU time reports the child's wall time and peak RSS (KiB) on stderr's last line.
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, bin, '--jobs', String(jobs), '--threads', '1', '-q', '-o', out, ...files], { encoding: 'utf8', timeout: 600_000 });
  rmSync(out, { force: true });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const m = /^([\d.]+) (\d+)$/.exec(last);
  if (r.status !== 0 || !m) return `CLI failed (status ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  return { seconds: Number(m[1]), peakMb: Number(m[2]) / 1024 };
}

async function main(): Promise<void> {
  const sources: GrayImage[] = [];
  for (const f of ['a01', 'a02', 'a05', 'a06']) {
    sources.push((await readImageFile(join(root, `test/fixtures/images/bbbc006-in-focus/BBBC006_${f}_s1_w1_z10.tif`))).slices[0]!);
  }
  const paperPath = ensurePaperModel(root);
  const images = Array.from({ length: IMAGES }, (_, i) => tiledImage(sources, i));
  console.log(`# focus-quality bench: ${IMAGES} images of ${SIDE}×${SIDE} 16-bit (tiled from the BBBC006 fixtures), Node ${process.version}, one thread each`);

  const timings: Timing[] = [];
  const ours = await loadModelFromDisk(defaultModelPath(), { numThreads: 1 });
  const card = ours.card;
  timings.push(await timeModel(`ours (${card.name} ${card.version})`, ours, images));
  await ours.dispose();

  // Same I/O contract as ours (patches [N,1,84,84] → probabilities [N,11]), so our card describes it too.
  const paper = await loadModel({ model: new Uint8Array(readFileSync(paperPath)), card: parseModelCard(paperCard(root, paperPath), paperPath), numThreads: 1, name: paperPath });
  timings.push(await timeModel('paper architecture (untrained, 29M params)', paper, images));
  await paper.dispose();
  for (const name of METRIC_NAMES) timings.push(timeMetric(name, METRICS[name], images));

  console.log('\n| method | median per image | min | images/s |\n| --- | --- | --- | --- |');
  for (const t of timings) console.log(`| ${t.name} | ${fmt(median(t.ms))} | ${fmt(Math.min(...t.ms))} | ${(1000 / median(t.ms)).toFixed(2)} |`);
  const ourMs = median(timings[0]!.ms);
  const paperT = timings.find((t) => t.name.startsWith('paper'));
  const pllsMs = median(timings.find((t) => t.name === 'plls')!.ms);
  console.log('\nratios (time per image, lower = ours faster):');
  if (paperT) console.log(`  ours / paper architecture = ${(ourMs / median(paperT.ms)).toFixed(3)}`);
  console.log(`  ours / PLLS               = ${(ourMs / pllsMs).toFixed(3)}`);
  console.log(`  (paper, Python on one thread: 1.1 s CNN vs 0.9 s PLLS per 2048² image → 1.22)`);

  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-'));
  try {
    const files: string[] = [];
    for (let i = 0; i < CLI_IMAGES; i++) {
      const file = join(dir, `tile-${i}.tif`);
      writeFileSync(file, encodeTiff16(i < images.length ? images[i]! : tiledImage(sources, i)));
      files.push(file);
    }
    console.log(`\nCLI (bin/focus-quality.js, --threads 1), ${CLI_IMAGES} files; wall time includes start-up and model load, measured once with 1 file:`);
    console.log('| jobs | wall, 1 file | wall, all files | images/s (all) | images/s (marginal) | peak RSS |\n| --- | --- | --- | --- | --- | --- |');
    for (const jobs of [1, 2]) {
      const one = cliRun(files.slice(0, 1), jobs);
      const all = cliRun(files, jobs);
      if (typeof one === 'string' || typeof all === 'string') {
        console.log(`| ${jobs} | ${typeof one === 'string' ? one : ''} ${typeof all === 'string' ? all : ''} | | | | |`);
        continue;
      }
      const marginal = (CLI_IMAGES - 1) / Math.max(1e-9, all.seconds - one.seconds);
      console.log(`| ${jobs} | ${one.seconds.toFixed(2)} s | ${all.seconds.toFixed(2)} s | ${(CLI_IMAGES / all.seconds).toFixed(2)} | ${marginal.toFixed(2)} | ${all.peakMb.toFixed(0)} MB |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\npeak RSS of this bench process (all in-process runs above): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  try {
    console.log(`machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPUs; other processes may share them, so compare ratios, not absolute times`);
  } catch {
    // nproc is informational only
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exitCode = 1;
});
