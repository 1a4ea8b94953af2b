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
import type { PixelSize } from '../core/types.js';
import { micronsPer, pixelSizeInRange } from '../core/units.js';
import { imagejFields, omePixels } from './tiff-description.js';
import { Tag, type Ifd, type TiffFile } from './tiff-ifd.js';

/** Range a bare centimetre resolution must fall in to be read as a microscope pixel. */
const PLAUSIBLE = { min: 0.02, max: 20 };

function fromResolution(tf: TiffFile, ifd: Ifd, umPerUnit: number, range?: { min: number; max: number }): PixelSize | undefined {
  const xr = tf.value(ifd, Tag.XResolution, NaN);
  const yr = tf.value(ifd, Tag.YResolution, xr);
  if (!(xr > 0) || !(yr > 0)) return undefined;
  return pixelSizeInRange(umPerUnit / xr, umPerUnit / yr, range);
}

function fromImageJ(tf: TiffFile, ifd: Ifd, description: string): PixelSize | undefined {
  const unit = imagejFields(description)?.('unit');
  const factor = unit === undefined ? undefined : micronsPer(unit);
  return factor === undefined ? undefined : fromResolution(tf, ifd, factor);
}

function fromOme(description: string): PixelSize | undefined {
  const attr = omePixels(description);
  if (!attr) return undefined;
  const x = Number(attr('PhysicalSizeX'));
  const y = Number(attr('PhysicalSizeY') ?? attr('PhysicalSizeX'));
  const fx = micronsPer(attr('PhysicalSizeXUnit') ?? 'µm');
  const fy = micronsPer(attr('PhysicalSizeYUnit') ?? attr('PhysicalSizeXUnit') ?? 'µm');
  if (fx === undefined || fy === undefined || !(x > 0) || !(y > 0)) return undefined;
  return pixelSizeInRange(x * fx, y * fy);
}

/** The pixel size of the page `ifd`, whose ImageDescription is `description`, when the file states one (see the module comment). */
export function readPixelSize(tf: TiffFile, ifd: Ifd, description: string): PixelSize | undefined {
  const stated = fromImageJ(tf, ifd, description) ?? fromOme(description);
  if (stated) return stated;
  return tf.value(ifd, Tag.ResolutionUnit, 2) === 3 ? fromResolution(tf, ifd, 1e4, PLAUSIBLE) : undefined;
}
