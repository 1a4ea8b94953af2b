/**
 * The library API for embedders: one factory, one `measure`, results as plain objects with GeoJSON/CSV helpers.
 * In a browser the model runs in a Web Worker (the page never freezes); pass `worker: false` to run it in the calling
 * thread. In Node use `createFocusQuality` from `focus-quality/node`, which reads the shipped model from disk.
 *
 * @example
 *   import { createFocusQuality } from './focus-quality.js';
 *   const fq = createFocusQuality();                       // model and ORT files next to the bundle
 *   const m = await fq.measure({ data: pixels, width: 696, height: 520, bitDepth: 16 });
 *   console.log(m.best.level, m.best.inFocus, m.best.backend);
 *   download(m.toCSV()); map.addGeoJSON(m.toGeoJSON());
 *   fq.dispose();
 */
import { ImageContentError, OptionsError, withContext } from './core/errors.js';
import { composeAllInFocus, type Composite, type CompositeOptions } from './core/composite.js';
import { measureStack, planesOf, type Measurer } from './core/measure-stack.js';
import { cardUrlFor, type ModelCard } from './core/model-card.js';
import { resolveOptions, type MeasureOptions } from './core/options.js';
import type { FocusResult, PixelSize } from './core/types.js';
import { toImageStack, type ChannelOrder, type ImageInput } from './image-input.js';
import { defaultThreadCount } from './inference/backend.js';
import { modelMeasurer } from './inference/measure.js';
import { openModel, type ReadBytes } from './inference/model-loader.js';
import type { FocusModel } from './inference/session.js';
import { createWorkerClient, defaultAssetUrls, type WorkerClient } from './inference/worker-client.js';
import type { BackendPreference, BackendReport } from './inference/worker-protocol.js';
import { toImageCsv, toPatchCsv } from './io/csv.js';
import { decodeImage } from './io/decode.js';
import { toGeoJSONCollection, type FeatureCollection } from './io/geojson.js';
import { renderPreview, type Preview } from './io/preview.js';
import { encodeTiff } from './io/tiff-encode.js';
import type { ResultRow } from './io/rows.js';

export type { ChannelOrder, ImageInput, ImJoyNdArray, NdArrayOptions, RawImage } from './image-input.js';
export type { Preview } from './io/preview.js';
export type { Composite, CompositeOptions } from './core/composite.js';
export { decodeNdArray, toImageStack } from './image-input.js';

export interface FocusQualityOptions {
  /** ONNX model URL (card beside it as `.card.json`, see `cardUrlFor`); default: the one shipped next to the bundle. */
  readonly modelUrl?: string | URL;
  readonly cardUrl?: string | URL;
  /** Folder of onnxruntime-web's .wasm files; default `./ort/` next to the bundle (in a browser). */
  readonly ortUrl?: string | URL;
  readonly workerUrl?: string | URL;
  /** Default `auto`: a real GPU when there is one and it is faster, else wasm. */
  readonly backend?: BackendPreference;
  readonly numThreads?: number;
  /** Run in a Web Worker (default: yes wherever `Worker` exists). */
  readonly worker?: boolean;
  /**
   * How long the worker may take to decode one file before it is stopped and `measure` fails with an ImageFormatError
   * naming the file (default 30 s): a hostile file (a looping IFD chain, a decompression bomb) costs only its own call.
   */
  readonly decodeTimeoutMs?: number;
  /**
   * How the calling thread reads the model and its card when `worker` is false (default `fetch`). The Node entry
   * passes one that reads files; the worker always fetches.
   */
  readonly readBytes?: ReadBytes;
}

export interface MeasureCall extends Omit<Partial<MeasureOptions>, 'pixelSize'> {
  /** Pixel size in µm (a number for square pixels, or { x, y }), overriding the file's; see MeasureOptions.pixelSize. */
  readonly pixelSize?: number | PixelSize;
  /** Names the image in messages, CSV rows and GeoJSON properties. */
  readonly name?: string;
  /** Slice for `slices: 'current'`. */
  readonly current?: number;
  /** Hyperstacks (ImageJ, OME-TIFF): measure only this channel / time frame, 0-based (default: every one). */
  readonly channel?: number;
  readonly frame?: number;
  /** Channel order of colour pixels (an ndarray or raw data with 3 or 4 samples per pixel); default rgb / rgba. */
  readonly channelOrder?: ChannelOrder;
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
  /** Milliseconds spent decoding a file input (each result's `timings` has the measurement's stages). */
  readonly decodeMs?: number;
  /** One row per slice, the CLI's columns. */
  toCSV(): string;
  /** One row per patch with its probabilities. */
  toPatchCSV(): string;
  /** Patches as polygons in pixel coordinates with level, certainty, probabilities and colour. */
  toGeoJSON(): FeatureCollection;
  /**
   * A picture of a slice (default: the best one) to draw, contrast-stretched, gray RGBA, longer side ≤ maxSide
   * (default 512): `ctx.putImageData(new ImageData(p.data, p.width, p.height), 0, 0)`. For a file measured in the
   * worker it is rendered there, so even a huge image costs the page nothing but that small copy.
   */
  preview(slice?: number, maxSide?: number): Promise<Preview>;
  /**
   * The all-in-focus composite of the measured slices (core/composite.ts: each region from the slice where its patches
   * are sharpest, blended without seams), with a depth map; computed in the worker for a file measured there.
   * Measure with `slices: 'all'` (the default) to compose the whole stack; one slice gives that slice, with a note.
   * A hyperstack with several channels or frames needs `{ channel, frame }` (0-based): one z-series is composed.
   */
  composite(options?: CompositeOptions): Promise<AllInFocus>;
  /** Lets the worker forget this file's pixels (it keeps the latest files' for `preview`, up to 512 MB). */
  release(): void;
}

/** An all-in-focus composite, with its images as TIFF bytes (the stack's bit depth; the depth map 16-bit). */
export interface AllInFocus extends Composite {
  /** The composite (`'image'`, default) or the depth map (`'depth'`: 0-based slice index per pixel) as a TIFF. */
  toTIFF(which?: 'image' | 'depth'): Uint8Array;
}

export interface FocusQuality {
  /** Accepts a raw typed array with width/height, ImageData, a decoded ImageStack, an ImJoy ndarray, or a TIFF/PNG Blob. */
  measure(image: ImageInput | Blob, options?: MeasureCall): Promise<Measurement>;
  /** Loads the model if needed; says which card and backend are in use. */
  info(): Promise<{ card: ModelCard; report: BackendReport }>;
  dispose(): void;
}

type InThread = Measurer & { info(): Promise<{ card: ModelCard; report: BackendReport }>; dispose(): void };

/** The model in this thread, as a `Measurer`: what `worker: false` (and the Node entry) use. */
function createInThread(modelUrl: string, cardUrl: string, ortUrl: string | undefined, options: FocusQualityOptions): InThread {
  let loading: Promise<{ model: FocusModel; report: BackendReport }> | undefined;
  const ready = () => {
    loading ??= openModel({ modelUrl, cardUrl, ortUrl, read: options.readBytes, backend: options.backend, numThreads: options.numThreads ?? defaultThreadCount() });
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

function measurement(
  name: string,
  results: readonly FocusResult[],
  best: FocusResult,
  warnings: readonly string[],
  metrics: readonly string[],
  held: { draw(slice: number, maxSide: number): Promise<Preview>; compose(options: CompositeOptions): Promise<Composite>; release(): void },
  decodeMs: number | undefined,
): Measurement {
  const rows: ResultRow[] = results.map((r) => ({ file: name, slice: r.slice, width: r.width, height: r.height, result: r, warnings }));
  return {
    name,
    results,
    best,
    warnings,
    ...(decodeMs === undefined ? {} : { decodeMs }),
    toCSV: () => toImageCsv(rows, metrics),
    toPatchCSV: () => toPatchCsv(rows, best.probs.length, metrics),
    toGeoJSON: () => toGeoJSONCollection(rows),
    preview: (slice = best.slice, maxSide = 512) => held.draw(slice, maxSide),
    composite: async (options = {}) => {
      try {
        const c = await held.compose(options);
        return { ...c, toTIFF: (which = 'image') => encodeTiff(which === 'depth' ? c.depth : c.image) };
      } catch (err) {
        throw withContext(err, { file: name });
      }
    },
    release: held.release,
  };
}

export function createFocusQuality(options: FocusQualityOptions = {}): FocusQuality {
  const budget = options.decodeTimeoutMs;
  if (budget !== undefined && !(typeof budget === 'number' && budget > 0 && Number.isFinite(budget))) {
    throw new OptionsError(`option "decodeTimeoutMs" must be a positive number of milliseconds, got ${JSON.stringify(budget)}`);
  }
  const base = globalThis.location?.href;
  // Assets "next to the bundle" mean something only where there is a bundle, i.e. a page or a worker (with a location).
  const defaults = base === undefined ? undefined : defaultAssetUrls();
  const modelUrl = new URL(String(options.modelUrl ?? defaultAssetUrls().modelUrl), base).href;
  const cardUrl = options.cardUrl === undefined ? undefined : new URL(String(options.cardUrl), base).href;
  const ortUrl = options.ortUrl ?? defaults?.ortUrl;
  const useWorker = options.worker ?? typeof Worker !== 'undefined';
  const client: WorkerClient | undefined = useWorker
    ? createWorkerClient({
        modelUrl,
        ...(cardUrl ? { cardUrl } : {}),
        ...(ortUrl ? { ortUrl } : {}),
        ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.numThreads ? { numThreads: options.numThreads } : {}),
      })
    : undefined;
  const local = client ? undefined : createInThread(modelUrl, cardUrl ?? cardUrlFor(modelUrl), ortUrl === undefined ? undefined : new URL(String(ortUrl), base).href, options);

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
    const opts = resolveOptions({ batchSize: call.batchSize, slices: call.slices, aggregation: call.aggregation, borderWidth: call.borderWidth, metrics: call.metrics, pixelSize: call.pixelSize });
    const stackOptions = { batchSize: opts.batchSize, slices: opts.slices, channel: call.channel, frame: call.frame, aggregation: opts.aggregation, metrics: opts.metrics, pixelSize: opts.pixelSize };
    if (typeof Blob !== 'undefined' && image instanceof Blob && client) {
      // A file goes to the worker undecoded: a hostile one can only cost its own call (see WorkerClient.measureFile).
      const found = await client.measureFile(image, { ...stackOptions, name, current }, { onProgress, signal, decodeTimeoutMs: options.decodeTimeoutMs });
      const held = { draw: (slice: number, maxSide: number) => client.preview(found.fileId, slice, maxSide), compose: (o: CompositeOptions) => client.compose(found.fileId, o), release: () => client.release(found.fileId) };
      return measurement(name, found.results, found.best, found.warnings, opts.metrics, held, found.decodeMs);
    }
    const t0 = performance.now();
    const isFile = typeof Blob !== 'undefined' && image instanceof Blob;
    const stack = isFile ? await decodeImage(await image.arrayBuffer(), name, budget === undefined ? {} : { timeLimitMs: budget }) : toImageStack(image as ImageInput, name, call.channelOrder ? { channelOrder: call.channelOrder } : {});
    const decodeMs = isFile ? performance.now() - t0 : undefined;
    const { results, best } = await measureStack(client ?? local!, stack, stackOptions, { current, onProgress, signal });
    const planes = planesOf(stack);
    const here = {
      draw: async (slice: number, maxSide: number): Promise<Preview> => {
        if (!(slice >= 0 && slice < planes.count)) throw new ImageContentError(`slice ${slice} does not exist: the stack has ${planes.count} slice(s), numbered from 0`, { file: name });
        return renderPreview(await planes.plane(slice), maxSide);
      },
      compose: async (o: CompositeOptions): Promise<Composite> => composeAllInFocus(await Promise.all(Array.from({ length: planes.count }, (_, i) => planes.plane(i))), results, o),
      release: () => undefined,
    };
    return measurement(name, results, best, stack.warnings, opts.metrics, here, decodeMs);
  }

  return {
    measure,
    info: () => (client ? client.init() : local!.info()),
    dispose() {
      client?.dispose();
      local?.dispose();
    },
  };
}
