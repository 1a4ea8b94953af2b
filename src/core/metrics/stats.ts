/** Small numeric helpers shared by the metrics: mean, population variance, median by selection, least-squares slope. */

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Population variance (divides by n, as numpy's default `var`), two-pass for accuracy on 16-bit counts. */
export function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - m;
    s += d * d;
  }
  return s / values.length;
}

/**
 * Median as numpy defines it (mean of the two middle values for even n). Reorders `work` in place:
 * pass a scratch copy. Quickselect keeps a 2048² image at O(n) instead of a full sort.
 */
export function medianInPlace(work: Float64Array): number {
  const n = work.length;
  if (n === 0) return NaN;
  const k = (n - 1) >> 1;
  select(work, k);
  const lower = work[k]!;
  if (n % 2 === 1) return lower;
  // After selecting k, everything right of k is ≥ work[k]; the (k+1)-th order statistic is their minimum.
  let upper = Infinity;
  for (let i = k + 1; i < n; i++) if (work[i]! < upper) upper = work[i]!;
  return (lower + upper) / 2;
}

function select(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median-of-three pivot avoids the quadratic case on sorted input (flat backgrounds are common).
    const mid = (lo + hi) >> 1;
    const p = median3(a[lo]!, a[mid]!, a[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < p) i++;
      while (a[j]! > p) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function median3(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

/** Slope of the ordinary least-squares line y = a·x + b. */
export function leastSquaresSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    sxy += dx * (y[i]! - my);
    sxx += dx * dx;
  }
  return sxy / sxx;
}

/**
 * median(|x − centre|) over all samples. 8/16-bit integer images take a histogram path, O(n + 65536), that
 * avoids copying and selecting over millions of doubles; other storage is copied and selected.
 */
export function medianAbsDeviation(data: ArrayLike<number>, centre: number): number {
  const n = data.length;
  if (n === 0) return NaN;
  if (!(data instanceof Uint8Array || data instanceof Uint16Array)) {
    const dev = new Float64Array(n);
    for (let i = 0; i < n; i++) dev[i] = Math.abs(data[i]! - centre);
    return medianInPlace(dev);
  }
  const counts = new Uint32Array(data instanceof Uint8Array ? 256 : 65536);
  for (let i = 0; i < n; i++) counts[data[i]!]!++;
  // Distances grow outwards from the centre on both sides: merge the two runs in order of distance and stop
  // at the middle rank(s), as numpy's median does (mean of the two middle values for even n).
  const k = (n - 1) >> 1;
  const needed = n % 2 === 1 ? [k] : [k, k + 1];
  const found: number[] = [];
  let lo = Math.min(counts.length - 1, Math.floor(centre));
  let hi = lo + 1;
  let seen = 0;
  while (found.length < needed.length) {
    while (lo >= 0 && counts[lo] === 0) lo--;
    while (hi < counts.length && counts[hi] === 0) hi++;
    const dLo = lo >= 0 ? centre - lo : Infinity;
    const dHi = hi < counts.length ? hi - centre : Infinity;
    const takeLo = dLo <= dHi;
    const d = takeLo ? dLo : dHi;
    const c = counts[takeLo ? lo : hi]!;
    while (found.length < needed.length && needed[found.length]! < seen + c) found.push(d);
    seen += c;
    if (takeLo) lo--;
    else hi++;
  }
  return found.length === 1 ? found[0]! : (found[0]! + found[1]!) / 2;
}
