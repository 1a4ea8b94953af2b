/**
 * Undoing TIFF predictors on one decoded strip or tile (TIFF 6.0 section 14; Adobe TIFF Technical Note 3 for the
 * floating-point one), row by row: `width` is the strip's or tile's row length in pixels, `spp` the samples per pixel
 * stored together (1 for planar data).
 */

type IntArray = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array;

/** Predictor 2: each sample was stored as the difference to the same sample of the previous pixel (wrapping). */
export function undoHorizontal(samples: IntArray, width: number, spp: number): void {
  const row = width * spp;
  for (let r = 0; r + row <= samples.length; r += row) {
    for (let i = r + spp, end = r + row; i < end; i++) samples[i] = samples[i]! + samples[i - spp]!;
  }
}

/**
 * Predictor 3: each row holds the bytes of its samples split into planes (most significant byte first), and those
 * bytes were differenced like predictor 2. Restores the samples as little-endian bytes in place (`le` = write
 * little-endian), as libtiff's fpAcc does for the host's order.
 */
export function undoFloatingPoint(bytes: Uint8Array, width: number, spp: number, bytesPerSample: number, le: boolean): void {
  const rowBytes = width * spp * bytesPerSample;
  const n = width * spp;
  const tmp = new Uint8Array(rowBytes);
  for (let r = 0; r + rowBytes <= bytes.length; r += rowBytes) {
    for (let i = r + spp, end = r + rowBytes; i < end; i++) bytes[i] = (bytes[i]! + bytes[i - spp]!) & 0xff;
    tmp.set(bytes.subarray(r, r + rowBytes));
    for (let k = 0; k < n; k++) {
      for (let b = 0; b < bytesPerSample; b++) {
        // Plane b holds byte b of every sample, most significant first.
        bytes[r + k * bytesPerSample + (le ? bytesPerSample - 1 - b : b)] = tmp[b * n + k]!;
      }
    }
  }
}

/** Reverses the byte order of every `size`-byte sample in place (file order → host order). */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 2) {
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const t = bytes[i]!;
      bytes[i] = bytes[i + 1]!;
      bytes[i + 1] = t;
    }
    return;
  }
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
