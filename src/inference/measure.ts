/**
 * Measuring one plane with a loaded model: patch grid → batched inference → per-patch level and certainty →
 * certainty-weighted whole-image verdict. Load the model once and reuse it. Stacks go through the one loop,
 * `measureStack(modelMeasurer(model), stack)` of core/measure-stack.ts.
 */
import { aggregatePatches, argmaxLevel } from '../core/aggregate.js';
import { patchCertainty } from '../core/certainty.js';
import { hasContent } from '../core/content.js';
import { toNativeScale } from '../core/native-scale.js';
import { ImageContentError } from '../core/errors.js';
import { resolveOptions, type MeasureOptions } from '../core/options.js';
import { splitIntoPatches } from '../core/patches.js';
import { fullScale } from '../core/scaling.js';
import type { Measurer } from '../core/measure-stack.js';
import type { FocusResult, GrayImage, PatchScore } from '../core/types.js';
import { predictInBatches } from './batch.js';
import { computeMetricValues } from './measure-metrics.js';
import type { FocusModel } from './session.js';

export interface MeasureControl {
  /** Patches done / total of this image, after every batch. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Aborting stops at the next batch boundary with a CancelledError. */
  readonly signal?: AbortSignal | undefined;
  /** Slice index to write into the result (default 0). */
  readonly slice?: number | undefined;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Measures one plane. Options may be partial (defaults filled); batchSize, aggregation, metrics and pixelSize matter
 * here. A plane whose pixel size differs from the card's native one is resampled first (core/native-scale.ts); its
 * patch rectangles, classic metrics, width and height stay on the plane's own pixel grid.
 */
export async function measureImage(model: Pick<FocusModel, 'card' | 'predict' | 'backend'>, image: GrayImage, options: Partial<MeasureOptions> = {}, control: MeasureControl = {}): Promise<FocusResult> {
  const t0 = now();
  const opts = resolveOptions({ batchSize: options.batchSize, aggregation: options.aggregation, metrics: options.metrics, pixelSize: options.pixelSize });
  const { card } = model;
  const { width, height } = image;
  const P = card.patchSize;
  if (image.data.length !== width * height) throw new ImageContentError(`pixel buffer holds ${image.data.length} values, ${width}×${height} needs ${width * height}`);
  const scale = fullScale(image);
  const native = toNativeScale(image, card, opts.pixelSize);
  const { plane, resampled } = native;
  if (resampled && (plane.width < P || plane.height < P)) {
    throw new ImageContentError(`image is ${width}×${height} pixels, ${plane.width}×${plane.height} at the model's native pixel size: smaller than one ${P}×${P} patch`);
  }
  const rects = splitIntoPatches(plane.width, plane.height, P);
  const t1 = now();
  const probs = await predictInBatches(model, plane, rects, { batchSize: opts.batchSize, scale, onProgress: control.onProgress, signal: control.signal });
  const t2 = now();
  const L = card.levels;
  const onImage = resampled ? rects.map(native.toInput) : rects;
  const metrics = opts.metrics.length > 0 ? computeMetricValues(image, onImage, opts.metrics) : undefined;
  const t3 = now();
  const patches: PatchScore[] = onImage.map((r, k) => {
    const p = Array.from(probs.subarray(k * L, (k + 1) * L));
    return { ...r, level: argmaxLevel(p), certainty: patchCertainty(p), probs: p, ...(metrics ? { metrics: metrics.patches[k]! } : {}) };
  });
  const agg = aggregatePatches(patches, card, { aggregation: opts.aggregation, hasContent: hasContent(image, scale) });
  const t4 = now();
  const warnings = [...native.warnings, ...agg.warnings, ...(metrics?.warnings ?? [])];
  return {
    width,
    height,
    slice: control.slice ?? 0,
    level: agg.level,
    score: agg.score,
    certainty: agg.certainty,
    meanCertainty: agg.meanCertainty,
    maxCertainty: agg.maxCertainty,
    inFocus: agg.inFocus,
    verdict: agg.verdict,
    probs: agg.probs,
    patches,
    timings: { prepareMs: t1 - t0, inferenceMs: t2 - t1, ...(metrics ? { metricsMs: t3 - t2 } : {}), aggregateMs: t4 - t3, totalMs: t4 - t0 },
    backend: model.backend,
    aggregation: agg.aggregation,
    ...(native.pixelSize ? { pixelSize: native.pixelSize } : {}),
    ...(resampled ? { resampled } : {}),
    ...(warnings.length ? { warnings } : {}),
    ...(metrics ? { metrics: metrics.image } : {}),
  };
}

/** The model in this thread as a `Measurer`, for `measureStack` in core/measure-stack.ts. */
export function modelMeasurer(model: Pick<FocusModel, 'card' | 'predict' | 'backend'>): Measurer {
  return {
    measure: (plane, options = {}, hooks = {}) => measureImage(model, plane, options, { slice: options.slice, onProgress: hooks.onProgress, signal: hooks.signal }),
  };
}
