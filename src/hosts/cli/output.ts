/**
 * Where rows go: CSV/table/JSON on stdout, or --out (.csv streamed and flushed per file, so an interrupted run can be
 * resumed; .json/.geojson written at the end), --patches (streamed CSV) and --overlay PNGs. Rows arrive in input order.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { csvLine, imageColumns, formatImageRow, formatPatchRows, patchColumns } from '../../io/csv.js';
import { toGeoJSONCollection } from '../../io/geojson.js';
import { rowToJson } from '../../io/json.js';
import type { ResultRow } from '../../io/rows.js';
import type { CliArgs } from './args.js';
import type { PreviousOutput } from './resume.js';
import { ResultTable } from './table.js';

export interface TextSink {
  write(text: string): unknown;
}

function openForWrite(path: string, append: boolean): number {
  mkdirSync(dirname(path) || '.', { recursive: true });
  return openSync(path, append ? 'a' : 'w');
}

/** Overlay file names: the file's base name, or its whole path flattened when two inputs share a base name. */
export function overlayNames(files: readonly string[]): Map<string, string> {
  const stem = (f: string): string => basename(f).replace(/\.[^.]*$/, '');
  const counts = new Map<string, number>();
  for (const f of files) counts.set(stem(f), (counts.get(stem(f)) ?? 0) + 1);
  return new Map(files.map((f) => [f, counts.get(stem(f))! > 1 ? f.replace(/\.[^./\\]*$/, '').replace(/^(\.\.?[\\/])+/, '').replace(/[^A-Za-z0-9._-]+/g, '_') : stem(f)]));
}

export class ResultSink {
  private outFd: number | undefined;
  private patchFd: number | undefined;
  private readonly collected: unknown[] = [];
  private readonly table: ResultTable | undefined;
  private readonly names: Map<string, string>;
  /** Rows for JSON on stdout, printed as one array at the end. */
  private readonly stdoutJson: unknown[] = [];

  constructor(
    private readonly args: CliArgs,
    levels: number,
    files: readonly string[],
    private readonly stdout: TextSink,
    previous: PreviousOutput,
    patchesPrevious: boolean,
    private readonly beforePrint: () => void = () => undefined,
  ) {
    this.names = overlayNames(files);
    if (args.out === undefined && args.format === 'table') this.table = new ResultTable(files, args.metrics);
    if (args.out !== undefined && args.format === 'csv') {
      this.outFd = openForWrite(args.out, args.resume && previous.exists);
      if (!(args.resume && previous.exists)) writeSync(this.outFd, csvLine(imageColumns(args.metrics)) + '\n');
    }
    if (args.out !== undefined && args.format !== 'csv') this.collected.push(...previous.entries);
    if (args.patches !== undefined) {
      this.patchFd = openForWrite(args.patches, args.resume && patchesPrevious);
      if (!(args.resume && patchesPrevious)) writeSync(this.patchFd, csvLine(patchColumns(levels, args.metrics)) + '\n');
    }
    if (args.overlay !== undefined) mkdirSync(args.overlay, { recursive: true });
    if (args.out === undefined) {
      this.print(this.table ? this.table.header() + '\n' : args.format === 'csv' ? csvLine(imageColumns(args.metrics)) + '\n' : '');
    }
  }

  private print(text: string): void {
    if (!text) return;
    this.beforePrint();
    this.stdout.write(text);
  }

  /** The rows of one file (one per measured slice, or one error row), with its overlay PNGs by slice. */
  write(rows: readonly ResultRow[], overlays: ReadonlyMap<number, Uint8Array> = new Map()): void {
    const { args } = this;
    for (const row of rows) {
      if (this.outFd !== undefined) writeSync(this.outFd, formatImageRow(row, args.metrics) + '\n');
      else if (args.out !== undefined) this.collected.push(...(args.format === 'geojson' ? toGeoJSONCollection([row]).features : [rowToJson(row)]));
      else if (this.table) this.print(this.table.line(row) + '\n');
      else if (args.format === 'csv') this.print(formatImageRow(row, args.metrics) + '\n');
      else this.stdoutJson.push(rowToJson(row));
      if (this.patchFd !== undefined) {
        const lines = formatPatchRows(row, args.metrics);
        if (lines.length) writeSync(this.patchFd, lines.join('\n') + '\n');
      }
      const png = overlays.get(row.slice);
      if (args.overlay !== undefined && png) {
        const suffix = overlays.size > 1 || row.slice > 0 ? `_s${String(row.slice).padStart(3, '0')}` : '';
        writeFileSync(join(args.overlay, `${this.names.get(row.file) ?? basename(row.file)}${suffix}.overlay.png`), png);
      }
    }
  }

  close(): void {
    const { args } = this;
    if (this.outFd !== undefined) closeSync(this.outFd);
    if (this.patchFd !== undefined) closeSync(this.patchFd);
    if (args.out !== undefined && args.format !== 'csv') {
      const body = args.format === 'geojson' ? { type: 'FeatureCollection', features: this.collected } : this.collected;
      writeFileSync(args.out, JSON.stringify(body, null, args.format === 'geojson' ? undefined : 2) + '\n');
    }
    if (args.out === undefined && args.format === 'json') this.print(JSON.stringify(this.stdoutJson, null, 2) + '\n');
  }
}
