/**
 * The statistics of the paper's evaluation protocol (Yang et al. 2018, after Bray et al. 2012), pure and seeded:
 * stratified 10% / 90% splits, F-score with a threshold fitted on the 10%, monotone level cuts for methods that
 * give a score rather than a level, confusion matrices, within-±1 share and Spearman's rank correlation.
 *
 * Convention: a method's `sharpness` is oriented so that higher = sharper (metrics as they are, the model's
 * expected level negated). "Positive" in the F-score is "in focus".
 */

/** mulberry32: small, fast, seedable; splits reproduce exactly from the seed in the report. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], rnd: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export interface Split {
  readonly fit: number[];
  readonly test: number[];
}

/**
 * Indices split per stratum (class or level): `share` of each stratum, rounded, at least one, go to `fit`.
 * Stratifying keeps every class in the small fit set, without which no threshold between them can be fitted.
 */
export function stratifiedSplit(strata: readonly (string | number)[], share: number, rnd: () => number): Split {
  const groups = new Map<string | number, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const fit: number[] = [];
  const test: number[] = [];
  for (const key of [...groups.keys()].sort()) {
    const idx = shuffle([...groups.get(key)!], rnd);
    const k = Math.min(idx.length - 1, Math.max(1, Math.round(share * idx.length)));
    fit.push(...idx.slice(0, k));
    test.push(...idx.slice(k));
  }
  return { fit: fit.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** F1 of the positive class (in focus): 2·TP / (2·TP + FP + FN); 0 when there is nothing to find and nothing found. */
export function fScore(truth: readonly boolean[], predicted: readonly boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/**
 * The threshold t maximising F on the given samples, predicting "in focus" for sharpness ≥ t. Candidates are the
 * midpoints between consecutive distinct values plus one beyond each end; ties go to the lowest threshold.
 */
export function fitThreshold(sharpness: readonly number[], inFocus: readonly boolean[]): number {
  const sorted = [...new Set(sharpness)].sort((a, b) => a - b);
  const candidates = [sorted[0]! - 1];
  for (let i = 1; i < sorted.length; i++) candidates.push((sorted[i - 1]! + sorted[i]!) / 2);
  candidates.push(sorted[sorted.length - 1]! + 1);
  let best = candidates[0]!;
  let bestF = -1;
  for (const t of candidates) {
    const f = fScore(inFocus, sharpness.map((v) => v >= t));
    if (f > bestF) {
      bestF = f;
      best = t;
    }
  }
  return best;
}

/** Pool-adjacent-violators: the non-increasing sequence closest (least squares, weighted) to `values`. */
export function nonIncreasing(values: readonly number[], weights: readonly number[]): number[] {
  const blocks: { value: number; weight: number; count: number }[] = [];
  values.forEach((v, i) => {
    blocks.push({ value: v, weight: weights[i]!, count: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.value < blocks[blocks.length - 1]!.value) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      const weight = a.weight + b.weight;
      blocks.push({ value: (a.value * a.weight + b.value * b.weight) / weight, weight, count: a.count + b.count });
    }
  });
  return blocks.flatMap((b) => Array<number>(b.count).fill(b.value));
}

/**
 * A monotone map from sharpness to level, fitted on labelled samples: the median sharpness of each level
 * (levels without samples interpolated from their neighbours), made non-increasing with level, then each value
 * goes to the level whose median is nearest (ties: the middle of the tied levels).
 */
export function fitLevelMap(sharpness: readonly number[], levels: readonly number[], levelCount: number): (value: number) => number {
  const medians: (number | undefined)[] = [];
  const counts: number[] = [];
  for (let k = 0; k < levelCount; k++) {
    const vs = sharpness.filter((_, i) => levels[i] === k).sort((a, b) => a - b);
    counts.push(vs.length);
    medians.push(vs.length === 0 ? undefined : vs.length % 2 ? vs[(vs.length - 1) / 2]! : (vs[vs.length / 2 - 1]! + vs[vs.length / 2]!) / 2);
  }
  const known = medians.map((m, k) => (m === undefined ? -1 : k)).filter((k) => k >= 0);
  if (known.length === 0) throw new Error('fitLevelMap: no labelled samples');
  const filled = medians.map((m, k) => {
    if (m !== undefined) return m;
    const lo = [...known].reverse().find((j) => j < k);
    const hi = known.find((j) => j > k);
    if (lo === undefined) return medians[hi!]!;
    if (hi === undefined) return medians[lo]!;
    return medians[lo]! + ((medians[hi]! - medians[lo]!) * (k - lo)) / (hi - lo);
  });
  const centres = nonIncreasing(filled, counts.map((c) => Math.max(c, 0.5)));
  return (value: number) => {
    let bestD = Infinity;
    let tied: number[] = [];
    centres.forEach((c, k) => {
      const d = Math.abs(value - c);
      if (d < bestD - 1e-12 * Math.abs(c)) {
        bestD = d;
        tied = [k];
      } else if (Math.abs(d - bestD) <= 1e-12 * Math.abs(c)) tied.push(k);
    });
    return tied[Math.floor((tied.length - 1) / 2)]!;
  };
}

/** Rows = true level, columns = predicted level. */
export function confusionMatrix(truth: readonly number[], predicted: readonly number[], levelCount: number): number[][] {
  const m = Array.from({ length: levelCount }, () => Array<number>(levelCount).fill(0));
  truth.forEach((t, i) => m[t]![predicted[i]!]!++);
  return m;
}

export function withinOneShare(truth: readonly number[], predicted: readonly number[]): number {
  return truth.filter((t, i) => Math.abs(t - predicted[i]!) <= 1).length / truth.length;
}

export function exactShare(truth: readonly number[], predicted: readonly number[]): number {
  return truth.filter((t, i) => t === predicted[i]).length / truth.length;
}

/** Ranks 1…n, ties given their average rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's ρ: Pearson correlation of the (tie-averaged) ranks; NaN when either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i]! - ma) * (rb[i]! - mb);
    saa += (ra[i]! - ma) ** 2;
    sbb += (rb[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}
