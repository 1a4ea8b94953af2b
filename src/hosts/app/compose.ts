/**
 * "Compose all-in-focus" in the app: the composite of a measured stack (`Measurement.composite()`, computed in the
 * worker: for every patch the slices with the lowest defocus score, blended without seams), then measured like any
 * image so it gets its own overlay and row, with TIFF downloads of the composite (the stack's bit depth) and of the
 * depth map (slice index per pixel).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AllInFocus, FocusQuality, Measurement } from '../../api.js';
import { download } from './files.js';
import type { FocusResult } from '../../core/types.js';
import { bySeries } from '../../core/hyperstack.js';
import { axisName, isHyperstack, seriesName, type Entry } from './table.js';

export interface Composed {
  readonly entry: Entry;
  readonly measurement: Measurement;
  readonly composite: AllInFocus;
  /** The file it was composed from. */
  readonly source: string;
  /** The hyperstack's z-series it was composed from ("channel 1"), if any. */
  readonly series?: string | undefined;
  /** What the source's planes step along ("slice", "z" or "frame"), naming the composite's shares. */
  readonly axis: string;
}

/**
 * Composes every measured slice of a file — of a hyperstack, the z-slices of the channel and frame of `shown`, the
 * plane on display — and measures the composite, sent to the worker as the TIFF a user would download, so its
 * picture is drawn there too. Throws (ImageContentError, …) on failure.
 */
export async function composeEntry(entry: Entry, measured: Measurement, fq: FocusQuality, id: number, shown: FocusResult | undefined): Promise<Composed> {
  const series = isHyperstack(entry) ? shown?.position : undefined;
  const composite = await measured.composite(series ? { channel: series.channel, frame: series.frame } : {});
  const seriesText = series ? seriesName(entry, series) : undefined;
  const name = `${entry.name} (all-in-focus${seriesText ? `, ${seriesText}` : ''})`;
  const measurement = await fq.measure(new Blob([composite.toTIFF('image') as Uint8Array<ArrayBuffer>], { type: 'image/tiff' }), { name });
  const result = measurement.best;
  const made: Entry = { id, name, results: [result], best: result, thumbnail: undefined, warnings: [...composite.notes, ...measurement.warnings] };
  return { entry: made, measurement, composite, source: entry.name, series: seriesText, axis: axisName(entry) };
}

/** What Compose will do with the file on display. */
function hint(entry: Entry, shown: FocusResult | undefined): string {
  const p = shown?.position;
  if (p && isHyperstack(entry)) {
    const n = bySeries(entry.results).find((g) => g.includes(shown!))?.length ?? 0;
    return `the sharpest parts of the ${n} ${axisName(entry) === 'frame' ? 'frames' : 'z-slices'} of ${seriesName(entry, p)} (the one shown) in one image`;
  }
  return entry.results.length > 1 ? `the sharpest parts of all ${entry.results.length} slices in one image` : 'a single slice is its own composite';
}

const base = (name: string): string => name.replace(/\.(tiff?|png)$/i, '');

/** The slices that make up most of the composite, e.g. "slice 3 (62 %), slice 4 (30 %)" (a hyperstack's: "z 3 …"). */
function shares(composite: AllInFocus, axis: string): string {
  return composite.share
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s >= 0.01)
    .sort((a, b) => b.s - a.s)
    .slice(0, 5)
    .map(({ s, i }) => `${axis} ${i} (${Math.round(s * 100)} %)`)
    .join(', ');
}

/** Under the image: the Compose button for a measured file, or the downloads and notes of a composite. */
export function composeTools(entry: Entry | undefined, shown: FocusResult | undefined, composed: Composed | undefined, composing: boolean, onCompose: (entry: Entry) => void): TemplateResult | typeof nothing {
  if (!entry?.best) return nothing;
  if (composed) {
    const { composite, source, series } = composed;
    return html`<div class="compose">
      <p>All-in-focus composite of ${source}${series ? ` (${series})` : ''}: ${shares(composite, composed.axis)}.${composite.notes.map((n) => html` <span class="note">${n}.</span>`)}</p>
      <button type="button" id="composite-tiff" @click=${() => download(`${base(source)}-all-in-focus.tif`, composite.toTIFF('image'), 'image/tiff')}>Download composite (TIFF)</button>
      <button type="button" id="depth-tiff" @click=${() => download(`${base(source)}-depth.tif`, composite.toTIFF('depth'), 'image/tiff')}>Download depth map (TIFF)</button>
    </div>`;
  }
  return html`<div class="compose">
    <button type="button" id="compose" ?disabled=${composing} @click=${() => onCompose(entry)}>${composing ? 'Composing…' : 'Compose all-in-focus'}</button>
    <span class="hint">${hint(entry, shown)}</span>
  </div>`;
}
