/**
 * `focus-quality` command: expand inputs → shard → check and lock the outputs → resume filter → load the model once
 * per worker thread (--jobs N) → measure (each file under a time budget) → write rows in input order → rename the
 * finished outputs into place. Exit status: 0 all measured; 1 some file failed (its row says why); 2 usage error
 * (bad flags, missing inputs, unusable model, an output that would destroy an input or is in use); 3 an output could
 * not be written (disk full, permissions: what was written is kept in its .partial file); 130/143 interrupted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OptionsError, formatError } from '../../core/errors.js';
import { expandInputs } from '../../node/inputs.js';
import { cardPathFor, defaultModelPath, packageRoot, readModelCard } from '../../node/model-files.js';
import { USAGE, parseCliArgs, type CliArgs } from './args.js';
import type { FileJob } from './measure-file.js';
import { mergeMain } from './merge.js';
import { ResultSink, checkOutputs, type TextSink } from './output.js';
import { WorkerPool, autoJobs } from './pool.js';
import { Locks, prepareOutputs } from './prepare.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { doneKeys, fileKey, keptRecords } from './resume.js';
import { measureInOrder } from './schedule.js';
import { shardFiles } from './shard.js';

export interface CliIo {
  readonly stdout: TextSink & { readonly isTTY?: boolean };
  readonly stderr: ProgressStream;
}

const PROGRAM = 'focus-quality';
export const EXIT = { ok: 0, fileFailed: 1, usage: 2, output: 3 } as const;

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

export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  ignoreClosedPipe(io.stdout);
  const say = (line: string): void => void io.stderr.write(`${PROGRAM}: ${line}\n`);
  if (argv[0] === 'merge') return mergeMain(argv.slice(1), say, (text) => void io.stdout.write(text));
  let args: CliArgs;
  let files: string[];
  try {
    const command = parseCliArgs(argv, io.stdout.isTTY === true);
    if (command.kind === 'help') {
      io.stdout.write(USAGE + '\n');
      return EXIT.ok;
    }
    if (command.kind === 'version') {
      io.stdout.write(version() + '\n');
      return EXIT.ok;
    }
    args = command.args;
    const all = expandInputs(args.inputs);
    if (all.length === 0) throw new OptionsError(`no .tif, .tiff or .png images in ${args.inputs.join(', ')}`);
    if ((args.composite ?? args.depthMap) !== undefined && (all.length !== 1 || args.shard)) throw new OptionsError(`--composite and --depth-map take one stack, got ${all.length} files${args.shard ? ' and --shard' : ''}`);
    checkOutputs(args, all);
    files = shardFiles(all, args.shard);
  } catch (err) {
    say(`${formatError(err)} (see --help)`);
    return EXIT.usage;
  }

  const started = Date.now();
  const locks = new Locks();
  const modelPath = resolve(args.model ?? defaultModelPath());
  let pool: WorkerPool;
  let sink: ResultSink;
  let todo: string[];
  let live: ProgressBar;
  try {
    const card = await readModelCard(cardPathFor(modelPath));
    const previous = prepareOutputs(args, files, card.levels, locks);
    const done = doneKeys(previous.results);
    // A composite is made only while its stack is measured: with --resume, a stack whose composite or depth map is not
    // on disk yet (the run that measured it did not ask for one, or stopped before writing it) is measured again.
    if ([args.composite, args.depthMap].some((p) => p !== undefined && !existsSync(p))) for (const f of files) done.delete(fileKey(f));
    todo = files.filter((f) => !done.has(fileKey(f)));
    const retried = files.filter((f) => previous.results.files.get(fileKey(f))?.error).length;
    const bar = (live = new ProgressBar(todo.length, io.stderr, io.stderr.isTTY === true && !args.quiet));
    pool = await WorkerPool.start(Math.min(args.jobs === 'auto' ? autoJobs() : args.jobs, Math.max(1, todo.length)), { model: modelPath, threads: args.threads, timeoutMs: args.timeoutSeconds * 1000 });
    try {
      sink = new ResultSink({ args, levels: card.levels, files: todo, stdout: io.stdout, beforePrint: () => bar.clear(), keptResults: keptRecords(previous.results, done), keptPatches: keptRecords(previous.patches, done), locks });
    } catch (err) {
      await pool.close();
      throw err;
    }
    if (!args.quiet && args.resume) {
      const from = previous.results.sources.join(' and ') || args.out;
      say(`--resume: ${files.length - todo.length} file(s) already in ${from}, skipped${retried ? `; ${retried} that failed before measured again` : ''}${previous.results.repaired || previous.patches.repaired ? '; a cut-off last row was dropped' : ''}`);
    }
  } catch (err) {
    locks.release();
    say(formatError(err));
    return EXIT.usage;
  }

  const job: FileJob = { batchSize: args.batchSize, slices: args.slices, channel: args.channel, frame: args.frame, aggregation: args.aggregation, metrics: args.metrics, pixelSize: args.pixelSize, overlay: args.overlay !== undefined, composite: (args.composite ?? args.depthMap) !== undefined };
  let failed = 0;
  let measured = 0;
  let written = 0;
  let stop: { signal?: NodeJS.Signals; error?: Error } | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    stop ??= { signal };
    void pool.terminate();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await measureInOrder(pool, todo, job, live, (outcome) => {
      for (const row of outcome.rows) {
        if (row.error === undefined) continue;
        failed++;
        if (!args.quiet) {
          live.clear();
          say(`${row.file}: ${row.error}`);
        }
      }
      if (outcome.rows.some((r) => r.result)) measured++;
      if (job.composite) {
        const why = outcome.compositeError ?? outcome.rows.find((r) => r.error)?.error;
        if (why !== undefined) {
          if (outcome.compositeError) failed++; // a failed row was counted above already
          say(`no composite: ${why}`);
        } else if (!args.quiet) for (const note of outcome.composite?.notes ?? []) say(`composite: ${note}`);
      }
      try {
        sink.write(outcome);
        written++;
      } catch (err) {
        stop ??= { error: err as Error };
        void pool.terminate();
      }
    }, () => stop !== undefined);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    live.clear();
    await pool.close();
  }
  let code: number;
  if (stop) {
    const kept = sink.abandon();
    const where = kept.length ? `; the ${written} file(s) written so far are kept in ${kept.join(' and ')}: run again with --resume to continue` : '';
    say(`${stop.signal ? `interrupted (${stop.signal})` : stop.error!.message}${where}`);
    code = stop.signal === 'SIGTERM' ? 143 : stop.signal ? 130 : EXIT.output;
  } else {
    try {
      sink.commit();
      code = failed > 0 ? EXIT.fileFailed : EXIT.ok;
      const seconds = (Date.now() - started) / 1000;
      if (!args.quiet) say(`${todo.length} file(s): ${measured} measured, ${failed} failed, in ${seconds.toFixed(1)} s${todo.length ? ` (${(todo.length / seconds).toFixed(2)} files/s)` : ''}${args.out ? `; results in ${args.out}` : ''}`);
    } catch (err) {
      say(`${(err as Error).message}; what was written is kept in the .partial file(s): run again with --resume`);
      code = EXIT.output;
    }
  }
  locks.release();
  return code;
}
