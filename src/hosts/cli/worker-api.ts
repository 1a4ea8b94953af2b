/**
 * What a CLI measuring worker exposes with comlink (pool.ts ↔ measure-worker.ts). Types only, so the main thread never
 * loads the worker's imports. Rows come back as plain data (structured clone); overlay PNG buffers are transferred.
 */
import type { FileJob, FileOutcome } from './measure-file.js';

export interface WorkerInit {
  /** Absolute path of the ONNX model (its card beside it). */
  readonly model: string;
  /** Inference threads of this worker's session. */
  readonly threads: number;
}

export interface MeasureWorkerApi {
  /** Loads the model; rejects with its ModelError message when it cannot. */
  init(init: WorkerInit): Promise<void>;
  /**
   * One file → its rows and overlays; never rejects for a bad file (the row carries the error). `next`, the file likely
   * to come next, is read ahead while this one is decoded and measured.
   */
  measure(file: string, job: FileJob, onProgress: (fraction: number) => void, next?: string): Promise<FileOutcome>;
  dispose(): Promise<void>;
}
