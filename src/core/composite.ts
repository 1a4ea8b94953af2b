/**
 * All-in-focus composite ("extended depth of field") of a z-stack from the model's per-patch verdicts.
 *
 * For every patch position the slices are weighed by a soft arg-min of their patch score (expected defocus level,
 * lower = sharper): weight ∝ exp(−(score − lowest)/softness). A patch whose score hardly changes through the stack
 * (background: score ≈ 5.5 at certainty ≈ 0.05 whatever the focus) says nothing about depth, so it follows the stack's
 * sharpest slice overall (`pickBestSlice`) instead of a random one; between the two, the spread of the patch's scores
 * over the slices decides (a ramp from `evidence[0]` to `evidence[1]` levels). The spread, not the certainty: a patch
 * of sparse or dim content can be uncertain in every slice and still rise by four levels from its sharp slice. Weights below `cutoff` of a patch's largest are dropped,
 * so a slice that is clearly sharpest is copied exactly rather than mixed with faint copies of blurred ones.
 *
 * Per-pixel weights are interpolated bilinearly between patch centres, each patch's weights counted in proportion to
 * its evidence (a normalised convolution, floor `minVote`): a small in-focus object next to background keeps its own
 * slice up to the background patch's centre instead of being half-mixed with the background's choice, and weights still
 * sum to 1 at every pixel. Smooth weights leave no seams at patch borders, as one slice per patch would.
 * Pure: typed arrays in, typed arrays out.
 */
import { ImageContentError } from './errors.js';
import { alongAxis, bySeries, filterText, passes, stackAxis, type PlaneFilter } from './hyperstack.js';
import { pickBestSlice } from './slices.js';
import type { FocusResult, GrayImage, PatchScore } from './types.js';

export interface CompositeOptions extends PlaneFilter {
  /** Softness of the per-patch choice, in levels (default 0.2: a slice one level blurrier gets e^−5 ≈ 0.7 % weight, then dropped). */
  readonly softness?: number;
  /** Weights below this share of a patch's largest weight are dropped (default 0.05: slices ≥ 0.6 levels blurrier than the sharpest). */
  readonly cutoff?: number;
  /** Score spread (levels, max − min over the slices) below which a patch follows the best slice, and above which its own choice. */
  readonly evidence?: readonly [number, number];
  /** Vote of a patch with no depth evidence relative to one with full evidence, when weights are interpolated (default 0.2). */
  readonly minVote?: number;
  // From PlaneFilter: `channel` / `frame` (0-based) choose the z-series of a hyperstack to compose; one is needed when
  // the measured slices span several (an all-in-focus image never blends two channels).
}

export interface Composite {
  /** The all-in-focus image: same size and bit depth as the slices. */
  readonly image: GrayImage;
  /** Per pixel, the 0-based index of the slice with the largest weight (16-bit); in a hyperstack its z (its frame in a time series without z). */
  readonly depth: GrayImage;
  /** The stack's sharpest slice overall, which low-evidence patches follow. */
  readonly bestSlice: number;
  /** Share of the image's pixels whose largest weight is each slice, by 0-based slice index (a hyperstack's: by z, or frame). */
  readonly share: readonly number[];
  readonly notes: readonly string[];
}

export const DEFAULT_COMPOSITE: Required<Omit<CompositeOptions, keyof PlaneFilter>> = Object.freeze({ softness: 0.2, cutoff: 0.05, evidence: [0.5, 1.5] as const, minVote: 0.2 });

const expectedLevel = (p: PatchScore): number => p.probs.reduce((sum, v, k) => sum + v * k, 0);

/** Sorted distinct patch centres along one axis. */
function centres(patches: readonly PatchScore[], axis: 'x' | 'y'): number[] {
  const size = axis === 'x' ? 'w' : 'h';
  return [...new Set(patches.map((p) => p[axis] + p[size] / 2))].sort((a, b) => a - b);
}

/** For each pixel coordinate 0…n−1: the lower centre's index and the weight of the next one (clamped at the ends). */
function interpolation(n: number, c: readonly number[]): { index: Int32Array; t: Float32Array } {
  const index = new Int32Array(n);
  const t = new Float32Array(n);
  let i = 0;
  for (let x = 0; x < n; x++) {
    const px = x + 0.5;
    while (i < c.length - 2 && px >= c[i + 1]!) i++;
    index[x] = i;
    t[x] = c.length === 1 ? 0 : Math.min(1, Math.max(0, (px - c[i]!) / (c[i + 1]! - c[i]!)));
  }
  return { index, t };
}

function ramp(v: number, [lo, hi]: readonly [number, number]): number {
  return hi <= lo ? (v >= hi ? 1 : 0) : Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
}

/**
 * Composes the slices named by `results` (each result's `slice` indexes `planes`; all must have patches on one grid).
 * One result → that slice, unchanged, with a note.
 */
export function composeAllInFocus(planes: readonly GrayImage[], measured: readonly FocusResult[], options: CompositeOptions = {}): Composite {
  const { softness, cutoff, evidence, minVote } = { ...DEFAULT_COMPOSITE, ...options };
  // A hyperstack's `channel` / `frame` option picks the z-series to compose; a plain stack is one series.
  const asked = filterText(options);
  const results = measured.filter((r) => passes(r.position, options));
  if (results.length === 0) throw new ImageContentError(asked ? `no measured slices of ${asked} to compose` : 'no measured slices to compose');
  const axis = stackAxis(results);
  if (bySeries(results).length > 1) {
    const channels = new Set(results.map((r) => r.position?.channel)).size;
    const frames = axis === 'z' ? new Set(results.map((r) => r.position?.frame)).size : 1;
    const what = [channels > 1 ? `${channels} channels` : '', frames > 1 ? `${frames} frames` : ''].filter(Boolean).join(' and ');
    throw new ImageContentError(`the slices come from ${what}: an all-in-focus image is composed from the z-slices of one channel and frame (choose them)`);
  }
  const first = planes[results[0]!.slice];
  if (!first) throw new ImageContentError(`slice ${results[0]!.slice} is not in the stack`);
  const { width, height, bitDepth } = first;
  for (const r of results) {
    const p = planes[r.slice];
    if (!p) throw new ImageContentError(`slice ${r.slice} is not in the stack`);
    if (p.width !== width || p.height !== height) throw new ImageContentError(`slices differ in size (${p.width}×${p.height} and ${width}×${height}): cannot compose`);
    if (p.bitDepth !== bitDepth) throw new ImageContentError(`slices differ in bit depth (${p.bitDepth} and ${bitDepth}): cannot compose`);
    if (r.patches.length !== results[0]!.patches.length) throw new ImageContentError('slices were measured on different patch grids: cannot compose');
  }
  const best = pickBestSlice(results);
  const bestIndex = results.indexOf(best);
  const S = results.length;
  const patches0 = results[0]!.patches;
  const cx = centres(patches0, 'x');
  const cy = centres(patches0, 'y');
  const nx = cx.length;
  // Per-patch weights times the patch's vote, [slice][gy * nx + gx]; the votes alone in `votes`.
  const grid = Array.from({ length: S }, () => new Float32Array(nx * cy.length));
  const votes = new Float32Array(nx * cy.length);
  patches0.forEach((p, k) => {
    const gx = cx.indexOf(p.x + p.w / 2);
    const gy = cy.indexOf(p.y + p.h / 2);
    const scores = results.map((r) => expectedLevel(r.patches[k]!));
    const lowest = Math.min(...scores);
    const own = scores.map((s) => Math.exp(-(s - lowest) / softness));
    const ownSum = own.reduce((a, b) => a + b, 0);
    const alpha = ramp(Math.max(...scores) - lowest, evidence);
    const w = own.map((v, s) => alpha * (v / ownSum) + (s === bestIndex ? 1 - alpha : 0));
    const top = Math.max(...w);
    const kept = w.map((v) => (v >= cutoff * top ? v : 0));
    const sum = kept.reduce((a, b) => a + b, 0);
    const vote = Math.max(alpha, minVote);
    votes[gy * nx + gx] = vote;
    kept.forEach((v, s) => (grid[s]![gy * nx + gx] = (vote * v) / sum));
  });
  const ix = interpolation(width, cx);
  const iy = interpolation(height, cy);
  // Bilinear interpolation, separable: blend the two grid rows around y once per row, then across x per pixel.
  const rowBuf = new Float32Array(nx);
  const blendRows = (g: Float32Array, y: number): Float32Array => {
    const j0 = iy.index[y]!;
    const j1 = Math.min(j0 + 1, cy.length - 1);
    const ty = iy.t[y]!;
    for (let i = 0; i < nx; i++) rowBuf[i] = (1 - ty) * g[j0 * nx + i]! + ty * g[j1 * nx + i]!;
    return rowBuf;
  };
  const across = (row: Float32Array, x: number): number => {
    const i0 = ix.index[x]!;
    const tx = ix.t[x]!;
    return (1 - tx) * row[i0]! + tx * row[Math.min(i0 + 1, nx - 1)]!;
  };
  const norm = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = blendRows(votes, y);
    for (let x = 0; x < width; x++) norm[y * width + x] = 1 / across(row, x);
  }
  const acc = new Float64Array(width * height);
  const topWeight = new Float32Array(width * height);
  const depth = new Uint16Array(width * height);
  for (let s = 0; s < S; s++) {
    const g = grid[s]!;
    if (!g.some((v) => v > 0)) continue;
    const data = planes[results[s]!.slice]!.data;
    const slice = alongAxis(results[s]!, axis);
    for (let y = 0; y < height; y++) {
      const row = blendRows(g, y);
      for (let x = 0; x < width; x++) {
        const o = y * width + x;
        const w = across(row, x) * norm[o]!;
        if (w <= 0) continue;
        acc[o]! += w * data[o]!;
        if (w > topWeight[o]!) {
          topWeight[o] = w;
          depth[o] = slice;
        }
      }
    }
  }
  const out = bitDepth === 8 ? new Uint8Array(acc.length) : bitDepth === 16 ? new Uint16Array(acc.length) : new Float32Array(acc.length);
  const max = bitDepth === 8 ? 255 : 65535;
  for (let o = 0; o < acc.length; o++) out[o] = bitDepth === 32 ? acc[o]! : Math.min(max, Math.max(0, Math.round(acc[o]!)));
  const counts = new Map<number, number>();
  for (const d of depth) counts.set(d, (counts.get(d) ?? 0) + 1);
  const share = Array.from({ length: axis === 'slice' ? planes.length : Math.max(...results.map((r) => alongAxis(r, axis))) + 1 }, (_, s) => (counts.get(s) ?? 0) / depth.length);
  const notes = S === 1 ? [`only one slice was measured (slice ${best.slice}): the composite is that slice`] : [];
  const pixelSize = first.pixelSize ? { pixelSize: first.pixelSize } : {};
  return {
    image: { data: out, width, height, bitDepth, ...pixelSize },
    depth: { data: depth, width, height, bitDepth: 16, ...pixelSize },
    bestSlice: best.slice,
    share,
    notes,
  };
}
