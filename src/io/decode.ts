/**
 * Image bytes → ImageStack, the format sniffed from the magic bytes, never the file name (the BBBC006 in-focus
 * files, for instance, were distributed as ".png" holding TIFF data).
 */
import { ImageFormatError } from '../core/errors.js';
import type { ImageStack } from '../core/types.js';
import { decodePngImage } from './png.js';
import { decodeTiff, type DecodeOptions } from './tiff.js';

export type { DecodeOptions } from './tiff.js';

export type ImageFormat = 'tiff' | 'png';

/** 'tiff' (II*\0 or MM\0*, also BigTIFF), 'png', or undefined for anything else. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = bytes;
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43)))) return 'tiff';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  return undefined;
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  const head = Array.from(bytes.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
  const text = Array.from(bytes.subarray(0, 16)).every((v) => v === 9 || v === 10 || v === 13 || (v >= 32 && v < 127));
  return text ? 'it looks like text' : `it starts with bytes ${head}`;
}

/**
 * Decodes a TIFF or PNG; `name` only labels error messages and warnings. Work and memory are bounded per file (see
 * io/limits.ts): a hostile file fails with an ImageFormatError instead of hanging or exhausting memory.
 */
export async function decodeImage(bytes: ArrayBuffer | Uint8Array, name?: string, options: DecodeOptions = {}): Promise<ImageStack> {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const format = sniffFormat(u8);
  if (format === 'tiff') return decodeTiff(u8, name, options);
  if (format === 'png') return decodePngImage(u8, name);
  throw new ImageFormatError(`not a TIFF or PNG image (${describeStart(u8)})`, { file: name });
}
