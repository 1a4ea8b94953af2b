/**
 * Reads ImageJ's state back after our macros ran: the current image's overlay and a results table, as plain data.
 * Strings travel as UTF-16 code units (see ENC_FUNCTION) so names with any characters compare exactly.
 */
import { ENC_FUNCTION, decodeCodes } from './batch.js';
import { macroString } from '../../src/hosts/imagej/macros/code.js';

export interface OverlayItem {
  x: number;
  y: number;
  w: number;
  h: number;
  /** `#rrggbb` (ImageJ's colour names translated back). */
  stroke: string;
  strokeWidth: number;
  name: string;
  /** Stack position (0 = all slices): the slice of `Roi.getPosition(c, z, t)`. */
  position: number;
  /** Channel and frame of `Roi.getPosition(c, z, t)` (0 = all). */
  channel: number;
  frame: number;
}

/** The interface a live ImageJ offers the readers: run macro code, get its return value. */
export interface MacroRunner {
  run(code: string, timeoutMs?: number): Promise<string>;
}

// java.awt colours that ij.plugin.Colors.colorToString writes by name.
const NAMED: Record<string, string> = {
  black: '#000000', white: '#ffffff', red: '#ff0000', green: '#00ff00', blue: '#0000ff', yellow: '#ffff00',
  cyan: '#00ffff', magenta: '#ff00ff', orange: '#ffc800', pink: '#ffafaf', gray: '#808080', lightgray: '#c0c0c0', darkgray: '#404040',
};

export function normaliseColour(c: string): string {
  const k = c.trim().toLowerCase();
  if (NAMED[k]) return NAMED[k]!;
  // #aarrggbb with opaque alpha → #rrggbb
  if (/^#ff[0-9a-f]{6}$/.test(k)) return `#${k.slice(3)}`;
  return k;
}

export async function readOverlay(ij: MacroRunner): Promise<OverlayItem[]> {
  const out = await ij.run(`${ENC_FUNCTION}
fq = "";
if (nImages > 0) {
fq_s0 = getSliceNumber();
for (fq_i = 0; fq_i < Overlay.size; fq_i++) {
  Overlay.activateSelection(fq_i);
  Roi.getBounds(fq_x, fq_y, fq_w, fq_h);
  Roi.getPosition(fq_c, fq_z, fq_t);
  // Built-in calls are stored before being passed to fq_enc: ImageJ 1.53t fails on fq_enc(Roi.getName).
  fq_nm = Roi.getName;
  fq = fq + fq_x + "\\t" + fq_y + "\\t" + fq_w + "\\t" + fq_h + "\\t" + Roi.getStrokeColor + "\\t" + getValue("selection.width") + "\\t" + fq_enc(fq_nm) + "\\t" + fq_z + "\\t" + fq_c + "\\t" + fq_t + "\\n";
}
run("Select None"); setSlice(fq_s0);
}
File.saveString(fq, fq_out);`);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [x, y, w, h, stroke, sw, name, pos, channel, frame] = line.split('\t');
      return { x: +x!, y: +y!, w: +w!, h: +h!, stroke: normaliseColour(stroke!), strokeWidth: +sw!, name: decodeCodes(name!), position: +pos!, channel: +channel!, frame: +frame! };
    });
}

/** Every row of a table as column → string (numbers with 9 decimals); [] when it is not open. */
export async function readTable(ij: MacroRunner, title: string, columns: readonly string[]): Promise<Record<string, string>[]> {
  const cols = columns.map((c) => macroString(c)).join(', ');
  const out = await ij.run(`${ENC_FUNCTION}
fq_t = ${macroString(title)};
fq_cols = newArray(${cols});
fq = "";
if (isOpen(fq_t)) for (fq_r = 0; fq_r < Table.size(fq_t); fq_r++) {
  for (fq_k = 0; fq_k < fq_cols.length; fq_k++) {
    // Table.getString gives the displayed rounding; numbers are read at full precision instead.
    fq_v = Table.get(fq_cols[fq_k], fq_r, fq_t);
    if (isNaN(fq_v)) fq_sv = Table.getString(fq_cols[fq_k], fq_r, fq_t);
    else fq_sv = d2s(fq_v, 9);
    fq = fq + fq_enc(fq_sv) + "\\t";
  }
  fq = fq + "\\n";
}
File.saveString(fq, fq_out);`);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(columns.map((c, i) => [c, decodeCodes(cells[i]!)]));
    });
}

/** [width, height, channels, slices, frames], the current stack index, hyperstack position [c, z, t] and title of the current image. */
export async function readImageState(ij: MacroRunner): Promise<{ dims: number[]; slice: number; position: number[]; title: string }> {
  const out = await ij.run(`${ENC_FUNCTION}
getDimensions(fq_w, fq_h, fq_c, fq_z, fq_t); Stack.getPosition(fq_pc, fq_pz, fq_pt);
fq_ti = getTitle();
File.saveString("" + fq_w + "," + fq_h + "," + fq_c + "," + fq_z + "," + fq_t + "\\t" + getSliceNumber() + "\\t" + fq_pc + "," + fq_pz + "," + fq_pt + "\\t" + fq_enc(fq_ti), fq_out);`);
  const [dims, slice, position, title] = out.split('\t');
  return { dims: dims!.split(',').map(Number), slice: +slice!, position: position!.split(',').map(Number), title: decodeCodes(title!) };
}
