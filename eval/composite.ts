/**
 * `npm run eval:composite`: the all-in-focus composite (src/core/composite.ts) side by side with the best single slice
 * and with a per-pixel local-contrast maximum (the classic focus-stacking rule of ImageJ's Stack Focuser plugin,
 * re-implemented here from its description: for every pixel, the slice whose neighbourhood varies most), on the same
 * stacks, with the truth known.
 *
 * Stacks: pairs of real in-focus fields (../shared/data/bbbc006-in-focus, or test/fixtures/images when that is absent)
 * placed side by side (and as a 2×2 checkerboard) at different depths of a 7-slice stack; defocus is a Gaussian blur
 * growing 2 px per slice from each field's own focal slice, then Poisson noise at the field's own counts. The truth is
 * the sharp, noise-free fields. Reported per stack: RMSE against the truth (in units of the truth's standard
 * deviation), our model's score of the result (expected level, lower = sharper), Tenengrad (higher = sharper), time.
 * Writes reports/composite.md and reports/composite.json.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeAllInFocus } from '../src/core/composite.js';
import { measureStack, planesOf } from '../src/core/measure-stack.js';
import { tenengrad } from '../src/core/metrics/index.js';
import type { GrayImage } from '../src/core/types.js';
import { modelMeasurer } from '../src/inference/measure.js';
import { loadModelFromDisk, packageRoot } from '../src/node/model-files.js';
import { readImageFile } from '../src/node/image-files.js';
import { gaussianBlur } from '../test/core/metrics/fixtures.js';
import { seededRandom } from './protocol.js';

const SLICES = 7;
const STEP_PX = 2;
const W = 672;
const H = 504;

/** Poisson draws (Knuth below 30, normal approximation above). */
function poisson(mean: number, u: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= u();
  } while (p > l);
  return k - 1;
}

type Layout = 'halves' | 'checker';
const regionOf = (layout: Layout, x: number, y: number): 0 | 1 => (layout === 'halves' ? (x < W / 2 ? 0 : 1) : (((x < W / 2 ? 0 : 1) ^ (y < H / 2 ? 0 : 1)) as 0 | 1));

interface Stack {
  readonly name: string;
  readonly planes: GrayImage[];
  readonly truth: Float64Array;
  /** Each field taken from its own focal slice: what a perfect choice gives, noise included (the floor of the RMSE). */
  readonly oracle: GrayImage;
}

function makeStack(name: string, a: GrayImage, b: GrayImage, focus: readonly [number, number], layout: Layout, seed: number): Stack {
  const u = seededRandom(seed);
  const cache = new Map<string, Float64Array>();
  const blurred = (img: GrayImage, key: string, sigma: number): Float64Array => {
    const k = `${key}:${sigma}`;
    if (!cache.has(k)) cache.set(k, Float64Array.from(gaussianBlur(img, sigma).data));
    return cache.get(k)!;
  };
  const truth = new Float64Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) truth[y * W + x] = (regionOf(layout, x, y) === 0 ? a : b).data[y * a.width + x]!;
  const planes = Array.from({ length: SLICES }, (_, s) => {
    const fa = blurred(a, 'a', Math.abs(s - focus[0]) * STEP_PX);
    const fb = blurred(b, 'b', Math.abs(s - focus[1]) * STEP_PX);
    const data = new Uint16Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = Math.min(65535, poisson((regionOf(layout, x, y) === 0 ? fa : fb)[y * a.width + x]!, u));
    return { data, width: W, height: H, bitDepth: 16 as const };
  });
  const oracle = new Uint16Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) oracle[y * W + x] = planes[focus[regionOf(layout, x, y)]]!.data[y * W + x]!;
  return { name, planes, truth, oracle: { data: oracle, width: W, height: H, bitDepth: 16 } };
}

/** Per pixel, the slice whose (2r+1)² neighbourhood has the largest variance (box sums over integral images). */
function localContrastStack(planes: readonly GrayImage[], r = 5): GrayImage {
  const best = new Float64Array(W * H).fill(-1);
  const out = new Uint16Array(W * H);
  const S1 = new Float64Array((W + 1) * (H + 1));
  const S2 = new Float64Array((W + 1) * (H + 1));
  for (const p of planes) {
    for (let y = 0; y < H; y++) {
      let r1 = 0;
      let r2 = 0;
      for (let x = 0; x < W; x++) {
        const v = p.data[y * W + x]!;
        r1 += v;
        r2 += v * v;
        S1[(y + 1) * (W + 1) + x + 1] = S1[y * (W + 1) + x + 1]! + r1;
        S2[(y + 1) * (W + 1) + x + 1] = S2[y * (W + 1) + x + 1]! + r2;
      }
    }
    for (let y = 0; y < H; y++) {
      const y0 = Math.max(0, y - r);
      const y1 = Math.min(H, y + r + 1);
      for (let x = 0; x < W; x++) {
        const x0 = Math.max(0, x - r);
        const x1 = Math.min(W, x + r + 1);
        const n = (y1 - y0) * (x1 - x0);
        const box = (S: Float64Array): number => S[y1 * (W + 1) + x1]! - S[y0 * (W + 1) + x1]! - S[y1 * (W + 1) + x0]! + S[y0 * (W + 1) + x0]!;
        const m = box(S1) / n;
        const variance = box(S2) / n - m * m;
        if (variance > best[y * W + x]!) {
          best[y * W + x] = variance;
          out[y * W + x] = p.data[y * W + x]!;
        }
      }
    }
  }
  return { data: out, width: W, height: H, bitDepth: 16 };
}

function rmse(image: GrayImage, truth: Float64Array): number {
  let mean = 0;
  for (const v of truth) mean += v;
  mean /= truth.length;
  let sd = 0;
  let err = 0;
  for (let i = 0; i < truth.length; i++) {
    sd += (truth[i]! - mean) ** 2;
    err += (image.data[i]! - truth[i]!) ** 2;
  }
  return Math.sqrt(err / sd);
}

async function main(): Promise<void> {
  const root = packageRoot();
  const shared = join(root, '..', 'shared', 'data', 'bbbc006-in-focus');
  const dir = existsSync(shared) ? shared : join(root, 'test', 'fixtures', 'images', 'bbbc006-in-focus');
  const files = readdirSync(dir).filter((f) => /^BBBC006_a0\d.*\.tif$/.test(f)).sort();
  const fields = await Promise.all(files.map(async (f) => (await readImageFile(join(dir, f))).slices[0]!));
  const model = await loadModelFromDisk();
  const measurer = modelMeasurer(model);
  const score = async (img: GrayImage): Promise<number> => (await measureStack(measurer, planesOf({ slices: [img] }))).best.score;
  const rows: Record<string, number | string>[] = [];
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([i, i + 1]);
  let seed = 1;
  for (const [i, j] of pairs) {
    for (const layout of ['halves', 'checker'] as const) {
      const stack = makeStack(`${files[i]!.slice(8, 11)}+${files[j]!.slice(8, 11)} ${layout}`, fields[i]!, fields[j]!, [1, 5], layout, seed++);
      const t0 = performance.now();
      const { results, best } = await measureStack(measurer, planesOf({ slices: stack.planes }), { slices: 'all' });
      const t1 = performance.now();
      const ours = composeAllInFocus(stack.planes, results);
      const t2 = performance.now();
      const classic = localContrastStack(stack.planes);
      const t3 = performance.now();
      const bestPlane = stack.planes[best.slice]!;
      for (const [method, img, ms] of [
        ['best single slice (our model)', bestPlane, t1 - t0],
        ['all-in-focus composite (ours)', ours.image, t2 - t0],
        ['per-pixel local-contrast maximum', classic, t3 - t2],
        ['oracle: each field from its focal slice', stack.oracle, 0],
      ] as const) {
        rows.push({ stack: stack.name, method, rmse: rmse(img, stack.truth), level: await score(img), tenengrad: tenengrad(img), ms: Math.round(ms) });
      }
      console.error(`${stack.name}: done`);
    }
  }
  await model.dispose();
  const methods = [...new Set(rows.map((r) => String(r.method)))];
  const mean = (m: string, k: string): number => {
    const v = rows.filter((r) => r.method === m).map((r) => Number(r[k]));
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  const md = [
    '# All-in-focus composite vs best slice vs per-pixel local contrast',
    '',
    `Stacks: ${rows.length / methods.length} synthetic ${SLICES}-slice stacks, two real in-focus BBBC006 fields each (${dir.includes('shared') ? '../shared/data' : 'test/fixtures/images'}), in focus at slices 1 and 5, Gaussian defocus ${STEP_PX} px σ per slice, Poisson noise. BBBC006 is one of the model's training sources, so these fields are in distribution for the model: this compares ways of composing, not the model's accuracy on new microscopes. Made by \`npm run eval:composite\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'RMSE against the sharp, noise-free truth (in units of its standard deviation; the oracle row, each field from its own focal slice, is the floor the noise sets); score = our model\'s score of the result (lower = sharper); Tenengrad (higher = sharper); time in ms on this 2-core machine (ours includes measuring every slice).',
    '',
    '| method | RMSE vs truth | model score | Tenengrad | ms |',
    '| --- | --- | --- | --- | --- |',
    ...methods.map((m) => `| ${m} | ${mean(m, 'rmse').toFixed(3)} | ${mean(m, 'level').toFixed(2)} | ${mean(m, 'tenengrad').toExponential(2)} | ${Math.round(mean(m, 'ms'))} |`),
    '',
    'Per stack:',
    '',
    '| stack | method | RMSE | score | Tenengrad | ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.stack} | ${r.method} | ${Number(r.rmse).toFixed(3)} | ${Number(r.level).toFixed(2)} | ${Number(r.tenengrad).toExponential(2)} | ${r.ms} |`),
    '',
  ].join('\n');
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(root, 'reports', 'composite.md'), md);
  writeFileSync(join(root, 'reports', 'composite.json'), JSON.stringify(rows, null, 2) + '\n');
  console.log(md);
}

await main();
