/** Choosing planes of a stack: which to measure, and which of the measured ones is the sharpest. */
import { ImageContentError } from './errors.js';
import type { SliceSelection } from './options.js';
import { bySeries } from './hyperstack.js';
import type { FocusResult } from './types.js';

/**
 * 0-based indices of the slices to measure for a stack of `count` slices. 'all' and 'best' measure every slice
 * (best is picked afterwards with `pickBestSlice`); 'current' measures `current` (default 0).
 */
export function selectSlices(count: number, selection: SliceSelection, current = 0): number[] {
  if (count <= 0) throw new ImageContentError('the stack is empty: it holds no image planes');
  if (selection === 'all' || selection === 'best') return Array.from({ length: count }, (_, i) => i);
  const index = selection === 'current' ? current : selection;
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new ImageContentError(`slice ${index} does not exist: the stack has ${count} slice(s), numbered from 0`);
  return [index];
}

/**
 * The sharpest result: lowest score (expected level); ties go to the higher certainty, then the lower slice. A result
 * without a finite score (no patches) is never preferred to one with a score. The one rule for every host.
 */
export function pickBestSlice<T extends Pick<FocusResult, 'score' | 'certainty' | 'slice'>>(results: readonly T[]): T {
  if (results.length === 0) throw new ImageContentError('no slices were measured');
  const better = (a: T, b: T): boolean => {
    const fa = Number.isFinite(a.score);
    const fb = Number.isFinite(b.score);
    if (fa !== fb) return fa;
    if (fa && a.score !== b.score) return a.score < b.score;
    if (a.certainty !== b.certainty) return a.certainty > b.certainty;
    return a.slice < b.slice;
  };
  let best = results[0]!;
  for (const r of results.slice(1)) if (better(r, best)) best = r;
  return best;
}

/** The sharpest result of each z-series (one for a plain stack; one per channel and frame of a hyperstack), in order. */
export function bestPerSeries<T extends Pick<FocusResult, 'score' | 'certainty' | 'slice' | 'position'>>(results: readonly T[]): T[] {
  return bySeries(results).map((series) => pickBestSlice(series));
}
