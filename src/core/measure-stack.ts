/**
 * The one loop from a stack to its results, shared by every host (CLI, library API, app, element, ImageJ.JS plugin):
 * choose the slices, measure them one after another through a `Measurer` (a model in this thread or a worker client),
 * report progress over the whole stack, stop between slices on cancel, and pick the sharpest slice.
 * Pure: it knows neither onnxruntime nor the DOM; planes may be produced lazily (ImageJ.JS hands out one plane a call).
 *
 * @example
 *   const { results, best } = await measureStack(modelMeasurer(model), stack, { slices: 'all' }, { onProgress });
 */
import { CancelledError, ImageContentError, withContext } from './errors.js';
import { dimensionsFor, filterPlanes, filterText, positionIn, type PlaneFilter } from './hyperstack.js';
import type { MetricName } from './metrics/registry.js';
import type { Aggregation } from './model-card.js';
import { resolveOptions, type SliceSelection } from './options.js';
import { bestPerSeries, pickBestSlice, selectSlices } from './slices.js';
import type { FocusResult, GrayImage, ImageStack, PixelSize, StackDimensions } from './types.js';

/** Options of one plane's measurement (what a worker receives with the pixels). */
export interface PlaneOptions {
  /** Patches per inference call. */
  readonly batchSize?: number;
  /** Reads the image level by `median` or `argmax` (default: the model card's choice). */
  readonly aggregation?: Aggregation;
  /** Classic focus metrics to compute too; default none. */
  readonly metrics?: readonly MetricName[];
  /** 0-based slice index written into the result. */
  readonly slice?: number;
  /** Pixel size in µm overriding the plane's own (see core/native-scale.ts). */
  readonly pixelSize?: PixelSize | undefined;
}

export interface PlaneHooks {
  /** Patches done / total of this plane, after every batch. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Aborting stops at the next batch boundary with a CancelledError. */
  readonly signal?: AbortSignal | undefined;
}

/** Anything that measures one plane: the model in this thread (`modelMeasurer`) or a worker client. */
export interface Measurer {
  measure(plane: GrayImage, options?: PlaneOptions, hooks?: PlaneHooks): Promise<FocusResult>;
}

/** The planes of a stack, possibly produced on demand (decoded already, or fetched from a host one at a time). */
export interface PlaneSource {
  readonly count: number;
  plane(index: number): GrayImage | Promise<GrayImage>;
  /** Channels × z × frames of the planes, when known: results then carry their position (core/hyperstack.ts). */
  readonly dimensions?: StackDimensions | undefined;
}

export interface StackOptions extends Omit<PlaneOptions, 'slice'>, PlaneFilter {
  /**
   * Which slices: 'all' (default), 'best' (the sharpest of each series — one per channel and frame of a hyperstack, one
   * per channel of a time series without z: core/hyperstack.ts `bySeries`),
   * 'current' or a 0-based index. `channel` / `frame` (0-based) keep only that channel's / frame's planes.
   */
  readonly slices?: SliceSelection;
}

export interface StackHooks {
  /** The slice that `slices: 'current'` means (0-based; default 0). */
  readonly current?: number | undefined;
  /** Progress over every slice measured: done / total in patches (each plane counts the same). */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called after each slice, e.g. to show partial results. */
  readonly onSlice?: ((result: FocusResult) => void) | undefined;
}

export interface StackMeasurement {
  /** One result per measured slice, in slice order; for `slices: 'best'` only the sharpest of each z-series. */
  readonly results: readonly FocusResult[];
  /** The sharpest measured slice (see `pickBestSlice` for the rule and its ties). */
  readonly best: FocusResult;
}

type DecodedStack = Pick<ImageStack, 'slices'> & { readonly pixelSize?: PixelSize | undefined; readonly dimensions?: StackDimensions | undefined };

/** A decoded stack as a plane source; a plane without its own pixel size gets the stack's. */
export function planesOf(stack: DecodedStack): PlaneSource {
  return {
    count: stack.slices.length,
    dimensions: stack.dimensions, // checked against the plane count where they are used (measureStack)
    plane: (i) => {
      const p = stack.slices[i]!;
      return p.pixelSize || !stack.pixelSize ? p : { ...p, pixelSize: stack.pixelSize };
    },
  };
}

const isPlaneSource = (v: PlaneSource | DecodedStack): v is PlaneSource => typeof (v as PlaneSource).plane === 'function';

/**
 * Measures the chosen slices of a stack. An index outside the stack is an ImageContentError (never clamped: a
 * script asking for slice 40 of 30 must hear about it). Cancelling rejects with a CancelledError between slices,
 * or within one at the measurer's next batch.
 */
export async function measureStack(measurer: Measurer, stack: PlaneSource | DecodedStack, options: StackOptions = {}, hooks: StackHooks = {}): Promise<StackMeasurement> {
  const source = isPlaneSource(stack) ? stack : planesOf(stack);
  const selection = resolveOptions({ slices: options.slices }).slices;
  const dims = dimensionsFor(source.count, source.dimensions);
  const chosen = selectSlices(source.count, selection, hooks.current);
  const indices = filterPlanes(chosen, dims, options);
  if (indices.length === 0) throw new ImageContentError(`slice ${chosen[0]} is not in ${filterText(options)}`);
  const { signal } = hooks;
  const perPlane: Omit<PlaneOptions, 'slice'> = {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.aggregation !== undefined ? { aggregation: options.aggregation } : {}),
    ...(options.metrics?.length ? { metrics: options.metrics } : {}),
    ...(options.pixelSize ? { pixelSize: options.pixelSize } : {}),
  };
  const results: FocusResult[] = [];
  for (const [n, index] of indices.entries()) {
    if (signal?.aborted) throw new CancelledError('measurement cancelled');
    const onProgress = hooks.onProgress ? (done: number, total: number) => hooks.onProgress!(n * total + done, indices.length * total) : undefined;
    let result: FocusResult;
    try {
      const plane = await source.plane(index);
      result = await measurer.measure(plane, { ...perPlane, slice: index }, { onProgress, signal });
    } catch (err) {
      // Name the slice only where there is a choice of slices: "a.tif [slice 0]" for a single image says nothing.
      throw source.count > 1 ? withContext(err, { slice: index }) : err;
    }
    if (dims) result = { ...result, position: positionIn(index, dims) };
    results.push(result);
    hooks.onSlice?.(result);
  }
  const best = pickBestSlice(results);
  return { results: selection === 'best' ? bestPerSeries(results) : results, best };
}
