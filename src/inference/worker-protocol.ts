/**
 * The wire contract between a page and the focus-quality worker: types (and one constant) only.
 * Kept apart (as comlink keeps `protocol.ts`) so the page side never pulls the worker's imports into its bundle.
 */
import type { FocusResult, GrayImage, PatchScore } from '../core/types.js';
import type { Composite, CompositeOptions } from '../core/composite.js';
import type { PlaneOptions, StackOptions } from '../core/measure-stack.js';
import type { Preview } from '../io/preview.js';
import type { ModelCard } from '../core/model-card.js';
import type { ThreadTiming } from './threads.js';

/** An onnxruntime-web execution provider this project can run on. */
export type BackendName = 'wasm' | 'webgl' | 'webgpu';

/** What the caller asks for: one backend, or `auto` = the fastest real one, with wasm as the fallback. */
export type BackendPreference = BackendName | 'auto';

/** One backend considered during the choice, and why it was kept or passed over. */
export interface BackendAttempt {
  readonly backend: BackendName;
  /** `chosen`, `loaded` (worked but lost the warm-up race), `skipped` (not tried: see reason) or `failed`. */
  readonly outcome: 'chosen' | 'loaded' | 'skipped' | 'failed';
  readonly reason: string;
  /** Milliseconds for one warm-up batch, when it was timed. */
  readonly warmupMs?: number;
}

/** The backend a worker ended up with, reported in every result so a slow run can be explained. */
export interface BackendReport {
  readonly backend: BackendName;
  /** wasm threads; 1 unless the page is cross-origin isolated. */
  readonly numThreads: number;
  readonly crossOriginIsolated: boolean;
  readonly attempts: readonly BackendAttempt[];
  /** How `numThreads` was decided when the page did not set it: the contest of worker-client.ts (threads.ts). */
  readonly threadChoice?: ThreadChoice;
}

/** A contest between workers with different thread counts, and its outcome. */
export interface ThreadChoice {
  readonly threads: number;
  readonly reason: string;
  readonly timings: readonly ThreadTiming[];
}

/** Everything the worker needs to load the model; all locations are absolute URLs (the worker has its own base URL). */
export interface WorkerInitOptions {
  readonly modelUrl: string;
  readonly cardUrl: string;
  /**
   * Folder holding onnxruntime-web's .wasm files (`ort-wasm-simd-threaded.wasm`, and `.jsep.wasm` for WebGPU), ending in `/`.
   * Never a CDN: the build copies them next to the bundles.
   */
  readonly ortUrl?: string;
  readonly backend?: BackendPreference;
  /**
   * wasm threads; default: one fewer than the cores, up to 4, when cross-origin isolated, else 1 (backend.ts
   * `defaultThreadCount`). The page's client sets it from its thread contest (threads.ts) unless the caller did.
   */
  readonly numThreads?: number;
}

/** The loaded model, as the page sees it. */
export interface WorkerModelInfo {
  readonly card: ModelCard;
  readonly report: BackendReport;
}

/** Options of one plane's measurement: the core's `PlaneOptions` (batch size, aggregation, metrics, slice index). */
export type WorkerMeasureOptions = PlaneOptions;

export type ProgressCallback = (done: number, total: number) => void;

/** Options of one file measured in the worker: the stack options plus the file's name and the 'current' slice. */
export interface WorkerFileOptions extends StackOptions {
  /** Names the file in errors and warnings. */
  readonly name: string;
  /** The slice that `slices: 'current'` means. */
  readonly current?: number | undefined;
  /** Time for reading and decoding the file; the decoder stops by itself at it, and the page stops the worker. */
  readonly decodeTimeoutMs?: number | undefined;
}

/** What the worker found in one file; the decoded planes stay in the worker (see `preview`, `release`). */
export interface WorkerFileResult {
  /** Handle of the decoded file in the worker, for `preview`. */
  readonly fileId: number;
  readonly width: number;
  readonly height: number;
  /** Planes in the file. */
  readonly slices: number;
  readonly warnings: readonly string[];
  readonly results: readonly FocusResult[];
  readonly best: FocusResult;
  /** Milliseconds the worker spent reading and decoding the file (each result's `timings` has the rest). */
  readonly decodeMs: number;
}

/**
 * A result as the worker sends it: without its patches (`patches` empty), which follow in chunks of `PATCH_CHUNK`
 * (`patches(handle, …)`): one message of 9,216 patches (an 8000×8000 image) takes the page 80 ms and more to unpack in
 * one task; chunks keep every task short.
 */
export interface SentResult {
  readonly result: FocusResult;
  /** Names the patches held in the worker until their last chunk has been fetched. */
  readonly handle: number;
  readonly patchCount: number;
}

/** What `measureFile` sends back at once (see SentResult), and which result is the best. */
export interface WorkerFileSummary extends Omit<WorkerFileResult, 'results' | 'best'> {
  readonly results: readonly SentResult[];
  readonly bestIndex: number;
}

/** Patches per `patches` message. */
export const PATCH_CHUNK = 1024;

/** The object the worker exposes with comlink. Jobs carry an id so `cancel` can name the one to stop. */
export interface WorkerApi {
  init(options: WorkerInitOptions): Promise<WorkerModelInfo>;
  /** `image.data` should be transferred (comlink `transfer`), not cloned. */
  measure(jobId: number, image: GrayImage, options: WorkerMeasureOptions, onProgress?: ProgressCallback): Promise<SentResult>;
  /**
   * Decodes a TIFF/PNG (a Blob, or bytes that should be transferred) and measures its slices here, so a hostile file
   * costs this worker only. `onDecoded` is called once decoding has finished (the page's time budget covers decoding).
   */
  measureFile(jobId: number, file: Blob | ArrayBuffer, options: WorkerFileOptions, onProgress?: ProgressCallback, onDecoded?: () => void): Promise<WorkerFileSummary>;
  /** Patches `start` … `start + count − 1` of a sent result (see SentResult); the last chunk frees them in the worker. */
  patches(handle: number, start: number, count: number): Promise<readonly PatchScore[]>;
  /** The all-in-focus composite (core/composite.ts) of a measured file's slices, its buffers transferred. */
  compose(fileId: number, options: CompositeOptions): Promise<Composite>;
  /** A contrast-stretched RGBA picture of slice `slice` of a decoded file, longer side ≤ maxSide (its buffer transferred). */
  preview(fileId: number, slice: number, maxSide: number): Promise<Preview>;
  /** Forgets a decoded file (the worker also forgets the oldest ones by itself when they hold much memory). */
  release(fileId: number): void;
  /** Stops job `jobId` at the next batch boundary; its `measure` rejects with a CancelledError. Unknown ids are ignored. */
  cancel(jobId: number): void;
  /** Runs `count` synthetic patches through the loaded model once; milliseconds per patch (the page's thread contest, worker-client.ts). */
  timeInference(count: number): Promise<number>;
  /** Frees the model session; a later `init` loads it again. */
  dispose(): Promise<void>;
}
