/** Node-only: an image file on disk → ImageStack (the format sniffed from its bytes, see io/decode.ts). */
import { readFile, stat } from 'node:fs/promises';
import { ImageFormatError } from '../core/errors.js';
import type { ImageStack } from '../core/types.js';
import { decodeImage } from '../io/decode.js';
import { MAX_FILE_BYTES } from '../io/limits.js';

/**
 * A file's bytes, or an ImageFormatError saying in a few words why they cannot be read. Only regular files of at most
 * MAX_FILE_BYTES are read: a named pipe would block a read forever, a device such as /dev/zero would never end.
 */
export async function readImageBytes(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isFile() && info.size > MAX_FILE_BYTES) throw new ImageFormatError(`the file is ${(info.size / 2 ** 30).toFixed(1)} GiB; this tool reads files of at most ${MAX_FILE_BYTES / 2 ** 30} GiB`, { file: path });
    if (!info.isFile() && !info.isDirectory()) throw new ImageFormatError('is not a regular file (a pipe, socket or device)', { file: path });
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    if ((err as Error).name === 'ImageFormatError') throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ImageFormatError(`cannot read the file: ${why}`, { file: path, cause: err });
  }
}

/** Reads and decodes `path`; `bytes` may be a read already under way (the CLI reads the next file ahead). */
export async function readImageFile(path: string, bytes: Promise<Uint8Array> = readImageBytes(path)): Promise<ImageStack> {
  return decodeImage(await bytes, path);
}
