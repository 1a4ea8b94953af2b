/**
 * The image shapes the library API accepts, turned into one ImageStack — the one decoder of in-memory pixels for every
 * host (the API, the ImageJ.JS plugin):
 * - a plain `{ data, width, height, bitDepth? }` (any typed array; 3 or 4 samples per pixel are read as colour);
 * - a canvas `ImageData` (RGBA, measured as its luminance);
 * - an ImageStack from `decodeImage`;
 * - the ndarray of ImJoy apps and ImageJ.JS, `{ _rtype: "ndarray", _rvalue, _rshape, _rdtype }` (`decodeNdArray`).
 *
 * Pixel types: uint8 → 8-bit, uint16 → 16-bit, float32 → 32-bit (the float rule of core/scaling.ts) as they are;
 * int8/int16/int32/uint32/float64 are converted to float32 (integers with a warning, their scaling is a guess).
 * Colour (RGB/RGBA in any channel order) is measured as its luminance with a warning; a multichannel ImageJ image
 * (its getDimensions says channels > 1) is measured on channel 1, with a warning.
 */
import { dimensionsFor } from './core/hyperstack.js';
import { ImageFormatError, OptionsError } from './core/errors.js';
import type { BitDepth, GrayImage, ImageStack, PixelArray } from './core/types.js';
import { firstChannel, interleavedToLuminance } from './io/luminance.js';

type NumericArray = Uint8Array | Uint8ClampedArray | Uint16Array | Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface RawImage {
  readonly data: NumericArray;
  readonly width: number;
  readonly height: number;
  /** 8, 16 or 32; default from the array type. Decides the intensity scaling: values must fit it. */
  readonly bitDepth?: BitDepth;
}

export interface ImJoyNdArray {
  readonly _rtype: 'ndarray';
  readonly _rvalue: ArrayBuffer | ArrayBufferView;
  readonly _rshape: readonly number[];
  readonly _rdtype: string;
}

export type ImageInput = RawImage | ImageData | ImageStack | ImJoyNdArray;

/** Where R, G, B (and A) sit within one pixel's samples, e.g. 'bgra' for the bytes of a little-endian ARGB int. */
export type ChannelOrder = 'rgb' | 'bgr' | 'rgba' | 'bgra' | 'argb' | 'abgr';
export const CHANNEL_ORDERS: readonly ChannelOrder[] = ['rgb', 'bgr', 'rgba', 'bgra', 'argb', 'abgr'];

export interface NdArrayOptions {
  /** Channel order of a colour axis (3 or 4 samples per pixel); default 'rgb' / 'rgba'. */
  readonly channelOrder?: ChannelOrder;
  /**
   * ImageJ's getDimensions, [width, height, channels, slices, frames], when the array comes from ImageJ: it tells a
   * stack sent as [h, w, z] from a colour image [h, w, 3], and a multichannel image from colour.
   */
  readonly dims?: readonly number[];
}

const DTYPES = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;
type DType = keyof typeof DTYPES;

export function isNdArray(v: unknown): v is ImJoyNdArray {
  return typeof v === 'object' && v !== null && (v as ImJoyNdArray)._rtype === 'ndarray';
}

function isStack(v: unknown): v is ImageStack {
  return typeof v === 'object' && v !== null && Array.isArray((v as ImageStack).slices);
}

/** Native pixel storage: uint8/uint16/float32 as they are (clamped uint8 viewed as uint8), other types as float32. */
function toPixels(data: NumericArray, label: string, warnings: string[]): { data: PixelArray; bitDepth: BitDepth } {
  if (data instanceof Uint8Array) return { data, bitDepth: 8 };
  if (data instanceof Uint8ClampedArray) return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), bitDepth: 8 };
  if (data instanceof Uint16Array) return { data, bitDepth: 16 };
  if (data instanceof Float32Array) return { data, bitDepth: 32 };
  if (!(data instanceof Float64Array)) warnings.push(`${label}: ${data.constructor.name} pixels measured as 32-bit float`);
  return { data: Float32Array.from(data), bitDepth: 32 };
}

const isTypedArray = (v: unknown): v is NumericArray => ArrayBuffer.isView(v) && !(v instanceof DataView) && !(typeof BigInt64Array !== 'undefined' && (v instanceof BigInt64Array || v instanceof BigUint64Array));

/** How the samples of an array are laid out: planes × height × width × channels, or planes interleaved per pixel. */
interface Layout {
  readonly planes: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** [h, w, z] from ImageJ: plane z of pixel i is sample i·planes + z. */
  readonly interleavedPlanes?: boolean;
}

function layoutOf(shape: readonly number[], dims: readonly number[] | undefined, label: string): Layout {
  const bad = (): never => {
    throw new ImageFormatError(`ndarray shape [${shape.join(', ')}] is not an image: use [h, w], [h, w, channels], [slices, h, w] or [slices, h, w, channels]`, { file: label });
  };
  if (shape.length === 2) return { planes: 1, height: shape[0]!, width: shape[1]!, channels: 1 };
  if (shape.length === 4) return { planes: shape[0]!, height: shape[1]!, width: shape[2]!, channels: shape[3]! };
  if (shape.length !== 3) return bad();
  const [a, b, c] = shape as [number, number, number];
  if (dims) {
    const [w, h, ch = 1, z = 1, t = 1] = dims;
    // ImageJ sends a stack as [h, w, z·c·t]; an RGB image (one ImageJ channel) as [h, w, 3].
    if (a === h && b === w && c > 1 && ch * z * t === c && !(c === 3 && z * t === 1 && ch === 1)) return { planes: c, height: a, width: b, channels: 1, interleavedPlanes: true };
    return { planes: 1, height: a, width: b, channels: c };
  }
  return c <= 4 ? { planes: 1, height: a, width: b, channels: c } : { planes: a, height: b, width: c, channels: 1 };
}

/** Offsets of R, G and B within a pixel for a channel order (its length must be the channel count). */
function rgbOffsets(order: ChannelOrder | undefined, channels: number, label: string): [number, number, number] {
  const o = order ?? (channels === 4 ? 'rgba' : 'rgb');
  if (!CHANNEL_ORDERS.includes(o)) throw new OptionsError(`channel order must be one of ${CHANNEL_ORDERS.join(', ')}, got ${JSON.stringify(order)}`, { file: label });
  if (o.length !== channels) throw new OptionsError(`channel order "${o}" names ${o.length} channels, the image has ${channels} per pixel`, { file: label });
  return [o.indexOf('r'), o.indexOf('g'), o.indexOf('b')];
}

/** Splits samples laid out as `layout` into grayscale planes (colour → luminance, multichannel → channel 1). */
function planesOf(data: NumericArray, layout: Layout, bitDepth: BitDepth | undefined, label: string, warnings: string[], options: NdArrayOptions): GrayImage[] {
  const { planes, height, width, channels } = layout;
  for (const [what, n] of [['width', width], ['height', height], ['slice count', planes], ['channel count', channels]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new ImageFormatError(`${what} must be a positive integer, got ${n}`, { file: label });
  }
  const per = width * height;
  const pixels = toPixels(data, label, warnings);
  const make = (n: number): PixelArray => (pixels.bitDepth === 8 ? new Uint8Array(n) : pixels.bitDepth === 16 ? new Uint16Array(n) : new Float32Array(n));
  // ImageJ counts an RGB image as one channel: a last axis equal to getDimensions' channel count > 1 is a multichannel image.
  const multichannel = options.dims !== undefined && (options.dims[2] ?? 1) > 1 && channels === options.dims[2];
  let toGray: ((samples: PixelArray) => PixelArray) | undefined;
  if (multichannel) {
    warnings.push(`${label}: ${channels} channels; channel 1 measured`);
    toGray = (s) => firstChannel(s, channels, make);
  } else if (channels === 3 || channels === 4) {
    const rgb = rgbOffsets(options.channelOrder, channels, label);
    warnings.push(`${label}: colour image measured as its luminance (0.299 R + 0.587 G + 0.114 B); a fluorescence channel gives more reliable results`);
    toGray = (s) => interleavedToLuminance(s, channels, make, rgb);
  } else if (channels !== 1) {
    throw new ImageFormatError(`${channels} samples per pixel are not supported (1 gray, 3 RGB or 4 RGBA)`, { file: label });
  }
  const out: GrayImage[] = [];
  for (let z = 0; z < planes; z++) {
    let plane: PixelArray;
    if (layout.interleavedPlanes) {
      plane = make(per);
      for (let i = 0; i < per; i++) plane[i] = pixels.data[i * planes + z]!;
    } else {
      const samples = pixels.data.subarray(z * per * channels, (z + 1) * per * channels);
      plane = toGray ? toGray(samples) : samples;
    }
    out.push({ data: plane, width, height, bitDepth: bitDepth ?? pixels.bitDepth });
  }
  return out;
}

function stackOf(slices: GrayImage[], warnings: readonly string[]): ImageStack {
  const first = slices[0]!;
  return { width: first.width, height: first.height, bitDepth: first.bitDepth, slices, warnings: [...new Set(warnings)] };
}

/** An ImJoy / ImageJ.JS ndarray → ImageStack. `label` names it in messages; see `NdArrayOptions` for ImageJ's hints. */
export function decodeNdArray(nd: ImJoyNdArray, label = 'image', options: NdArrayOptions = {}): ImageStack {
  const dtype = nd._rdtype as DType;
  const Ctor = Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
  if (!Ctor) throw new ImageFormatError(`ndarray dtype "${nd._rdtype}" is not supported (use ${Object.keys(DTYPES).join(', ')})`, { file: label });
  const shape = nd._rshape;
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ImageFormatError(`ndarray shape [${String(shape)}] must list positive integers`, { file: label });
  const layout = layoutOf(shape, options.dims, label);
  const v = nd._rvalue;
  if (!(v instanceof ArrayBuffer) && !ArrayBuffer.isView(v)) throw new ImageFormatError(`ndarray _rvalue must be an ArrayBuffer or a typed array, got ${Object.prototype.toString.call(v)}`, { file: label });
  const bytes = ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
  const count = shape.reduce((a, b) => a * b, 1);
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== count * size) {
    throw new ImageFormatError(`ndarray shape [${shape.join(', ')}] does not match its data: it needs ${count} ${dtype} values (${count * size} bytes), the buffer holds ${bytes.byteLength} bytes`, { file: label });
  }
  // A typed-array view needs an offset aligned to its sample size: copy the bytes when they are not.
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const data = new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
  const warnings: string[] = [];
  const stack = stackOf(planesOf(data, layout, undefined, label, warnings, options), warnings);
  if (!layout.interleavedPlanes || !options.dims) return stack;
  // ImageJ hands out a hyperstack's planes in its stack order: channel fastest, then z, then frame.
  const [, , channels = 1, slices = 1, frames = 1] = options.dims;
  const dimensions = dimensionsFor(stack.slices.length, { channels, slices, frames, order: 'CZT' });
  return dimensions ? { ...stack, dimensions } : stack;
}

const BIT_DEPTHS: readonly BitDepth[] = [8, 16, 32];

/** Checks a caller's `bitDepth` against the values: an 8-bit image holding 4000 would be scaled as 4000/255. */
function checkBitDepth(data: NumericArray, bitDepth: unknown, label: string): BitDepth | undefined {
  if (bitDepth === undefined) return undefined;
  if (!BIT_DEPTHS.includes(bitDepth as BitDepth)) throw new OptionsError(`bitDepth must be 8, 16 or 32, got ${JSON.stringify(bitDepth)}`, { file: label });
  // An array type that cannot hold more than the bit depth allows needs no scan.
  if (bitDepth === 32 || (bitDepth === 8 && (data instanceof Uint8Array || data instanceof Uint8ClampedArray)) || (bitDepth === 16 && (data instanceof Uint16Array || data instanceof Uint8Array))) return bitDepth;
  const top = bitDepth === 8 ? 255 : 65535;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (!(x >= 0 && x <= top && Number.isInteger(x))) {
      throw new OptionsError(`bitDepth ${bitDepth} allows integers 0–${top}, but pixel ${i} is ${x}: give the bit depth the values were recorded with`, { file: label });
    }
  }
  return bitDepth as BitDepth;
}

/** Any accepted input → ImageStack (a single image is a one-slice stack). `label` names the input in messages. */
export function toImageStack(input: ImageInput, label = 'image', options: NdArrayOptions = {}): ImageStack {
  if (isStack(input)) return input;
  if (isNdArray(input)) return decodeNdArray(input, label, options);
  if (typeof input !== 'object' || input === null || !('data' in input)) {
    throw new OptionsError('not an image: expected { data, width, height }, ImageData, an ImageStack or an ImJoy ndarray', { file: label });
  }
  const { data, width, height } = input;
  if (!isTypedArray(data)) throw new OptionsError(`"data" must be a typed array of pixels (Uint8Array, Uint16Array, Float32Array, …), got ${data === null ? 'null' : Object.prototype.toString.call(data)}`, { file: label });
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new OptionsError(`width and height must be positive integers, got ${String(width)}×${String(height)}`, { file: label });
  }
  const isImageData = typeof ImageData !== 'undefined' && input instanceof ImageData;
  const channels = data.length / (width * height);
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ImageFormatError(`pixel buffer holds ${data.length} values; a ${width}×${height} image needs ${width * height} (or 3 or 4 per pixel for RGB/RGBA)`, { file: label });
  }
  const bitDepth = isImageData ? 8 : checkBitDepth(data, (input as RawImage).bitDepth, label);
  const warnings: string[] = [];
  const planes = planesOf(data, { planes: 1, height, width, channels }, bitDepth, label, warnings, options);
  // A canvas is colour by nature: measuring its luminance needs no warning.
  return stackOf(planes, isImageData ? [] : warnings);
}
