/** One output row: a measured slice of a file, or a file that failed (then `error` is set and `result` absent). */
import type { FocusResult, StackDimensions } from '../core/types.js';

export interface ResultRow {
  /** The path or name as the user gave it (kept verbatim so `--resume` can match it). */
  readonly file: string;
  readonly slice: number;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly result?: FocusResult | undefined;
  /** One-line message when the file could not be read or measured. */
  readonly error?: string | undefined;
  /** Decoder and aggregation remarks (e.g. "RGB image: measured its luminance"). */
  readonly warnings?: readonly string[] | undefined;
  /** The file's channels × z × frames, when it is a hyperstack (for displays; the writers give each result's position). */
  readonly dimensions?: StackDimensions | undefined;
}

/** Warnings of the row and of its result, deduplicated, in order. */
export function rowWarnings(row: ResultRow): string[] {
  return [...new Set([...(row.warnings ?? []), ...(row.result?.warnings ?? [])])];
}

/** The whole-image numbers of a result, in the order every writer lists them (classic metrics last, when measured). */
export function resultSummary(r: FocusResult): Record<string, unknown> {
  return { level: r.level, score: r.score, certainty: r.certainty, meanCertainty: r.meanCertainty, maxCertainty: r.maxCertainty, inFocus: r.inFocus, verdict: r.verdict ?? null, pixelSize: r.pixelSize ?? null, ...(r.position ? { position: r.position } : {}), probs: r.probs, ...(r.metrics ? { metrics: r.metrics } : {}) };
}
