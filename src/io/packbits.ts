/**
 * PackBits decoding (TIFF 6.0 section 9): a header byte n, then n+1 literal bytes (0 ≤ n ≤ 127) or one byte repeated
 * 257−n times (129 ≤ n ≤ 255); 128 is a no-op. Bounded by the caller's output buffer, like io/lzw.ts.
 */

/** Decodes `src` into `out`; returns the bytes written (less than `out.length` when the data ends early). */
export function decodePackBits(src: Uint8Array, out: Uint8Array): number {
  const inLen = src.length;
  const outLen = out.length;
  let i = 0;
  let o = 0;
  while (i < inLen && o < outLen) {
    const h = src[i++]!;
    if (h < 128) {
      const n = Math.min(h + 1, inLen - i, outLen - o);
      out.set(src.subarray(i, i + n), o);
      i += h + 1;
      o += n;
    } else if (h > 128) {
      if (i >= inLen) break;
      const n = Math.min(257 - h, outLen - o);
      out.fill(src[i++]!, o, o + n);
      o += n;
    }
  }
  return o;
}
