/**
 * `--resume`: what earlier runs already wrote to an output — the finished file and the `.partial` file a killed or
 * failed run left — merged per input file (the newer copy of a file's records wins), a cut-off last record dropped.
 * Files are matched by real path, so `samples/a.tif` and `./samples/a.tif` (or a link to it) are one file. A file
 * whose records hold an error is measured again; its old records are dropped.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { OptionsError } from '../../core/errors.js';
import { partialPath } from '../../node/output-file.js';
import type { RecordFormat } from './formats.js';

/** The real path of a file named in a row (relative to the current folder), or its absolute path if it is gone. */
export function fileKey(file: string): string {
  const abs = resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

export interface PreviousFile {
  readonly file: string;
  /** Body records, as written. */
  readonly texts: string[];
  /** Footer records (GeoJSON's image summaries). */
  readonly tail: string[];
  error: boolean;
}

export interface PreviousOutput {
  /** Files with records, by key, in the order they were first written. */
  readonly files: ReadonlyMap<string, PreviousFile>;
  /** Outputs read (the finished file and/or its .partial). */
  readonly sources: readonly string[];
  /** A cut-off last record was dropped from one of them. */
  readonly repaired: boolean;
}

export const NO_PREVIOUS: PreviousOutput = { files: new Map(), sources: [], repaired: false };

export function readPreviousOutput(path: string, format: RecordFormat): PreviousOutput {
  const files = new Map<string, PreviousFile>();
  const sources: string[] = [];
  let repaired = false;
  for (const source of [path, partialPath(path)]) {
    if (!existsSync(source)) continue;
    let parsed;
    try {
      parsed = format.readBack(readFileSync(source, 'utf8'));
    } catch (err) {
      throw new OptionsError(`--resume: ${source} ${(err as Error).message}`);
    }
    sources.push(source);
    repaired ||= parsed.cut;
    const fresh = new Set<string>();
    for (const r of parsed.records) {
      const key = fileKey(r.file);
      if (!fresh.has(key)) {
        fresh.add(key);
        files.set(key, { file: r.file, texts: [], tail: [], error: false });
      }
      const entry = files.get(key)!;
      (r.tail ? entry.tail : entry.texts).push(r.text);
      entry.error ||= r.error;
    }
  }
  return { files, sources, repaired };
}

/** Keys of the files measured without error (skipped by this run). */
export function doneKeys(previous: PreviousOutput): Set<string> {
  return new Set([...previous.files].filter(([, f]) => !f.error).map(([k]) => k));
}

export interface KeptRecords {
  readonly body: readonly string[];
  readonly tail: readonly string[];
}

/** The records to carry over: those of files in `keep`, in their first-written order. */
export function keptRecords(previous: PreviousOutput, keep: ReadonlySet<string>): KeptRecords {
  const files = [...previous.files].filter(([k]) => keep.has(k)).map(([, f]) => f);
  return { body: files.flatMap((f) => f.texts), tail: files.flatMap((f) => f.tail) };
}
