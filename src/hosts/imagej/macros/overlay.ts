/** Overlay pieces: one named, coloured rectangle per patch, tied to its plane, and the removal of earlier ones. */
import { levelColor } from '../../../core/colormap.js';
import type { PatchScore } from '../../../core/types.js';
import { block, macroNumber, type Block } from './code.js';

/** A hyperstack position, 1-based as ImageJ counts. */
export interface Position {
  readonly channel: number;
  readonly slice: number;
  readonly frame: number;
}

/** The image's dimensions and where the result with 0-based plane index `slice` was measured. */
export interface PlaneLayout {
  readonly channels: number;
  readonly slices: number;
  readonly frames: number;
  position(slice: number): Position;
}

/** Layout of a plain z-stack of `slices` planes. */
export function stackLayout(slices: number): PlaneLayout {
  return { channels: 1, slices, frames: 1, position: (i) => ({ channel: 1, slice: i + 1, frame: 1 }) };
}

/** Matches the names `patchName` gives, so a later run (or a rollback) can find and replace our rectangles. */
export const PATCH_NAME_REGEX = 'L[0-9]+ c[0-9]+[.][0-9]+';

/** `L3 c0.82`: level and certainty of a patch, as shown in ImageJ's overlay and ROI lists. */
export function patchName(p: Pick<PatchScore, 'level' | 'certainty'>): string {
  return `L${p.level} c${p.certainty.toFixed(2)}`;
}

/**
 * `Overlay.setPosition` for a plane: none for a single plane, the stack index when one axis has several planes (what a
 * plain stack understands), the (c, z, t) position for a hyperstack.
 */
export function overlayPosition(layout: PlaneLayout | undefined, slice: number): string {
  if (!layout) return '';
  const { channels, slices, frames } = layout;
  const p = layout.position(slice);
  const axes = [channels, slices, frames].filter((n) => n > 1).length;
  if (axes === 0) return '';
  if (axes === 1) return ` Overlay.setPosition(${(p.frame - 1) * channels * slices + (p.slice - 1) * channels + p.channel});`;
  return ` Overlay.setPosition(${p.channel}, ${p.slice}, ${p.frame});`;
}

/** One patch rectangle on the plane of result `slice`, in its level's colour (dimmer = less certain). */
export function patchRectangle(p: PatchScore, slice: number, o: { readonly levels: number; readonly border: number; readonly layout?: PlaneLayout | undefined }): Block {
  const colour = levelColor(p.level, p.certainty, o.levels).hex;
  return block(`makeRectangle(${p.x}, ${p.y}, ${p.w}, ${p.h}); Roi.setName("${patchName(p)}"); Overlay.addSelection("${colour}", ${macroNumber(o.border)});${overlayPosition(o.layout, slice)}`);
}

/** Removes the rectangles of earlier runs (by name), keeping the user's own overlay; puts back the slice it disturbs. */
export function removeOurRectangles(): Block {
  return block(
    [
      'fq_s = getSliceNumber();',
      'for (fq_i = Overlay.size - 1; fq_i >= 0; fq_i--) {',
      '  Overlay.activateSelection(fq_i);',
      `  if (matches(Roi.getName, "${PATCH_NAME_REGEX}")) Overlay.removeSelection(fq_i);`,
      '}',
      'run("Select None");',
      'setSlice(fq_s);',
    ].join('\n'),
  );
}

export const selectNone = (): Block => block('run("Select None");');
export const showOverlay = (): Block => block('Overlay.show;');
