/**
 * `focus-quality merge PARTS… --out FILE [--expect INPUTS…]`: the outputs of sharded runs (--shard I/N, one --out
 * each) made into one, as a single run would have written it — files in sorted order, each with its rows, GeoJSON
 * image summaries gathered into one footer. Refused, with one line and status 2, when the parts disagree: other
 * columns or formats, a file in two parts, a part cut off (an unfinished run: resume it first), or, with --expect,
 * an input image that no part holds. The merged file is written atomically (see node/output-file.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OptionsError, formatError } from '../../core/errors.js';
import { expandInputs } from '../../node/inputs.js';
import { AtomicOutput, OutputWriteError, acquireLock } from '../../node/output-file.js';
import { formatOfFile, recordsText, type RecordFormat } from './formats.js';
import { fileKey } from './resume.js';

export const MERGE_USAGE = `Usage: focus-quality merge <parts...> --out FILE [--expect <files|folders|globs...>]

Joins the outputs of sharded runs (--shard I/N, each with its own --out) into FILE, as one run would have written
it. Every part must be a finished output of the same format and columns, and every image must be in exactly one
part. With --expect, every image under the given inputs must be in a part (the inputs as the runs named them).

  -o, --out FILE      the merged output (.csv, .json or .geojson, as the parts)
      --expect INPUT  the runs' inputs; may be given several times
  -q, --quiet         no summary line`;

interface Group {
  readonly file: string;
  readonly part: string;
  readonly body: string[];
  readonly tail: string[];
}

const sorted = (xs: string[]): string[] => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function readParts(parts: readonly string[], out: string): { format: RecordFormat; groups: Map<string, Group>; header: string } {
  let format: RecordFormat | undefined;
  let header = '';
  const groups = new Map<string, Group>();
  const clashes: string[] = [];
  for (const part of parts) {
    if (!/\.(csv|json|geojson)$/i.test(part) || part.split('.').pop()!.toLowerCase() !== out.split('.').pop()!.toLowerCase()) {
      throw new OptionsError(`${part}: parts must have the extension of --out (${out.split('.').pop()})`);
    }
    let text: string;
    try {
      text = readFileSync(part, 'utf8');
    } catch (err) {
      throw new OptionsError(`cannot read ${part} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const f = formatOfFile(part, text)!;
    if (format === undefined) {
      format = f;
      header = f.header;
    } else if (f.header !== header) {
      throw new OptionsError(`${part} has the columns ${f.header.trim()}, ${parts[0]} has ${header.trim()}: parts of one merge come from runs with the same options and model`);
    }
    let read;
    try {
      read = f.readBack(text);
    } catch (err) {
      throw new OptionsError(`${part} ${(err as Error).message}`);
    }
    const whole = text.endsWith(f.footer([]).slice(-2)) || (f.footer([]) === '' && text.endsWith('\n'));
    if (read.cut || !whole) throw new OptionsError(`${part} is cut off (a run that did not finish): finish it with --resume before merging`);
    const here = new Map<string, Group>();
    for (const r of read.records) {
      let g = here.get(r.file);
      if (!g) {
        const other = groups.get(r.file);
        if (other) clashes.push(`${r.file} (in ${other.part} and ${part})`);
        g = { file: r.file, part, body: [], tail: [] };
        here.set(r.file, g);
      }
      (r.tail ? g.tail : g.body).push(r.text);
    }
    for (const [file, g] of here) groups.set(file, g);
  }
  if (clashes.length > 0) throw new OptionsError(`${clashes.length} file(s) are in more than one part, e.g. ${clashes[0]}: shards of one run hold each file once (same file list, same --shard N)`);
  return { format: format!, groups, header };
}

export function mergeMain(argv: readonly string[], say: (line: string) => void, print: (text: string) => void): number {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { out: { type: 'string', short: 'o' }, expect: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    say(`merge: ${(err as Error).message.split('\n')[0]} (see merge --help)`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    print(MERGE_USAGE + '\n');
    return 0;
  }
  let release: (() => void) | undefined;
  try {
    if (v.out === undefined) throw new OptionsError('--out is required: the merged file');
    if (!/\.(csv|json|geojson)$/i.test(v.out)) throw new OptionsError(`--out ${v.out}: the file name must end in .csv, .json or .geojson`);
    if (positionals.length === 0) throw new OptionsError('no parts given');
    const parts = expandInputs(positionals);
    if (parts.some((p) => fileKey(p) === fileKey(v.out!))) throw new OptionsError(`--out ${v.out} is one of the parts; refusing to overwrite it`);
    release = acquireLock(v.out);
    const { format, groups } = readParts(parts, v.out);
    if (v.expect) {
      const present = new Set([...groups.keys()].flatMap((f) => [f, fileKey(f)]));
      const missing = expandInputs(v.expect).filter((f) => !present.has(f) && !present.has(fileKey(f)));
      if (missing.length > 0) throw new OptionsError(`${missing.length} input image(s) are in no part, e.g. ${missing[0]}: a shard is missing or unfinished`);
    }
    const ordered = sorted([...groups.keys()]).map((f) => groups.get(f)!);
    const body = ordered.flatMap((g) => g.body);
    const output = AtomicOutput.open(v.out, format.header + recordsText(format, body, 0), release);
    release = undefined;
    output.commit(format.footer(ordered.flatMap((g) => g.tail)));
    if (!v.quiet) say(`merge: ${parts.length} part(s), ${groups.size} file(s), ${body.length} record(s) → ${v.out}`);
    return 0;
  } catch (err) {
    release?.();
    say(`merge: ${formatError(err)}`);
    return err instanceof OutputWriteError ? 3 : 2; // 3: results could not be written, as for a measuring run
  }
}
