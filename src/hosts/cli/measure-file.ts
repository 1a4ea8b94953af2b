/** One input file → its output rows (one per measured slice, or one error row) and overlay PNGs. Never throws. */
import { errorFields, formatError } from '../../core/errors.js';
import { measureStack } from '../../core/measure-stack.js';
import { modelMeasurer } from '../../inference/measure.js';
import type { FocusModel } from '../../inference/session.js';
import { renderOverlayPng } from '../../io/overlay.js';
import type { ResultRow } from '../../io/rows.js';
import { readImageFile } from '../../node/image-files.js';
import type { CliArgs } from './args.js';

export type FileJob = Pick<CliArgs, 'batchSize' | 'slices' | 'aggregation' | 'metrics' | 'pixelSize'> & { readonly overlay: boolean };

export interface FileOutcome {
  readonly rows: ResultRow[];
  /** Overlay PNG bytes by slice index (only when overlays were asked for). */
  readonly overlays: Map<number, Uint8Array>;
}

/** The one-line message of an error without its file (the row already names the file); a slice stays. */
export function messageFor(err: unknown): string {
  return formatError({ ...errorFields(err), file: undefined });
}

/** `bytes`: the file's read, when it was started ahead (see measure-worker.ts). */
export async function measureFile(model: FocusModel, file: string, job: FileJob, onProgress: (fraction: number) => void, bytes?: Promise<Uint8Array>): Promise<FileOutcome> {
  try {
    const stack = await readImageFile(file, bytes);
    const { results } = await measureStack(modelMeasurer(model), stack, { batchSize: job.batchSize, slices: job.slices, aggregation: job.aggregation, metrics: job.metrics, pixelSize: job.pixelSize }, { onProgress: (done, total) => onProgress(done / total) });
    const overlays = new Map<number, Uint8Array>();
    if (job.overlay) for (const r of results) overlays.set(r.slice, renderOverlayPng(stack.slices[r.slice]!, r));
    return { rows: results.map((result) => ({ file, slice: result.slice, width: stack.width, height: stack.height, result, warnings: stack.warnings })), overlays };
  } catch (err) {
    return { rows: [{ file, slice: 0, error: messageFor(err) }], overlays: new Map() };
  }
}
