/**
 * The page side of the focus-quality worker: starts it, loads the model once, measures images off the main thread.
 * Used by the `<focus-quality-view>` element, the web app, the library API and the ImageJ.JS plugin.
 *
 * @example
 *   const client = createWorkerClient();          // assets next to the bundle: ./models/, ./ort/, ./worker.js
 *   const result = await client.measure({ data, width, height, bitDepth: 16 }, {}, { onProgress: (d, t) => … });
 *   client.dispose();
 */
import * as Comlink from 'comlink';
import { CancelledError, ImageFormatError, ModelError, reviveError } from '../core/errors.js';
import type { Composite, CompositeOptions } from '../core/composite.js';
import type { Measurer, PlaneHooks } from '../core/measure-stack.js';
import { cardUrlFor } from '../core/model-card.js';
import type { FocusResult, GrayImage, PatchScore } from '../core/types.js';
import type { Preview } from '../io/preview.js';
import { batchForThreads, pickThreads, threadCandidates } from './threads.js';
import { PATCH_CHUNK, type BackendPreference, type ProgressCallback, type SentResult, type WorkerApi, type WorkerFileOptions, type WorkerFileResult, type WorkerMeasureOptions, type ThreadChoice, type WorkerInitOptions, type WorkerModelInfo } from './worker-protocol.js';

export interface WorkerClientOptions {
  /** The ONNX model; default `./models/focus-quality.onnx` next to the bundle. Relative URLs resolve against the page. */
  readonly modelUrl?: string | URL;
  /** Its card; default: the model URL with `.onnx` replaced by `.card.json`. */
  readonly cardUrl?: string | URL;
  /** Folder of onnxruntime-web's .wasm files; default `./ort/` next to the bundle. */
  readonly ortUrl?: string | URL;
  readonly backend?: BackendPreference;
  /**
   * wasm threads. Default: measured — on a cross-origin isolated page with 2 or more cores, a 1-thread and an N-thread
   * worker (N = cores, up to 4) time the same patches and the faster stays (threads.ts; the report's `threadChoice`).
   */
  readonly numThreads?: number;
  /** The worker script; default `./worker.js` next to this module (the rollup build emits it there). */
  readonly workerUrl?: string | URL;
  /**
   * After `cancel`, how long a job may take to reach its next batch boundary before the worker is terminated
   * (and restarted on the next call). Default 3000 ms.
   */
  readonly cancelGraceMs?: number;
}

export interface MeasureHooks extends PlaneHooks {
  /** Move `image.data`'s buffer to the worker instead of copying it (the caller's array becomes unusable). */
  readonly transfer?: boolean;
}

export interface FileHooks {
  readonly onProgress?: ProgressCallback | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Time the worker may spend decoding the file before it is stopped and the call fails (default 30 s). */
  readonly decodeTimeoutMs?: number | undefined;
}

/** The worker's time budget for decoding one file, as the CLI's (io/limits.ts): real files take well under a second. */
export const DEFAULT_DECODE_TIMEOUT_MS = 30_000;

/** A `Measurer` (core/measure-stack.ts): `measureStack(client, stack)` measures a stack in the worker, plane by plane. */
export interface WorkerClient extends Measurer {
  /** Loads the model (once; later calls reuse it) and reports the backend chosen. */
  init(): Promise<WorkerModelInfo>;
  /** Measures one grayscale plane. Rejects with a CancelledError when `hooks.signal` aborts. */
  measure(image: GrayImage, options?: WorkerMeasureOptions, hooks?: MeasureHooks): Promise<FocusResult>;
  /**
   * Decodes and measures a TIFF/PNG file in the worker (a Blob, or bytes that are transferred). A file whose decoding
   * outlasts `decodeTimeoutMs`, or kills the worker, rejects with an ImageFormatError naming it; the worker is replaced.
   */
  measureFile(file: Blob | ArrayBuffer, options: WorkerFileOptions, hooks?: FileHooks): Promise<WorkerFileResult>;
  /** A contrast-stretched RGBA picture of a measured file's slice, rendered in the worker (longer side ≤ maxSide). */
  preview(fileId: number, slice: number, maxSide: number): Promise<Preview>;
  /** The all-in-focus composite of a measured file's measured slices, computed in the worker. */
  compose(fileId: number, options?: CompositeOptions): Promise<Composite>;
  /** Lets the worker forget a measured file's pixels. */
  release(fileId: number): void;
  /** Cancels every job in flight. */
  cancel(): void;
  /** Terminates the worker; the client can still be used (a new worker starts on the next call). */
  dispose(): void;
}

function absolute(url: string | URL, base: string | undefined): string {
  return new URL(String(url), base).href;
}

/** Where a bundled build keeps its assets, relative to the bundle that contains this module. */
export function defaultAssetUrls(): { modelUrl: string; ortUrl: string; workerUrl: string } {
  return {
    modelUrl: new URL('./models/focus-quality.onnx', import.meta.url).href,
    ortUrl: new URL('./ort/', import.meta.url).href,
    workerUrl: new URL('./worker.js', import.meta.url).href,
  };
}

interface Running {
  readonly worker: Worker;
  /** The init options it was (or will be) loaded with. */
  readonly load: WorkerInitOptions;
  readonly remote: Comlink.Remote<WorkerApi>;
  /** Settles (rejects) when the worker dies, so no call waits forever on a dead worker. */
  readonly crashed: Promise<never>;
  readonly fail: (e: Error) => void;
  init?: Promise<WorkerModelInfo>;
}

/** Starts (lazily) a dedicated module worker running worker.ts and returns a handle to it. */
export function createWorkerClient(options: WorkerClientOptions = {}): WorkerClient {
  const page = globalThis.location?.href;
  const defaults = defaultAssetUrls();
  const modelUrl = absolute(options.modelUrl ?? defaults.modelUrl, page);
  const init: WorkerInitOptions = {
    modelUrl,
    cardUrl: absolute(options.cardUrl ?? cardUrlFor(modelUrl), page),
    ortUrl: absolute(options.ortUrl ?? defaults.ortUrl, page),
    backend: options.backend ?? 'auto',
    ...(options.numThreads === undefined ? {} : { numThreads: options.numThreads }),
  };
  const workerUrl = absolute(options.workerUrl ?? defaults.workerUrl, page);
  const grace = options.cancelGraceMs ?? 3000;
  let running: Running | undefined;
  let nextJob = 1;
  const inFlight = new Map<number, () => void>();
  /** Threads decided by the contest (kept for workers started later, after a crash or a cancel). */
  let decided: number | undefined = options.numThreads;
  let contest: Promise<void> | undefined;
  /** Bumped by dispose, so a contest that ends after it leaves no worker running. */
  let generation = 0;

  function stop(why: Error): void {
    if (!running) return;
    kill(running, why);
    running = undefined;
  }

  /** A new worker (not yet loaded), watched for its death. */
  function spawn(load: WorkerInitOptions): Running {
    const worker = new Worker(workerUrl, { type: 'module', name: 'focus-quality' });
    let fail: (e: Error) => void = () => undefined;
    const crashed = new Promise<never>((_, reject) => (fail = reject));
    crashed.catch(() => undefined); // observed through Promise.race only
    const onCrash = (ev: Event) => {
      const detail = ev instanceof ErrorEvent && ev.message ? ev.message : 'the worker script failed to load or threw at top level';
      if (running?.worker === worker) running = undefined;
      worker.terminate();
      fail(new ModelError(`the focus-quality worker crashed: ${detail}`, { file: workerUrl }));
    };
    worker.addEventListener('error', onCrash);
    worker.addEventListener('messageerror', onCrash);
    return { worker, load, remote: Comlink.wrap<WorkerApi>(worker), crashed, fail: (e) => fail(e) };
  }

  function kill(r: Running, why: Error): void {
    r.fail(why);
    r.remote[Comlink.releaseProxy]();
    r.worker.terminate();
  }

  function start(): Running {
    running ??= spawn(decided === undefined ? init : { ...init, numThreads: decided });
    return running;
  }

  /**
   * The thread contest (threads.ts): one worker per candidate count loads the model (in parallel), then each times the
   * same synthetic patches at its own batch size, in turns (the first turn warms up and is not counted); the fastest
   * stays as the running worker, the others are stopped. A candidate that fails to load just drops out.
   */
  async function runContest(candidates: readonly number[]): Promise<void> {
    const mine = generation;
    const racers = candidates.map((threads) => spawn({ ...init, numThreads: threads }));
    const loads = await Promise.allSettled(racers.map((r) => Promise.race([r.remote.init(r.load), r.crashed])));
    const alive = racers.flatMap((r, i) => (loads[i]!.status === 'fulfilled' ? [{ r, info: (loads[i] as PromiseFulfilledResult<WorkerModelInfo>).value }] : []));
    const stopOthers = (keep?: Running) => {
      for (const r of racers) if (r !== keep) kill(r, new CancelledError('lost the thread contest'));
    };
    if (alive.length === 0) {
      stopOthers();
      throw reviveError((loads[0] as PromiseRejectedResult).reason);
    }
    let winner = alive[0]!;
    let choice: ThreadChoice | undefined;
    // A GPU backend makes the wasm thread count moot: no contest, the first that loaded stays.
    if (alive.length > 1 && alive.every((a) => a.info.report.backend === 'wasm')) {
      const timings = alive.map((a) => ({ threads: a.info.report.numThreads, msPerPatch: [] as number[] }));
      try {
        // Turn 0 only warms up (first-call allocation and compilation): a few patches do; turns 1–2 run full batches.
        for (let turn = 0; turn < 3; turn++) {
          for (const [i, a] of alive.entries()) {
            const count = turn === 0 ? 8 : batchForThreads(timings[i]!.threads);
            const ms = await Promise.race([a.r.remote.timeInference(count), a.r.crashed]);
            if (turn > 0) timings[i]!.msPerPatch.push(ms);
          }
        }
      } catch (err) {
        stopOthers(); // no worker is left behind by a contest that failed (the next call starts over)
        throw reviveError(err);
      }
      const pick = pickThreads(timings);
      winner = alive[timings.findIndex((t) => t.threads === pick.threads)] ?? winner;
      choice = { threads: pick.threads, reason: pick.reason, timings };
    }
    stopOthers(winner.r);
    if (mine !== generation) {
      kill(winner.r, new CancelledError('worker client disposed'));
      throw new CancelledError('worker client disposed');
    }
    decided = winner.info.report.numThreads;
    const info: WorkerModelInfo = choice ? { ...winner.info, report: { ...winner.info.report, threadChoice: choice } } : winner.info;
    winner.r.init = Promise.resolve(info);
    running = winner.r;
  }

  async function ready(): Promise<Running> {
    // Asked for a GPU backend, the wasm thread count hardly matters: no contest (with `auto` the contest sees the GPU).
    if (!running && decided === undefined && (init.backend === 'auto' || init.backend === 'wasm')) {
      const candidates = threadCandidates(globalThis.navigator?.hardwareConcurrency ?? 1, globalThis.crossOriginIsolated === true);
      if (candidates.length > 1) {
        contest ??= runContest(candidates).finally(() => (contest = undefined));
        await contest;
      }
    }
    const r = start();
    if (!r.init) {
      r.init = Promise.race([r.remote.init(r.load), r.crashed]);
      // A failed load (e.g. model 404) is reported once; the next call loads again instead of replaying the failure.
      r.init.catch(() => {
        if (running === r) r.init = undefined;
      });
    }
    await r.init.catch((err: unknown) => {
      throw reviveError(err);
    });
    return r;
  }

  /** A result with its patches fetched in chunks, each unpacked in a short task of its own (see SentResult). */
  async function received(r: Running, sent: SentResult): Promise<FocusResult> {
    const patches: PatchScore[] = [];
    for (let start = 0; start < sent.patchCount; start += PATCH_CHUNK) patches.push(...(await r.remote.patches(sent.handle, start, PATCH_CHUNK)));
    return { ...sent.result, patches };
  }

  /**
   * One call into the worker that a signal can cancel and a dead worker cannot leave hanging. `guard` may replace the
   * watch on the worker's death with its own (adding e.g. a time budget) and tidy up after the call.
   */
  async function call<T>(signal: AbortSignal | undefined, start: (r: Running, jobId: number) => Promise<T>, guard?: (r: Running) => { race: Promise<never>; done(): void }): Promise<T> {
    if (signal?.aborted) throw new CancelledError('measurement cancelled before it started');
    const r = await ready();
    const jobId = nextJob++;
    let settled = false;
    let cancel: () => void = () => undefined;
    const cancelled = new Promise<never>((_, reject) => {
      cancel = () => {
        reject(new CancelledError('measurement cancelled'));
        void r.remote.cancel(jobId).catch(() => undefined);
        // A job stuck inside one long batch cannot see the abort; a fresh worker is cheaper than waiting.
        setTimeout(() => {
          if (!settled && running === r) stop(new CancelledError('worker restarted after a cancel'));
        }, grace);
      };
    });
    cancelled.catch(() => undefined);
    const job = start(r, jobId);
    job.then(
      () => (settled = true),
      () => (settled = true),
    );
    inFlight.set(jobId, cancel);
    const onAbort = () => cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const guarded = guard?.(r);
    try {
      // A guard watches the worker's death itself (it may say more about it than "crashed").
      return await Promise.race([job, cancelled, guarded ? guarded.race : r.crashed]);
    } catch (err) {
      throw reviveError(err);
    } finally {
      guarded?.done();
      signal?.removeEventListener('abort', onAbort);
      inFlight.delete(jobId);
    }
  }

  function measure(image: GrayImage, measureOptions: WorkerMeasureOptions = {}, hooks: MeasureHooks = {}): Promise<FocusResult> {
    const { onProgress } = hooks;
    // Copy unless asked to transfer: the caller usually still draws the image; a view into a larger buffer must not ship it whole.
    const data = hooks.transfer && image.data.byteOffset === 0 && image.data.byteLength === image.data.buffer.byteLength ? image.data : image.data.slice();
    const message: GrayImage = { data, width: image.width, height: image.height, bitDepth: image.bitDepth, ...(image.pixelSize ? { pixelSize: image.pixelSize } : {}) };
    return call(hooks.signal, async (r, jobId) => received(r, await r.remote.measure(jobId, Comlink.transfer(message, [data.buffer]), measureOptions, onProgress ? Comlink.proxy(onProgress) : undefined)));
  }

  function measureFile(file: Blob | ArrayBuffer, options: WorkerFileOptions, hooks: FileHooks = {}): Promise<WorkerFileResult> {
    const { onProgress } = hooks;
    const budget = hooks.decodeTimeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
    let decoded = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onDecoded = (): void => {
      decoded = true;
      clearTimeout(timer);
    };
    // Decoding is where a hostile file hangs or eats memory. The decoder checks its budget between strips and fails
    // by itself; this timer covers what no check reaches (a read, a single huge chunk, a hang): past the budget the
    // worker is terminated (the next call starts a fresh one) and only this file fails.
    const guard = (r: Running) => {
      let fail: (e: Error) => void = () => undefined;
      const race = new Promise<never>((_, reject) => (fail = reject));
      race.catch(() => undefined);
      timer = setTimeout(() => {
        const err = new ImageFormatError(`decoding took longer than ${budget < 1000 ? `${budget} ms` : `${(budget / 1000).toFixed(0)} s`}; the file is too large or malformed (its worker was stopped)`, { file: options.name });
        fail(err);
        if (running === r) stop(err);
      }, budget);
      // A worker that dies while decoding (out of memory) died of this file.
      r.crashed.catch((crash: Error) => {
        fail(decoded ? crash : new ImageFormatError(`the worker stopped while decoding this file (${crash.message}); it is too large or malformed`, { file: options.name, cause: crash }));
      });
      return { race, done: () => clearTimeout(timer) };
    };
    return call(
      hooks.signal,
      async (r, jobId) => {
        const summary = await r.remote.measureFile(jobId, file instanceof ArrayBuffer ? Comlink.transfer(file, [file]) : file, { ...options, decodeTimeoutMs: budget }, onProgress ? Comlink.proxy(onProgress) : undefined, Comlink.proxy(onDecoded));
        const results: FocusResult[] = [];
        for (const sent of summary.results) results.push(await received(r, sent));
        const { bestIndex, ...rest } = summary;
        return { ...rest, results, best: results[bestIndex]! };
      },
      guard,
    );
  }

  /** A call about a file the worker holds: no job to cancel, but a dead worker still ends it. */
  async function ask<T>(question: (remote: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
    const r = await ready();
    try {
      return await Promise.race([question(r.remote), r.crashed]);
    } catch (err) {
      throw reviveError(err);
    }
  }

  return {
    async init() {
      return (await ready()).init as Promise<WorkerModelInfo>;
    },
    measure,
    measureFile,
    preview: (fileId, slice, maxSide) => ask((remote) => remote.preview(fileId, slice, maxSide)),
    compose: (fileId, options = {}) => ask((remote) => remote.compose(fileId, options)),
    release(fileId) {
      void running?.remote.release(fileId).catch(() => undefined);
    },
    cancel() {
      for (const c of [...inFlight.values()]) c();
    },
    dispose() {
      generation++;
      for (const c of [...inFlight.values()]) c();
      stop(new CancelledError('worker client disposed'));
    },
  };
}
