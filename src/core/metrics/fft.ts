/**
 * In-place complex FFT of any length, in double precision, for the power spectrum behind PLLS.
 * Powers of two use an iterative radix-2 transform; other lengths (696, 520, 84 …) use Bluestein's chirp-z
 * algorithm on top of it, so every size costs O(n log n). Plans are cached per length because a 2-D
 * transform calls the same length thousands of times.
 *
 * Forward transform, no scaling: X_k = Σ_j x_j · exp(−2πi·jk/n), as numpy.fft.fft.
 */

export type FftPlan = (re: Float64Array, im: Float64Array) => void;

const plans = new Map<number, FftPlan>();

/** Returns the cached forward-transform function for length `n` (n ≥ 1). */
export function fftPlan(n: number): FftPlan {
  let plan = plans.get(n);
  if (!plan) {
    plan = isPowerOfTwo(n) ? radix2Plan(n) : bluesteinPlan(n);
    plans.set(n, plan);
  }
  return plan;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function radix2Plan(n: number): FftPlan {
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  const rev = new Uint32Array(n);
  const bits = Math.log2(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  return (re, im) => {
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        let t = re[i]!;
        re[i] = re[j]!;
        re[j] = t;
        t = im[i]!;
        im[i] = im[j]!;
        im[j] = t;
      }
    }
    for (let size = 2; size <= n; size <<= 1) {
      const h = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0, t = 0; k < h; k++, t += step) {
          const a = start + k;
          const b = a + h;
          const wr = cos[t]!;
          const wi = sin[t]!;
          const xr = re[b]! * wr - im[b]! * wi;
          const xi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
      }
    }
  };
}

function bluesteinPlan(n: number): FftPlan {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const inner = radix2Plan(m);
  // Chirp w_k = exp(−iπk²/n); k² is reduced mod 2n first so the angle stays accurate for large k.
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(angle);
    wi[k] = -Math.sin(angle);
  }
  // Transform of the conjugate chirp, laid out circularly, computed once per length.
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = wr[0]!;
  bi[0] = -wi[0]!;
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = wr[k]!;
    bi[k] = bi[m - k] = -wi[k]!;
  }
  inner(br, bi);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return (re, im) => {
    ar.fill(0);
    ai.fill(0);
    for (let k = 0; k < n; k++) {
      ar[k] = re[k]! * wr[k]! - im[k]! * wi[k]!;
      ai[k] = re[k]! * wi[k]! + im[k]! * wr[k]!;
    }
    inner(ar, ai);
    // Pointwise product, conjugated so the same forward transform performs the inverse.
    for (let k = 0; k < m; k++) {
      const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
      const i = ar[k]! * bi[k]! + ai[k]! * br[k]!;
      ar[k] = r;
      ai[k] = -i;
    }
    inner(ar, ai);
    for (let k = 0; k < n; k++) {
      const cr = ar[k]! / m;
      const ci = -ai[k]! / m;
      re[k] = cr * wr[k]! - ci * wi[k]!;
      im[k] = cr * wi[k]! + ci * wr[k]!;
    }
  };
}
