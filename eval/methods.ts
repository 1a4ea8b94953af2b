/**
 * The methods compared: CNN models (our model, the paper architecture) run through the engine, and every classic
 * metric. Each turns an image into a `Measurement` with a common orientation: `sharpness`, higher = sharper.
 */
import { existsSync } from 'node:fs';
import { METRIC_NAMES, METRICS } from '../src/core/metrics/index.js';
import type { GrayImage } from '../src/core/types.js';
import { measureImage } from '../src/inference/measure.js';
import type { FocusModel } from '../src/inference/session.js';
import { cardPathFor, loadModelFromDisk } from '../src/node/model-files.js';

export interface Measurement {
  /** Higher = sharper: a metric's own value, or a model's expected level negated. */
  readonly sharpness: number;
  /** A model's own absolute verdict; undefined for metrics, which need a fitted mapping. */
  readonly level?: number;
  readonly inFocus?: boolean;
  readonly ms: number;
}

export interface Method {
  readonly name: string;
  readonly kind: 'model' | 'metric';
  /** One line for the report: what was run. */
  readonly description: string;
  measure(image: GrayImage): Promise<Measurement>;
  dispose(): Promise<void>;
}

const now = (): number => performance.now();

export async function modelMethod(name: string, onnxPath: string, description: string): Promise<Method | string> {
  if (!existsSync(onnxPath)) return `${onnxPath} not found`;
  if (!existsSync(cardPathFor(onnxPath))) return `${cardPathFor(onnxPath)} (its model card) not found`;
  let model: FocusModel;
  try {
    model = await loadModelFromDisk(onnxPath, { numThreads: 1 });
  } catch (err) {
    return (err as Error).message;
  }
  return {
    name,
    kind: 'model',
    description: `${description} (${model.card.name} ${model.card.version}${model.card.sha256 ? `, sha256 ${model.card.sha256.slice(0, 12)}…` : ''}, ${model.backend}, 1 thread)`,
    async measure(image) {
      const t0 = now();
      const r = await measureImage(model, image);
      return { sharpness: -r.score, level: r.level, inFocus: r.inFocus, ms: now() - t0 };
    },
    dispose: () => model.dispose(),
  };
}

export function metricMethods(): Method[] {
  return METRIC_NAMES.map((name) => ({
    name,
    kind: 'metric' as const,
    description: `classic metric \`${name}\` (src/core/metrics), default options`,
    async measure(image: GrayImage) {
      const t0 = now();
      const sharpness = METRICS[name](image);
      return { sharpness, ms: now() - t0 };
    },
    dispose: async () => undefined,
  }));
}
