/**
 * Deflate (zlib-wrapped, TIFF compressions 8 and 32946, PNG image data) into a caller-sized buffer, through fflate's
 * streaming decoder. fflate's one-shot `unzlibSync(src, { out })` keeps decoding past the end of `out` (dropping the
 * bytes but doing the work: up to ~1032× the input), so the input is fed in slices and decoding stops at the first
 * slice that fills the output; what that slice inflated past the end is reported as `excess`, for the caller's
 * per-file allowance (io/limits.ts). fflate: small, dependency-free, maintained, and already what fast-png (our PNG
 * decoder) uses; with slices of 1/8 of the output it runs at its one-shot speed (~8 ms for a 696×520 16-bit image).
 */
import { Unzlib } from 'fflate';

/** Input slice between checks: 1/8 of the output, within 16–256 KB (a slice inflates to at most ~1032× its size). */
const sliceFor = (outLength: number): number => Math.min(256 * 1024, Math.max(16 * 1024, Math.ceil(outLength / 8)));

class Full extends Error {}

export interface Inflated {
  /** Bytes written into `out` (less than its length when the data ends early). */
  readonly written: number;
  /** Bytes inflated beyond `out` before decoding stopped (data the header has no room for). */
  readonly excess: number;
}

export function inflateInto(src: Uint8Array, out: Uint8Array): Inflated {
  let o = 0;
  let excess = 0;
  const stream = new Unzlib((chunk) => {
    const n = Math.min(chunk.length, out.length - o);
    out.set(n === chunk.length ? chunk : chunk.subarray(0, n), o);
    o += n;
    excess += chunk.length - n;
    if (o >= out.length && excess > 0) throw new Full();
  });
  const slice = sliceFor(out.length);
  try {
    for (let i = 0; i < src.length; i += slice) {
      stream.push(src.subarray(i, i + slice), i + slice >= src.length);
      if (o >= out.length) break;
    }
  } catch (err) {
    if (err instanceof Full) return { written: o, excess };
    throw new Error(`corrupt deflate data (${(err as Error).message || 'unknown error'})`);
  }
  return { written: o, excess };
}
