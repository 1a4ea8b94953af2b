/**
 * Deflate (zlib-wrapped, TIFF compressions 8 and 32946) into a caller-sized buffer, through fflate's streaming
 * decoder. fflate's one-shot `unzlibSync(src, { out })` keeps decoding past the end of `out` (dropping the bytes but
 * doing the work: up to ~1000× the input), so the input is fed in slices and decoding stops as soon as the output is
 * full: a deflate bomb costs at most one slice's worth of extra work. fflate: small, dependency-free, maintained, and
 * already what fast-png (our PNG decoder) uses; as fast here as its one-shot call (~8 ms for a 696×520 16-bit image).
 */
import { Unzlib } from 'fflate';

/**
 * Input slice between checks, 1/64 of the output: deflate expands at most ~1032:1, so the work past a full output is
 * at most ~16× the output's size, never proportional to the (possibly huge) compressed data.
 */
const sliceFor = (outLength: number): number => Math.max(1024, Math.ceil(outLength / 64));

class Full extends Error {}

/** Decodes `src` into `out`; returns the bytes written (less than `out.length` when the data ends early). */
export function inflateInto(src: Uint8Array, out: Uint8Array): number {
  let o = 0;
  const stream = new Unzlib((chunk) => {
    const n = Math.min(chunk.length, out.length - o);
    out.set(n === chunk.length ? chunk : chunk.subarray(0, n), o);
    o += n;
    if (o >= out.length) throw new Full();
  });
  const slice = sliceFor(out.length);
  try {
    for (let i = 0; i < src.length; i += slice) stream.push(src.subarray(i, i + slice), i + slice >= src.length);
  } catch (err) {
    if (err instanceof Full) return o;
    throw new Error(`corrupt deflate data (${(err as Error).message || 'unknown error'})`);
  }
  return o;
}
