/**
 * ImJoy ndarrays (`{_rtype: "ndarray", _rvalue, _rshape, _rdtype}`, as ImageJ.JS's `getImage` and ImJoy apps send them)
 * → grayscale planes. ImageJ.JS sends [h,w], [h,w,c] (c = 3 for RGB) or [z,h,w,c]; ImageJ's getDimensions tells a
 * stack's [h,w,z] apart from an RGB [h,w,3].
 */
import { ImageFormatError } from '../../core/errors.js';
import type { BitDepth, GrayImage, PixelArray } from '../../core/types.js';
import { firstChannel, interleavedToLuminance } from '../../io/luminance.js';

export interface NdArray {
  readonly _rtype: 'ndarray';
  readonly _rvalue: ArrayBuffer | ArrayBufferView;
  readonly _rshape: readonly number[];
  readonly _rdtype: string;
}

export interface Planes {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: BitDepth;
  /** In stack order (plane i is ImageJ's stack position i + 1). */
  readonly planes: GrayImage[];
  readonly warnings: string[];
}

export function isNdArray(v: unknown): v is NdArray {
  return typeof v === 'object' && v !== null && (v as { _rtype?: unknown })._rtype === 'ndarray';
}

const DTYPES: Record<string, { bitDepth: BitDepth; make: (b: ArrayBuffer, offset: number, n: number) => PixelArray }> = {
  uint8: { bitDepth: 8, make: (b, o, n) => new Uint8Array(b, o, n) },
  uint16: { bitDepth: 16, make: (b, o, n) => new Uint16Array(b, o, n) },
  float32: { bitDepth: 32, make: (b, o, n) => new Float32Array(b, o, n) },
};

/**
 * Splits an ndarray into planes. `dims` is ImageJ's [width, height, channels, slices, frames] when known; without it a
 * trailing axis of 3 or 4 is read as colour. RGB(A) becomes luminance with a warning; other types are refused.
 */
export function planesFromNdarray(nd: NdArray, dims?: readonly number[], source = 'image'): Planes {
  const type = DTYPES[nd._rdtype];
  if (!type) {
    const why = /64/.test(nd._rdtype) ? '64-bit images are not supported' : `pixel type ${nd._rdtype} is not supported`;
    throw new ImageFormatError(`${why}; convert it to 8-bit, 16-bit or 32-bit (Image › Type) first`, { file: source });
  }
  const shape = [...nd._rshape];
  const bytes = ArrayBuffer.isView(nd._rvalue) ? nd._rvalue : new Uint8Array(nd._rvalue);
  // Typed-array views need an aligned offset: copy when the bytes are not aligned for the sample size.
  const size = type.bitDepth / 8;
  const aligned = bytes.byteOffset % size === 0 ? bytes : new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const total = aligned.byteLength / size;
  const data = type.make(aligned.buffer as ArrayBuffer, aligned.byteOffset, total);

  let height: number;
  let width: number;
  let planes: number;
  let samples: number;
  const [w0, h0] = dims ?? [];
  if (shape.length === 2) [height, width, planes, samples] = [shape[0]!, shape[1]!, 1, 1];
  else if (shape.length === 3 && h0 !== undefined && shape[0] === h0 && shape[1] === w0 && (dims![3]! * dims![2]! * dims![4]!) === shape[2] && shape[2]! > 1 && !(shape[2] === 3 && dims![3] === 1)) {
    // [h, w, z]: planes interleaved per pixel; de-interleave below.
    [height, width, planes, samples] = [shape[0]!, shape[1]!, shape[2]!, -1];
  } else if (shape.length === 3) [height, width, planes, samples] = [shape[0]!, shape[1]!, 1, shape[2]!];
  else if (shape.length === 4) [planes, height, width, samples] = [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
  else throw new ImageFormatError(`cannot read an image of shape [${shape.join(', ')}]`, { file: source });

  const per = width * height;
  const channels = samples === -1 ? 1 : samples;
  if (per * planes * channels !== total) {
    throw new ImageFormatError(`shape [${shape.join(', ')}] does not match ${total} ${nd._rdtype} values`, { file: source });
  }
  const warnings: string[] = [];
  // ImageJ counts an RGB image as one channel: a last axis equal to getDimensions' channel count > 1 is a multichannel image.
  const multichannel = dims !== undefined && dims[2]! > 1 && channels === dims[2];
  if (multichannel) warnings.push(`${source}: ${channels} channels; channel 1 measured`);
  else if (channels >= 3) warnings.push(`${source}: RGB image measured as its luminance (0.299 R + 0.587 G + 0.114 B); a fluorescence channel gives more reliable results`);
  if (!multichannel && channels !== 1 && channels !== 3 && channels !== 4) throw new ImageFormatError(`${channels} samples per pixel are not supported`, { file: source });
  const make = (n: number): PixelArray => (type.bitDepth === 8 ? new Uint8Array(n) : type.bitDepth === 16 ? new Uint16Array(n) : new Float32Array(n));
  const out: GrayImage[] = [];
  for (let z = 0; z < planes; z++) {
    let plane: PixelArray;
    if (samples === -1) {
      plane = make(per);
      for (let i = 0; i < per; i++) plane[i] = data[i * planes + z]!;
    } else if (channels === 1) plane = data.slice(z * per, (z + 1) * per);
    else if (multichannel) plane = firstChannel(data.subarray(z * per * channels, (z + 1) * per * channels), channels, make);
    else plane = interleavedToLuminance(data.subarray(z * per * channels, (z + 1) * per * channels), channels, make);
    out.push({ data: plane, width, height, bitDepth: type.bitDepth });
  }
  return { width, height, bitDepth: type.bitDepth, planes: out, warnings };
}
