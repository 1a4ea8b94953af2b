/**
 * Lengths in the unit names that calibrations use, to µm: ImageJ's `unit` (its Properties dialog, TIFF descriptions
 * and `getPixelSize`) and OME's PhysicalSize units. One table, so a file's calibration and the same calibration read
 * from a running ImageJ give the same pixel size.
 */
import type { PixelSize } from './types.js';

/**
 * Pixel sizes accepted (µm): from 0.01 (beyond any light microscope's resolution) to 100 (a low-magnification
 * overview camera). Outside it a value is a mistake — a resolution tag in dpi taken for µm, mm for µm — not a pixel size.
 */
export const MIN_PIXEL_SIZE_UM = 0.01;
export const MAX_PIXEL_SIZE_UM = 100;

/** µm per unit, by the names ImageJ and OME write (lower case). */
const UM_PER: Record<string, number> = {
  micron: 1, microns: 1, µm: 1, um: 1, 'μm': 1, nm: 1e-3, nanometer: 1e-3, mm: 1e3, millimeter: 1e3, cm: 1e4, centimeter: 1e4, m: 1e6, meter: 1e6, inch: 25400, å: 1e-4, angstrom: 1e-4,
};

/** µm in one `unit`, or undefined for a unit that is no length ("pixel", "", anything unknown). */
export function micronsPer(unit: string): number | undefined {
  // ImageJ writes µ in TIFF descriptions as the escape \u00B5.
  return UM_PER[unit.trim().toLowerCase().replace(/\\u00b5/g, 'µ')];
}

/** `x`, `y` in µm when both lie in `range` (by default the range a user may give: the one check `parsePixelSize` uses too). */
export function pixelSizeInRange(x: number, y: number, range: { min: number; max: number } = { min: MIN_PIXEL_SIZE_UM, max: MAX_PIXEL_SIZE_UM }): PixelSize | undefined {
  const ok = (v: number): boolean => Number.isFinite(v) && v >= range.min && v <= range.max;
  return ok(x) && ok(y) ? { x, y } : undefined;
}

/**
 * A pixel width and height in `unit` (as ImageJ's `getPixelSize` answers) as µm, or undefined when the image is not
 * calibrated in a length (ImageJ says "pixels" with 1×1) or the result is no microscope pixel.
 */
export function calibratedPixelSize(width: number, height: number, unit: string): PixelSize | undefined {
  const f = micronsPer(unit);
  return f === undefined ? undefined : pixelSizeInRange(width * f, height * f);
}
