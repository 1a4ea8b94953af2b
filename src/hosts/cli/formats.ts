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

/** A record read back: which file it is about, whether it is an error record, and its text as written. */
export interface StoredRecord {
  readonly file: string;
  readonly error: boolean;
  readonly text: string;
}

export interface RecordFormat {
  /** Text before the first record (a CSV header line, "[", a FeatureCollection opening). */
  readonly header: string;
  /** Between two records (JSON's comma). */
  readonly separator: string;
  /** Right after each record (CSV's line break: a record is complete only once it is written). */
  readonly terminator: string;
  /** After the last record. */
  readonly footer: string;
  records(row: ResultRow): string[];
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
    footer: '',
    records,
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

/** JSON-per-line records between `header` and `footer`; also reads an older pretty-printed file whole. */
function jsonLinesFormat(header: string, footer: string, records: (row: ResultRow) => unknown[], entriesOf: (whole: unknown) => unknown, describe: (e: unknown) => { file: unknown; error: unknown }): RecordFormat {
  return {
    header,
    separator: ',\n',
    terminator: '',
    footer,
    records: (row) => records(row).map((r) => JSON.stringify(r)),
    readBack(text) {
      const parsed: unknown[] = [];
      let cut = false;
      try {
        const entries = entriesOf(JSON.parse(text));
        if (!Array.isArray(entries)) throw new Error('not the expected array');
        parsed.push(...entries);
      } catch {
        // Cut off (or being written): one record per line, the incomplete last one dropped.
        if (text.trim() !== '' && !text.startsWith(header)) throw new Error(`is not a ${header.startsWith('[') ? 'JSON' : 'GeoJSON'} output of this tool`);
        for (const line of text.split('\n')) {
          const body = line.endsWith(',') ? line.slice(0, -1) : line;
          if (!body.startsWith('{') || body === header.trim()) continue;
          try {
            parsed.push(JSON.parse(body));
          } catch {
            cut = true; // the record being written when the run stopped
          }
        }
      }
      const records = parsed.map((e) => {
        const d = describe(e);
        if (typeof d.file !== 'string') throw new Error('holds an entry without a "file"');
        return { file: d.file, error: d.error !== undefined && d.error !== null, text: JSON.stringify(e) };
      });
      return { records, cut };
    },
  };
}

export const jsonFormat = (): RecordFormat =>
  jsonLinesFormat('[\n', '\n]\n', (row) => [rowToJson(row)], (whole) => whole, (e) => ({ file: (e as { file?: unknown }).file, error: (e as { error?: unknown }).error }));

export const geojsonFormat = (): RecordFormat =>
  jsonLinesFormat(
    '{"type":"FeatureCollection","features":[\n',
    '\n]}\n',
    (row) => toGeoJSONCollection([row]).features,
    (whole) => (whole as { features?: unknown }).features,
    (e) => {
      const p = (e as { properties?: { file?: unknown; error?: unknown } }).properties ?? {};
      return { file: p.file, error: p.error };
    },
  );

/** The terminal table: a display format, never read back. */
export function tableFormat(files: readonly string[], metrics: readonly string[]): RecordFormat {
  const table = new ResultTable(files, metrics);
  return {
    header: table.header() + '\n',
    separator: '',
    terminator: '\n',
    footer: '',
    records: (row) => [table.line(row)],
    readBack: () => {
      throw new Error('a table cannot be read back');
    },
  };
}
