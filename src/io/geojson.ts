/**
 * GeoJSON in pixel coordinates (x right, y down, origin at the image's top-left corner; no CRS, as QuPath and
 * napari read it): a FeatureCollection with one Polygon per patch; properties carry level, certainty, probabilities
 * and the display colour of core/colormap.ts. The whole-image verdict rides along as the collection's `properties`
 * (a foreign member, ignored by readers that do not know it).
 */
import { levelColor } from '../core/colormap.js';
import type { FocusResult } from '../core/types.js';
import { resultSummary, type ResultRow } from './rows.js';

export interface Feature {
  readonly type: 'Feature';
  readonly geometry: { readonly type: 'Polygon'; readonly coordinates: number[][][] } | null;
  readonly properties: Record<string, unknown>;
}

export interface FeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: Feature[];
  readonly properties?: Record<string, unknown>;
}

function patchFeatures(result: FocusResult, extra: Record<string, unknown>): Feature[] {
  const levels = result.probs.length;
  return result.patches.map((p) => ({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [[[p.x, p.y], [p.x + p.w, p.y], [p.x + p.w, p.y + p.h], [p.x, p.y + p.h], [p.x, p.y]]] },
    properties: { ...extra, level: p.level, certainty: p.certainty, probs: p.probs, color: levelColor(p.level, p.certainty, levels).hex, ...(p.metrics ? { metrics: p.metrics } : {}) },
  }));
}

const summary = (r: FocusResult): Record<string, unknown> => ({
  slice: r.slice,
  width: r.width,
  height: r.height,
  ...resultSummary(r),
});

/** One image's patches as a FeatureCollection. */
export function toGeoJSON(result: FocusResult, options: { file?: string } = {}): FeatureCollection {
  const extra = { ...(options.file !== undefined ? { file: options.file } : {}), slice: result.slice, ...result.position };
  return { type: 'FeatureCollection', features: patchFeatures(result, extra), properties: { ...(options.file !== undefined ? { file: options.file } : {}), ...summary(result) } };
}

/**
 * Many rows in one collection: patch features carry `file` and `slice`; a failed file is a feature without geometry
 * holding its error. Each measured image's verdict (level, score, in_focus, verdict …) rides in the collection's
 * `properties.images`, as a single image's does in `toGeoJSON`'s `properties`.
 */
export function toGeoJSONCollection(rows: readonly ResultRow[]): FeatureCollection {
  const features = rows.flatMap((row): Feature[] =>
    row.result ? patchFeatures(row.result, { file: row.file, slice: row.slice, ...row.result.position }) : [{ type: 'Feature', geometry: null, properties: { file: row.file, slice: row.slice, error: row.error ?? 'not measured' } }],
  );
  const images = rows.flatMap((row) => (row.result ? [{ file: row.file, ...summary(row.result) }] : []));
  return { type: 'FeatureCollection', features, properties: { images } };
}
