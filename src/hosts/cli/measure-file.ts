/** One input file → its output rows (one per measured slice, or one error row) and overlay PNGs. Never throws. */
import { errorFields, formatError } from '../../core/errors.js';
import { composeAllInFocus } from '../../core/composite.js';
import { measureStack } from '../../core/measure-stack.js';
import { bestPerSeries, selectSlices } from '../../core/slices.js';
import type { FocusResult } from '../../core/types.js';
import { modelMeasurer } from '../../inference/measure.js';
import type { FocusModel } from '../../inference/session.js';
import { renderOverlayPng } from '../../io/overlay.js';
import { encodeTiff } from '../../io/tiff-encode.js';
import type { ResultRow } from '../../io/rows.js';
import { readImageFile } from '../../node/image-files.js';
import type { CliArgs } from './args.js';

export type FileJob = Pick<CliArgs, 'batchSize' | 'slices' | 'aggregation' | 'metrics' | 'pixelSize'> & Partial<Pick<CliArgs, 'channel' | 'frame'>> & {
  readonly overlay: boolean;
  /** Also compose the all-in-focus image and depth map of the stack (every slice is then measured). */
  readonly composite?: boolean;
};

/** The all-in-focus composite of a stack, as TIFF bytes (core/composite.ts, io/tiff-encode.ts). */
export interface CompositeFiles {
  readonly image: Uint8Array;
  readonly depth: Uint8Array;
  readonly notes: readonly string[];
}

export interface FileOutcome {
  readonly rows: ResultRow[];
  /** Overlay PNG bytes by slice index (only when overlays were asked for). */
  readonly overlays: Map<number, Uint8Array>;
  readonly composite?: CompositeFiles | undefined;
  /** Why no composite was made, when one was asked for and the file was measured. */
  readonly compositeError?: string | undefined;
}

/** The one-line message of an error without its file (the row already names the file); a slice stays. */
export function messageFor(err: unknown): string {
  return formatError({ ...errorFields(err), file: undefined });
}

/** The results --slices keeps out of every slice's (measured for a composite), as measureStack would have. */
function rowsFor(selection: FileJob['slices'], all: readonly FocusResult[], count: number): readonly FocusResult[] {
  if (selection === 'best') return bestPerSeries(all);
  const keep = new Set(selectSlices(count, selection));
  return all.filter((r) => keep.has(r.slice));
}

/** `bytes`: the file's read, when it was started ahead (see measure-worker.ts). */
export async function measureFile(model: FocusModel, file: string, job: FileJob, onProgress: (fraction: number) => void, bytes?: Promise<Uint8Array>): Promise<FileOutcome> {
  try {
    const stack = await readImageFile(file, bytes);
    // A composite needs every slice measured; the rows still follow --slices.
    const slices = job.composite ? 'all' : job.slices;
    const measured = await measureStack(modelMeasurer(model), stack, { batchSize: job.batchSize, slices, channel: job.channel, frame: job.frame, aggregation: job.aggregation, metrics: job.metrics, pixelSize: job.pixelSize }, { onProgress: (done, total) => onProgress(done / total) });
    const results = job.composite ? rowsFor(job.slices, measured.results, stack.slices.length) : measured.results;
    const overlays = new Map<number, Uint8Array>();
    if (job.overlay) for (const r of results) overlays.set(r.slice, renderOverlayPng(stack.slices[r.slice]!, r));
    const rows = results.map((result) => ({ file, slice: result.slice, width: stack.width, height: stack.height, result, warnings: stack.warnings, dimensions: stack.dimensions }));
    if (!job.composite) return { rows, overlays };
    try {
      const c = composeAllInFocus(stack.slices, measured.results);
      return { rows, overlays, composite: { image: encodeTiff(c.image), depth: encodeTiff(c.depth), notes: c.notes } };
    } catch (err) {
      return { rows, overlays, compositeError: messageFor(err) };
    }
  } catch (err) {
    return { rows: [{ file, slice: 0, error: messageFor(err) }], overlays: new Map() };
  }
}
