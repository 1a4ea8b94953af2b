/**
 * The part every ImageJ.JS command shares: find the current image, load the model, read the planes to measure one by
 * one through core `measureStack`, and give the user their position back (also after a cancel or an error).
 */
import { CancelledError } from '../../core/errors.js';
import { measureStack, type Measurer, type StackMeasurement } from '../../core/measure-stack.js';
import type { MetricName } from '../../core/metrics/registry.js';
import type { ModelCard } from '../../core/model-card.js';
import type { GrayImage } from '../../core/types.js';
import type { ImageJService } from './host.js';
import { checkMeasurable, currentPlane, imagePlanes, probeCurrentImage, restorePosition, type ImageJImage } from './image.js';
import { detectChannelOrder } from './rgb.js';

/** What the commands need from inference: the worker client's shape. */
export interface PluginMeasurer extends Measurer {
  init(): Promise<{ readonly card: ModelCard }>;
}

export interface CommandHooks {
  readonly signal?: AbortSignal | undefined;
  /** 0 … 1 */
  readonly onProgress?: ((fraction: number) => void) | undefined;
}

export interface MeasuredPlanes extends StackMeasurement {
  readonly image: ImageJImage;
  readonly card: ModelCard;
  /** Planes along the measured axis. */
  readonly count: number;
  /** The planes read, by 0-based index (only when asked to keep them). */
  readonly planes: GrayImage[];
  readonly warnings: string[];
}

export const cancelled = (cause?: unknown): CancelledError => new CancelledError('cancelled; nothing was written', cause === undefined ? {} : { cause });

export async function measureImagePlanes(
  ij: ImageJService,
  measurer: PluginMeasurer,
  selection: { slices: 'all' | 'current'; metrics?: readonly MetricName[]; keepPlanes?: boolean },
  hooks: CommandHooks = {},
): Promise<MeasuredPlanes> {
  const found = await probeCurrentImage(ij);
  checkMeasurable(found, 0); // before the model loads: no image is a quick answer
  const { card } = await measurer.init();
  checkMeasurable(found, card.patchSize);
  const image = found;
  if (hooks.signal?.aborted) throw cancelled();
  // ImageJ's bitDepth() is 24 for RGB; the byte order of its pixels is asked of ImageJ itself (rgb.ts).
  const rgb = image.bitDepth === 24 ? await detectChannelOrder(ij, image.id, image.width) : undefined;
  const source = imagePlanes(ij, image, rgb);
  const kept: GrayImage[] = [];
  const planes = selection.keepPlanes
    ? { count: source.count, plane: async (i: number) => (kept[i] = await source.plane(i)) }
    : source;
  try {
    const measured = await measureStack(
      measurer,
      planes,
      { slices: selection.slices, ...(selection.metrics?.length ? { metrics: selection.metrics } : {}) },
      { current: currentPlane(image), signal: hooks.signal, onProgress: (done, total) => hooks.onProgress?.(done / Math.max(total, 1)) },
    );
    return {
      ...measured,
      image,
      card,
      count: source.count,
      planes: kept,
      warnings: [...(image.channels > 1 ? [`${image.channels} channels: channel ${image.position.channel} (the current one) measured`] : []), ...source.warnings],
    };
  } catch (e) {
    if ((e as Error)?.name === 'CancelledError') throw cancelled(e);
    throw e;
  } finally {
    // Reading moved the image from plane to plane: the user gets their position back.
    await restorePosition(ij, image);
  }
}
