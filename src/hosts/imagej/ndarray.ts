/**
 * One plane as ImageJ.JS's `getImage` hands it out → a grayscale plane, through the project's one ndarray decoder
 * (`decodeNdArray` in src/image-input.ts). ImageJ.JS sends the processor's pixel array: `[h, w, 1]`
 * uint8/uint16/float32 for grey images, `[h, w, 4]` uint8 for RGB (Java ARGB ints read byte by byte), whose channel
 * order rgb.ts finds out; RGB becomes luminance with the CLI's weights and rounding.
 */
import { ImageFormatError } from '../../core/errors.js';
import type { GrayImage } from '../../core/types.js';
import { decodeNdArray, isNdArray, type ChannelOrder, type ImJoyNdArray } from '../../image-input.js';

/** The bytes of an ndarray, however the RPC delivered them (ArrayBuffer or a view). */
export function ndarrayBytes(nd: ImJoyNdArray): Uint8Array {
  const v = nd._rvalue;
  return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
}

/**
 * Reads one plane of a `width`×`height` image. An RGB plane needs its `channelOrder`; it is measured as its
 * luminance and `warning` says so. Anything else ImageJ.JS would not send is an ImageFormatError naming `source`.
 */
export function planeFromImageJ(value: unknown, width: number, height: number, source: string, channelOrder?: ChannelOrder): { plane: GrayImage; warning?: string } {
  if (!isNdArray(value)) throw new ImageFormatError('ImageJ did not return the image pixels', { file: source });
  const [h, w, c = 1, ...rest] = value._rshape;
  if (h !== height || w !== width || rest.length > 0 || (c !== 1 && c !== 4)) {
    throw new ImageFormatError(`ImageJ returned pixels of shape [${value._rshape.join(', ')}] for a ${width}×${height} plane`, { file: source });
  }
  if (c === 4 && value._rdtype !== 'uint8') throw new ImageFormatError(`4 samples per pixel of type ${value._rdtype} are not RGB`, { file: source });
  if (c === 4 && !channelOrder) throw new ImageFormatError('an RGB plane arrived before its byte order was known', { file: source });
  const stack = decodeNdArray(value, source, c === 4 && channelOrder ? { channelOrder } : {});
  const warning = stack.warnings[0];
  return { plane: stack.slices[0]!, ...(warning ? { warning } : {}) };
}
