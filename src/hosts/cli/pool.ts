/**
 * The CLI's measuring threads: N worker threads (measure-worker.ts, N = --jobs, also 1), each with its own model
 * session, spoken to with comlink over Node's worker_threads adapter, fed one file at a time. A file that takes longer
 * than its budget, or that crashes its worker (a V8 heap limit, an abort), costs only its own row: the worker is
 * terminated (which stops even a busy loop) and a fresh one takes its slot before the next file.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { availableParallelism, freemem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelError } from '../../core/errors.js';
import type { FileJob, FileOutcome } from './measure-file.js';
import type { MeasureWorkerApi, WorkerInit } from './worker-api.js';

export interface PoolOptions extends WorkerInit {
  /** Most time one file may take (decode + measure), in ms; past it the worker is terminated. */
  readonly timeoutMs: number;
  /** The worker script (default measure-worker.js next to this file). */
  readonly script?: URL;
  /** JS heap limit per worker in MB: a runaway file ends its worker with an error row, not the process. */
  readonly heapMb?: number;
}

/** Memory one measuring thread needs at most for ordinary images (model session, one decoded file, buffers). */
const JOB_MEMORY = 300 * 2 ** 20;

/**
 * `--jobs auto`: one thread per core (decoding and inference of different files then overlap), as many as free memory
 * allows at ~300 MB each, at most 16 (beyond that, split the plate with --shard and run several processes).
 */
export function autoJobs(cores = availableParallelism(), free = freemem()): number {
  return Math.max(1, Math.min(cores, Math.floor(free / JOB_MEMORY), 16));
}

const failed = (file: string, error: string): FileOutcome => ({ rows: [{ file, slice: 0, error }], overlays: new Map() });

/** One worker thread and its comlink proxy; `dead` resolves with a reason when the thread stops on its own. */
class Slot {
  private constructor(
    private readonly worker: Worker,
    readonly remote: Comlink.Remote<MeasureWorkerApi>,
    readonly dead: Promise<string>,
  ) {}

  static async start(options: PoolOptions): Promise<Slot> {
    const worker = new Worker(options.script ?? new URL('./measure-worker.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 2048 },
    });
    const dead = new Promise<string>((resolve) => {
      worker.once('error', (err) => resolve(`the measuring thread crashed (${err.message.split('\n')[0]})`));
      worker.once('exit', (code) => resolve(`the measuring thread stopped (exit code ${code})`));
    });
    const remote = Comlink.wrap<MeasureWorkerApi>(nodeEndpoint(worker));
    const slot = new Slot(worker, remote, dead);
    try {
      await Promise.race([remote.init({ model: options.model, threads: options.threads }), dead.then((why) => Promise.reject(new Error(why)))]);
    } catch (err) {
      await slot.terminate();
      throw new ModelError((err as Error).message.split('\n')[0]!);
    }
    return slot;
  }

  private stopped = false;

  async terminate(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.remote[Comlink.releaseProxy]();
    await this.worker.terminate();
  }

  async close(): Promise<void> {
    await Promise.race([this.remote.dispose(), this.dead]).catch(() => undefined);
    await this.terminate();
  }
}

export class WorkerPool {
  private constructor(
    private readonly slots: (Slot | undefined)[],
    private readonly options: PoolOptions,
  ) {}

  /** Starts `size` workers; all must load the model, else ModelError (the message of the first that failed). */
  static async start(size: number, options: PoolOptions): Promise<WorkerPool> {
    const started = await Promise.allSettled(Array.from({ length: size }, () => Slot.start(options)));
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const bad = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (bad) {
      await Promise.all(ok.map((s) => s.close()));
      throw bad.reason;
    }
    return new WorkerPool(ok, options);
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Worker `k` measures `file` (and reads `next` ahead); callers keep at most one file per worker in flight. Always
   * resolves: a timeout or a crash gives the file an error row and replaces the worker.
   */
  async measure(k: number, file: string, job: FileJob, onProgress: (fraction: number) => void, next?: string): Promise<FileOutcome> {
    let slot = this.slots[k];
    if (!slot) {
      try {
        slot = this.slots[k] = await Slot.start(this.options);
      } catch (err) {
        return failed(file, `cannot restart the measuring thread: ${(err as Error).message}`);
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`timed out after ${(this.options.timeoutMs / 1000).toFixed(this.options.timeoutMs < 1000 ? 1 : 0)} s (see --timeout)`), this.options.timeoutMs);
    });
    const progress = Comlink.proxy(onProgress);
    try {
      const outcome = await Promise.race([slot.remote.measure(file, job, progress, next), slot.dead, timedOut]);
      if (typeof outcome !== 'string') return outcome;
      this.slots[k] = undefined;
      await slot.terminate();
      return failed(file, outcome);
    } catch (err) {
      // A rejection from the worker itself (not a bad file: measureFile never throws) also retires the worker.
      this.slots[k] = undefined;
      await slot.terminate();
      return failed(file, `the measuring thread failed: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s?.close()));
  }

  /** Stops every thread now (an interrupted run): files in flight resolve with error rows nobody writes. */
  async terminate(): Promise<void> {
    const slots = this.slots.splice(0, this.slots.length, ...this.slots.map(() => undefined));
    await Promise.all(slots.map((s) => s?.terminate()));
  }
}
