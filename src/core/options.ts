/**
 * Options of a measurement, shared by every host (CLI flags, ImageJ option strings, element attributes, API calls).
 * Validate once with `resolveOptions`, then pass the complete object around.
 */
import { OptionsError } from './errors.js';
import { parseMetricNames, type MetricName } from './metrics/registry.js';
import { AGGREGATIONS, type Aggregation } from './model-card.js';
import type { PixelSize } from './types.js';
import { MAX_PIXEL_SIZE_UM, MIN_PIXEL_SIZE_UM, pixelSizeInRange } from './units.js';

/** Which planes of a stack to measure: every one, the sharpest one, the host's current one, or one 0-based index. */
export type SliceSelection = 'all' | 'best' | 'current' | number;

export interface MeasureOptions {
  /** Patches per inference call (default 64). Larger batches amortise call overhead; memory grows with P²·batch. */
  readonly batchSize: number;
  /** Default 'all'. 'best' keeps the slice with the lowest score (ties: higher certainty). */
  readonly slices: SliceSelection;
  /** Overrides the model card's choice of how to read the level (see core/aggregate.ts); undefined = the card's. */
  readonly aggregation: Aggregation | undefined;
  /** Width in pixels of the coloured patch borders in overlays (default 2). */
  readonly borderWidth: number;
  /**
   * Classic focus metrics to compute next to the model, whole-image and per patch (see core/metrics/registry.ts);
   * default none. Accepts names, `"plls,brenner"` or `"all"`.
   */
  readonly metrics: readonly MetricName[];
  /**
   * Pixel size in µm, overriding what the file says: images are resampled to the model's native pixel size before
   * patches are cut (core/native-scale.ts). Accepts a number (square pixels), "0.65", "0.65,0.7" or `{ x, y }`.
   */
  readonly pixelSize: PixelSize | undefined;
}

export const DEFAULT_OPTIONS: MeasureOptions = Object.freeze({ batchSize: 64, slices: 'all', aggregation: undefined, borderWidth: 2, metrics: [], pixelSize: undefined });

export const MAX_BATCH_SIZE = 4096;

/** Widest patch border an overlay draws: 50 pixels, ImageJ's own limit for a stroke width (the ImageJ dialog shares it). */
export const MAX_BORDER_WIDTH = 50;

const KNOWN = Object.keys(DEFAULT_OPTIONS) as (keyof MeasureOptions)[];

function intIn(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new OptionsError(`option "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function parseSlices(value: unknown): SliceSelection {
  if (value === 'all' || value === 'best' || value === 'current') return value;
  if ((typeof value === 'number' || typeof value === 'string') && value !== '') {
    try {
      return intIn('slices', value, 0, 2 ** 31 - 1);
    } catch {
      // fall through to the message that lists every accepted form
    }
  }
  throw new OptionsError(`option "slices" must be "all", "best", "current" or a 0-based slice index, got ${JSON.stringify(value)}`);
}

function parseMetrics(value: unknown): MetricName[] {
  if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) return parseMetricNames(value as string | string[]);
  throw new OptionsError(`option "metrics" must be a list of metric names or a comma-separated string, got ${JSON.stringify(value)}`);
}

export { MAX_PIXEL_SIZE_UM, MIN_PIXEL_SIZE_UM } from './units.js';

/** A pixel size from a number, "x" or "x,y" (µm) or `{ x, y }`; see MeasureOptions.pixelSize. */
export function parsePixelSize(value: unknown): PixelSize | undefined {
  if (value === undefined) return undefined;
  let x: unknown;
  let y: unknown;
  if (typeof value === 'number') x = y = value;
  else if (typeof value === 'string' && /^\s*[^,]+(,[^,]+)?\s*$/.test(value)) {
    const parts = value.split(',').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    [x, y] = [parts[0], parts[1] ?? parts[0]];
  } else if (typeof value === 'object' && value !== null) ({ x, y } = value as { x?: unknown; y?: unknown });
  const size = typeof x === 'number' && typeof y === 'number' ? pixelSizeInRange(x, y) : undefined;
  if (!size) throw new OptionsError(`option "pixelSize" must be a pixel size in µm from ${MIN_PIXEL_SIZE_UM} to ${MAX_PIXEL_SIZE_UM} (a number, "x,y" or {x, y}), got ${JSON.stringify(value)}`);
  return size;
}

/** Fills defaults and validates; throws OptionsError naming the first bad or unknown option. */
export function resolveOptions(partial: Readonly<Partial<MeasureOptions>> | Readonly<Record<string, unknown>> = {}): MeasureOptions {
  const given = partial as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(given)) {
    if (!(KNOWN as string[]).includes(key)) throw new OptionsError(`unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const pick = (k: keyof MeasureOptions): unknown => (given[k] === undefined ? DEFAULT_OPTIONS[k] : given[k]);
  const aggregation = pick('aggregation');
  if (aggregation !== undefined && !AGGREGATIONS.includes(aggregation as Aggregation)) {
    throw new OptionsError(`option "aggregation" must be one of ${AGGREGATIONS.join(', ')}, got ${JSON.stringify(aggregation)}`);
  }
  return {
    batchSize: intIn('batchSize', pick('batchSize'), 1, MAX_BATCH_SIZE),
    slices: parseSlices(pick('slices')),
    aggregation: aggregation as Aggregation | undefined,
    borderWidth: intIn('borderWidth', pick('borderWidth'), 0, MAX_BORDER_WIDTH),
    metrics: parseMetrics(pick('metrics')),
    pixelSize: parsePixelSize(pick('pixelSize')),
  };
}
