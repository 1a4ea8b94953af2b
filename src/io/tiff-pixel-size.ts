/**
 * The pixel size (µm) a TIFF states, when it states one that can be trusted:
 * 1. ImageJ: an ImageDescription beginning "ImageJ=" with `unit=` micron/µm/um/nm/mm/cm/inch (ImageJ writes µ as the
 *    escape \u00B5), and XResolution/YResolution as pixels per that unit (ImageJ's `run("Properties...")` then
 *    saveAs Tiff; ImageJ itself reads them back so);
 * 2. OME-XML: the first `<Pixels>` element's PhysicalSizeX/Y with PhysicalSizeXUnit/YUnit (default µm, OME schema);
 * 3. XResolution/YResolution with ResolutionUnit 3 (centimetre), when the result is a plausible microscope pixel
 *    (0.02–20 µm).
 * Anything else states no pixel size: resolution in inches or with no unit is what cameras and image editors write
 * for printing (72 dpi, 1/1), and reading it as a pixel size would resample an image by a meaningless factor.
 */
import { MAX_PIXEL_SIZE_UM, MIN_PIXEL_SIZE_UM } from '../core/options.js';
import type { PixelSize } from '../core/types.js';
import { Tag, type Ifd, type TiffFile } from './tiff-ifd.js';

/** µm per unit, by the names ImageJ and OME write (lower case). */
const UM_PER: Record<string, number> = {
  micron: 1, microns: 1, µm: 1, um: 1, 'μm': 1, nm: 1e-3, nanometer: 1e-3, mm: 1e3, millimeter: 1e3, cm: 1e4, centimeter: 1e4, m: 1e6, meter: 1e6, inch: 25400, å: 1e-4, angstrom: 1e-4,
};

/** Widest range taken from a file at all: the range a user may give (core/options.ts); beyond it a value is junk. */
const ANY = { min: MIN_PIXEL_SIZE_UM, max: MAX_PIXEL_SIZE_UM };
/** Range a bare centimetre resolution must fall in to be read as a microscope pixel. */
const PLAUSIBLE = { min: 0.02, max: 20 };

const unitFactor = (unit: string): number | undefined => UM_PER[unit.trim().toLowerCase().replace(/\\u00b5/g, 'µ')];

function size(x: number, y: number, range: { min: number; max: number }): PixelSize | undefined {
  const ok = (v: number): boolean => Number.isFinite(v) && v >= range.min && v <= range.max;
  return ok(x) && ok(y) ? { x, y } : undefined;
}

function fromResolution(tf: TiffFile, ifd: Ifd, umPerUnit: number, range: { min: number; max: number }): PixelSize | undefined {
  const xr = tf.value(ifd, Tag.XResolution, NaN);
  const yr = tf.value(ifd, Tag.YResolution, xr);
  if (!(xr > 0) || !(yr > 0)) return undefined;
  return size(umPerUnit / xr, umPerUnit / yr, range);
}

function fromImageJ(tf: TiffFile, ifd: Ifd, description: string): PixelSize | undefined {
  if (!description.startsWith('ImageJ=')) return undefined;
  const unit = /^unit=(.+)$/m.exec(description)?.[1];
  const factor = unit === undefined ? undefined : unitFactor(unit);
  return factor === undefined ? undefined : fromResolution(tf, ifd, factor, ANY);
}

function fromOme(description: string): PixelSize | undefined {
  if (!description.includes('<OME')) return undefined;
  const pixels = /<(?:\w+:)?Pixels\b([^>]*)>/.exec(description)?.[1];
  if (pixels === undefined) return undefined;
  const attr = (name: string): string | undefined => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(pixels)?.[1];
  const x = Number(attr('PhysicalSizeX'));
  const y = Number(attr('PhysicalSizeY') ?? attr('PhysicalSizeX'));
  const fx = unitFactor(attr('PhysicalSizeXUnit') ?? 'µm');
  const fy = unitFactor(attr('PhysicalSizeYUnit') ?? attr('PhysicalSizeXUnit') ?? 'µm');
  if (fx === undefined || fy === undefined || !(x > 0) || !(y > 0)) return undefined;
  return size(x * fx, y * fy, ANY);
}

/** The pixel size of the page `ifd`, when the file states one (see the module comment). */
export function readPixelSize(tf: TiffFile, ifd: Ifd): PixelSize | undefined {
  const description = tf.text(ifd, Tag.ImageDescription) ?? '';
  const stated = fromImageJ(tf, ifd, description) ?? fromOme(description);
  if (stated) return stated;
  return tf.value(ifd, Tag.ResolutionUnit, 2) === 3 ? fromResolution(tf, ifd, 1e4, PLAUSIBLE) : undefined;
}
