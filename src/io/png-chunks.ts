/**
 * PNG structure checks made before fast-png decodes (PNG spec, 2nd ed., sections 5 and 11): every chunk inside the
 * file, each chunk's CRC-32 (a mismatch is a warning: the pixels may still be fine, but the file is damaged), and the
 * image data inflating to exactly the size the header implies — fast-png collects all inflated data before looking
 * at its size, so a small IDAT that inflates to gigabytes would exhaust memory there. Here it inflates into a buffer
 * of the expected size plus one byte, through io/inflate.ts, which stops as soon as that buffer is full.
 */
import { inflateInto } from './inflate.js';
import { MAX_DECODED_BYTES } from './limits.js';

export interface PngCheck {
  readonly warnings: string[];
  /** A problem that makes the file unreadable, or undefined. */
  readonly error?: string;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Bytes of the filtered (not yet unfiltered) image data: a filter byte per row, per Adam7 pass when interlaced. */
export function filteredSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const passes = interlaced
    ? [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]]
    : [[0, 0, 1, 1]];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0!) / dx!);
    const h = Math.ceil((height - y0!) / dy!);
    if (w > 0 && h > 0) total += h * (1 + Math.ceil((w * bitsPerPixel) / 8));
  }
  return total;
}

export function checkPngChunks(bytes: Uint8Array): PngCheck {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  const idat: Uint8Array[] = [];
  let header: { width: number; height: number; bits: number; colour: number; interlaced: boolean } | undefined;
  let at = 8;
  let ended = false;
  while (at + 12 <= bytes.length && !ended) {
    const length = view.getUint32(at);
    const raw = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const type = /^[A-Za-z]{4}$/.test(raw) ? raw : 'with a damaged type';
    if (at + 12 + length > bytes.length) return { warnings, error: `PNG is truncated: chunk ${type} needs ${length} bytes past byte ${at + 8}, the file has ${bytes.length}` };
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) warnings.push(`PNG chunk ${type} fails its CRC check: the file is damaged, its pixels may be wrong`);
    if (type === 'IHDR' && length >= 13) header = { width: view.getUint32(at + 8), height: view.getUint32(at + 12), bits: body[8]!, colour: body[9]!, interlaced: body[12] === 1 };
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header) return { warnings, error: 'PNG lacks its IHDR header' };
  if (idat.length === 0) return { warnings, error: 'PNG holds no image data (no IDAT chunk)' };
  const channels = CHANNELS[header.colour];
  if (channels === undefined) return { warnings, error: `PNG colour type ${header.colour} is not valid` };
  const expected = filteredSize(header.width, header.height, channels * header.bits, header.interlaced);
  if (expected > MAX_DECODED_BYTES) return { warnings, error: `PNG image data would take ${Math.ceil(expected / 2 ** 20)} MiB, more than the ${MAX_DECODED_BYTES / 2 ** 20} MiB this tool reads per file` };
  const data = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((o, c) => (data.set(c, o), o + c.length), 0);
  let got: number;
  try {
    got = inflateInto(data, new Uint8Array(expected + 1)).written;
  } catch (err) {
    return { warnings, error: `PNG image data is ${(err as Error).message}` };
  }
  if (got > expected) return { warnings, error: `PNG image data inflates beyond the ${header.width}×${header.height} pixels its header gives (corrupt or crafted)` };
  if (got < expected) return { warnings, error: `PNG image data ends after ${got} of ${expected} bytes (truncated)` };
  return { warnings };
}
