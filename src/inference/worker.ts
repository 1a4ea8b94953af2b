/**
 * The dedicated Web Worker that runs the model, exposed with comlink (`WorkerApi` in worker-protocol.ts).
 * One model session per worker, loaded by `init` and reused for every image; pixel buffers arrive transferred;
 * progress goes back through a `comlink.proxy` callback; `cancel` aborts a job between batches.
 * Create it with `createWorkerClient` (worker-client.ts), never directly.
 */
import * as Comlink from 'comlink';
import { CancelledError, ModelError, errorFields } from '../core/errors.js';
import type { FocusResult, GrayImage } from '../core/types.js';
import { defaultThreadCount } from './backend.js';
import { modelMeasurer } from './measure.js';
import { openModel } from './model-loader.js';
import type { FocusModel } from './session.js';
import type { ProgressCallback, WorkerApi, WorkerInitOptions, WorkerMeasureOptions, WorkerModelInfo } from './worker-protocol.js';

interface Loaded {
  readonly key: string;
  readonly model: FocusModel;
  readonly info: WorkerModelInfo;
}

let loaded: Promise<Loaded> | undefined;

/**
 * A wasm inference call blocks this thread, so a `cancel` message can only run between batches, and only if each
 * batch starts from a fresh task: awaiting a resolved promise would not let the message queue run.
 */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const jobs = new Map<number, AbortController>();

async function load(options: WorkerInitOptions): Promise<Loaded> {
  const { model, report } = await openModel({ ...options, numThreads: options.numThreads ?? defaultThreadCount() });
  return { key: JSON.stringify(options), model, info: { card: model.card, report } };
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

  async measure(jobId: number, image: GrayImage, options: WorkerMeasureOptions, onProgress?: ProgressCallback): Promise<FocusResult> {
    if (!loaded) throw new ModelError('the worker has no model: call init first');
    const { model, info } = await loaded;
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
      const result = await modelMeasurer(yielding).measure(image, options, {
        signal: controller.signal,
        ...(onProgress ? { onProgress: (done: number, total: number) => void onProgress(done, total) } : {}),
      });
      if (controller.signal.aborted) throw new CancelledError('measurement cancelled');
      return { ...result, backend: info.report.backend };
    } catch (err) {
      if (controller.signal.aborted && (err as Error | undefined)?.name !== 'CancelledError') throw new CancelledError('measurement cancelled', { cause: err });
      throw err;
    } finally {
      jobs.delete(jobId);
    }
  },

  cancel(jobId: number) {
    jobs.get(jobId)?.abort();
  },

  async dispose() {
    for (const c of jobs.values()) c.abort();
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
