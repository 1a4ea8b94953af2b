/**
 * One writer per output format. Each turns result rows into records — a CSV line, a JSON object, a GeoJSON feature,
 * a table line — one record per text line between a fixed header and footer (`writeRecords` lays them out), so an
 * output can be streamed (and a cut-off one repaired: its last, incomplete record dropped) the same way for every format. Each also reads its records
 * back, for --resume and `merge`. The cell and object layouts are io/csv.ts's, io/json.ts's and io/geojson.ts's.
 */
import { csvLine, formatImageRow, formatPatchRows, imageColumns, parseCsv, patchColumns, unescapeCsvText } from '../../io/csv.js';
import { toGeoJSONCollection } from '../../io/geojson.js';
import { rowToJson } from '../../io/json.js';
import type { ResultRow } from '../../io/rows.js';
import { ResultTable } from './table.js';

/** The text of records `from` … as they follow `before` earlier records in a file of `format`. */
export function recordsText(format: RecordFormat, records: readonly string[], before: number): string {
  let out = '';
  records.forEach((r, k) => {
    out += (before + k > 0 ? format.separator : '') + r + format.terminator;
  });
  return out;
}

/** A record read back: which file it is about, whether it is an error record, its text as written, and whether it is a tail record. */
export interface StoredRecord {
  readonly file: string;
  readonly error: boolean;
  readonly text: string;
  readonly tail?: boolean;
}

export interface RecordFormat {
  /** Text before the first record (a CSV header line, "[", a FeatureCollection opening). */
  readonly header: string;
  /** Between two records (JSON's comma). */
  readonly separator: string;
  /** Right after each record (CSV's line break: a record is complete only once it is written). */
  readonly terminator: string;
  /** After the last record; `tail` holds the tail records of the whole output (GeoJSON's per-image summaries). */
  footer(tail: readonly string[]): string;
  records(row: ResultRow): string[];
  /** Records that go into the footer rather than the body (none but for GeoJSON). */
  tail(row: ResultRow): string[];
  /**
   * The complete records of `text` (an output of this format, possibly cut off anywhere) and whether an incomplete
   * last record was dropped; throws on a file of another format or other columns.
   */
  readBack(text: string): { records: StoredRecord[]; cut: boolean };
}

/** Splits CSV text into complete records (a line break inside quotes belongs to its field); a cut last record is dropped. */
export function csvRecords(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) quoted = !quoted;
    else if (ch === 10 && !quoted) {
      const line = text.slice(start, text[i - 1] === '\r' ? i - 1 : i);
      if (line !== '') out.push(line);
      start = i + 1;
    }
  }
  return out;
}

function csvFormat(columns: readonly string[], records: (row: ResultRow) => string[]): RecordFormat {
  const header = csvLine(columns);
  return {
    header: header + '\n',
    separator: '',
    terminator: '\n',
    footer: () => '',
    records,
    tail: () => [],
    readBack(text) {
      const [head, ...lines] = csvRecords(text);
      const cut = text !== '' && !text.endsWith('\n');
      if (head === undefined) return { records: [], cut };
      if (head !== header) throw new Error(`has the columns ${head}; this run writes ${header} (use the same --metrics and model)`);
      const errorCol = columns.indexOf('error');
      const records = lines.map((line) => {
        const fields = parseCsv(line)[0] ?? [];
        return { file: unescapeCsvText(fields[0] ?? ''), error: errorCol >= 0 && (fields[errorCol] ?? '') !== '', text: line };
      });
      return { records, cut };
    },
  };
}

export const imageCsvFormat = (metrics: readonly string[]): RecordFormat => csvFormat(imageColumns(metrics), (row) => [formatImageRow(row, metrics)]);

export const patchCsvFormat = (levels: number, metrics: readonly string[]): RecordFormat => csvFormat(patchColumns(levels, metrics), (row) => formatPatchRows(row, metrics));

/** A CSV output of whatever columns `header` (its first line) names, for reading parts back (`merge`); writes nothing. */
export const csvFormatOf = (header: string): RecordFormat => csvFormat(parseCsv(header)[0] ?? [], () => []);

/** The format of an output file, from its extension (.csv, .json, .geojson); a CSV's columns from its first line. */
export function formatOfFile(path: string, text: string): RecordFormat | undefined {
  const ext = /\.(csv|json|geojson)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'json') return jsonFormat();
  if (ext === 'geojson') return geojsonFormat();
  return ext === 'csv' ? csvFormatOf(csvRecords(text)[0] ?? '') : undefined;
}

interface JsonLayout {
  readonly header: string;
  readonly footer: (tail: readonly string[]) => string;
  readonly records: (row: ResultRow) => unknown[];
  readonly tail: (row: ResultRow) => unknown[];
  /** A whole finished file's body records and tail records. */
  readonly entriesOf: (whole: unknown) => { body: unknown; tail: unknown[] };
  readonly describe: (entry: unknown) => { file: unknown; error: unknown };
}

/**
 * JSON with one record per line between a header and a footer. A finished file (or an older pretty-printed one) is
 * parsed whole; a cut-off one line by line, the incomplete last line dropped. A cut-off file has no footer, so its
 * tail records are gone: `tailRequired` then marks its records as errors, which --resume measures again.
 */
function jsonLinesFormat(layout: JsonLayout, tailRequired: boolean): RecordFormat {
  const { header } = layout;
  return {
    header,
    separator: ',\n',
    terminator: '',
    footer: layout.footer,
    records: (row) => layout.records(row).map((r) => JSON.stringify(r)),
    tail: (row) => layout.tail(row).map((r) => JSON.stringify(r)),
    readBack(text) {
      const body: unknown[] = [];
      const tail: unknown[] = [];
      let cut = false;
      let whole = true;
      try {
        const entries = layout.entriesOf(JSON.parse(text));
        if (!Array.isArray(entries.body)) throw new Error('not the expected array');
        body.push(...entries.body);
        tail.push(...entries.tail);
      } catch {
        whole = false;
        if (text.trim() !== '' && !text.startsWith(header)) throw new Error(`is not a ${header.startsWith('[') ? 'JSON' : 'GeoJSON'} output of this tool`);
        for (const line of text.split('\n')) {
          const item = line.endsWith(',') ? line.slice(0, -1) : line;
          if (!item.startsWith('{') || item === header.trim()) continue;
          try {
            body.push(JSON.parse(item));
          } catch {
            cut = true; // the record being written when the run stopped
          }
        }
      }
      const stored = (e: unknown, isTail: boolean): StoredRecord => {
        const d = layout.describe(e);
        if (typeof d.file !== 'string') throw new Error('holds an entry without a "file"');
        const error = (d.error !== undefined && d.error !== null) || (tailRequired && !whole);
        return { file: d.file, error, text: JSON.stringify(e), ...(isTail ? { tail: true } : {}) };
      };
      return { records: [...body.map((e) => stored(e, false)), ...tail.map((e) => stored(e, true))], cut };
    },
  };
}

export const jsonFormat = (): RecordFormat =>
  jsonLinesFormat(
    {
      header: '[\n',
      footer: () => '\n]\n',
      records: (row) => [rowToJson(row)],
      tail: () => [],
      entriesOf: (whole) => ({ body: whole, tail: [] }),
      describe: (e) => ({ file: (e as { file?: unknown }).file, error: (e as { error?: unknown }).error }),
    },
    false,
  );

/** GeoJSON as io/geojson.ts's toGeoJSONCollection writes it: patch features, the images' summaries in `properties.images`. */
export const geojsonFormat = (): RecordFormat =>
  jsonLinesFormat(
    {
      header: '{"type":"FeatureCollection","features":[\n',
      footer: (tail) => `\n],"properties":{"images":[${tail.join(',')}]}}\n`,
      records: (row) => toGeoJSONCollection([row]).features,
      tail: (row) => (toGeoJSONCollection([row]).properties?.images as unknown[] | undefined) ?? [],
      entriesOf: (whole) => {
        const c = whole as { features?: unknown; properties?: { images?: unknown } };
        return { body: c.features, tail: Array.isArray(c.properties?.images) ? c.properties.images : [] };
      },
      describe: (e) => {
        const p = ((e as { properties?: unknown }).properties ?? e) as { file?: unknown; error?: unknown };
        return { file: p.file, error: p.error };
      },
    },
    true,
  );

/** The terminal table: a display format, never read back. */
export function tableFormat(files: readonly string[], metrics: readonly string[]): RecordFormat {
  const table = new ResultTable(files, metrics);
  return {
    header: table.header() + '\n',
    separator: '',
    terminator: '\n',
    footer: () => '',
    records: (row) => [table.line(row)],
    tail: () => [],
    readBack: () => {
      throw new Error('a table cannot be read back');
    },
  };
}
