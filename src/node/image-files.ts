/** Node-only: an image file on disk → ImageStack (the format sniffed from its bytes, see io/decode.ts). */
import { readFile } from 'node:fs/promises';
import { ImageFormatError } from '../core/errors.js';
import type { ImageStack } from '../core/types.js';
import { decodeImage } from '../io/decode.js';

export async function readImageFile(path: string): Promise<ImageStack> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ImageFormatError(`cannot read the file: ${why}`, { file: path, cause: err });
  }
  return decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
