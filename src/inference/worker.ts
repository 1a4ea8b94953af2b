/**
 * The dedicated Web Worker that runs the model, exposed with comlink (`WorkerApi` in worker-protocol.ts).
 * One model session per worker, loaded by `init` and reused for every image; pixel buffers arrive transferred;
 * progress goes back through a `comlink.proxy` callback; `cancel` aborts a job between batches. Whole files are
 * decoded here too (`measureFile`): a hostile file can hang or exhaust only this worker, which the page then replaces.
 * Create it with `createWorkerClient` (worker-client.ts), never directly.
 */
import * as Comlink from 'comlink';
import { CancelledError, ERROR_NAMES, ImageContentError, ImageFormatError, ModelError, errorFields, withContext } from '../core/errors.js';
import { composeAllInFocus, type Composite, type CompositeOptions } from '../core/composite.js';
import { measureStack, planesOf, type Measurer } from '../core/measure-stack.js';
import type { FocusResult, GrayImage, ImageStack, PatchScore } from '../core/types.js';
import { decodeImage } from '../io/decode.js';
import { renderPreview, type Preview } from '../io/preview.js';
import { defaultThreadCount } from './backend.js';
import { batchForThreads } from './threads.js';
import { modelMeasurer } from './measure.js';
import { openModel } from './model-loader.js';
import type { FocusModel } from './session.js';
import type { ProgressCallback, SentResult, WorkerApi, WorkerFileOptions, WorkerFileSummary, WorkerInitOptions, WorkerMeasureOptions, WorkerModelInfo } from './worker-protocol.js';

interface Loaded {
  readonly key: string;
  readonly model: FocusModel;
  /** Patches per inference call when the caller does not say (threads.ts `batchForThreads`); undefined: the core's default. */
  readonly batchSize: number | undefined;
  readonly info: WorkerModelInfo;
}

let loaded: Promise<Loaded> | undefined;

/**
 * A wasm inference call blocks this thread, so a `cancel` message can only run between batches, and only if each
 * batch starts from a fresh task: awaiting a resolved promise would not let the message queue run. A message to
 * ourselves, not `setTimeout(0)`: nested timeouts are clamped to 4 ms from the fifth on (HTML timers), which cost
 * ~40 ms for the 10 batches of a 2048×2048 image.
 */
const yieldChannel = new MessageChannel();
const waiting: (() => void)[] = [];
yieldChannel.port1.onmessage = () => waiting.shift()?.();
const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    yieldChannel.port2.postMessage(null);
  });
const jobs = new Map<number, AbortController>();

async function load(options: WorkerInitOptions): Promise<Loaded> {
  const { model, report } = await openModel({ ...options, numThreads: options.numThreads ?? defaultThreadCount() });
  // Only wasm's thread count changes what batch pays best; GPU backends keep the core's default (WebGL's fixed batch).
  const batchSize = report.backend === 'wasm' ? batchForThreads(report.numThreads) : undefined;
  return { key: JSON.stringify(options), model, batchSize, info: { card: model.card, report } };
}

/** The options of a call, with this worker's batch size where the caller gave none. */
async function withBatch<T extends { readonly batchSize?: number | undefined }>(options: T): Promise<T> {
  const batchSize = options.batchSize === undefined && loaded ? (await loaded).batchSize : undefined;
  return batchSize === undefined ? options : { ...options, batchSize };
}

/**
 * Decoded files with their results, kept for `preview` and `compose`, oldest first; beyond this many bytes of pixels
 * the oldest are forgotten.
 */
const files = new Map<number, { stack: ImageStack; results?: readonly FocusResult[] }>();
const KEEP_BYTES = 512 * 2 ** 20;
let nextFileId = 1;

function keep(stack: ImageStack): number {
  const id = nextFileId++;
  files.set(id, { stack });
  const bytesOf = (s: ImageStack): number => s.slices.reduce((n, p) => n + p.data.byteLength, 0);
  let total = [...files.values()].reduce((n, f) => n + bytesOf(f.stack), 0);
  for (const [old, f] of files) {
    if (total <= KEEP_BYTES || old === id) break;
    files.delete(old);
    total -= bytesOf(f.stack);
  }
  return id;
}

/** Patches of results sent without them, until the page has fetched their last chunk (the oldest dropped past 64). */
const handedOut = new Map<number, readonly PatchScore[]>();
let nextHandle = 1;

function send(result: FocusResult): SentResult {
  const handle = nextHandle++;
  handedOut.set(handle, result.patches);
  for (const old of handedOut.keys()) {
    if (handedOut.size <= 64) break;
    handedOut.delete(old);
  }
  return { result: { ...result, patches: [] }, handle, patchCount: result.patches.length };
}

/**
 * Runs one cancellable job: `cancel(jobId)` aborts its signal, and the model it gets starts every batch from a fresh
 * task so the cancel message can arrive in between; a failure after a cancel is reported as the cancel.
 */
async function job<T>(jobId: number, run: (measurer: Measurer, signal: AbortSignal) => Promise<T>): Promise<T> {
  if (!loaded) throw new ModelError('the worker has no model: call init first');
  const { model } = await loaded;
  const controller = new AbortController();
  jobs.set(jobId, controller);
  try {
    const yielding: FocusModel = {
      ...model,
      predict: async (patches, count) => {
        await nextTask();
        if (controller.signal.aborted) throw new CancelledError('measurement cancelled');
        return model.predict(patches, count);
      },
    };
    const out = await run(modelMeasurer(yielding), controller.signal);
    if (controller.signal.aborted) throw new CancelledError('measurement cancelled');
    return out;
  } catch (err) {
    if (controller.signal.aborted && (err as Error | undefined)?.name !== 'CancelledError') throw new CancelledError('measurement cancelled', { cause: err });
    throw err;
  } finally {
    jobs.delete(jobId);
  }
}

/** Any failure to decode is the file's fault: our own errors keep their kind, a decoder's stray exception becomes one. */
function asFormatError(err: unknown, file: string): Error {
  const name = (err as Error | undefined)?.name;
  if ((ERROR_NAMES as readonly string[]).includes(name ?? '')) return withContext(err, { file });
  return new ImageFormatError(`cannot decode the file: ${err instanceof Error ? err.message : String(err)}`, { file, cause: err });
}

const api: WorkerApi = {
  async init(options) {
    const key = JSON.stringify(options);
    if (loaded) {
      const previous = await loaded.catch(() => undefined);
      if (previous?.key === key) return previous.info;
      await previous?.model.dispose();
    }
    loaded = load(options);
    // A failed load must not poison the worker: the next init tries again.
    loaded.catch(() => {
      loaded = undefined;
    });
    return (await loaded).info;
  },

  measure(jobId: number, image: GrayImage, options: WorkerMeasureOptions, onProgress?: ProgressCallback): Promise<SentResult> {
    return job(jobId, async (measurer, signal) => send(await measurer.measure(image, await withBatch(options), { signal, ...(onProgress ? { onProgress: (done: number, total: number) => void onProgress(done, total) } : {}) })));
  },

  measureFile(jobId: number, file: Blob | ArrayBuffer, options: WorkerFileOptions, onProgress?: ProgressCallback, onDecoded?: () => void): Promise<WorkerFileSummary> {
    const { name, current, decodeTimeoutMs, ...stackOptions } = options;
    return job(jobId, async (measurer, signal) => {
      let stack: ImageStack;
      const t0 = performance.now();
      try {
        const bytes = file instanceof ArrayBuffer ? file : await file.arrayBuffer();
        // The decoder's own budget (checked between strips) ends a slow file with a clear error, keeping this worker.
        const left = decodeTimeoutMs === undefined ? undefined : Math.max(0, decodeTimeoutMs - (performance.now() - t0));
        stack = await decodeImage(bytes, name, left === undefined ? {} : { timeLimitMs: left });
      } catch (err) {
        throw asFormatError(err, name);
      }
      const decodeMs = performance.now() - t0;
      await onDecoded?.();
      const fileId = keep(stack);
      try {
        const { results, best } = await measureStack(measurer, stack, await withBatch(stackOptions), { current, signal, ...(onProgress ? { onProgress: (done: number, total: number) => void onProgress(done, total) } : {}) });
        files.get(fileId)!.results = results;
        return { fileId, width: stack.width, height: stack.height, slices: stack.slices.length, warnings: stack.warnings, results: results.map(send), bestIndex: results.indexOf(best), decodeMs };
      } catch (err) {
        files.delete(fileId);
        throw withContext(err, { file: name });
      }
    });
  },

  async patches(handle: number, start: number, count: number): Promise<readonly PatchScore[]> {
    const patches = handedOut.get(handle);
    if (!patches) throw new ImageContentError('these patches are no longer held by the worker: measure again');
    if (start + count >= patches.length) handedOut.delete(handle);
    return patches.slice(start, start + count);
  },

  async compose(fileId: number, options: CompositeOptions): Promise<Composite> {
    const held = files.get(fileId);
    if (!held?.results) throw new ImageContentError('this file is no longer held by the worker (it keeps the latest ones only): measure it again to compose it');
    const source = planesOf(held.stack);
    const planes = Array.from({ length: source.count }, (_, i) => source.plane(i) as GrayImage);
    const composite = composeAllInFocus(planes, held.results, options);
    return Comlink.transfer(composite, [composite.image.data.buffer, composite.depth.data.buffer]);
  },

  async preview(fileId: number, slice: number, maxSide: number): Promise<Preview> {
    const stack = files.get(fileId)?.stack;
    if (!stack) throw new ImageContentError('this file is no longer held by the worker (it keeps the latest ones only): measure it again to draw it');
    const plane = stack.slices[slice];
    if (!plane) throw new ImageContentError(`slice ${slice} does not exist: the stack has ${stack.slices.length} slice(s), numbered from 0`);
    const picture = renderPreview(plane, maxSide);
    return Comlink.transfer(picture, [picture.data.buffer]);
  },

  async timeInference(count: number): Promise<number> {
    if (!loaded) throw new ModelError('the worker has no model: call init first');
    const { model } = await loaded;
    const side = model.card.patchSize;
    // Textured, not constant: the same work as real patches, and no shortcut on zeros or denormals.
    const patches = new Float32Array(count * side * side).map((_, i) => 0.2 + 0.1 * Math.sin(i * 0.37) * Math.cos(i * 0.011));
    const t0 = performance.now();
    await model.predict(patches, count);
    return (performance.now() - t0) / count;
  },

  release(fileId: number) {
    files.delete(fileId);
  },

  cancel(jobId: number) {
    jobs.get(jobId)?.abort();
  },

  async dispose() {
    for (const c of jobs.values()) c.abort();
    files.clear();
    const previous = await loaded?.catch(() => undefined);
    loaded = undefined;
    await previous?.model.dispose();
  },
};

/**
 * comlink sends only name, message and stack of a thrown Error; ours also carry `file` and `slice`, so this worker
 * sends every field of `errorFields` (comlink's page side assigns them all onto the Error it rebuilds).
 */
const comlinkThrow = Comlink.transferHandlers.get('throw')!;
Comlink.transferHandlers.set('throw', {
  canHandle: comlinkThrow.canHandle,
  serialize: (thrown) => {
    const value = (thrown as { value: unknown }).value;
    return value instanceof Error ? [{ isError: true, value: errorFields(value) }, []] : comlinkThrow.serialize(thrown);
  },
  deserialize: comlinkThrow.deserialize,
});

Comlink.expose(api);
