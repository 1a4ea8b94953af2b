/**
 * `focus-quality` command: expand inputs → shard → resume filter → load the model once (per worker with --jobs N) →
 * measure → write rows in input order. One bad file yields an error row and exit status 1 at the end; usage errors
 * (bad flags, missing inputs, unusable model) print one line and exit 2.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatError } from '../../core/errors.js';
import type { FocusModel } from '../../inference/session.js';
import { imageColumns, patchColumns } from '../../io/csv.js';
import { expandInputs } from '../../node/inputs.js';
import { cardPathFor, defaultModelPath, loadModelFromDisk, packageRoot, readModelCard } from '../../node/model-files.js';
import { USAGE, parseCliArgs, type CliArgs } from './args.js';
import { measureFile, type FileJob, type FileOutcome } from './measure-file.js';
import { ResultSink, type TextSink } from './output.js';
import { WorkerPool } from './pool.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { checkSameColumns, readPreviousOutput, type PreviousOutput } from './resume.js';
import { shardFiles } from './shard.js';

export interface CliIo {
  readonly stdout: TextSink & { readonly isTTY?: boolean };
  readonly stderr: ProgressStream;
}

const PROGRAM = 'focus-quality';

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `focus-quality … | head` closes stdout early: later writes fail with EPIPE, which must not crash the run. */
function ignoreClosedPipe(stream: unknown): void {
  if (stream === process.stdout) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
}

/** Measures files either in this thread (--jobs 1) or in a pool of worker threads; `slot` is 0 … size−1. */
interface Measurer {
  readonly size: number;
  measure(slot: number, file: string, onProgress: (fraction: number) => void): Promise<FileOutcome>;
  close(): Promise<void>;
}

async function startMeasurer(args: CliArgs, modelPath: string, jobs: number): Promise<{ measurer: Measurer; levels: number }> {
  const job: FileJob = { batchSize: args.batchSize, slices: args.slices, aggregation: args.aggregation, metrics: args.metrics, overlay: args.overlay !== undefined };
  if (jobs <= 1) {
    const model: FocusModel = await loadModelFromDisk(modelPath, { numThreads: args.threads });
    return {
      levels: model.card.levels,
      measurer: { size: 1, measure: (_slot, file, onProgress) => measureFile(model, file, job, onProgress), close: () => model.dispose() },
    };
  }
  const card = await readModelCard(cardPathFor(resolve(modelPath)));
  const pool = await WorkerPool.start(jobs, { model: resolve(modelPath), threads: args.threads });
  return { levels: card.levels, measurer: { size: pool.size, measure: (slot, file, onProgress) => pool.measure(slot, file, job, onProgress), close: () => pool.close() } };
}

export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  ignoreClosedPipe(io.stdout);
  const say = (line: string): void => void io.stderr.write(`${PROGRAM}: ${line}\n`);
  let args: CliArgs;
  let files: string[];
  try {
    const command = parseCliArgs(argv, io.stdout.isTTY === true);
    if (command.kind === 'help') {
      io.stdout.write(USAGE + '\n');
      return 0;
    }
    if (command.kind === 'version') {
      io.stdout.write(version() + '\n');
      return 0;
    }
    args = command.args;
    files = shardFiles(expandInputs(args.inputs), args.shard);
  } catch (err) {
    say(`${formatError(err)} (see --help)`);
    return 2;
  }
  const started = Date.now();
  let previous: PreviousOutput;
  let patchesPrevious = false;
  let measurer: Measurer;
  let levels: number;
  try {
    previous = args.out !== undefined && args.resume ? readPreviousOutput(args.out, args.format) : { files: new Set<string>(), entries: [], exists: false };
    if (args.out !== undefined) checkSameColumns(args.out, previous, imageColumns(args.metrics));
    const patchOutput = args.patches !== undefined && args.resume ? readPreviousOutput(args.patches, 'csv') : undefined;
    patchesPrevious = patchOutput?.exists ?? false;
    const todoCount = files.filter((f) => !previous.files.has(f)).length;
    ({ measurer, levels } = await startMeasurer(args, args.model ?? defaultModelPath(), Math.min(args.jobs, Math.max(1, todoCount))));
    // The patch columns depend on the model's level count, known only now.
    if (patchOutput) {
      try {
        checkSameColumns(args.patches!, patchOutput, patchColumns(levels, args.metrics));
      } catch (err) {
        await measurer.close();
        throw err;
      }
    }
  } catch (err) {
    say(formatError(err));
    return 2;
  }
  const skipped = files.filter((f) => previous.files.has(f)).length;
  const todo = files.filter((f) => !previous.files.has(f));
  const bar = new ProgressBar(todo.length, io.stderr, io.stderr.isTTY === true && !args.quiet);
  let sink: ResultSink;
  try {
    sink = new ResultSink(args, levels, todo, io.stdout, previous, patchesPrevious, () => bar.clear());
  } catch (err) {
    say(`cannot open an output file: ${(err as Error).message}`);
    await measurer.close();
    return 2;
  }
  if (skipped > 0 && !args.quiet) say(`--resume: ${skipped} file(s) already in ${args.out}, skipped`);

  // Files run concurrently (one per slot) but are written in input order: finished outcomes wait in `ready`.
  const ready = new Map<number, FileOutcome>();
  const inFlight = new Map<number, number>();
  let nextToWrite = 0;
  let failed = 0;
  let measured = 0;
  const flush = (): void => {
    while (ready.has(nextToWrite)) {
      const outcome = ready.get(nextToWrite)!;
      ready.delete(nextToWrite);
      for (const row of outcome.rows) {
        if (row.error === undefined) continue;
        failed++;
        if (!args.quiet) {
          bar.clear();
          say(`${row.file}: ${row.error}`);
        }
      }
      if (outcome.rows.some((r) => r.result)) measured++;
      sink.write(outcome.rows, outcome.overlays);
      nextToWrite++;
    }
    bar.redraw();
  };
  let next = 0;
  const slot = async (k: number): Promise<void> => {
    while (next < todo.length) {
      const i = next++;
      const file = todo[i]!;
      inFlight.set(i, 0);
      const outcome = await measurer.measure(k, file, (fraction) => {
        inFlight.set(i, fraction);
        bar.update([...inFlight.values()].reduce((a, b) => a + b, 0), file);
      });
      inFlight.delete(i);
      ready.set(i, outcome);
      bar.tick();
      flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: measurer.size }, (_, k) => slot(k)));
  } finally {
    bar.clear();
    sink.close();
    await measurer.close();
  }
  const seconds = (Date.now() - started) / 1000;
  if (!args.quiet) {
    say(`${todo.length} file(s): ${measured} measured, ${failed} failed, in ${seconds.toFixed(1)} s${todo.length ? ` (${(todo.length / seconds).toFixed(2)} files/s)` : ''}${args.out ? `; results in ${args.out}` : ''}`);
  }
  return failed > 0 ? 1 : 0;
}
