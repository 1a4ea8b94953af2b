/**
 * TIFF → ImageStack through geotiff.js: 8/16-bit unsigned and 32-bit float samples as is; other integer or float
 * types (signed, 32-bit integer, 64-bit float, half float) become 32-bit float with a warning, so they go through the
 * float scaling rule of core/scaling.ts. Both byte orders and every compression geotiff reads (none, LZW, deflate,
 * PackBits, …). Each full-resolution page is one slice (ImageJ stacks and hyperstacks store one page per plane);
 * reduced-resolution pages (thumbnails, pyramids) are skipped. RGB is measured as luminance with a warning;
 * WhiteIsZero is inverted. Sizes are checked from the header and strip/tile extents against the file length
 * before pixels are decoded, so huge or truncated files fail fast with ImageFormatError.
 */
import { fromArrayBuffer, type GeoTIFFImage } from 'geotiff';
import { ImageContentError, ImageFormatError } from '../core/errors.js';
import type { BitDepth, GrayImage, ImageStack, PixelArray } from '../core/types.js';
import { MAX_TOTAL_PIXELS, checkPlaneSize } from './limits.js';
import { firstChannel, interleavedToLuminance } from './luminance.js';

const PHOTOMETRIC_WHITE_IS_ZERO = 0;
const PHOTOMETRIC_BLACK_IS_ZERO = 1;
const PHOTOMETRIC_RGB = 2;

type NumArray = ArrayLike<number>;

function asArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  // Copy through the Uint8Array constructor: Buffer#slice would return a view of Node's shared pool, not a copy.
  return new Uint8Array(bytes).buffer;
}

async function tag(image: GeoTIFFImage, name: string): Promise<unknown> {
  const fd = image.getFileDirectory();
  return fd.hasTag(name as never) ? fd.loadValue(name as never) : undefined;
}

const toNumbers = (v: unknown): number[] => (v === undefined || v === null ? [] : typeof v === 'number' ? [v] : Array.from(v as NumArray, Number));

/** Every strip or tile must lie inside the file: a cheap, early truncation check with a precise message. */
async function checkExtents(image: GeoTIFFImage, fileLength: number, page: number, file: string | undefined): Promise<void> {
  const offsets = toNumbers((await tag(image, 'StripOffsets')) ?? (await tag(image, 'TileOffsets')));
  const counts = toNumbers((await tag(image, 'StripByteCounts')) ?? (await tag(image, 'TileByteCounts')));
  if (offsets.length === 0) throw new ImageFormatError(`page ${page} has no strip or tile offsets`, { file });
  let end = 0;
  offsets.forEach((o, i) => {
    end = Math.max(end, o + (counts[i] ?? 0));
  });
  if (end > fileLength) throw new ImageFormatError(`file is truncated: page ${page} needs ${end} bytes, the file has ${fileLength}`, { file });
}

/** Native sample type → our pixel storage; anything else becomes float32 (warning added by the caller). */
function kindOf(format: number, bits: number): { bitDepth: BitDepth; exact: boolean; what: string } {
  const what = `${format === 3 ? 'float' : format === 2 ? 'signed' : 'unsigned'} ${bits}-bit`;
  if (format === 1 && bits === 8) return { bitDepth: 8, exact: true, what };
  if (format === 1 && bits === 16) return { bitDepth: 16, exact: true, what };
  if (format === 3 && bits === 32) return { bitDepth: 32, exact: true, what };
  if ((format === 1 || format === 2 || format === 3) && [8, 16, 32, 64].includes(bits)) return { bitDepth: 32, exact: false, what };
  return { bitDepth: 32, exact: false, what: '' };
}

function makeArray(bitDepth: BitDepth): (n: number) => PixelArray {
  return bitDepth === 8 ? (n) => new Uint8Array(n) : bitDepth === 16 ? (n) => new Uint16Array(n) : (n) => new Float32Array(n);
}

async function decodePage(image: GeoTIFFImage, page: number, file: string | undefined, warnings: string[]): Promise<GrayImage> {
  const width = image.getWidth();
  const height = image.getHeight();
  const spp = image.getSamplesPerPixel();
  const bits = image.getBitsPerSample();
  const format = image.getSampleFormat();
  const photometric = Number((await tag(image, 'PhotometricInterpretation')) ?? PHOTOMETRIC_BLACK_IS_ZERO);
  const kind = kindOf(format, bits);
  if (!kind.what) throw new ImageFormatError(`page ${page}: ${bits}-bit samples (format ${format}) are not supported; use 8/16-bit integer or 32-bit float`, { file });
  if (photometric !== PHOTOMETRIC_BLACK_IS_ZERO && photometric !== PHOTOMETRIC_WHITE_IS_ZERO && photometric !== PHOTOMETRIC_RGB) {
    throw new ImageFormatError(`page ${page}: photometric interpretation ${photometric} (palette, CMYK, YCbCr, …) is not supported; save as grayscale`, { file });
  }
  const raster = (await image.readRasters({ interleave: true })) as unknown as NumArray;
  const make = makeArray(kind.bitDepth);
  let data: PixelArray;
  if (spp === 1) {
    data = kind.exact ? (raster as PixelArray) : Float32Array.from(raster);
  } else if (photometric === PHOTOMETRIC_RGB && spp >= 3) {
    data = interleavedToLuminance(raster, spp, make);
    warnings.push(`RGB image: measured its luminance (0.299 R + 0.587 G + 0.114 B)`);
  } else {
    data = firstChannel(raster, spp, make);
    warnings.push(`${spp} samples per pixel: measured the first one`);
  }
  if (!kind.exact) warnings.push(`${kind.what} samples converted to 32-bit float (scaled by the float rule)`);
  if (photometric === PHOTOMETRIC_WHITE_IS_ZERO) {
    const max = kind.bitDepth === 8 ? 255 : kind.bitDepth === 16 ? 65535 : 1;
    for (let i = 0; i < data.length; i++) data[i] = max - data[i]!;
    warnings.push('WhiteIsZero TIFF: intensities inverted so that bright means signal');
  }
  if (data.length !== width * height) throw new ImageFormatError(`page ${page} decoded to ${data.length} pixels, its header says ${width}×${height}`, { file });
  return { data, width, height, bitDepth: kind.bitDepth };
}

export async function decodeTiff(bytes: Uint8Array, file?: string): Promise<ImageStack> {
  const warnings: string[] = [];
  const slices: GrayImage[] = [];
  try {
    const tiff = await fromArrayBuffer(asArrayBuffer(bytes));
    const count = await tiff.getImageCount();
    const pages: { image: GeoTIFFImage; index: number }[] = [];
    let total = 0;
    let skipped = 0;
    for (let i = 0; i < count; i++) {
      const image = await tiff.getImage(i);
      if ((Number((await tag(image, 'NewSubfileType')) ?? 0) & 1) === 1) {
        skipped++;
        continue;
      }
      checkPlaneSize(image.getWidth(), image.getHeight(), file);
      const first = pages[0]?.image;
      if (first && (image.getWidth() !== first.getWidth() || image.getHeight() !== first.getHeight())) {
        throw new ImageFormatError(`page ${i} is ${image.getWidth()}×${image.getHeight()}, page ${pages[0]!.index} is ${first.getWidth()}×${first.getHeight()}: pages of a stack must have one size`, { file });
      }
      total += image.getWidth() * image.getHeight();
      if (total > MAX_TOTAL_PIXELS) throw new ImageFormatError(`stack holds more than ${MAX_TOTAL_PIXELS} pixels; split it into smaller files`, { file });
      await checkExtents(image, bytes.byteLength, i, file);
      pages.push({ image, index: i });
    }
    if (skipped > 0) warnings.push(`${skipped} reduced-resolution page(s) skipped`);
    if (pages.length === 0) throw new ImageContentError('TIFF holds no full-resolution image (empty stack)', { file });
    for (const { image, index } of pages) slices.push(await decodePage(image, index, file, warnings));
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ImageFormatError' || name === 'ImageContentError') throw err;
    throw new ImageFormatError(`TIFF is corrupt or truncated (${(err as Error).message})`, { file, cause: err });
  }
  const bitDepths = new Set(slices.map((s) => s.bitDepth));
  if (bitDepths.size > 1) throw new ImageFormatError(`pages have different bit depths (${[...bitDepths].join(', ')})`, { file });
  const s0 = slices[0]!;
  // Pages usually share their remarks: report each once.
  return { width: s0.width, height: s0.height, bitDepth: s0.bitDepth, slices, warnings: [...new Set(warnings)] };
}
