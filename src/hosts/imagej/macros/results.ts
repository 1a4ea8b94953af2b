/**
 * The macros that write measured results into ImageJ: an overlay with one rectangle per patch, the results table, an
 * optional per-patch table, and the best plane of a stack.
 *
 * The code is split into macros of bounded size (a 50-slice stack has thousands of patches) that are run in order;
 * the results table is written last, so until the final macro has run nothing visible but the overlay has changed,
 * and `rollbackMacro` removes what earlier parts wrote. Every macro acts on the current image when it runs.
 */
import type { FocusResult, PatchScore } from '../../../core/types.js';
import { block, chunked, macroNumber, macroString, program, type Block } from './code.js';
import { patchRectangle, removeOurRectangles, selectNone, showOverlay, type PlaneLayout } from './overlay.js';
import { deleteRowsOfImage, imageTitle, openTableForImage, patchesTableTitle, sourceCell, tableRow, titleCell, updateTable, useTable, type CellValue } from './table.js';

/** What the macros write, and where. */
export interface MacroOptions {
  /** Number of defocus levels (from the model card): decides the colour map. */
  readonly levels: number;
  /** Stroke width of the rectangles. */
  readonly border: number;
  readonly overlay: boolean;
  /** Title of the per-image results table. */
  readonly table: string;
  /** Also write the per-patch table `${table} Patches`. */
  readonly patches: boolean;
  /** Go to the best-focused plane at the end (stacks). */
  readonly select: boolean;
  /** Where the measured planes sit in the image; absent for a single plane. Rectangles and rows are tied to them. */
  readonly layout?: PlaneLayout | undefined;
  /** The best-focused result (core `pickBestSlice`), marked in the table when more than one plane was measured. */
  readonly best?: FocusResult | undefined;
  /**
   * Classic metrics (core/metrics names) to add as columns, one per name, to the results table and the patch table.
   * A value the result lacks (could not be computed; see its warnings) is written as NaN, ImageJ's empty number.
   */
  readonly metrics?: readonly string[] | undefined;
  /** Upper bound on the length of one macro; default 60,000 characters. */
  readonly chunkChars?: number | undefined;
}

type Cells = (readonly [string, CellValue])[];

const number = (v: number, digits?: number): CellValue => sourceCell(macroNumber(v, digits));

/** Slice (and Channel / Frame where the image has several) of a result. */
function positionCells(r: FocusResult, layout: PlaneLayout | undefined): Cells {
  const p = layout ? layout.position(r.slice) : { channel: 1, slice: r.slice + 1, frame: 1 };
  return [
    ...(layout && layout.channels > 1 ? [['Channel', number(p.channel)] as const] : []),
    ['Slice', number(p.slice)],
    ...(layout && layout.frames > 1 ? [['Frame', number(p.frame)] as const] : []),
  ];
}

/** Cells of the asked-for metrics; NaN where the value is missing. */
function metricCells(values: Readonly<Record<string, number>> | undefined, names: readonly string[] = []): Cells {
  return names.map((n) => [n, number(values?.[n] ?? NaN, 10)]);
}

function patchRow(r: FocusResult, p: PatchScore, o: MacroOptions): Block {
  return tableRow([
    ['Label', titleCell],
    ...positionCells(r, o.layout),
    ['X', number(p.x)],
    ['Y', number(p.y)],
    ['Width', number(p.w)],
    ['Height', number(p.h)],
    ['Level', number(p.level)],
    ['Certainty', number(p.certainty)],
    ...Array.from({ length: o.levels }, (_, k) => [`P${k}`, number(p.probs[k] ?? NaN)] as const),
    ...metricCells(p.metrics, o.metrics),
  ]);
}

/** The answer to show: the engine's verdict ('in', 'out', 'uncertain') when it gives one, else the in-focus flag. */
export function verdictOf(r: Pick<FocusResult, 'verdict' | 'inFocus'>): string {
  return r.verdict ?? (r.inFocus ? 'in' : 'out');
}

function resultRow(r: FocusResult, o: MacroOptions, several: boolean): Block {
  return tableRow([
    ['Label', titleCell],
    ...positionCells(r, o.layout),
    ['Level', number(r.level)],
    ['Score', number(r.score)],
    ['Certainty', number(r.certainty)],
    ['Mean certainty', number(r.meanCertainty)],
    ['In focus', number(r.inFocus ? 1 : 0)],
    ['Verdict', sourceCell(macroString(verdictOf(r)))],
    ['Patches', number(r.patches.length)],
    ...(several ? [['Best', number(r.slice === o.best?.slice ? 1 : 0)] as const] : []),
    ...metricCells(r.metrics, o.metrics),
  ]);
}

/** Results table, overlay display and best plane: the last macro, small whatever the image size. */
function finalMacro(results: readonly FocusResult[], o: MacroOptions): string {
  const several = results.length > 1;
  const blocks: Block[] = [imageTitle(), openTableForImage(o.table), ...results.map((r) => resultRow(r, o, several)), updateTable()];
  if (o.overlay) blocks.push(showOverlay());
  if (o.best && several) {
    const p = o.layout ? o.layout.position(o.best.slice) : { channel: 1, slice: o.best.slice + 1, frame: 1 };
    if (o.select) blocks.push(block(`Stack.setPosition(${p.channel}, ${p.slice}, ${p.frame});`));
    const where = o.layout && o.layout.slices === 1 && o.layout.frames > 1 ? `frame ${p.frame}` : `slice ${p.slice}`;
    blocks.push(block(`showStatus("Focus Quality: best-focused ${where}");`));
  }
  return program(blocks);
}

/** The macros that write `results` (one per measured plane) into the current image, in the order to run them. */
export function writeResultsMacros(results: readonly FocusResult[], o: MacroOptions): string[] {
  const limit = o.chunkChars ?? 60_000;
  const macros: string[] = [];
  if (o.overlay) {
    const rectangles = results.flatMap((r) => r.patches.map((p) => patchRectangle(p, r.slice, o)));
    // The first part also clears earlier runs, so even 0 patches replace an old overlay.
    macros.push(...chunked((i) => (i === 0 ? [removeOurRectangles(), imageTitle()] : [imageTitle()]), rectangles, [selectNone()], limit));
  } else {
    macros.push(program([imageTitle(), removeOurRectangles()]));
  }
  if (o.patches) {
    const title = patchesTableTitle(o.table);
    const rows = results.flatMap((r) => r.patches.map((p) => patchRow(r, p, o)));
    macros.push(...chunked((i) => [imageTitle(), i === 0 ? openTableForImage(title) : useTable(title)], rows, [updateTable()], limit));
  }
  macros.push(finalMacro(results, o));
  return macros;
}

/** Undoes a partly written run: removes our rectangles and this image's rows of the per-patch table. */
export function rollbackMacro(o: Pick<MacroOptions, 'table' | 'patches'>): string {
  const blocks = [imageTitle(), removeOurRectangles(), ...(o.patches ? [deleteRowsOfImage(patchesTableTitle(o.table))] : [])];
  return `if (nImages > 0) {\n${program(blocks)}\n}`;
}
