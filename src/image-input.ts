/**
 * The image shapes the library API accepts, turned into one ImageStack:
 * - a plain `{ data, width, height, bitDepth? }` (Uint8Array, Uint8ClampedArray, Uint16Array, Float32Array, Float64Array;
 *   3 or 4 samples per pixel are read as RGB(A) and measured as luminance, with a warning);
 * - a canvas `ImageData` (RGBA, measured as its luminance);
 * - an ImageStack from `decodeImage`;
 * - the ndarray of ImJoy apps, `{ _rtype: "ndarray", _rvalue, _rshape, _rdtype }`, shaped [h, w], [h, w, c] (c ≤ 4) or
 *   [z, h, w] (a stack).
 * Bit depth, when not given, follows the array type: 8 for uint8, 16 for uint16, 32 (float rule of core/scaling.ts) else.
 */
import { ImageFormatError } from './core/errors.js';
import type { BitDepth, GrayImage, ImageStack, PixelArray } from './core/types.js';
import { interleavedToLuminance } from './io/luminance.js';

type NumericArray = Uint8Array | Uint8ClampedArray | Uint16Array | Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface RawImage {
  readonly data: NumericArray;
  readonly width: number;
  readonly height: number;
  readonly bitDepth?: BitDepth;
}

export interface ImJoyNdArray {
  readonly _rtype: 'ndarray';
  readonly _rvalue: ArrayBuffer | ArrayBufferView;
  readonly _rshape: readonly number[];
  readonly _rdtype: string;
}

export type ImageInput = RawImage | ImageData | ImageStack | ImJoyNdArray;

const DTYPES: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => NumericArray> = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

function isNdArray(v: unknown): v is ImJoyNdArray {
  return typeof v === 'object' && v !== null && (v as ImJoyNdArray)._rtype === 'ndarray';
}

function isStack(v: unknown): v is ImageStack {
  return typeof v === 'object' && v !== null && Array.isArray((v as ImageStack).slices);
}

/** Native pixel storage for a numeric array: uint8/uint16/float32 as they are (clamped uint8 viewed as uint8), others as float32. */
function toPixels(data: NumericArray, label: string, warnings: string[]): { data: PixelArray; bitDepth: BitDepth } {
  if (data instanceof Uint8Array) return { data, bitDepth: 8 };
  if (data instanceof Uint8ClampedArray) return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), bitDepth: 8 };
  if (data instanceof Uint16Array) return { data, bitDepth: 16 };
  if (data instanceof Float32Array) return { data, bitDepth: 32 };
  if (data instanceof Float64Array || data instanceof Int8Array || data instanceof Int16Array || data instanceof Int32Array || data instanceof Uint32Array) {
    if (!(data instanceof Float64Array)) warnings.push(`${label}: ${data.constructor.name} pixels measured as 32-bit float`);
    return { data: Float32Array.from(data), bitDepth: 32 };
  }
  throw new ImageFormatError(`pixel data must be a typed array (Uint8Array, Uint16Array, Float32Array, …), got ${Object.prototype.toString.call(data)}`, { file: label });
}

function planeOf(data: NumericArray, width: number, height: number, bitDepth: BitDepth | undefined, label: string, warnings: string[]): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageFormatError(`width and height must be positive integers, got ${width}×${height}`, { file: label });
  }
  const n = width * height;
  const channels = data.length / n;
  let pixels = toPixels(data, label, warnings);
  if (channels === 3 || channels === 4) {
    warnings.push(`${label}: ${channels === 3 ? 'RGB' : 'RGBA'} pixels, measured as luminance`);
    const make = (len: number): PixelArray => (pixels.bitDepth === 8 ? new Uint8Array(len) : pixels.bitDepth === 16 ? new Uint16Array(len) : new Float32Array(len));
    pixels = { data: interleavedToLuminance(pixels.data, channels, make), bitDepth: pixels.bitDepth };
  } else if (channels !== 1) {
    throw new ImageFormatError(`pixel buffer holds ${data.length} values; a ${width}×${height} image needs ${n} (or 3 or 4 per pixel for RGB/RGBA)`, { file: label });
  }
  return { data: pixels.data, width, height, bitDepth: bitDepth ?? pixels.bitDepth };
}

function fromNdArray(nd: ImJoyNdArray, label: string, warnings: string[]): ImageStack {
  const Ctor = DTYPES[nd._rdtype];
  if (!Ctor) throw new ImageFormatError(`ndarray dtype "${nd._rdtype}" is not supported (use ${Object.keys(DTYPES).join(', ')})`, { file: label });
  const v = nd._rvalue;
  const buffer = ArrayBuffer.isView(v) ? (v.buffer as ArrayBuffer) : v;
  const offset = ArrayBuffer.isView(v) ? v.byteOffset : 0;
  const shape = nd._rshape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ImageFormatError(`ndarray shape [${String(shape)}] must list positive integers`, { file: label });
  if (shape.length < 2 || shape.length > 3) throw new ImageFormatError(`ndarray shape [${shape.join(', ')}] is not an image: use [h, w], [h, w, channels] or [slices, h, w]`, { file: label });
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = ArrayBuffer.isView(v) ? v.byteLength : v.byteLength;
  const bytesPer = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes < count * bytesPer) throw new ImageFormatError(`ndarray of shape [${shape.join(', ')}] needs ${count * bytesPer} bytes of ${nd._rdtype}, its buffer has ${bytes}`, { file: label });
  if (offset % bytesPer !== 0) throw new ImageFormatError(`ndarray data starts at byte ${offset}, not aligned to ${nd._rdtype}`, { file: label });
  const data = new Ctor(buffer, offset, count);
  if (shape.length === 2) return stackOf([planeOf(data, shape[1]!, shape[0]!, undefined, label, warnings)], warnings);
  if (shape.length === 3 && shape[2]! <= 4) {
    const [h, w] = shape as [number, number, number];
    return stackOf([planeOf(data, w, h, undefined, label, warnings)], warnings);
  }
  if (shape.length === 3) {
    const [z, h, w] = shape as [number, number, number];
    const planes = Array.from({ length: z }, (_, i) => planeOf(data.subarray(i * h * w, (i + 1) * h * w) as NumericArray, w, h, undefined, label, warnings));
    return stackOf(planes, warnings);
  }
  throw new ImageFormatError(`ndarray shape [${shape.join(', ')}] is not an image: use [h, w], [h, w, channels] or [slices, h, w]`, { file: label });
}

function stackOf(slices: GrayImage[], warnings: readonly string[]): ImageStack {
  const first = slices[0]!;
  return { width: first.width, height: first.height, bitDepth: first.bitDepth, slices, warnings: [...new Set(warnings)] };
}

/** Any accepted input → ImageStack (a single image is a one-slice stack). `label` names the input in messages. */
export function toImageStack(input: ImageInput, label = 'image'): ImageStack {
  if (isStack(input)) return input;
  const warnings: string[] = [];
  if (isNdArray(input)) return fromNdArray(input, label, warnings);
  if (typeof input !== 'object' || input === null || !('data' in input)) {
    throw new ImageFormatError('not an image: expected { data, width, height }, ImageData, an ImageStack or an ImJoy ndarray', { file: label });
  }
  const isImageData = typeof ImageData !== 'undefined' && input instanceof ImageData;
  const plane = planeOf(input.data, input.width, input.height, isImageData ? 8 : (input as RawImage).bitDepth, label, isImageData ? [] : warnings);
  return stackOf([plane], warnings);
}
