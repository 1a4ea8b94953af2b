/**
 * The classic focus metrics asked for with the `metrics` option, on the whole plane and on every patch of the model's
 * grid, so each result carries them next to the model's verdict. A metric that cannot be computed (image or patch too
 * small, NaN pixels) is left out and explained in a warning: one unusable metric must not cost the row its CNN result.
 */
import { cropImage, METRICS, type MetricImage, type MetricName } from '../core/metrics/index.js';
import type { PatchRect } from '../core/types.js';

export interface MetricValues {
  readonly image: Record<string, number>;
  /** One record per rectangle, in the order given. */
  readonly patches: Record<string, number>[];
  readonly warnings: string[];
}

/** Only content problems become warnings; anything else is a bug and should surface. */
function isContentError(err: unknown): err is Error {
  return (err as Error | undefined)?.name === 'ImageContentError';
}

export function computeMetricValues(image: MetricImage, rects: readonly PatchRect[], names: readonly MetricName[]): MetricValues {
  const whole: Record<string, number> = {};
  const warnings: string[] = [];
  for (const name of names) {
    try {
      whole[name] = METRICS[name](image);
    } catch (err) {
      if (!isContentError(err)) throw err;
      warnings.push(`${err.message} (whole-image ${name} left empty)`);
    }
  }
  const failed = new Map<string, { count: number; first: string }>();
  const patches = rects.map((rect) => {
    const crop = cropImage(image, rect);
    const values: Record<string, number> = {};
    for (const name of names) {
      try {
        values[name] = METRICS[name](crop);
      } catch (err) {
        if (!isContentError(err)) throw err;
        const f = failed.get(name);
        if (f) f.count++;
        else failed.set(name, { count: 1, first: err.message });
      }
    }
    return values;
  });
  for (const [name, f] of failed) warnings.push(`per-patch ${name} left empty for ${f.count} of ${rects.length} patch(es): ${f.first}`);
  return { image: whole, patches, warnings };
}
