/**
 * TIFF structure: the header, the chain of image file directories (IFDs) and tag values, read with every offset and
 * count checked against the file (TIFF 6.0 sections 2 and 7; BigTIFF as documented by libtiff). Walking the chain
 * keeps the set of IFD offsets seen, so a next-IFD pointer back to itself or to an earlier page ends with an error
 * instead of looping, and stops after MAX_PAGES pages, so a chain of millions of tiny pages is refused after a cheap walk.
 */
import { ImageFormatError } from '../core/errors.js';
import { MAX_PAGES } from './limits.js';

/** Bytes per value of each TIFF field type (1 BYTE … 18 IFD8); 0 = unknown type. */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];

/** Most values read from one tag: a 65535-row image stored one row per strip needs 65535 offsets. */
const MAX_TAG_VALUES = 1 << 20;

export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  FillOrder: 266,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
} as const;

export interface TiffEntry {
  readonly type: number;
  readonly count: number;
  /** Absolute position of the first value (inline values point into the entry itself). */
  readonly at: number;
}

/** One IFD: its offset and its entries by tag number. */
export interface Ifd {
  readonly offset: number;
  readonly entries: ReadonlyMap<number, TiffEntry>;
}

export class TiffFile {
  readonly view: DataView;
  readonly little: boolean;
  readonly big: boolean;
  private readonly firstIfd: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 8) this.fail(`the file is only ${bytes.length} bytes, shorter than a TIFF header`);
    this.little = bytes[0] === 0x49;
    const magic = this.view.getUint16(2, this.little);
    this.big = magic === 43;
    if (this.big) {
      if (bytes.length < 16) this.fail('BigTIFF header is truncated');
      if (this.view.getUint16(4, this.little) !== 8) this.fail('BigTIFF header gives an offset size other than 8');
      this.firstIfd = this.offset(8);
    } else this.firstIfd = this.view.getUint32(4, this.little);
  }

  fail(message: string): never {
    throw new ImageFormatError(message, { file: this.file });
  }

  /** An 8-byte BigTIFF offset as a number (files beyond 2^53 bytes do not exist in memory). */
  private offset(at: number): number {
    return this.big ? Number(this.view.getBigUint64(at, this.little)) : this.view.getUint32(at, this.little);
  }

  /**
   * Every IFD of the main chain, in order; SubIFDs are not followed. The chain is walked first (offsets only), so a
   * loop or a flood of pages is refused before any entry is parsed.
   */
  readIfds(): Ifd[] {
    const countSize = this.big ? 8 : 2;
    const entrySize = this.big ? 20 : 12;
    const starts: number[] = [];
    const seen = new Map<number, number>();
    for (let at = this.firstIfd; at !== 0; ) {
      if (seen.has(at)) this.fail(`the chain of pages loops: page ${starts.length - 1} points back to page ${seen.get(at)} (byte ${at})`);
      if (starts.length >= MAX_PAGES) this.fail(`more than ${MAX_PAGES} pages; this tool reads at most ${MAX_PAGES} pages per file`);
      if (at < 8 || at + countSize > this.bytes.length) this.fail(`file is truncated or corrupt: page ${starts.length} starts at byte ${at}, the file has ${this.bytes.length}`);
      const n = this.big ? Number(this.view.getBigUint64(at, this.little)) : this.view.getUint16(at, this.little);
      const next = at + countSize + n * entrySize;
      if (n === 0 || n > 65535 || next + (this.big ? 8 : 4) > this.bytes.length) this.fail(`file is truncated or corrupt: page ${starts.length} has ${n} tags at byte ${at}, beyond the end of the file`);
      seen.set(at, starts.length);
      starts.push(at);
      at = this.offset(next);
    }
    if (starts.length === 0) this.fail('the file holds no image (its first page offset is 0)');
    return starts.map((at) => ({ offset: at, entries: this.readEntries(at) }));
  }

  private readEntries(at: number): Map<number, TiffEntry> {
    const countSize = this.big ? 8 : 2;
    const entrySize = this.big ? 20 : 12;
    const inline = this.big ? 8 : 4;
    const n = this.big ? Number(this.view.getBigUint64(at, this.little)) : this.view.getUint16(at, this.little);
    const entries = new Map<number, TiffEntry>();
    for (let k = 0; k < n; k++) {
      const e = at + countSize + k * entrySize;
      const tag = this.view.getUint16(e, this.little);
      const type = this.view.getUint16(e + 2, this.little);
      const count = this.big ? Number(this.view.getBigUint64(e + 4, this.little)) : this.view.getUint32(e + 4, this.little);
      const size = (TYPE_SIZE[type] ?? 0) * count;
      const valueAt = size <= inline ? e + 4 + inline : this.offset(e + 4 + inline);
      // Unknown types and values outside the file are dropped here; a required tag then reads as missing.
      if (TYPE_SIZE[type] && valueAt + size <= this.bytes.length && !entries.has(tag)) entries.set(tag, { type, count, at: valueAt });
    }
    return entries;
  }

  private read(e: TiffEntry, i: number): number {
    const v = this.view;
    const le = this.little;
    const p = e.at + i * TYPE_SIZE[e.type]!;
    switch (e.type) {
      case 3: return v.getUint16(p, le);
      case 4: case 13: return v.getUint32(p, le);
      case 1: case 2: case 7: return v.getUint8(p);
      case 6: return v.getInt8(p);
      case 8: return v.getInt16(p, le);
      case 9: return v.getInt32(p, le);
      case 5: return v.getUint32(p, le) / v.getUint32(p + 4, le);
      case 10: return v.getInt32(p, le) / v.getInt32(p + 4, le);
      case 11: return v.getFloat32(p, le);
      case 12: return v.getFloat64(p, le);
      case 17: return Number(v.getBigInt64(p, le));
      default: return Number(v.getBigUint64(p, le));
    }
  }

  /** Numeric values of a tag (rationals as numerator/denominator), or undefined when absent. */
  values(ifd: Ifd, tag: number): number[] | undefined {
    const e = ifd.entries.get(tag);
    if (!e) return undefined;
    if (e.count > MAX_TAG_VALUES) this.fail(`tag ${tag} holds ${e.count} values, more than ${MAX_TAG_VALUES}`);
    const out = new Array<number>(e.count);
    for (let i = 0; i < e.count; i++) out[i] = this.read(e, i);
    return out;
  }

  /** The first value of a tag, or `fallback` when absent. */
  value(ifd: Ifd, tag: number, fallback: number): number {
    const e = ifd.entries.get(tag);
    return e && e.count > 0 ? this.read(e, 0) : fallback;
  }

  /** An ASCII tag as text (NUL-terminated parts joined by newlines), or undefined. Latin-1, as TIFF 6.0 says 7-bit. */
  text(ifd: Ifd, tag: number): string | undefined {
    const e = ifd.entries.get(tag);
    if (!e || (e.type !== 2 && e.type !== 7 && e.type !== 1)) return undefined;
    const raw = this.bytes.subarray(e.at, e.at + Math.min(e.count, MAX_TAG_VALUES));
    let s = '';
    for (let i = 0; i < raw.length; i += 8192) s += String.fromCharCode(...raw.subarray(i, i + 8192));
    return s.replace(/\0+$/, '').replace(/\0/g, '\n');
  }
}
