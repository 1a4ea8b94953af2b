/**
 * CSV (RFC 4180): one row per measured slice (`IMAGE_COLUMNS`) and one row per patch (`patchColumns`); classic metrics,
 * when asked for, add one column each (named as the metric) at the end, left empty where a metric could not be computed.
 * Fields holding a comma, quote, CR/LF or edge spaces are quoted, quotes doubled. Numbers use a fixed number of decimals.
 */
import type { ResultRow } from './rows.js';
import { rowWarnings } from './rows.js';

export const IMAGE_COLUMNS = ['file', 'slice', 'width', 'height', 'patches', 'level', 'score', 'certainty', 'mean_certainty', 'in_focus', 'verdict', 'error', 'max_certainty', 'warnings', 'pixel_size_um', 'channel', 'z', 'frame'] as const;

/** `IMAGE_COLUMNS` followed by one column per metric. */
export function imageColumns(metrics: readonly string[] = []): string[] {
  return [...IMAGE_COLUMNS, ...metrics];
}

export function patchColumns(levels: number, metrics: readonly string[] = []): string[] {
  return ['file', 'slice', 'x', 'y', 'w', 'h', 'level', 'certainty', ...Array.from({ length: levels }, (_, k) => `p${k}`), ...metrics];
}

/**
 * Spreadsheets run a cell beginning with =, +, -, @, tab or CR as a formula (CSV injection, OWASP): such a text cell
 * gets a leading apostrophe, which spreadsheets read as "this is text" and do not show. A number such as -1.5 is data
 * and stays as is. A cell that itself begins with an apostrophe gets one more, so `unescapeCsvText` is exact.
 */
const FORMULA_START = /^[=+\-@\t\r']/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function csvField(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A text field as written, read back: the apostrophe `csvField` adds against formula injection removed. */
export const unescapeCsvText = (field: string): string => (field.startsWith("'") && FORMULA_START.test(field.slice(1)) ? field.slice(1) : field);

export const csvLine = (fields: readonly (string | number | boolean | undefined | null)[]): string => fields.map(csvField).join(',');

const fixed = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '');

/**
 * The pixel size the slice was measured at (µm, 6 significant digits: a TIFF's rational resolution gives 0.32500000812…):
 * "x" for square pixels, else "x,y" as `--pixel-size` takes it; empty when unknown.
 */
function pixelSizeCell(p: { x: number; y: number } | undefined): string {
  if (!p) return '';
  const [x, y] = [p.x, p.y].map((v) => String(Number(v.toPrecision(6))));
  return x === y ? x! : `${x},${y}`;
}

/** Metric values span many magnitudes (a PLLS slope of −2, a Brenner sum of 1e9): significant digits, not decimals. */
const metricCell = (v: number | undefined): string => (v !== undefined && Number.isFinite(v) ? String(Number(v.toPrecision(10))) : '');

const metricCells = (values: Readonly<Record<string, number>> | undefined, names: readonly string[]): string[] => names.map((n) => metricCell(values?.[n]));

export function formatImageRow(row: ResultRow, metrics: readonly string[] = []): string {
  const r = row.result;
  return csvLine([
    row.file,
    row.slice,
    r?.width ?? row.width,
    r?.height ?? row.height,
    r?.patches.length,
    r?.level,
    r && fixed(r.score, 4),
    r && fixed(r.certainty, 4),
    r && fixed(r.meanCertainty, 4),
    r ? String(r.inFocus) : '',
    r?.verdict,
    row.error ?? '',
    r && fixed(r.maxCertainty, 4),
    rowWarnings(row).join('; '),
    pixelSizeCell(r?.pixelSize),
    r?.position?.channel,
    r?.position?.z,
    r?.position?.frame,
    ...metricCells(r?.metrics, metrics),
  ]);
}

/** Patch rows of one measured slice (none for a failed file). */
export function formatPatchRows(row: ResultRow, metrics: readonly string[] = []): string[] {
  const r = row.result;
  if (!r) return [];
  return r.patches.map((p) => csvLine([row.file, row.slice, p.x, p.y, p.w, p.h, p.level, fixed(p.certainty, 4), ...p.probs.map((v) => fixed(v, 6)), ...metricCells(p.metrics, metrics)]));
}

/** A whole image CSV, header first, CRLF-free ("\n" line ends), ending in a newline. */
export function toImageCsv(rows: readonly ResultRow[], metrics: readonly string[] = []): string {
  return [csvLine(imageColumns(metrics)), ...rows.map((row) => formatImageRow(row, metrics))].join('\n') + '\n';
}

export function toPatchCsv(rows: readonly ResultRow[], levels: number, metrics: readonly string[] = []): string {
  return [csvLine(patchColumns(levels, metrics)), ...rows.flatMap((row) => formatPatchRows(row, metrics))].join('\n') + '\n';
}

/** Parses CSV text into rows of fields (quoted fields may hold commas, quotes and line breaks). Empty lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let touched = false;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    if (touched) rows.push(row);
    row = [];
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      touched = true;
    } else if (ch === ',') {
      endField();
      touched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else {
      field += ch;
      touched = true;
    }
  }
  if (touched || field) endRow();
  return rows;
}
