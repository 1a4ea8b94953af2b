/** JSON output: an array with one object per row, camelCase keys, patches optional (they dominate the size). */
import type { ResultRow } from './rows.js';
import { resultSummary, rowWarnings } from './rows.js';

export interface JsonOptions {
  /** Include every patch's rectangle, level, certainty and probabilities (default false). */
  readonly patches?: boolean;
}

export function rowToJson(row: ResultRow, options: JsonOptions = {}): Record<string, unknown> {
  const r = row.result;
  const warnings = rowWarnings(row);
  const base: Record<string, unknown> = { file: row.file, slice: row.slice, width: r?.width ?? row.width ?? null, height: r?.height ?? row.height ?? null };
  if (!r) return { ...base, error: row.error ?? 'not measured', ...(warnings.length ? { warnings } : {}) };
  return {
    ...base,
    patchCount: r.patches.length,
    ...resultSummary(r),
    aggregation: r.aggregation ?? null,
    ...(options.patches ? { patches: r.patches } : {}),
    timings: r.timings,
    ...(r.backend ? { backend: r.backend } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

export function toJson(rows: readonly ResultRow[], options: JsonOptions = {}): string {
  return JSON.stringify(rows.map((r) => rowToJson(r, options)), null, 2) + '\n';
}
