/**
 * `--jobs N` with N > 1: N worker threads (measure-worker.ts), each with its own model session, fed one file at a
 * time. Rows come back as plain data (structured clone); overlay PNG buffers are transferred, not copied.
 */
import { Worker } from 'node:worker_threads';
import { ModelError } from '../../core/errors.js';
import type { ResultRow } from '../../io/rows.js';
import type { FileJob, FileOutcome } from './measure-file.js';

export interface WorkerInit {
  readonly model: string;
  readonly threads: number;
}
export type WorkerRequest = { readonly type: 'job'; readonly id: number; readonly file: string; readonly job: FileJob } | { readonly type: 'close' };
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'progress'; readonly id: number; readonly fraction: number }
  | { readonly type: 'done'; readonly id: number; readonly rows: ResultRow[]; readonly overlays: [number, Uint8Array][] };

interface Pending {
  readonly resolve: (o: FileOutcome) => void;
  readonly onProgress: (fraction: number) => void;
  readonly file: string;
}

class PoolWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'progress') this.pending.get(m.id)?.onProgress(m.fraction);
      if (m.type === 'done') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve({ rows: m.rows, overlays: new Map(m.overlays.map(([s, png]) => [s, new Uint8Array(png)])) });
      }
    });
    // A crashed worker must not hang the run: its files get error rows.
    worker.on('error', (err) => this.failAll(err.message));
    worker.on('exit', (code) => this.failAll(`worker stopped (exit code ${code})`));
  }

  static start(init: WorkerInit): Promise<PoolWorker> {
    const worker = new Worker(new URL('./measure-worker.js', import.meta.url), { workerData: init });
    return new Promise((resolve, reject) => {
      const onMessage = (m: WorkerReply): void => {
        if (m.type === 'ready') {
          worker.off('message', onMessage);
          resolve(new PoolWorker(worker));
        } else if (m.type === 'failed') {
          void worker.terminate();
          reject(new ModelError(m.message));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', (err) => reject(new ModelError(`measuring worker failed to start: ${err.message}`)));
    });
  }

  measure(file: string, job: FileJob, onProgress: (fraction: number) => void): Promise<FileOutcome> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, onProgress, file });
      this.worker.postMessage({ type: 'job', id, file, job } satisfies WorkerRequest);
    });
  }

  private failAll(message: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ rows: [{ file: p.file, slice: 0, error: message }], overlays: new Map() });
    }
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    await new Promise((r) => this.worker.once('exit', r));
  }
}

export class WorkerPool {
  private constructor(private readonly workers: PoolWorker[]) {}

  /** Starts `size` workers; all must load the model, else ModelError. */
  static async start(size: number, init: WorkerInit): Promise<WorkerPool> {
    const started = await Promise.allSettled(Array.from({ length: size }, () => PoolWorker.start(init)));
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((w) => w.close()));
      throw failed.reason;
    }
    return new WorkerPool(ok);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Worker `k` measures `file`; callers keep at most one file per worker in flight. */
  measure(k: number, file: string, job: FileJob, onProgress: (fraction: number) => void): Promise<FileOutcome> {
    return this.workers[k]!.measure(file, job, onProgress);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
