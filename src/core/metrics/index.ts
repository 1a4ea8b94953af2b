/**
 * Classic focus metrics (pure TypeScript, no DOM / Node / onnxruntime): a baseline and a free alternative
 * to the CNN. Every metric takes `{data, width, height}` in raw counts and returns one finite number,
 * higher = sharper.
 *
 * ```ts
 * import { computeMetrics, metricPerPatch, plls } from './core/metrics/index.js';
 * computeMetrics(image, ['plls', 'focus_score']); // e.g. { plls: -1.86, focus_score: 59.9 } for BBBC006_a01
 * ```
 */
export type { MetricFn, MetricImage } from './metric-image.js';
export { checkMetricImage } from './metric-image.js';
export { plls, PLLS_MIN_SIDE } from './plls.js';
export { focusScore } from './focus-score.js';
export { localFocusScore, DEFAULT_TILE_SIZE, type LocalFocusScoreOptions } from './local-focus-score.js';
export { varianceOfLaplacian } from './laplacian-variance.js';
export { brenner } from './brenner.js';
export { tenengrad, type TenengradOptions } from './tenengrad.js';
export { cropImage, metricPerPatch } from './per-patch.js';
export { METRICS, METRIC_INFO, METRIC_NAMES, computeMetrics, isMetricName, parseMetricNames, type MetricInfo, type MetricName } from './registry.js';
