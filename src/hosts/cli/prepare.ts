/**
 * The outputs of a run, before it starts: each one locked (node/output-file.ts), a plain run refused when an
 * interrupted one left rows in a `.partial` file (they would be overwritten), and, with --resume, the earlier
 * records read back (resume.ts).
 */
import { existsSync } from 'node:fs';
import { OptionsError } from '../../core/errors.js';
import { acquireLock, partialPath } from '../../node/output-file.js';
import type { CliArgs } from './args.js';
import { patchCsvFormat } from './formats.js';
import { resultsFormat } from './output.js';
import { NO_PREVIOUS, readPreviousOutput, type PreviousOutput } from './resume.js';

/** Locks for every output, released together (each release works once). */
export class Locks {
  out?: () => void;
  patches?: () => void;
  readonly images: (() => void)[] = [];
  release(): void {
    this.out?.();
    this.patches?.();
    for (const r of this.images) r();
  }
}

/** Takes the output locks and reads what --resume keeps; refuses to overwrite an interrupted run's rows. */
export function prepareOutputs(args: CliArgs, files: readonly string[], levels: number, locks: Locks): { results: PreviousOutput; patches: PreviousOutput } {
  const outputs = [args.out, args.patches].filter((p): p is string => p !== undefined);
  if (args.out !== undefined) locks.out = acquireLock(args.out);
  if (args.patches !== undefined) locks.patches = acquireLock(args.patches);
  for (const image of [args.composite, args.depthMap]) if (image !== undefined) locks.images.push(acquireLock(image));
  if (!args.resume) {
    for (const path of outputs) {
      if (existsSync(partialPath(path))) throw new OptionsError(`${partialPath(path)} holds the rows of an interrupted run: continue it with --resume, or delete it to start over`);
    }
    return { results: NO_PREVIOUS, patches: NO_PREVIOUS };
  }
  return {
    results: readPreviousOutput(args.out!, resultsFormat(args, files)),
    patches: args.patches === undefined ? NO_PREVIOUS : readPreviousOutput(args.patches, patchCsvFormat(levels, args.metrics)),
  };
}

