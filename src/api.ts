/**
 * The library API for embedders: one factory, one `measure`, results as plain objects with GeoJSON/CSV helpers.
 * In a browser the model runs in a Web Worker (the page never freezes); pass `worker: false` (or run in Node) to run it
 * in the calling thread.
 *
 * @example
 *   import { createFocusQuality } from './focus-quality.js';
 *   const fq = createFocusQuality();                       // model and ORT files next to the bundle
 *   const m = await fq.measure({ data: pixels, width: 696, height: 520, bitDepth: 16 });
 *   console.log(m.best.level, m.best.inFocus, m.report?.backend);
 *   download(m.toCSV()); map.addGeoJSON(m.toGeoJSON());
 *   fq.dispose();
 */
import { ModelError, withContext } from './core/errors.js';
import { measureStack, type Measurer } from './core/measure-stack.js';
import { parseModelCard, type ModelCard } from './core/model-card.js';
import { resolveOptions, type MeasureOptions } from './core/options.js';
import type { FocusResult } from './core/types.js';
import { toImageStack, type ImageInput } from './image-input.js';
import { chooseBackend, defaultThreadCount } from './inference/backend.js';
import { modelMeasurer } from './inference/measure.js';
import { loadModel, type FocusModel } from './inference/session.js';
import { createWorkerClient, defaultAssetUrls, type WorkerClient } from './inference/worker-client.js';
import type { BackendPreference, BackendReport } from './inference/worker-protocol.js';
import { toImageCsv, toPatchCsv } from './io/csv.js';
import { decodeImage } from './io/decode.js';
import { toGeoJSONCollection, type FeatureCollection } from './io/geojson.js';
import type { ResultRow } from './io/rows.js';

export type { ImageInput, ImJoyNdArray, RawImage } from './image-input.js';
export { toImageStack } from './image-input.js';

export interface FocusQualityOptions {
  /** ONNX model URL (card beside it as `.card.json`); default: the one shipped next to the bundle (or in the package, in Node). */
  readonly modelUrl?: string | URL;
  readonly cardUrl?: string | URL;
  /** Folder of onnxruntime-web's .wasm files (browser); default `./ort/` next to the bundle. */
  readonly ortUrl?: string | URL;
  readonly workerUrl?: string | URL;
  /** Default `auto`: a real GPU when there is one and it is faster, else wasm. */
  readonly backend?: BackendPreference;
  readonly numThreads?: number;
  /** Run in a Web Worker (default: yes wherever `Worker` exists). */
  readonly worker?: boolean;
}

export interface MeasureCall extends Partial<MeasureOptions> {
  /** Names the image in messages, CSV rows and GeoJSON properties. */
  readonly name?: string;
  /** Slice for `slices: 'current'`. */
  readonly current?: number;
  /** Patches done / total over every slice measured. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** What one `measure` call found. */
export interface Measurement {
  readonly name: string;
  /** One result per measured slice (one for a single image; only the sharpest for `slices: 'best'`). */
  readonly results: readonly FocusResult[];
  /** The sharpest measured slice (the only one for a single image). */
  readonly best: FocusResult;
  /** Remarks from reading the input (e.g. RGB measured as luminance). */
  readonly warnings: readonly string[];
  /** One row per slice, the CLI's columns. */
  toCSV(): string;
  /** One row per patch with its probabilities. */
  toPatchCSV(): string;
  /** Patches as polygons in pixel coordinates with level, certainty, probabilities and colour. */
  toGeoJSON(): FeatureCollection;
}

export interface FocusQuality {
  /** Accepts a raw typed array with width/height, ImageData, a decoded ImageStack, an ImJoy ndarray, or a TIFF/PNG Blob. */
  measure(image: ImageInput | Blob, options?: MeasureCall): Promise<Measurement>;
  /** Loads the model if needed; says which card and backend are in use. */
  info(): Promise<{ card: ModelCard; report: BackendReport | undefined }>;
  dispose(): void;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function readBytes(url: string, what: string): Promise<Uint8Array> {
  const nodeFs = url.startsWith('file:') && isNode ? (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:fs/promises') : undefined;
  try {
    if (nodeFs) return new Uint8Array(await (nodeFs as { readFile(u: URL): Promise<Uint8Array> }).readFile(new URL(url)));
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new ModelError(`cannot read the ${what}: ${(err as Error).message}`, { file: url, cause: err });
  }
}

/** The model in this thread, as a `Measurer`: what `worker: false` and Node use. */
function createInThread(modelUrl: string, cardUrl: string, options: FocusQualityOptions): Measurer & { info(): Promise<{ card: ModelCard; report: BackendReport | undefined }>; dispose(): void } {
  let loading: Promise<{ model: FocusModel; report: BackendReport | undefined }> | undefined;
  const load = async () => {
    const card = parseModelCard(JSON.parse(new TextDecoder().decode(await readBytes(cardUrl, 'model card'))), cardUrl);
    const bytes = await readBytes(modelUrl, 'model');
    if (isNode) return { model: await loadModel({ model: bytes, card, ...(options.numThreads ? { numThreads: options.numThreads } : {}) }), report: undefined };
    const numThreads = options.numThreads ?? defaultThreadCount();
    const ortUrl = new URL(String(options.ortUrl ?? defaultAssetUrls().ortUrl), globalThis.location?.href).href;
    return chooseBackend(options.backend ?? 'auto', card, (backend) => loadModel({ model: bytes, card, backend, numThreads, wasmPaths: { wasm: new URL(backend === 'webgpu' ? 'ort-wasm-simd-threaded.jsep.wasm' : 'ort-wasm-simd-threaded.wasm', ortUrl).href } }), numThreads);
  };
  const ready = () => {
    loading ??= load();
    loading.catch(() => (loading = undefined));
    return loading;
  };
  return {
    async info() {
      const { model, report } = await ready();
      return { card: model.card, report };
    },
    async measure(plane, planeOptions, hooks) {
      const { model } = await ready();
      return modelMeasurer(model).measure(plane, planeOptions, hooks);
    },
    dispose() {
      void loading?.then(({ model }) => model.dispose()).catch(() => undefined);
      loading = undefined;
    },
  };
}

export function createFocusQuality(options: FocusQualityOptions = {}): FocusQuality {
  const base = globalThis.location?.href;
  const shipped = isNode ? new URL('../../models/focus-quality.onnx', import.meta.url).href : defaultAssetUrls().modelUrl;
  const modelUrl = new URL(String(options.modelUrl ?? shipped), base).href;
  const cardUrl = new URL(String(options.cardUrl ?? modelUrl.replace(/\.onnx(\?.*)?$/, '.card.json$1')), base).href;
  const useWorker = options.worker ?? (typeof Worker !== 'undefined' && !isNode);
  let client: WorkerClient | undefined;
  const local = useWorker ? undefined : createInThread(modelUrl, cardUrl, options);
  if (useWorker) {
    client = createWorkerClient({
      modelUrl,
      cardUrl,
      ...(options.ortUrl ? { ortUrl: options.ortUrl } : {}),
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.numThreads ? { numThreads: options.numThreads } : {}),
    });
  }

  async function measure(image: ImageInput | Blob, call: MeasureCall = {}): Promise<Measurement> {
    const name = call.name ?? (typeof Blob !== 'undefined' && image instanceof Blob && 'name' in image ? String(image.name) : 'image');
    try {
      return await measureNamed(image, call, name);
    } catch (err) {
      throw withContext(err, { file: name });
    }
  }

  async function measureNamed(image: ImageInput | Blob, call: MeasureCall, name: string): Promise<Measurement> {
    const { onProgress, signal, current } = call;
    const opts = resolveOptions({ batchSize: call.batchSize, slices: call.slices, aggregation: call.aggregation, borderWidth: call.borderWidth, metrics: call.metrics });
    const stack = typeof Blob !== 'undefined' && image instanceof Blob ? await decodeImage(await image.arrayBuffer(), name) : toImageStack(image as ImageInput, name);
    const { results: kept, best } = await measureStack(
      client ?? local!,
      stack,
      { batchSize: opts.batchSize, slices: opts.slices, aggregation: opts.aggregation, metrics: opts.metrics },
      { current, onProgress, signal },
    );
    const rows: ResultRow[] = kept.map((r) => ({ file: name, slice: r.slice, width: r.width, height: r.height, result: r, warnings: stack.warnings }));
    return {
      name,
      results: kept,
      best,
      warnings: stack.warnings,
      toCSV: () => toImageCsv(rows, opts.metrics),
      toPatchCSV: () => toPatchCsv(rows, best.probs.length, opts.metrics),
      toGeoJSON: () => toGeoJSONCollection(rows),
    };
  }

  return {
    measure,
    async info() {
      if (client) return client.init();
      return local!.info();
    },
    dispose() {
      client?.dispose();
      local?.dispose();
    },
  };
}
