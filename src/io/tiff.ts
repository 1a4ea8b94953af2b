/**
 * TIFF → ImageStack: 8/16-bit unsigned and 32-bit float samples as is; other integer or float types (signed, 32- and
 * 64-bit integer, 64-bit and half float) become 32-bit float with a warning, so they go through the float scaling rule
 * of core/scaling.ts. Both byte orders, classic and BigTIFF, strips and tiles, chunky and planar, compression none,
 * LZW, deflate and PackBits with the horizontal and floating-point predictors. Each full-resolution page is one slice
 * (ImageJ stacks and hyperstacks store one page per plane); reduced-resolution pages (thumbnails, pyramids) are
 * skipped. RGB is measured as luminance with a warning; WhiteIsZero is inverted. A pixel size the file states (ImageJ
 * calibration, OME-XML, centimetre resolution tags: io/tiff-pixel-size.ts) goes on the stack and on every slice.
 *
 * Every page's layout is read and checked (sizes, chunk extents, the total decoded size) before any pixel buffer is
 * allocated, and the work per file is bounded: see io/limits.ts and io/tiff-ifd.ts.
 */
import { ImageContentError, ImageFormatError } from '../core/errors.js';
import { dimensionsFor } from '../core/hyperstack.js';
import type { BitDepth, GrayImage, ImageStack, PixelArray, PixelSize, StackDimensions } from '../core/types.js';
import { DecodeBudget, MAX_DECODED_BYTES } from './limits.js';
import { firstChannel, interleavedToLuminance } from './luminance.js';
import { Tag, TiffFile, type Ifd } from './tiff-ifd.js';
import { readDimensions } from './tiff-dimensions.js';
import { readPixelSize } from './tiff-pixel-size.js';
import { decodePageBytes, isReducedResolution, readLayout, type PageLayout } from './tiff-page.js';

export interface DecodeOptions {
  /** Time budget for the whole file in milliseconds (default io/limits.ts DEFAULT_DECODE_TIME_MS). */
  readonly timeLimitMs?: number;
}

const WHITE_IS_ZERO = 0;
const RGB = 2;

type Samples = ArrayLike<number>;

/** Half float (IEEE 754 binary16) → number. */
function halfToFloat(h: number): number {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const s = h & 0x8000 ? -1 : 1;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** The page bytes (host order) as numbers of the stored type. */
function samplesOf(bytes: Uint8Array, layout: PageLayout): Samples {
  const { buffer, byteOffset, byteLength } = bytes;
  const n = byteLength / (layout.bits / 8);
  const { format, bits } = layout;
  if (format === 3) {
    if (bits === 32) return new Float32Array(buffer, byteOffset, n);
    if (bits === 64) return new Float64Array(buffer, byteOffset, n);
    const half = new Uint16Array(buffer, byteOffset, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = halfToFloat(half[i]!);
    return out;
  }
  const signed = format === 2;
  if (bits === 8) return signed ? new Int8Array(buffer, byteOffset, n) : bytes;
  if (bits === 16) return signed ? new Int16Array(buffer, byteOffset, n) : new Uint16Array(buffer, byteOffset, n);
  if (bits === 32) return signed ? new Int32Array(buffer, byteOffset, n) : new Uint32Array(buffer, byteOffset, n);
  const big = signed ? new BigInt64Array(buffer, byteOffset, n) : new BigUint64Array(buffer, byteOffset, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(big[i]!);
  return out;
}

/** Native sample type → our pixel storage; anything else becomes float32 (with a warning). */
function kindOf(layout: PageLayout): { bitDepth: BitDepth; exact: boolean; what: string } {
  const { format, bits } = layout;
  const what = `${format === 3 ? 'float' : format === 2 ? 'signed' : 'unsigned'} ${bits}-bit`;
  if (format === 1 && bits === 8) return { bitDepth: 8, exact: true, what };
  if (format === 1 && bits === 16) return { bitDepth: 16, exact: true, what };
  if (format === 3 && bits === 32) return { bitDepth: 32, exact: true, what };
  return { bitDepth: 32, exact: false, what };
}

function makeArray(bitDepth: BitDepth): (n: number) => PixelArray {
  return bitDepth === 8 ? (n) => new Uint8Array(n) : bitDepth === 16 ? (n) => new Uint16Array(n) : (n) => new Float32Array(n);
}

/** Planar RGB (one plane per channel) → luminance, with io/luminance.ts's weights and rounding. */
function planarLuminance(samples: Samples, n: number, make: (n: number) => PixelArray): PixelArray {
  const out = make(n);
  const round = !(out instanceof Float32Array);
  for (let i = 0; i < n; i++) {
    const y = 0.299 * samples[i]! + 0.587 * samples[n + i]! + 0.114 * samples[2 * n + i]!;
    out[i] = round ? Math.round(y) : y;
  }
  return out;
}

function toGray(layout: PageLayout, bytes: Uint8Array, warnings: string[]): GrayImage {
  const { width, height, spp, photometric, planar } = layout;
  const kind = kindOf(layout);
  const make = makeArray(kind.bitDepth);
  const samples = samplesOf(bytes, layout);
  const n = width * height;
  let data: PixelArray;
  if (spp === 1) {
    data = kind.exact ? (samples as PixelArray) : Float32Array.from(samples);
  } else if (photometric === RGB && spp >= 3) {
    data = planar ? planarLuminance(samples, n, make) : interleavedToLuminance(samples, spp, make);
    warnings.push(`RGB image: measured its luminance (0.299 R + 0.587 G + 0.114 B)`);
  } else {
    if (planar) {
      data = make(n);
      for (let i = 0; i < n; i++) data[i] = samples[i]!;
    } else data = firstChannel(samples, spp, make);
    warnings.push(`${spp} samples per pixel: measured the first one`);
  }
  if (!kind.exact) warnings.push(`${kind.what} samples converted to 32-bit float (scaled by the float rule)`);
  if (photometric === WHITE_IS_ZERO) {
    const max = kind.bitDepth === 8 ? 255 : kind.bitDepth === 16 ? 65535 : 1;
    for (let i = 0; i < data.length; i++) data[i] = max - data[i]!;
    warnings.push('WhiteIsZero TIFF: intensities inverted so that bright means signal');
  }
  return { data, width, height, bitDepth: kind.bitDepth };
}

/** Reads every full-resolution page's layout, checking sizes and the total before anything is decoded. */
function planPages(tf: TiffFile, ifds: readonly Ifd[], warnings: string[]): PageLayout[] {
  const pages: PageLayout[] = [];
  let total = 0;
  let skipped = 0;
  for (const [i, ifd] of ifds.entries()) {
    if (isReducedResolution(tf, ifd)) {
      skipped++;
      continue;
    }
    const layout = readLayout(tf, ifd, i);
    const first = pages[0];
    if (first && (layout.width !== first.width || layout.height !== first.height)) {
      tf.fail(`page ${i} is ${layout.width}×${layout.height}, page ${first.index} is ${first.width}×${first.height}: pages of a stack must have one size`);
    }
    total += layout.bytes;
    if (total > MAX_DECODED_BYTES) tf.fail(`the pages hold more than ${MAX_DECODED_BYTES / 2 ** 20} MiB of pixel data; this tool reads at most that per file (split the stack)`);
    pages.push(layout);
  }
  if (skipped > 0) warnings.push(`${skipped} reduced-resolution page(s) skipped`);
  if (pages.length === 0) throw new ImageContentError('TIFF holds no full-resolution image (empty stack)', { file: tf.file });
  return pages;
}

export async function decodeTiff(bytes: Uint8Array, file?: string, options: DecodeOptions = {}): Promise<ImageStack> {
  const budget = new DecodeBudget(file, options.timeLimitMs);
  const warnings: string[] = [];
  const slices: GrayImage[] = [];
  let pixelSize: PixelSize | undefined;
  let dimensions: StackDimensions | undefined;
  try {
    const tf = new TiffFile(bytes, file);
    const ifds = tf.readIfds();
    const pages = planPages(tf, ifds, warnings);
    // The first full-resolution page speaks for the stack (ImageJ and OME write the calibration there).
    const first = ifds[pages[0]!.index]!;
    const description = tf.text(first, Tag.ImageDescription) ?? '';
    pixelSize = readPixelSize(tf, first, description);
    if (pages.length > 1) dimensions = dimensionsFor(pages.length, readDimensions(description));
    for (const layout of pages) {
      const gray = toGray(layout, decodePageBytes(tf, layout, budget), warnings);
      slices.push(pixelSize ? { ...gray, pixelSize } : gray);
    }
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ImageFormatError' || name === 'ImageContentError') throw err;
    throw new ImageFormatError(`TIFF is corrupt or truncated (${(err as Error).message})`, { file, cause: err });
  }
  const bitDepths = new Set(slices.map((s) => s.bitDepth));
  if (bitDepths.size > 1) throw new ImageFormatError(`pages have different bit depths (${[...bitDepths].join(', ')})`, { file });
  const s0 = slices[0]!;
  // Pages usually share their remarks: report each once.
  return { width: s0.width, height: s0.height, bitDepth: s0.bitDepth, slices, warnings: [...new Set(warnings)], ...(pixelSize ? { pixelSize } : {}), ...(dimensions ? { dimensions } : {}) };
}
