/**
 * The channels × z-slices × frames a TIFF's pages are, when its description states them:
 * 1. ImageJ: "ImageJ=" descriptions with `channels=`, `slices=`, `frames=` (each 1 when absent); ImageJ stores the
 *    planes channel fastest, then z, then time (CZT), hyperstack or not;
 * 2. OME-XML: the first `<Pixels>` element's SizeC, SizeZ, SizeT and DimensionOrder ("XYCZT" → CZT). This assumes the
 *    planes are stored in DimensionOrder in this one file, OME's default when TiffData maps no plane elsewhere; a file
 *    whose counts do not multiply to its page count (a multi-file set, RGB channels as samples) states none.
 * The caller checks the counts against the pages (core/hyperstack.ts `dimensionsFor`).
 */
import { PLANE_ORDERS } from '../core/hyperstack.js';
import type { PlaneOrder, StackDimensions } from '../core/types.js';
import { imagejFields, omePixels } from './tiff-description.js';

function fromImageJ(description: string): StackDimensions | undefined {
  const field = imagejFields(description);
  if (!field) return undefined;
  const count = (key: string): number => {
    const v = field(key);
    return v !== undefined && /^\d+\s*$/.test(v) ? Number(v.trim()) : 1;
  };
  return { channels: count('channels'), slices: count('slices'), frames: count('frames'), order: 'CZT' };
}

function fromOme(description: string): StackDimensions | undefined {
  const attr = omePixels(description);
  if (!attr) return undefined;
  const order = attr('DimensionOrder')?.toUpperCase().replace(/^XY/, '') as PlaneOrder | undefined;
  if (order === undefined || !PLANE_ORDERS.includes(order)) return undefined;
  const size = (name: string): number => Number(attr(name) ?? '1');
  return { channels: size('SizeC'), slices: size('SizeZ'), frames: size('SizeT'), order };
}

/** The dimensions an ImageJ or OME description states (unchecked against the page count). */
export function readDimensions(description: string): StackDimensions | undefined {
  return fromImageJ(description) ?? fromOme(description);
}
