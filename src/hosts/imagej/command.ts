/**
 * "Measure Focus Quality" on ImageJ's current image: find the image, read the planes to measure one by one through the
 * shared `measureStack`, put the user's position back, write overlay and tables with macros (rolled back if a part
 * fails). Every macro starts with `selectImage(ID)`, so switching images during a run does not misplace results.
 */
import { ImageContentError } from '../../core/errors.js';
import type { PlaneLayout } from './macros/overlay.js';
import { rollbackMacro, writeResultsMacros } from './macros/results.js';
import type { FocusCommandOptions } from './options.js';
import { parseMetricNames } from '../../core/metrics/registry.js';
import type { FocusResult } from '../../core/types.js';
import type { ImageJService } from './host.js';
import { positionOf, selectMacro, type ImageJImage } from './image.js';
import { cancelled, measureImagePlanes, type CommandHooks, type PluginMeasurer } from './measure-planes.js';

export type { CommandHooks, PluginMeasurer } from './measure-planes.js';

export interface CommandResult {
  readonly imageId: number;
  /** The image's title when measured. */
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** Planes along the measured axis (slices, or frames of a time series), not only those measured. */
  readonly slices: number;
  /** The measured axis: 'slice', or 'frame' for a time series with one slice. */
  readonly axis: 'slice' | 'frame';
  /** The channel measured (1-based). */
  readonly channel: number;
  readonly options: FocusCommandOptions;
  /** One per measured plane; `slice` is its 0-based index along the axis. */
  readonly results: FocusResult[];
  /** 1-based best-focused plane among those measured (when more than one was). */
  readonly bestSlice?: number;
  readonly warnings: string[];
}

/** Where the measured planes sit, for the macros. */
export function layoutOf(image: ImageJImage): PlaneLayout {
  return { channels: image.channels, slices: image.slices, frames: image.frames, position: (i) => positionOf(image, i) };
}

/** Runs the command; throws tagged errors (ImageContentError, CancelledError, …); print them with core `formatError`. */
export async function measureInImageJ(ij: ImageJService, measurer: PluginMeasurer, options: FocusCommandOptions, hooks: CommandHooks = {}): Promise<CommandResult> {
  const { signal } = hooks;
  const checkCancel = (): void => {
    if (signal?.aborted) throw cancelled();
  };
  const metrics = parseMetricNames(options.metrics);
  const measured = await measureImagePlanes(ij, measurer, { slices: options.slices === 'all' ? 'all' : 'current', metrics }, hooks);
  const { image, card } = measured;
  const results = [...measured.results];
  checkCancel();
  const macros = writeResultsMacros(results, {
    levels: card.levels,
    border: options.border,
    overlay: options.overlay,
    table: options.table,
    patches: options.patches,
    select: options.select,
    layout: layoutOf(image),
    best: measured.best,
    metrics,
  });
  try {
    for (const m of macros) {
      checkCancel();
      await ij.runMacro(`${selectMacro(image)}\n${m}`);
    }
  } catch (e) {
    // Leave ImageJ as it was before the run, as far as our rectangles and patch rows go.
    try {
      await ij.runMacro(`${selectMacro(image)}\n${rollbackMacro(options)}`);
    } catch {
      // the host is failing; the original error says more
    }
    if ((e as Error)?.name === 'CancelledError') throw e;
    // ImageJ's message: its first line (a macro error goes on with the line and the variables).
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
    throw new ImageContentError(`ImageJ could not take the results (${why}); nothing was kept.`, { cause: e });
  }
  return {
    imageId: image.id,
    title: image.title,
    width: image.width,
    height: image.height,
    slices: measured.count,
    axis: image.axis,
    channel: image.position.channel,
    options,
    results,
    ...(results.length > 1 ? { bestSlice: measured.best.slice + 1 } : {}),
    warnings: [...measured.warnings, ...new Set(results.flatMap((r) => r.warnings ?? []))],
  };
}
