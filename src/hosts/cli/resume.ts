/** `--resume`: which files an earlier run already wrote to the output, and (for .json/.geojson) its entries to keep. */
import { existsSync, readFileSync } from 'node:fs';
import { OptionsError } from '../../core/errors.js';
import { parseCsv } from '../../io/csv.js';
import type { OutputFormat } from './args.js';

export interface PreviousOutput {
  readonly files: ReadonlySet<string>;
  /** JSON array items or GeoJSON features of the earlier run, written back before the new ones. */
  readonly entries: readonly unknown[];
  /** The output exists and is non-empty (a CSV is appended to without a second header). */
  readonly exists: boolean;
  /** A CSV's header, so appending with other columns (another --metrics) can be refused. */
  readonly header?: readonly string[];
}

/** Refuses to append rows of `columns` to a CSV whose header differs (e.g. written with other --metrics). */
export function checkSameColumns(path: string, previous: PreviousOutput, columns: readonly string[]): void {
  if (previous.header && previous.header.join(',') !== columns.join(',')) {
    throw new OptionsError(`--resume: ${path} has the columns ${previous.header.join(',')}; this run writes ${columns.join(',')} (use the same --metrics)`);
  }
}

export function readPreviousOutput(path: string, format: OutputFormat): PreviousOutput {
  if (!existsSync(path)) return { files: new Set(), entries: [], exists: false };
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') return { files: new Set(), entries: [], exists: false };
  try {
    if (format === 'csv') {
      const [head, ...rows] = parseCsv(text);
      const col = head?.indexOf('file') ?? -1;
      if (col < 0) throw new Error('no "file" column in the header');
      return { files: new Set(rows.map((r) => r[col] ?? '').filter(Boolean)), entries: [], exists: true, header: head! };
    }
    const json = JSON.parse(text) as unknown;
    const entries = format === 'geojson' ? (json as { features?: unknown[] }).features : json;
    if (!Array.isArray(entries)) throw new Error(format === 'geojson' ? 'not a FeatureCollection' : 'not a JSON array');
    const fileOf = (e: unknown): unknown => (format === 'geojson' ? (e as { properties?: { file?: unknown } }).properties?.file : (e as { file?: unknown }).file);
    return { files: new Set(entries.map(fileOf).filter((f): f is string => typeof f === 'string')), entries, exists: true };
  } catch (err) {
    throw new OptionsError(`--resume: cannot read the earlier output ${path}: ${(err as Error).message}`);
  }
}
