/**
 * PNG → ImageStack through fast-png: 8- and 16-bit gray as is; gray+alpha drops alpha; RGB(A) and palette images
 * are measured as luminance (see io/luminance.ts), each with a warning. Bit depths below 8 are refused. The file's
 * chunks, CRCs and inflated size are checked first (io/png-chunks.ts), so a damaged or crafted file is named as such.
 */
import { decode } from 'fast-png';
import { ImageFormatError } from '../core/errors.js';
import type { GrayImage, ImageStack, PixelArray } from '../core/types.js';
import { checkPlaneSize } from './limits.js';
import { checkPngChunks } from './png-chunks.js';
import { firstChannel, interleavedToLuminance } from './luminance.js';

/** Reads width/height from the IHDR chunk, which the PNG spec requires to come first. */
function headerSize(bytes: Uint8Array, file: string | undefined): { width: number; height: number } {
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new ImageFormatError('PNG is truncated or lacks its IHDR header', { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function decodePngImage(bytes: Uint8Array, file?: string): ImageStack {
  const { width, height } = headerSize(bytes, file);
  checkPlaneSize(width, height, file);
  const check = checkPngChunks(bytes);
  if (check.error) throw new ImageFormatError(check.error, { file });
  let png;
  try {
    png = decode(bytes);
  } catch (err) {
    throw new ImageFormatError(`PNG is corrupt or truncated (${(err as Error).message})`, { file, cause: err });
  }
  const warnings: string[] = [...check.warnings];
  let channels = png.channels;
  let depth: number = png.depth;
  let samples: ArrayLike<number> = png.data;
  if (png.palette) {
    if (depth !== 8) throw new ImageFormatError(`${depth}-bit palette PNG is not supported; save it as 8- or 16-bit grayscale`, { file });
    const pal = png.palette;
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      const c = pal[png.data[i]!] ?? [0, 0, 0];
      rgb[3 * i] = c[0]!;
      rgb[3 * i + 1] = c[1]!;
      rgb[3 * i + 2] = c[2]!;
    }
    samples = rgb;
    channels = 3;
    warnings.push('palette (indexed colour) PNG: measured its luminance');
  }
  if (depth !== 8 && depth !== 16) throw new ImageFormatError(`${depth}-bit PNG is not supported; save it as 8- or 16-bit grayscale`, { file });
  const make = (n: number): PixelArray => (depth === 16 ? new Uint16Array(n) : new Uint8Array(n));
  let data: PixelArray;
  if (channels === 1) data = png.data instanceof Uint16Array || png.data instanceof Uint8Array ? png.data : Uint8Array.from(png.data);
  else if (channels === 2) {
    data = firstChannel(samples, 2, make);
    warnings.push('gray+alpha PNG: the alpha channel was ignored');
  } else if (channels === 3 || channels === 4) {
    data = interleavedToLuminance(samples, channels, make);
    if (!png.palette) warnings.push(`${channels === 4 ? 'RGBA' : 'RGB'} PNG: measured its luminance (0.299 R + 0.587 G + 0.114 B)`);
  } else throw new ImageFormatError(`PNG with ${channels} channels is not supported`, { file });
  if (data.length !== width * height) throw new ImageFormatError(`PNG holds ${data.length} pixels, its header says ${width}×${height}`, { file });
  const bitDepth = depth === 16 ? 16 : 8;
  const slice: GrayImage = { data, width, height, bitDepth };
  return { width, height, bitDepth, slices: [slice], warnings };
}
