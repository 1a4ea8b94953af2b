/**
 * Hostile TIFFs crafted byte by byte (little-endian, TIFF 6.0 layout), each reproducing a failure reported in issue 12:
 * an IFD chain that loops, LZW data that inflates without bound, a flood of chained tiny pages, a deflate bomb.
 * Deterministic (seeded), small, and written without any TIFF library, so they stay exactly as hostile as designed.
 */
import { deflateSync } from 'node:zlib';
import { seededRandom } from '../../eval/protocol.js';

interface Page {
  readonly width: number;
  readonly height: number;
  readonly compression?: number;
  /** Where the strip data lives (absolute), or undefined to append `data`. */
  readonly data: Uint8Array;
}

/** One IFD's bytes: 8-bit gray, one strip at `dataAt`, next-IFD pointer `next`. */
function ifdBytes(page: Page, dataAt: number, next: number): Uint8Array<ArrayBuffer> {
  const tags: [number, number, number][] = [
    [256, 4, page.width],
    [257, 4, page.height],
    [258, 3, 8],
    [259, 3, page.compression ?? 1],
    [262, 3, 1],
    [273, 4, dataAt],
    [277, 3, 1],
    [278, 4, page.height],
    [279, 4, page.data.length],
  ];
  const out = new Uint8Array(2 + tags.length * 12 + 4);
  const v = new DataView(out.buffer);
  v.setUint16(0, tags.length, true);
  tags.forEach(([tag, type, value], i) => {
    v.setUint16(2 + i * 12, tag, true);
    v.setUint16(4 + i * 12, type, true);
    v.setUint32(6 + i * 12, 1, true);
    if (type === 3) v.setUint16(10 + i * 12, value, true);
    else v.setUint32(10 + i * 12, value, true);
  });
  v.setUint32(2 + tags.length * 12, next, true);
  return out;
}

/**
 * Pages laid out as header, then every page's data, then the IFDs in order. `nextOf(k, ifdOffsets)` may rewrite page
 * k's next-IFD pointer (default: the following page, 0 after the last).
 */
export function buildTiff(pages: readonly Page[], nextOf?: (k: number, ifds: readonly number[]) => number): Uint8Array<ArrayBuffer> {
  const dataAt: number[] = [];
  let at = 8;
  for (const p of pages) {
    dataAt.push(at);
    at += p.data.length + (p.data.length & 1);
  }
  const ifdSize = 2 + 9 * 12 + 4;
  const ifds = pages.map((_, k) => at + k * ifdSize);
  const out = new Uint8Array(at + pages.length * ifdSize);
  out.set([0x49, 0x49, 42, 0]);
  new DataView(out.buffer).setUint32(4, ifds[0]!, true);
  pages.forEach((p, k) => out.set(p.data, dataAt[k]!));
  pages.forEach((p, k) => out.set(ifdBytes(p, dataAt[k]!, nextOf ? nextOf(k, ifds) : (ifds[k + 1] ?? 0)), ifds[k]!));
  return out;
}

const plain = (w: number, h: number): Uint8Array => Uint8Array.from({ length: w * h }, (_, i) => (i * 37) & 255);

/** Two 100×100 pages whose chain loops: `self` (page 0 points to itself) or `back` (page 1 points back to page 0). */
export function ifdLoopTiff(kind: 'self' | 'back'): Uint8Array<ArrayBuffer> {
  const page = { width: 100, height: 100, data: plain(100, 100) };
  return kind === 'self' ? buildTiff([page], (_, ifds) => ifds[0]!) : buildTiff([page, page], (k, ifds) => (k === 0 ? ifds[1]! : ifds[0]!));
}

/** MSB-first packing of LZW codes with TIFF's early code-width change. */
function packLzw(codes: readonly number[]): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  let next = 258;
  let width = 9;
  let afterClear = true;
  for (const c of codes) {
    acc = (acc << width) | c;
    n += width;
    while (n >= 8) {
      n -= 8;
      out.push((acc >>> n) & 255);
    }
    acc &= (1 << n) - 1;
    if (c === 256) {
      next = 258;
      width = 9;
      afterClear = true;
    } else if (afterClear) afterClear = false;
    else if (next < 4096) {
      next++;
      if (next >= (1 << width) - 1 && width < 12) width++;
    }
  }
  if (n > 0) out.push((acc << (8 - n)) & 255);
  return Uint8Array.from(out);
}

/**
 * An LZW strip of ~65 KB whose codes each name the entry being defined (KwKwK), so every string is one byte longer
 * than the last (~7 MB per table), for a page whose header says 256×256 (64 KB); each full table is followed by a
 * reference to its last entries, which a decoder with a 4093-entry table (geotiff 3.0) follows forever.
 */
export function lzwBombTiff(): Uint8Array<ArrayBuffer> {
  const codes: number[] = [];
  while (codes.length < 42000) {
    codes.push(256, 0);
    // After Clear and one literal, the first entry defined is 258; the table is full at 4096.
    for (let c = 258; c < 4096; c++) codes.push(c);
    codes.push(4094, 4095);
  }
  codes.push(257);
  return buildTiff([{ width: 256, height: 256, compression: 5, data: packLzw(codes) }]);
}

/** A 128×128 LZW page whose strip is `bytes` random bytes (seeded). */
export function randomLzwTiff(seed: number, bytes = 65536): Uint8Array<ArrayBuffer> {
  const r = seededRandom(seed);
  const data = Uint8Array.from({ length: bytes }, () => Math.floor(r() * 256));
  data[0] = 0x80; // starts with a Clear code, as a real LZW strip does
  return buildTiff([{ width: 128, height: 128, compression: 5, data }]);
}

/** A deflate strip of ~100 KB that inflates to 100 MB, for a page whose header says 100×100. */
export function deflateBombTiff(): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(deflateSync(new Uint8Array(100 * 2 ** 20), { level: 9 }));
  return buildTiff([{ width: 100, height: 100, compression: 8, data }]);
}

/** `pages` chained 1×1 pages sharing one data byte (~114 bytes a page): 1,000,000 pages make a 114 MB file. */
export function pageFloodTiff(pages: number): Uint8Array<ArrayBuffer> {
  const ifdSize = 2 + 9 * 12 + 4;
  const first = 10;
  const out = new Uint8Array(first + pages * ifdSize);
  out.set([0x49, 0x49, 42, 0, first, 0, 0, 0, 7, 0]);
  const template = ifdBytes({ width: 1, height: 1, data: new Uint8Array(1) }, 8, 0);
  const v = new DataView(out.buffer);
  for (let k = 0; k < pages; k++) {
    const at = first + k * ifdSize;
    out.set(template, at);
    v.setUint32(at + ifdSize - 4, k + 1 < pages ? at + ifdSize : 0, true);
  }
  return out;
}
