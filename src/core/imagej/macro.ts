/**
 * ImageJ macro code that writes a FocusResult back into ImageJ: an overlay with one rectangle per patch, the
 * "Focus Quality" results table, an optional per-patch table, and the best slice of a stack.
 *
 * The code is split into macros of bounded size (a 50-slice stack has thousands of patches) that are run in order;
 * the results table is written last, so until the final macro has run nothing visible but the overlay has changed,
 * and `rollbackMacro` removes what earlier parts wrote. Every macro acts on the current image when it runs.
 * Generated code is plain ASCII: other characters are built with `fromCharCode`, which reads the same whether the
 * code reaches ImageJ as a Java string (ImageJ.JS), a command-line argument or a file in any charset.
 */
import { levelColor } from '../colormap.js';
import type { FocusResult, PatchScore } from '../types.js';

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
  /** Make the best-focused slice the current one (stacks). */
  readonly select: boolean;
  /** Where the measured planes sit in the image; absent for a single plane. Rectangles and rows are tied to them. */
  readonly layout?: PlaneLayout;
  /** The best-focused result (core `pickBestSlice`), marked in the table when more than one slice was measured. */
  readonly best?: FocusResult;
  /**
   * Classic metrics (core/metrics names) to add as columns, one per name, to the results table and the patch table.
   * A value the result lacks (could not be computed; see its warnings) is written as NaN, ImageJ's empty number.
   */
  readonly metrics?: readonly string[];
  /** Upper bound on the length of one macro; default 60,000 characters. */
  readonly chunkChars?: number;
}

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

/**
 * `Overlay.setPosition` for a plane: none for a single plane, the stack index when one axis has several planes (what a
 * plain stack understands), the (c, z, t) position for a hyperstack.
 */
function overlayPosition(layout: PlaneLayout | undefined, slice: number): string {
  if (!layout) return '';
  const { channels, slices, frames } = layout;
  const p = layout.position(slice);
  const axes = [channels, slices, frames].filter((n) => n > 1).length;
  if (axes === 0) return '';
  if (axes === 1) return ` Overlay.setPosition(${(p.frame - 1) * channels * slices + (p.slice - 1) * channels + p.channel});`;
  return ` Overlay.setPosition(${p.channel}, ${p.slice}, ${p.frame});`;
}

/** Matches the names `patchName` gives, so a later run (or a rollback) can find and replace our rectangles. */
export const PATCH_NAME_REGEX = 'L[0-9]+ c[0-9]+[.][0-9]+';

/** `L3 c0.82`: level and certainty of a patch, as shown in ImageJ's overlay and ROI lists. */
export function patchName(p: Pick<PatchScore, 'level' | 'certainty'>): string {
  return `L${p.level} c${p.certainty.toFixed(2)}`;
}

/** An ImageJ macro expression evaluating to `s` exactly, whatever characters it holds. */
export function macroString(s: string): string {
  const parts: string[] = [];
  let plain = '';
  let codes: number[] = [];
  const flushPlain = (): void => {
    if (plain) parts.push(`"${plain}"`);
    plain = '';
  };
  const flushCodes = (): void => {
    if (codes.length) parts.push(`fromCharCode(${codes.join(',')})`);
    codes = [];
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      flushCodes();
      plain += c === 0x22 || c === 0x5c ? `\\${s[i]}` : s[i];
    } else {
      flushPlain();
      codes.push(c);
    }
  }
  flushPlain();
  flushCodes();
  return parts.length ? parts.join(' + ') : '""';
}

/** A number as macro source: fixed-point (the macro tokenizer's safe subset), NaN for non-finite values. */
export function macroNumber(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return 'NaN';
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(digits).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** Title of the per-patch table that goes with a results table. */
export function patchesTableTitle(table: string): string {
  return `${table} Patches`;
}

// Removes the rectangles of earlier runs (by name), keeping the user's own overlay; restores the slice it disturbs.
const REMOVE_OURS = [
  'fq_s = getSliceNumber();',
  'for (fq_i = Overlay.size - 1; fq_i >= 0; fq_i--) {',
  '  Overlay.activateSelection(fq_i);',
  `  if (matches(Roi.getName, "${PATCH_NAME_REGEX}")) Overlay.removeSelection(fq_i);`,
  '}',
  'run("Select None");',
  'setSlice(fq_s);',
].join('\n');

function deleteRowsOf(table: string): string {
  // Rows of the image being written are replaced; other images' rows stay (like repeated Analyze › Measure, minus duplicates).
  return [
    `fq_t = ${macroString(table)};`,
    'if (isOpen(fq_t)) {',
    // "Label" is ResultsTable's row-label column, which Table.columnExists does not report: look in the headings.
    '  if (indexOf("\\t" + Table.headings(fq_t) + "\\t", "\\tLabel\\t") >= 0) {',
    '    for (fq_r = Table.size(fq_t) - 1; fq_r >= 0; fq_r--) if (Table.getString("Label", fq_r, fq_t) == fq_lab) Table.deleteRows(fq_r, fq_r, fq_t);',
    '  }',
    '} else Table.create(fq_t);',
  ].join('\n');
}

function overlayLine(p: PatchScore, slice: number, o: MacroOptions): string {
  const colour = levelColor(p.level, p.certainty, o.levels).hex;
  const position = overlayPosition(o.layout, slice);
  return `makeRectangle(${p.x}, ${p.y}, ${p.w}, ${p.h}); Roi.setName("${patchName(p)}"); Overlay.addSelection("${colour}", ${macroNumber(o.border)});${position}`;
}

/** Table cells of the asked-for metrics; column names pass through `macroString`, so any name is safe. */
function metricCells(values: Readonly<Record<string, number>> | undefined, names: readonly string[] = []): [string, string][] {
  return names.map((n) => [n, macroNumber(values?.[n] ?? NaN, 10)]);
}

/** Slice (and Channel / Frame where the image has several) of a result, as table cells. */
function positionCells(r: FocusResult, layout: PlaneLayout | undefined): [string, string][] {
  const p = layout ? layout.position(r.slice) : { channel: 1, slice: r.slice + 1, frame: 1 };
  const cells: [string, string][] = [['Slice', String(p.slice)]];
  if (layout && layout.channels > 1) cells.unshift(['Channel', String(p.channel)]);
  if (layout && layout.frames > 1) cells.push(['Frame', String(p.frame)]);
  return cells;
}

function patchRow(r: FocusResult, p: PatchScore, o: MacroOptions): string {
  const { levels, metrics } = o;
  const cells: [string, string][] = [
    ['Label', 'fq_lab'],
    ...positionCells(r, o.layout),
    ['X', String(p.x)],
    ['Y', String(p.y)],
    ['Width', String(p.w)],
    ['Height', String(p.h)],
    ['Level', String(p.level)],
    ['Certainty', macroNumber(p.certainty)],
  ];
  for (let k = 0; k < levels; k++) cells.push([`P${k}`, macroNumber(p.probs[k] ?? NaN)]);
  cells.push(...metricCells(p.metrics, metrics));
  return setRow(cells);
}

function setRow(cells: readonly [string, string][]): string {
  return `fq_n = Table.size(fq_t); ${cells.map(([c, v]) => `Table.set(${macroString(c)}, fq_n, ${v}, fq_t);`).join(' ')}`;
}

/** Packs lines into macros of at most `limit` characters, each starting with `head`. */
function chunk(head: string, lines: readonly string[], limit: number, tail = 'run("Select None");'): string[] {
  const out: string[] = [];
  let body: string[] = [];
  let size = head.length + tail.length;
  for (const line of lines) {
    if (body.length > 0 && size + line.length + 1 > limit) {
      out.push([head, ...body, tail].join('\n'));
      body = [];
      size = head.length + tail.length;
    }
    body.push(line);
    size += line.length + 1;
  }
  if (body.length > 0) out.push([head, ...body, tail].join('\n'));
  return out;
}

/** The macros that write `results` (one per measured slice) into the current image, in the order to run them. */
export function writeResultsMacros(results: readonly FocusResult[], o: MacroOptions): string[] {
  const limit = o.chunkChars ?? 60_000;
  const label = 'fq_lab = getTitle();';
  const macros: string[] = [];
  if (o.overlay) {
    const lines = results.flatMap((r) => r.patches.map((p) => overlayLine(p, r.slice, o)));
    const parts = chunk(label, lines, limit);
    // The first part also clears earlier runs, so even 0 patches replace an old overlay.
    if (parts.length === 0) parts.push(label);
    parts[0] = `${REMOVE_OURS}\n${parts[0]}`;
    macros.push(...parts);
  } else {
    macros.push(`${label}\n${REMOVE_OURS}`);
  }
  if (o.patches) {
    const lines = results.flatMap((r) => r.patches.map((p) => patchRow(r, p, o)));
    const head = `${label}\nfq_t = ${macroString(patchesTableTitle(o.table))};`;
    const parts = chunk(head, lines, limit, 'Table.update(fq_t);');
    if (parts.length === 0) parts.push(`${head}\nTable.update(fq_t);`);
    parts[0] = parts[0]!.replace(head, `${label}\n${deleteRowsOf(patchesTableTitle(o.table))}`);
    macros.push(...parts);
  }
  macros.push(finalMacro(results, o));
  return macros;
}

/** Results table, overlay display and best slice: the last macro, small whatever the image size. */
function finalMacro(results: readonly FocusResult[], o: MacroOptions): string {
  const best = o.best;
  const lines = ['fq_lab = getTitle();', deleteRowsOf(o.table)];
  for (const r of results) {
    const cells: [string, string][] = [
      ['Label', 'fq_lab'],
      ...positionCells(r, o.layout),
      ['Level', macroNumber(r.level)],
      ['Score', macroNumber(r.score)],
      ['Certainty', macroNumber(r.certainty)],
      ['Mean certainty', macroNumber(r.meanCertainty)],
      ['In focus', r.inFocus ? '1' : '0'],
      ['Patches', String(r.patches.length)],
    ];
    if (results.length > 1) cells.push(['Best', r.slice === best?.slice ? '1' : '0']);
    cells.push(...metricCells(r.metrics, o.metrics));
    lines.push(setRow(cells));
  }
  lines.push('Table.update(fq_t);');
  if (o.overlay) lines.push('Overlay.show;');
  if (best && results.length > 1) {
    const p = o.layout ? o.layout.position(best.slice) : { channel: 1, slice: best.slice + 1, frame: 1 };
    if (o.select) lines.push(`Stack.setPosition(${p.channel}, ${p.slice}, ${p.frame});`);
    const where = o.layout && o.layout.slices === 1 && o.layout.frames > 1 ? `frame ${p.frame}` : `slice ${p.slice}`;
    lines.push(`showStatus("Focus Quality: best-focused ${where}");`);
  }
  return lines.join('\n');
}

/** Undoes a partly written run: removes our rectangles and this image's rows of the per-patch table. */
export function rollbackMacro(o: Pick<MacroOptions, 'table' | 'patches'>): string {
  const lines = ['if (nImages > 0) {', 'fq_lab = getTitle();', REMOVE_OURS];
  if (o.patches) {
    lines.push(
      `fq_t = ${macroString(patchesTableTitle(o.table))};`,
      'if (isOpen(fq_t)) { if (indexOf("\\t" + Table.headings(fq_t) + "\\t", "\\tLabel\\t") >= 0) {',
      '  for (fq_r = Table.size(fq_t) - 1; fq_r >= 0; fq_r--) if (Table.getString("Label", fq_r, fq_t) == fq_lab) Table.deleteRows(fq_r, fq_r, fq_t);',
      '  Table.update(fq_t);',
      '} }',
    );
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * A macro set for `installMacro`: commands that work from ImageJ's macro world (Plugins › Macros, `run("…")` after
 * installation) on what a measurement left behind. Measuring itself cannot be started from a macro: ImageJ.JS menu
 * items added by plugins live outside ImageJ's command table.
 */
export function installableMacroSet(table = 'Focus Quality'): string {
  return [
    'macro "Focus Quality: Remove Overlay" {',
    '  if (nImages > 0) {',
    REMOVE_OURS.replace(/^/gm, '    '),
    '  }',
    '}',
    '',
    // The Best column marks the slice core pickBestSlice chose; this only goes there (no second definition of "best").
    'macro "Focus Quality: Go To Best Slice" {',
    `  fq_t = ${macroString(table)};`,
    '  if (nImages > 0 && isOpen(fq_t)) { if (Table.columnExists("Best", fq_t)) {',
    '    fq_lab = getTitle(); Stack.getPosition(fq_c, fq_z, fq_f); fq_found = false;',
    '    for (fq_r = 0; fq_r < Table.size(fq_t); fq_r++) {',
    '      if (Table.getString("Label", fq_r, fq_t) == fq_lab && Table.get("Best", fq_r, fq_t) == 1) {',
    '        fq_z = Table.get("Slice", fq_r, fq_t); fq_found = true;',
    '        if (Table.columnExists("Channel", fq_t)) fq_c = Table.get("Channel", fq_r, fq_t);',
    '        if (Table.columnExists("Frame", fq_t)) fq_f = Table.get("Frame", fq_r, fq_t);',
    '      }',
    '    }',
    '    if (fq_found) { Stack.setPosition(fq_c, fq_z, fq_f); showStatus("Focus Quality: best-focused slice is " + fq_z); }',
    '  } }',
    '}',
    '',
  ].join('\n');
}
