/**
 * Applies the protocol (eval/protocol.ts) to measured samples: per method, on the synthetic protocol set, the real
 * images and the gain-robustness set. Models are scored on their own absolute verdicts (no fitting) and also with a
 * fitted threshold; metrics only with thresholds / level maps fitted on a stratified 10% and measured on the 90%,
 * repeated over many seeded splits so the numbers do not hinge on one lucky draw.
 */
import type { Measurement } from './methods.js';
import {
  confusionMatrix, exactShare, fitLevelMap, fitThreshold, fScore, meanAndSd, seededRandom, spearman, stratifiedSplit, withinOneShare,
} from './protocol.js';
import type { SampleInfo } from './samples.js';

export interface MeasuredSample {
  readonly info: SampleInfo;
  readonly by: Readonly<Record<string, Measurement>>;
}

export interface Stat {
  readonly mean: number;
  readonly sd: number;
}

export interface ProtocolOptions {
  readonly levelCount: number;
  readonly fitShare: number;
  readonly splits: number;
  readonly seed: number;
}

export interface LevelResult {
  readonly method: string;
  readonly absolute: boolean;
  readonly n: number;
  readonly exact: Stat;
  readonly withinOne: Stat;
  readonly fFitted: Stat;
  readonly fAbsolute: number | undefined;
  /** ρ between the method's defocus score (−sharpness) and the true level. */
  readonly spearman: number;
  /** Rows = true level, normalised to sum 1 (pooled over the test sets of all splits for fitted methods). */
  readonly confusion: number[][];
}

const at = <T>(xs: readonly T[], idx: readonly number[]): T[] => idx.map((i) => xs[i]!);

function normaliseRows(m: number[][]): number[][] {
  return m.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s > 0 ? v / s : 0));
  });
}

export function levelProtocol(samples: readonly MeasuredSample[], method: string, o: ProtocolOptions, inFocusMaxLevel: number): LevelResult {
  const levels = samples.map((s) => s.info.level!);
  const truthIn = levels.map((l) => l <= inFocusMaxLevel);
  const ms = samples.map((s) => s.by[method]!);
  const sharp = ms.map((m) => m.sharpness);
  const rho = spearman(sharp.map((v) => -v), levels);
  const rnd = seededRandom(o.seed);
  const fFitted: number[] = [];
  const absolute = ms.every((m) => m.level !== undefined);
  const exact: number[] = [];
  const within: number[] = [];
  const pooled = Array.from({ length: o.levelCount }, () => Array<number>(o.levelCount).fill(0));
  for (let s = 0; s < o.splits; s++) {
    const { fit, test } = stratifiedSplit(levels, o.fitShare, rnd);
    const t = fitThreshold(at(sharp, fit), at(truthIn, fit));
    fFitted.push(fScore(at(truthIn, test), at(sharp, test).map((v) => v >= t)));
    if (!absolute) {
      const map = fitLevelMap(at(sharp, fit), at(levels, fit), o.levelCount);
      const pred = at(sharp, test).map(map);
      const truth = at(levels, test);
      exact.push(exactShare(truth, pred));
      within.push(withinOneShare(truth, pred));
      confusionMatrix(truth, pred, o.levelCount).forEach((row, i) => row.forEach((v, j) => (pooled[i]![j]! += v)));
    }
  }
  if (absolute) {
    const pred = ms.map((m) => m.level!);
    exact.push(exactShare(levels, pred));
    within.push(withinOneShare(levels, pred));
    confusionMatrix(levels, pred, o.levelCount).forEach((row, i) => row.forEach((v, j) => (pooled[i]![j]! += v)));
  }
  return {
    method,
    absolute,
    n: samples.length,
    exact: meanAndSd(exact),
    withinOne: meanAndSd(within),
    fFitted: meanAndSd(fFitted),
    fAbsolute: absolute ? fScore(truthIn, ms.map((m) => m.inFocus!)) : undefined,
    spearman: rho,
    confusion: normaliseRows(pooled),
  };
}

export interface BinaryResult {
  readonly method: string;
  readonly n: number;
  readonly fFitted: Stat;
  readonly fAbsolute: number | undefined;
  /** The model's absolute F on images it never saw in training (a05, a06 in focus; all MCF-7). */
  readonly fAbsoluteHeldOut: number | undefined;
}

export function binaryProtocol(samples: readonly MeasuredSample[], method: string, o: ProtocolOptions): BinaryResult {
  const truth = samples.map((s) => s.info.inFocus);
  const ms = samples.map((s) => s.by[method]!);
  const sharp = ms.map((m) => m.sharpness);
  const rnd = seededRandom(o.seed);
  const f: number[] = [];
  for (let s = 0; s < o.splits; s++) {
    const { fit, test } = stratifiedSplit(truth.map(String), o.fitShare, rnd);
    const t = fitThreshold(at(sharp, fit), at(truth, fit));
    f.push(fScore(at(truth, test), at(sharp, test).map((v) => v >= t)));
  }
  const absolute = ms.every((m) => m.inFocus !== undefined);
  const held = samples.map((s, i) => (s.info.seenInTraining ? -1 : i)).filter((i) => i >= 0);
  return {
    method,
    n: samples.length,
    fFitted: meanAndSd(f),
    fAbsolute: absolute ? fScore(truth, ms.map((m) => m.inFocus!)) : undefined,
    fAbsoluteHeldOut: absolute ? fScore(at(truth, held), at(ms, held).map((m) => m.inFocus!)) : undefined,
  };
}

export interface RobustnessResult {
  readonly method: string;
  readonly gains: number[];
  /** Per gain: within-±1 share and binary F (mean over splits for fitted methods). */
  readonly withinOne: number[];
  readonly f: number[];
}

/**
 * Mappings are fitted at gain 1 only (on a stratified 10% of the field×level keys) and applied unchanged at every
 * gain, on the keys left out: what happens when a threshold tuned on one day's brightness meets another day's.
 */
export function robustnessProtocol(samples: readonly MeasuredSample[], method: string, o: ProtocolOptions, inFocusMaxLevel: number): RobustnessResult {
  const gains = [...new Set(samples.map((s) => s.info.gain!))].sort((a, b) => a - b);
  const key = (s: MeasuredSample): string => `${s.info.field}|${s.info.level}`;
  const base = samples.filter((s) => s.info.gain === 1);
  if (base.length === 0) throw new Error('robustness set has no gain-1 images to fit on');
  const absolute = samples.every((s) => s.by[method]!.level !== undefined);
  const within = gains.map(() => [] as number[]);
  const fs = gains.map(() => [] as number[]);
  const rnd = seededRandom(o.seed);
  for (let s = 0; s < (absolute ? 1 : o.splits); s++) {
    let fitKeys = new Set<string>();
    let map = (_: number): number => 0;
    let threshold = 0;
    if (!absolute) {
      const { fit } = stratifiedSplit(base.map((b) => b.info.level!), o.fitShare, rnd);
      fitKeys = new Set(fit.map((i) => key(base[i]!)));
      const fitSamples = fit.map((i) => base[i]!);
      const sharp = fitSamples.map((b) => b.by[method]!.sharpness);
      map = fitLevelMap(sharp, fitSamples.map((b) => b.info.level!), o.levelCount);
      threshold = fitThreshold(sharp, fitSamples.map((b) => b.info.level! <= inFocusMaxLevel));
    }
    gains.forEach((g, gi) => {
      const test = samples.filter((x) => x.info.gain === g && !fitKeys.has(key(x)));
      const truth = test.map((x) => x.info.level!);
      const m = test.map((x) => x.by[method]!);
      const pred = absolute ? m.map((x) => x.level!) : m.map((x) => map(x.sharpness));
      const predIn = absolute ? m.map((x) => x.inFocus!) : m.map((x) => x.sharpness >= threshold);
      within[gi]!.push(withinOneShare(truth, pred));
      fs[gi]!.push(fScore(truth.map((l) => l <= inFocusMaxLevel), predIn));
    });
  }
  return { method, gains, withinOne: within.map((v) => meanAndSd(v).mean), f: fs.map((v) => meanAndSd(v).mean) };
}
