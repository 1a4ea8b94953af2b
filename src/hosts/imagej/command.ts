/**
 * "Measure Focus Quality" on ImageJ's current image: find the image, read its pixels, measure every requested plane
 * in the worker, write overlay and tables back with macros (rolled back if a part fails).
 *
 * ImageJ.JS's `runMacro` returns nothing, so the command learns the current image's ID and slice through a one-pixel-
 * high "probe" image whose size encodes them (width = slice, height = −ID), read with `getDimensions` and closed at
 * once. Every later macro starts with `selectImage(ID)`, so switching images during a run does not misplace results.
 */
import { CancelledError, ImageContentError } from '../../core/errors.js';
import { bestResult, rollbackMacro, writeResultsMacros } from '../../core/imagej/macro.js';
import type { FocusCommandOptions } from '../../core/imagej/options.js';
import { parseMetricNames, type MetricName } from '../../core/metrics/registry.js';
import type { ModelCard } from '../../core/model-card.js';
import type { FocusResult, GrayImage } from '../../core/types.js';
import type { ImageJService } from './host.js';
import { isNdArray, planesFromNdarray } from './ndarray.js';

/** What the command needs from inference: the worker client's shape. */
export interface Measurer {
  init(): Promise<{ readonly card: ModelCard }>;
  measure(image: GrayImage, options?: { slice?: number; metrics?: readonly MetricName[] }, hooks?: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal }): Promise<FocusResult>;
}

export interface CommandResult {
  readonly title?: string;
  readonly imageId: number;
  readonly width: number;
  readonly height: number;
  /** Slices in the image (not only those measured). */
  readonly slices: number;
  readonly options: FocusCommandOptions;
  readonly results: FocusResult[];
  /** 1-based best-focused slice among those measured (stacks measured with slices=all). */
  readonly bestSlice?: number;
  readonly warnings: string[];
}

export interface CommandHooks {
  readonly signal?: AbortSignal;
  /** 0 … 1 */
  readonly onProgress?: (fraction: number) => void;
}

const PROBE_TITLE = 'Focus Quality probe';
const PROBE = `if (nImages == 0) newImage("${PROBE_TITLE}", "8-bit black", 1, 1, 2);
else { fq_id = getImageID(); fq_z = getSliceNumber(); newImage("${PROBE_TITLE}", "8-bit black", fq_z, -fq_id, 1); }`;

/** The current image's ID and slice, or undefined when no image is open. */
export async function probeCurrentImage(ij: ImageJService): Promise<{ id: number; slice: number } | undefined> {
  await ij.runMacro(PROBE);
  const d = await ij.getDimensions();
  const none = d[3] === 2;
  await ij.runMacro(none ? 'close();' : `close(); selectImage(${-d[1]!});`);
  return none ? undefined : { id: -d[1]!, slice: d[0]! };
}

const message = (s: string): string => `Focus Quality: ${s}`;

/** Runs the command; throws tagged errors (ImageContentError, CancelledError, …) whose message is ready for the user. */
export async function measureInImageJ(ij: ImageJService, measurer: Measurer, options: FocusCommandOptions, hooks: CommandHooks = {}): Promise<CommandResult> {
  const { signal } = hooks;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new CancelledError(message('cancelled; nothing was written'));
  };
  const image = await probeCurrentImage(ij);
  if (!image) throw new ImageContentError(message('no image is open. Open an image first (File › Open).'));
  const select = `selectImage(${image.id});`;
  const { card } = await measurer.init();
  const [width, height, channels, slices, frames] = await ij.getDimensions();
  if (width! < card.patchSize || height! < card.patchSize) {
    throw new ImageContentError(message(`the image is ${width}×${height} pixels; it must be at least ${card.patchSize}×${card.patchSize} (one patch).`));
  }
  checkCancel();
  const nd = await ij.getImage();
  if (!isNdArray(nd)) throw new ImageContentError(message('ImageJ did not return the image pixels.'));
  const planes = planesFromNdarray(nd, [width!, height!, channels!, slices!, frames!], 'current image');
  const stackSize = planes.planes.length;
  const wanted = options.slices === 'all' || stackSize === 1 ? planes.planes.map((_, i) => i) : [Math.min(image.slice, stackSize) - 1];
  const metrics = parseMetricNames(options.metrics);
  const results: FocusResult[] = [];
  for (const [n, index] of wanted.entries()) {
    checkCancel();
    const onProgress = (done: number, total: number): void => hooks.onProgress?.((n + done / Math.max(total, 1)) / wanted.length);
    results.push(await measurer.measure(planes.planes[index]!, { slice: index, ...(metrics.length ? { metrics } : {}) }, { onProgress, ...(signal ? { signal } : {}) }));
  }
  checkCancel();
  const macros = writeResultsMacros(results, { levels: card.levels, border: options.border, overlay: options.overlay, table: options.table, patches: options.patches, select: options.select, stack: stackSize > 1, metrics });
  try {
    for (const m of macros) {
      checkCancel();
      await ij.runMacro(`${select}\n${m}`);
    }
  } catch (e) {
    // Leave ImageJ as it was before the run, as far as our rectangles and patch rows go.
    try {
      await ij.runMacro(`${select}\n${rollbackMacro(options)}`);
    } catch {
      // the host is failing; the original error says more
    }
    if ((e as Error)?.name === 'CancelledError') throw e;
    throw new ImageContentError(message(`ImageJ could not take the results (${(e as Error)?.message ?? e}); nothing was kept.`), { cause: e });
  }
  const best = results.length > 1 ? bestResult(results) : undefined;
  const bestSlice = best === undefined ? undefined : best.slice + 1;
  return {
    imageId: image.id,
    width: width!,
    height: height!,
    slices: stackSize,
    options,
    results,
    ...(bestSlice === undefined ? {} : { bestSlice }),
    warnings: [...planes.warnings, ...new Set(results.flatMap((r) => r.warnings ?? []))],
  };
}
