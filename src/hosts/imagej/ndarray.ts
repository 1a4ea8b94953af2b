/**
 * One plane as ImageJ.JS's `getImage` hands it out → a grayscale plane. ImageJ.JS sends the processor's pixel array:
 * `[h, w, 1]` uint8/uint16/float32 for grey images, `[h, w, 4]` uint8 for RGB (Java ARGB ints read byte by byte), as an
 * ImJoy ndarray `{_rtype: "ndarray", _rvalue, _rshape, _rdtype}`. RGB becomes luminance with the weights and rounding
 * the CLI uses for an RGB file (io/luminance.ts), once R, G and B are found in the 4 bytes (see rgb.ts).
 */
import { ImageFormatError } from '../../core/errors.js';
import type { GrayImage } from '../../core/types.js';
import { toImageStack, type ImJoyNdArray } from '../../image-input.js';
import { interleavedToLuminance } from '../../io/luminance.js';

/** Byte offsets of red, green and blue within the 4 bytes of an RGB pixel. */
export interface RgbLayout {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export function isNdArray(v: unknown): v is ImJoyNdArray {
  return typeof v === 'object' && v !== null && (v as { _rtype?: unknown })._rtype === 'ndarray';
}

/** The bytes of an ndarray, however the RPC delivered them (ArrayBuffer or a view). */
export function ndarrayBytes(nd: ImJoyNdArray): Uint8Array {
  const v = nd._rvalue;
  return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
}

/** R, G, B of every pixel, interleaved, from 4-byte pixels laid out as `rgb` says. */
export function rgbSamples(bytes: Uint8Array, rgb: RgbLayout): Uint8Array {
  const n = bytes.length >> 2;
  const out = new Uint8Array(3 * n);
  for (let i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3) {
    out[d] = bytes[s + rgb.r]!;
    out[d + 1] = bytes[s + rgb.g]!;
    out[d + 2] = bytes[s + rgb.b]!;
  }
  return out;
}

/**
 * Reads one plane of a `width`×`height` image. An RGB plane needs `rgb` (where the colours sit); it is measured as
 * its luminance and `warning` says so. Anything else ImageJ.JS would not send is an ImageFormatError naming `source`.
 */
export function planeFromImageJ(value: unknown, width: number, height: number, source: string, rgb?: RgbLayout): { plane: GrayImage; warning?: string } {
  if (!isNdArray(value)) throw new ImageFormatError('ImageJ did not return the image pixels', { file: source });
  const [h, w, c = 1, ...rest] = value._rshape;
  if (h !== height || w !== width || rest.length > 0 || (c !== 1 && c !== 4)) {
    throw new ImageFormatError(`ImageJ returned pixels of shape [${value._rshape.join(', ')}] for a ${width}×${height} plane`, { file: source });
  }
  if (c === 1) return { plane: toImageStack(value, source).slices[0]! };
  if (value._rdtype !== 'uint8') throw new ImageFormatError(`4 samples per pixel of type ${value._rdtype} are not RGB`, { file: source });
  if (!rgb) throw new ImageFormatError('an RGB plane arrived before its byte order was known', { file: source });
  const data = interleavedToLuminance(rgbSamples(ndarrayBytes(value), rgb), 3, (n) => new Uint8Array(n));
  return {
    plane: { data, width, height, bitDepth: 8 },
    warning: 'RGB image measured as its luminance (0.299 R + 0.587 G + 0.114 B); a fluorescence channel gives more reliable results',
  };
}
