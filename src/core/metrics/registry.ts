/**
 * The metrics by their public (CLI / table column) names, and the helpers hosts use to select them.
 */
import { OptionsError } from '../errors.js';
import { brenner } from './brenner.js';
import { focusScore } from './focus-score.js';
import { varianceOfLaplacian } from './laplacian-variance.js';
import { localFocusScore } from './local-focus-score.js';
import type { MetricFn, MetricImage } from './metric-image.js';
import { plls } from './plls.js';
import { tenengrad } from './tenengrad.js';

export const METRIC_NAMES = ['plls', 'focus_score', 'local_focus_score', 'laplacian_variance', 'brenner', 'tenengrad'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Every metric with its default options. For all of them a higher value means a sharper image. */
export const METRICS: Readonly<Record<MetricName, MetricFn>> = Object.freeze({
  plls,
  focus_score: focusScore,
  local_focus_score: (image: MetricImage) => localFocusScore(image),
  laplacian_variance: varianceOfLaplacian,
  brenner,
  tenengrad: (image: MetricImage) => tenengrad(image),
});

export interface MetricInfo {
  /** Human-readable name for table headers and tooltips. */
  readonly label: string;
  /** Units of the value for raw-count input. */
  readonly units: string;
  readonly doi: string;
}

/** What hosts show next to a metric column. Every metric: higher = sharper. */
export const METRIC_INFO: Readonly<Record<MetricName, MetricInfo>> = Object.freeze({
  plls: { label: 'Power log-log slope', units: 'dimensionless', doi: '10.1177/1087057111420292' },
  focus_score: { label: 'Focus score (normalised variance)', units: 'counts', doi: '10.1002/cyto.990060202' },
  local_focus_score: { label: 'Local focus score (20 px tiles)', units: 'counts', doi: '10.1177/1087057111420292' },
  laplacian_variance: { label: 'Variance of Laplacian', units: 'counts²', doi: '10.1109/ICPR.2000.903548' },
  brenner: { label: 'Brenner gradient', units: 'counts²', doi: '10.1177/24.1.1254907' },
  tenengrad: { label: 'Tenengrad', units: 'counts²', doi: '10.1007/BF00127822' },
});

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/**
 * Reads a metric list as a user writes it (`"plls,focus_score"`, or an array; `"all"` selects every metric).
 * Throws `OptionsError` naming the unknown entries and the valid names.
 */
export function parseMetricNames(list: string | readonly string[]): MetricName[] {
  const items = (typeof list === 'string' ? list.split(',') : [...list]).map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 1 && items[0] === 'all') return [...METRIC_NAMES];
  const unknown = items.filter((s) => !isMetricName(s));
  if (unknown.length > 0) {
    throw new OptionsError(`unknown metric ${unknown.map((s) => JSON.stringify(s)).join(', ')}; choose from ${METRIC_NAMES.join(', ')} (or "all")`);
  }
  return [...new Set(items as MetricName[])];
}

/**
 * Computes the named metrics on one image: `{ plls: −2.3, focus_score: 41.2 }`.
 * Throws `OptionsError` for an unknown name (before any work) and `ImageContentError` for unusable images.
 */
export function computeMetrics(image: MetricImage, names: readonly string[]): Record<string, number> {
  const valid = parseMetricNames(names);
  const out: Record<string, number> = {};
  for (const name of valid) out[name] = METRICS[name](image);
  return out;
}
