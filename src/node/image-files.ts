/** Node-only: an image file on disk → ImageStack (the format sniffed from its bytes, see io/decode.ts). */
import { readFile } from 'node:fs/promises';
import { ImageFormatError } from '../core/errors.js';
import type { ImageStack } from '../core/types.js';
import { decodeImage } from '../io/decode.js';

/** A file's bytes, or an ImageFormatError saying in a few words why they cannot be read. */
export async function readImageBytes(path: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ImageFormatError(`cannot read the file: ${why}`, { file: path, cause: err });
  }
}

/** Reads and decodes `path`; `bytes` may be a read already under way (the CLI reads the next file ahead). */
export async function readImageFile(path: string, bytes: Promise<Uint8Array> = readImageBytes(path)): Promise<ImageStack> {
  return decodeImage(await bytes, path);
}
