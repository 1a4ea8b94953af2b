/**
 * TIFF LZW decoding (TIFF 6.0 section 13: codes MSB-first, 9 to 12 bits, Clear = 256, EndOfInformation = 257, the
 * code width growing one code early as libtiff writes it). A table entry is a (start, length) pair pointing at the
 * bytes it already produced in the output: every LZW string is the previous string plus one byte, and the previous
 * string is still sitting in the output right before its successor, so nothing is copied into a table. The output
 * is a caller-sized buffer (the bytes the strip must yield, known from the header): the decoder never allocates and
 * never writes past it, so crafted data cannot inflate beyond rows × width × bytes. Work is linear in input + output.
 */

const CLEAR = 256;
const EOI = 257;
const FIRST = 258;
const TABLE = 4096;

/** Decodes `src` into `out`; returns the bytes written (less than `out.length` when the data ends early). */
export function decodeLzw(src: Uint8Array, out: Uint8Array): number {
  const starts = new Int32Array(TABLE);
  const lengths = new Int32Array(TABLE);
  const outLen = out.length;
  const inLen = src.length;
  let next = FIRST;
  let width = 9;
  let mask = 511;
  let prevStart = -1;
  let prevLen = 0;
  let pos = 0;
  // Bit reader: `bits` holds `nbits` unread bits (at most 12 + 15 < 31, so it never overflows an int).
  let bits = 0;
  let nbits = 0;
  let p = 0;
  while (pos < outLen) {
    if (nbits < width) {
      if (p + 1 < inLen) {
        bits = (bits << 16) | (src[p]! << 8) | src[p + 1]!;
        p += 2;
        nbits += 16;
      } else if (p < inLen) {
        bits = (bits << 8) | src[p++]!;
        nbits += 8;
        if (nbits < width) return pos;
      } else return pos;
    }
    nbits -= width;
    const code = (bits >>> nbits) & mask;
    bits &= (1 << nbits) - 1;
    if (code === CLEAR) {
      next = FIRST;
      width = 9;
      mask = 511;
      prevStart = -1;
      continue;
    }
    if (code === EOI) break;
    let start: number;
    let len: number;
    if (code < 256) {
      out[pos] = code;
      start = pos;
      len = 1;
    } else {
      if (code < next && prevStart >= 0) {
        start = starts[code]!;
        len = lengths[code]!;
      } else if (code === next && prevStart >= 0) {
        // The string being defined right now (KwKwK): the previous string plus its own first byte.
        start = prevStart;
        len = prevLen + 1;
      } else throw new Error(`corrupt LZW data (code ${code} where the table has ${next} entries)`);
      const n = len < outLen - pos ? len : outLen - pos;
      // Forward byte copy: in the KwKwK case the source overlaps the destination by one byte, which a forward copy
      // reads after writing it, as the algorithm requires.
      if (n > 32 && start + n <= pos) out.copyWithin(pos, start, start + n);
      else for (let k = 0; k < n; k++) out[pos + k] = out[start + k]!;
    }
    if (prevStart >= 0 && next < TABLE) {
      starts[next] = prevStart;
      lengths[next] = prevLen + 1;
      next++;
      if (next >= mask && width < 12) {
        width++;
        mask = (1 << width) - 1;
      }
    }
    prevStart = pos;
    prevLen = len;
    pos += len;
  }
  return pos < outLen ? pos : outLen;
}
