/**
 * One TIFF page: its layout read and checked from the IFD (sizes, sample type, compression, strips or tiles, every
 * chunk inside the file), then its samples decoded chunk by chunk into one buffer of exactly the size the header
 * implies. Each chunk decompresses into its own window of that buffer, so no chunk can produce more than its rows ×
 * width × bytes; a chunk that yields less is an error (as in libtiff), never silently zero-filled.
 */
import { ImageFormatError } from '../core/errors.js';
import { inflateInto } from './inflate.js';
import { DecodeBudget, checkPlaneSize } from './limits.js';
import { decodeLzw } from './lzw.js';
import { decodePackBits } from './packbits.js';
import { swapBytes, undoFloatingPoint, undoHorizontal } from './predictor.js';
import { Tag, type Ifd, type TiffFile } from './tiff-ifd.js';

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const COMPRESSIONS: Record<number, string> = {
  2: 'CCITT Group 3 RLE', 3: 'CCITT Group 3 fax', 4: 'CCITT Group 4 fax', 6: 'old-style JPEG', 7: 'JPEG', 34712: 'JPEG 2000',
  34887: 'LERC', 34925: 'LZMA', 50000: 'Zstandard', 50001: 'WebP', 32946: 'deflate', 8: 'deflate', 5: 'LZW', 32773: 'PackBits', 1: 'none',
};
const SUPPORTED = new Set([1, 5, 8, 32946, 32773]);

export interface PageLayout {
  readonly index: number;
  readonly width: number;
  readonly height: number;
  readonly spp: number;
  readonly bits: number;
  /** 1 unsigned, 2 signed, 3 float. */
  readonly format: number;
  readonly photometric: number;
  readonly compression: number;
  readonly predictor: number;
  readonly planar: boolean;
  /** Chunk (strip or tile) size in pixels; strips are full rows. */
  readonly chunkWidth: number;
  readonly chunkHeight: number;
  readonly tiled: boolean;
  readonly offsets: readonly number[];
  readonly counts: readonly number[];
  /** Decoded bytes of the whole page. */
  readonly bytes: number;
}

/** A reduced-resolution page (thumbnail, pyramid level): not a slice of the stack. */
export function isReducedResolution(tf: TiffFile, ifd: Ifd): boolean {
  return (tf.value(ifd, Tag.NewSubfileType, 0) & 1) === 1;
}

/** Reads and checks the page's layout; throws ImageFormatError naming the page and the problem. */
export function readLayout(tf: TiffFile, ifd: Ifd, index: number): PageLayout {
  const fail = (msg: string): never => tf.fail(`page ${index}: ${msg}`);
  // Layout tags are whole numbers; a rational or float one (a damaged type field) is named, not used.
  const whole = (v: number, tag: number): number => (Number.isInteger(v) && v >= 0 ? v : fail(`tag ${tag} holds ${v}, not a whole number (the file is damaged)`));
  const int = (tag: number, fallback: number): number => whole(tf.value(ifd, tag, fallback), tag);
  const width = int(Tag.ImageWidth, 0);
  const height = int(Tag.ImageLength, 0);
  checkPlaneSize(width, height, tf.file);
  const spp = int(Tag.SamplesPerPixel, 1);
  if (!Number.isInteger(spp) || spp < 1 || spp > 16) fail(`${spp} samples per pixel is not supported`);
  const bitsList = (tf.values(ifd, Tag.BitsPerSample) ?? []).map((b) => whole(b, Tag.BitsPerSample));
  if (bitsList.length === 0) bitsList.push(1); // absent: TIFF's default, 1 bit
  const bits = bitsList[0]!;
  if (bitsList.some((b) => b !== bits)) fail(`channels of different bit depths (${bitsList.join(', ')}) are not supported`);
  const format = int(Tag.SampleFormat, 1) === 4 ? 1 : int(Tag.SampleFormat, 1);
  if (bits === 1) fail(`1-bit (black and white) images are not supported; save as 8- or 16-bit grayscale`);
  const typeOk = (format === 1 || format === 2 ? [8, 16, 32, 64] : format === 3 ? [16, 32, 64] : []).includes(bits);
  if (!typeOk) fail(`${bits}-bit ${format === 3 ? 'float' : format === 2 ? 'signed' : format === 1 ? 'unsigned' : `format-${format}`} samples are not supported; use 8/16-bit integer or 32-bit float`);
  const photometric = int(Tag.Photometric, 1);
  if (photometric !== 0 && photometric !== 1 && photometric !== 2) fail(`photometric interpretation ${photometric} (palette, CMYK, YCbCr, …) is not supported; save as grayscale`);
  const compression = int(Tag.Compression, 1);
  if (!SUPPORTED.has(compression)) fail(`compression ${compression}${COMPRESSIONS[compression] ? ` (${COMPRESSIONS[compression]})` : ''} is not supported; save as uncompressed, LZW, deflate or PackBits`);
  const predictor = int(Tag.Predictor, 1);
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) fail(`predictor ${predictor} is not supported`);
  if (predictor === 2 && format === 3) fail('the integer predictor on float samples is not supported');
  if (predictor === 3 && format !== 3) fail('the floating-point predictor on integer samples is not supported');
  if (predictor === 2 && bits === 64) fail('the integer predictor on 64-bit samples is not supported');
  const planar = spp > 1 && int(Tag.PlanarConfiguration, 1) === 2;
  const tiled = ifd.entries.has(Tag.TileOffsets);
  const chunkWidth = tiled ? int(Tag.TileWidth, 0) : width;
  const chunkHeight = tiled ? int(Tag.TileLength, 0) : Math.min(height, int(Tag.RowsPerStrip, height) || height);
  if (tiled) checkPlaneSize(chunkWidth, chunkHeight, tf.file);
  const planes = planar ? spp : 1;
  const chunks = Math.ceil(width / chunkWidth) * Math.ceil(height / chunkHeight) * planes;
  const offsets = (tf.values(ifd, tiled ? Tag.TileOffsets : Tag.StripOffsets) ?? []).map((o) => whole(o, tiled ? Tag.TileOffsets : Tag.StripOffsets));
  const bytesPerSample = bits / 8;
  const chunkBytes = chunkWidth * chunkHeight * (planar ? 1 : spp) * bytesPerSample;
  const counts = (tf.values(ifd, tiled ? Tag.TileByteCounts : Tag.StripByteCounts) ?? (compression === 1 && offsets.length === chunks ? offsets.map(() => chunkBytes) : [])).map((c) => whole(c, tiled ? Tag.TileByteCounts : Tag.StripByteCounts));
  if (offsets.length === 0) fail(`has no ${tiled ? 'tile' : 'strip'} offsets`);
  if (offsets.length < chunks || counts.length < chunks) fail(`has ${Math.min(offsets.length, counts.length)} ${tiled ? 'tiles' : 'strips'}, its size needs ${chunks}`);
  let end = 0;
  for (let i = 0; i < chunks; i++) end = Math.max(end, offsets[i]! + counts[i]!);
  if (end > tf.bytes.length) tf.fail(`file is truncated: page ${index} needs ${end} bytes, the file has ${tf.bytes.length}`);
  return { index, width, height, spp, bits, format, photometric, compression, predictor, planar, chunkWidth, chunkHeight, tiled, offsets: offsets.slice(0, chunks), counts: counts.slice(0, chunks), bytes: width * height * spp * bytesPerSample };
}

function decompress(compression: number, src: Uint8Array, out: Uint8Array, budget: DecodeBudget): number {
  if (compression === 5) return decodeLzw(src, out);
  if (compression === 8 || compression === 32946) {
    const { written, excess } = inflateInto(src, out);
    budget.spendExcess(excess);
    return written;
  }
  if (compression === 32773) return decodePackBits(src, out);
  const n = Math.min(src.length, out.length);
  out.set(src.subarray(0, n));
  return n;
}

function intView(bytes: Uint8Array, bits: number, signed: boolean): Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array {
  const { buffer, byteOffset, byteLength } = bytes;
  const n = byteLength / (bits / 8);
  if (bits === 8) return signed ? new Int8Array(buffer, byteOffset, n) : bytes;
  if (bits === 16) return signed ? new Int16Array(buffer, byteOffset, n) : new Uint16Array(buffer, byteOffset, n);
  return signed ? new Int32Array(buffer, byteOffset, n) : new Uint32Array(buffer, byteOffset, n);
}

/** Makes one decoded chunk host-ordered samples: byte order, then the predictor. */
function finishChunk(layout: PageLayout, chunk: Uint8Array, fileLE: boolean): void {
  const size = layout.bits / 8;
  const spp = layout.planar ? 1 : layout.spp;
  if (layout.predictor === 3) {
    undoFloatingPoint(chunk, layout.chunkWidth, spp, size, HOST_LE);
    return;
  }
  if (size > 1 && fileLE !== HOST_LE) swapBytes(chunk, size);
  if (layout.predictor === 2) undoHorizontal(intView(chunk, layout.bits, layout.format === 2), layout.chunkWidth, spp);
}

/**
 * The page's samples as host-ordered bytes: interleaved (chunky) or one plane after another (planar), rows top to
 * bottom. `budget` is checked between chunks.
 */
export function decodePageBytes(tf: TiffFile, layout: PageLayout, budget: DecodeBudget): Uint8Array {
  const { width, height, chunkWidth, chunkHeight, planar, spp } = layout;
  const pixelBytes = (planar ? 1 : spp) * (layout.bits / 8);
  const page = new Uint8Array(layout.bytes);
  const across = Math.ceil(width / chunkWidth);
  const down = Math.ceil(height / chunkHeight);
  const tile = layout.tiled ? new Uint8Array(chunkWidth * chunkHeight * pixelBytes) : undefined;
  const rowBytes = width * pixelBytes;
  for (let c = 0; c < layout.offsets.length; c++) {
    budget.check();
    const plane = Math.floor(c / (across * down));
    const k = c % (across * down);
    const y0 = Math.floor(k / across) * chunkHeight;
    const x0 = (k % across) * chunkWidth;
    const rows = Math.min(chunkHeight, height - y0);
    const planeStart = plane * height * rowBytes;
    const out = tile ?? page.subarray(planeStart + y0 * rowBytes, planeStart + (y0 + rows) * rowBytes);
    const src = tf.bytes.subarray(layout.offsets[c]!, layout.offsets[c]! + layout.counts[c]!);
    let got: number;
    try {
      got = decompress(layout.compression, src, out, budget);
    } catch (err) {
      throw new ImageFormatError(`page ${layout.index}, ${layout.tiled ? 'tile' : 'strip'} ${c}: ${(err as Error).message}`, { file: tf.file, cause: err });
    }
    // A tile's rows and columns past the image edge are padding, so only the rows that show must be complete.
    const needed = tile ? ((rows - 1) * chunkWidth + Math.min(chunkWidth, width - x0)) * pixelBytes : out.length;
    if (got < needed) tf.fail(`page ${layout.index}, ${layout.tiled ? 'tile' : 'strip'} ${c}: the data ends after ${got} of ${needed} bytes (corrupt or truncated)`);
    finishChunk(layout, out, tf.little);
    if (tile) {
      const visible = Math.min(chunkWidth, width - x0) * pixelBytes;
      for (let r = 0; r < rows; r++) {
        const from = r * chunkWidth * pixelBytes;
        page.set(tile.subarray(from, from + visible), planeStart + (y0 + r) * rowBytes + x0 * pixelBytes);
      }
    }
  }
  return page;
}
