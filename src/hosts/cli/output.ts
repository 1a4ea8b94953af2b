/**
 * Where rows go: the results (stdout, or --out written atomically through its .partial file), --patches (the same,
 * CSV) and --overlay PNGs, each through the one writer of its format (formats.ts). Rows arrive in input order.
 * Before anything runs, `checkOutputs` refuses outputs that would destroy an input or each other.
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OptionsError } from '../../core/errors.js';
import type { ResultRow } from '../../io/rows.js';
import { AtomicOutput, describeFsError, makeFolder, writeFileAtomically } from '../../node/output-file.js';
import type { CliArgs } from './args.js';
import { geojsonFormat, imageCsvFormat, jsonFormat, patchCsvFormat, recordsText, tableFormat, type RecordFormat } from './formats.js';
import type { FileOutcome } from './measure-file.js';
import type { KeptRecords } from './resume.js';

export interface TextSink {
  write(text: string): unknown;
}

/** Overlay file names: the file's base name, or its whole path flattened when two inputs share a base name. */
export function overlayNames(files: readonly string[]): Map<string, string> {
  const stem = (f: string): string => basename(f).replace(/\.[^.]*$/, '');
  const counts = new Map<string, number>();
  for (const f of files) counts.set(stem(f), (counts.get(stem(f)) ?? 0) + 1);
  return new Map(files.map((f) => [f, counts.get(stem(f))! > 1 ? f.replace(/\.[^./\\]*$/, '').replace(/^(\.\.?[\\/])+/, '').replace(/[^A-Za-z0-9._-]+/g, '_') : stem(f)]));
}

/** The format of the results output (file or stdout). */
export function resultsFormat(args: CliArgs, files: readonly string[]): RecordFormat {
  if (args.format === 'json') return jsonFormat();
  if (args.format === 'geojson') return geojsonFormat();
  if (args.format === 'table') return tableFormat(files, args.metrics);
  return imageCsvFormat(args.metrics);
}

const realOrResolved = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    // Not there yet: its folder's real path and its name.
    try {
      return join(realpathSync(dirname(resolve(p))), basename(p));
    } catch {
      return resolve(p);
    }
  }
};

/** Refuses outputs that would overwrite an input or each other, and overlay folders that cannot be written. */
export function checkOutputs(args: CliArgs, files: readonly string[]): void {
  const inputs = new Set(files.map(realOrResolved));
  const outputs: [string, string][] = [];
  if (args.out !== undefined) outputs.push(['--out', args.out]);
  if (args.patches !== undefined) {
    if (!/\.csv$/i.test(args.patches)) throw new OptionsError(`--patches ${args.patches}: the patch table is CSV, so the file name must end in .csv`);
    outputs.push(['--patches', args.patches]);
  }
  if (args.composite !== undefined) outputs.push(['--composite', args.composite]);
  if (args.depthMap !== undefined) outputs.push(['--depth-map', args.depthMap]);
  const seen = new Map<string, string>();
  for (const [flag, path] of outputs) {
    const real = realOrResolved(path);
    if (inputs.has(real)) throw new OptionsError(`${flag} ${path} is one of the input images; refusing to overwrite it`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new OptionsError(`${flag} ${path} is a folder`);
    if (seen.has(real)) throw new OptionsError(`${seen.get(real)} and ${flag} name the same file (${path}); give them different names`);
    seen.set(real, flag);
  }
  if (args.overlay !== undefined) {
    if (existsSync(args.overlay) && !statSync(args.overlay).isDirectory()) throw new OptionsError(`--overlay ${args.overlay}: a file of that name exists; the overlays need a folder`);
    try {
      makeFolder(args.overlay);
      accessSync(args.overlay, constants.W_OK);
    } catch (err) {
      throw new OptionsError(`--overlay ${args.overlay}: cannot write there (${describeFsError(err)})`);
    }
  }
}

/** Records of one format going to stdout or to an atomic file, counted so separators fall right. */
class RecordStream {
  private count = 0;
  private readonly tail: string[];

  constructor(
    private readonly format: RecordFormat,
    private readonly put: (text: string) => void,
    initial: KeptRecords,
  ) {
    put(format.header + recordsText(format, initial.body, 0));
    this.count = initial.body.length;
    this.tail = [...initial.tail];
  }

  add(row: ResultRow): void {
    const records = this.format.records(row);
    this.tail.push(...this.format.tail(row));
    if (records.length === 0) return;
    this.put(recordsText(this.format, records, this.count));
    this.count += records.length;
  }

  get footer(): string {
    return this.format.footer(this.tail);
  }
}

const NONE: KeptRecords = { body: [], tail: [] };

export interface SinkOptions {
  readonly args: CliArgs;
  readonly levels: number;
  /** The files this run measures (table widths, overlay names). */
  readonly files: readonly string[];
  readonly stdout: TextSink;
  /** Called before anything is printed on stdout (to clear a progress bar). */
  readonly beforePrint: () => void;
  /** Earlier records kept by --resume, as written, for --out and --patches. */
  readonly keptResults: KeptRecords;
  readonly keptPatches: KeptRecords;
  /** Locks already taken on --out and --patches (see acquireLock). */
  readonly locks: { readonly out?: () => void; readonly patches?: () => void };
}

export class ResultSink {
  private readonly results: RecordStream;
  private readonly resultsFile: AtomicOutput | undefined;
  private readonly patches: RecordStream | undefined;
  private readonly patchesFile: AtomicOutput | undefined;
  private readonly names: Map<string, string>;

  constructor(private readonly o: SinkOptions) {
    const { args } = o;
    this.names = overlayNames(o.files);
    if (args.out !== undefined) {
      const file = AtomicOutput.open(args.out, '', o.locks.out!);
      this.resultsFile = file;
      this.results = new RecordStream(resultsFormat(args, o.files), (t) => file.append(t), o.keptResults);
    } else {
      this.results = new RecordStream(resultsFormat(args, o.files), (t) => this.print(t), NONE);
    }
    if (args.patches !== undefined) {
      let file: AtomicOutput;
      try {
        file = AtomicOutput.open(args.patches, '', o.locks.patches!);
      } catch (err) {
        this.resultsFile?.abandon();
        throw err;
      }
      this.patchesFile = file;
      this.patches = new RecordStream(patchCsvFormat(o.levels, args.metrics), (t) => file.append(t), o.keptPatches);
    }
  }

  private print(text: string): void {
    if (!text) return;
    this.o.beforePrint();
    this.o.stdout.write(text);
  }

  /**
   * The rows of one file (one per measured slice, or one error row), with its overlay PNGs by slice. Overlays are
   * written first: a file's rows appear only once everything it produced exists, so --resume never skips a file
   * whose overlay was lost.
   */
  write(outcome: Pick<FileOutcome, 'rows' | 'overlays' | 'composite'>): void {
    const { rows, overlays } = outcome;
    const dir = this.o.args.overlay;
    for (const row of dir === undefined ? [] : rows) {
      const png = overlays.get(row.slice);
      if (!png) continue;
      const suffix = overlays.size > 1 || row.slice > 0 ? `_s${String(row.slice).padStart(3, '0')}` : '';
      const path = join(dir!, `${this.names.get(row.file) ?? basename(row.file)}${suffix}.overlay.png`);
      // A whole PNG or none: a cut-off overlay would look like a decoding bug to whoever opens it.
      writeFileAtomically(path, png);
    }
    if (outcome.composite && this.o.args.composite !== undefined) writeFileAtomically(this.o.args.composite, outcome.composite.image);
    if (outcome.composite && this.o.args.depthMap !== undefined) writeFileAtomically(this.o.args.depthMap, outcome.composite.depth);
    for (const row of rows) {
      this.results.add(row);
      this.patches?.add(row);
    }
  }

  /** Finishes every output (footers, renames over the final names). */
  commit(): void {
    try {
      if (this.resultsFile) this.resultsFile.commit(this.results.footer);
      else this.print(this.results.footer);
      if (this.patchesFile && this.patches) this.patchesFile.commit(this.patches.footer);
    } catch (err) {
      this.abandon();
      throw err;
    }
  }

  /** Stops writing; the .partial files keep what was written (returned, for the message). */
  abandon(): string[] {
    const files = [this.resultsFile, this.patchesFile].filter((f): f is AtomicOutput => f !== undefined);
    for (const f of files) f.abandon();
    return files.map((f) => f.partial).filter((p) => existsSync(p));
  }
}
