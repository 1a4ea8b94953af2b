/**
 * The model as one small object: load once, `predict` many batches, `dispose`. onnxruntime-web is imported lazily
 * (the first `loadModel` pays for it), so importing this module costs nothing and core code never sees ORT types.
 *
 * Which ORT build is imported: in Node the package's Node entry (it finds its own .wasm in its dist/); in a browser the
 * smallest build that has the backend: `onnxruntime-web/wasm` for wasm, `onnxruntime-web/webgl`, and the main (JSEP)
 * build for WebGPU. Inference calls on one session are queued: an ORT session runs one call at a time.
 * A model whose card declares a fixed batch (the copy training/export_onnx.py writes for WebGL, which cannot run a
 * symbolic batch; model-loader.ts picks it) runs in full batches, `predict` padding the last one.
 */
import { ModelError } from '../core/errors.js';
import type { ModelCard } from '../core/model-card.js';
import type { BackendName } from './worker-protocol.js';

type Ort = typeof import('onnxruntime-web');

export interface LoadModelOptions {
  /** ONNX bytes, read and checked against the card by model-loader.ts. */
  readonly model: Uint8Array;
  readonly card: ModelCard;
  /** Default 'wasm'. */
  readonly backend?: BackendName;
  /** wasm threads (ORT's setting is global to the process/worker: the first load decides). Default: ORT's own choice. */
  readonly numThreads?: number;
  /** Where the browser finds ORT's .wasm: a folder URL ending in "/", or `{ wasm: url }` for one file. */
  readonly wasmPaths?: string | { readonly wasm?: string | URL; readonly mjs?: string | URL };
  /** A label for error messages (e.g. the model's file name). */
  readonly name?: string;
  /**
   * Whether idle wasm threads spin-wait for work between operators (onnxruntime's `session.intra_op.allow_spinning`);
   * default: onnxruntime's own (on). bench/browser-bench.mjs compares both with 2 threads.
   */
  readonly intraOpSpinning?: boolean;
}

export interface FocusModel {
  readonly card: ModelCard;
  readonly backend: BackendName;
  /** wasm threads onnxruntime-web runs with (its own choice when none was asked for); 1 on a GPU backend. */
  readonly numThreads: number;
  /**
   * Probabilities [count, levels] for `count` patches laid out [count, 1, P, P] at the start of `patches`.
   * The returned array is the caller's to keep.
   */
  predict(patches: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

const isNode = typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

async function importOrt(backend: BackendName): Promise<Ort> {
  if (isNode || backend === 'webgpu') return import('onnxruntime-web');
  if (backend === 'webgl') return import('onnxruntime-web/webgl') as Promise<Ort>;
  return import('onnxruntime-web/wasm') as Promise<Ort>;
}

/** A fixed (non-symbolic) batch dimension in the card, e.g. for WebGL, which cannot run a dynamic batch. */
export function fixedBatchOf(card: ModelCard): number | undefined {
  const n = card.input.shape[0];
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** Compares the model's own declared shapes with the card; symbolic dimensions (batch) match anything. */
function checkShapes(session: Session, card: ModelCard): string | undefined {
  const metaOf = (name: string): readonly (number | string)[] | undefined => {
    let all: Session['inputMetadata'][number][];
    try {
      all = [...(session.inputMetadata ?? []), ...(session.outputMetadata ?? [])];
    } catch {
      return undefined; // the WebGL backend throws "Getting model metadata is not supported": its first run checks the shape
    }
    const m = all.find((v) => v.name === name);
    return m && m.isTensor ? m.shape : undefined;
  };
  const differs = (actual: readonly (number | string)[] | undefined, wanted: readonly (number | string)[]): boolean =>
    actual !== undefined && actual.length > 0 && (actual.length !== wanted.length || actual.some((d, i) => typeof d === 'number' && typeof wanted[i] === 'number' && d !== wanted[i]));
  const input = metaOf(card.input.name);
  const output = metaOf(card.output.name);
  const wantIn = [card.input.shape[0] ?? 'N', 1, card.patchSize, card.patchSize];
  const wantOut = [card.output.shape[0] ?? 'N', card.levels];
  if (differs(input, wantIn)) return `model input shape [${input!.join(', ')}] does not match the card's [N, 1, ${card.patchSize}, ${card.patchSize}]`;
  if (differs(output, wantOut)) return `model output shape [${output!.join(', ')}] does not match the card's [N, ${card.levels}]`;
  return undefined;
}

export async function loadModel(options: LoadModelOptions): Promise<FocusModel> {
  const { card } = options;
  const backend = options.backend ?? 'wasm';
  const label = options.name ?? card.file;
  let ort: Ort;
  try {
    ort = await importOrt(backend);
  } catch (err) {
    throw new ModelError(`cannot load onnxruntime-web for the ${backend} backend: ${(err as Error).message}`, { file: label, cause: err });
  }
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths as Ort['env']['wasm']['wasmPaths'];
  const fixedBatch = fixedBatchOf(card);
  if (backend === 'webgl' && fixedBatch === undefined) {
    throw new ModelError('WebGL cannot run a model with a symbolic batch: load its fixed-batch copy (model-loader.ts does)', { file: label });
  }
  let session: Session;
  try {
    const spinning = options.intraOpSpinning === undefined ? {} : { extra: { session: { intra_op: { allow_spinning: options.intraOpSpinning ? '1' : '0' } } } };
    const opts = { executionProviders: [backend], graphOptimizationLevel: 'all' as const, ...spinning };
    session = await ort.InferenceSession.create(options.model, opts);
  } catch (err) {
    throw new ModelError(`cannot create an ONNX session on ${backend}: ${(err as Error).message}`, { file: label, cause: err });
  }
  const inputName = card.input.name;
  const outputName = card.output.name;
  if (!session.inputNames.includes(inputName) || !session.outputNames.includes(outputName)) {
    await session.release();
    throw new ModelError(
      `model inputs [${session.inputNames.join(', ')}] / outputs [${session.outputNames.join(', ')}] do not match the card's "${inputName}" / "${outputName}"`,
      { file: label },
    );
  }
  const P = card.patchSize;
  const levels = card.levels;
  const shapeProblem = checkShapes(session, card);
  if (shapeProblem) {
    await session.release();
    throw new ModelError(shapeProblem, { file: label });
  }
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  async function runOnce(input: Float32Array, n: number): Promise<Float32Array> {
    const tensor = new ort.Tensor('float32', input, [n, 1, P, P]);
    const out = await session.run({ [inputName]: tensor });
    const probs = out[outputName];
    if (!probs || probs.type !== 'float32' || probs.data.length !== n * levels) {
      throw new ModelError(`model returned ${probs ? `${probs.type} × ${probs.data.length}` : 'nothing'} for ${n} patches, expected float32 × ${n * levels}`, { file: label });
    }
    const data = new Float32Array(probs.data as Float32Array);
    probs.dispose?.();
    return data;
  }

  async function run(patches: Float32Array, count: number): Promise<Float32Array> {
    if (disposed) throw new ModelError('the model was disposed', { file: label });
    const area = P * P;
    if (!Number.isInteger(count) || count < 0 || patches.length < count * area) throw new RangeError(`predict: ${count} patches need ${count * area} values, got ${patches.length}`);
    if (count === 0) return new Float32Array(0);
    if (fixedBatch === undefined) return runOnce(patches.subarray(0, count * area), count);
    // Fixed-batch model: run full batches, padding the last one with zeros and dropping its extra outputs.
    const result = new Float32Array(count * levels);
    const buf = new Float32Array(fixedBatch * area);
    for (let start = 0; start < count; start += fixedBatch) {
      const n = Math.min(fixedBatch, count - start);
      buf.fill(0);
      buf.set(patches.subarray(start * area, (start + n) * area));
      const out = await runOnce(buf, fixedBatch);
      result.set(out.subarray(0, n * levels), start * levels);
    }
    return result;
  }

  return {
    card,
    backend,
    // ORT settles env.wasm.numThreads when its wasm starts (its own default when none was given).
    numThreads: backend === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 1,
    predict(patches, count) {
      const next = queue.then(() => run(patches, count));
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      await session.release();
    },
  };
}
