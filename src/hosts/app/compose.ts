/**
 * "Compose all-in-focus" in the app: the composite of a measured stack (core/composite.ts: for every patch the slices
 * with the lowest defocus score, blended without seams), measured like any image so it gets its own overlay and row,
 * with TIFF downloads of the composite (the stack's bit depth) and of the depth map (slice index per pixel).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { composeAllInFocus, type Composite } from '../../core/composite.js';
import type { GrayImage, ImageStack } from '../../core/types.js';
import type { WorkerClient } from '../../inference/worker-client.js';
import { renderPreview } from '../../io/preview.js';
import { encodeTiff } from '../../io/tiff-encode.js';
import { download } from './files.js';
import type { Entry } from './table.js';

export interface Composed {
  readonly entry: Entry;
  readonly stack: ImageStack;
  readonly composite: Composite;
  /** The file it was composed from. */
  readonly source: string;
}

/** Composes every measured slice of `entry` and measures the composite. Throws (ImageContentError, …) on failure. */
export async function composeEntry(entry: Entry, stack: ImageStack, client: Pick<WorkerClient, 'measure'>, id: number): Promise<Composed> {
  // On the page for now: a few ms for a 696×520×50 stack; the worker-side compose of the API will replace it.
  const composite = composeAllInFocus(stack.slices, entry.results);
  const result = await client.measure(composite.image);
  const made: Entry = { id, name: `${entry.name} (all-in-focus)`, results: [result], best: result, thumbnail: thumbnailOf(composite.image), warnings: composite.notes };
  const slices = [composite.image];
  return { entry: made, stack: { width: stack.width, height: stack.height, bitDepth: stack.bitDepth, slices, warnings: composite.notes }, composite, source: entry.name };
}

/** A small PNG data URL of the composite, drawn here (it was made here). */
function thumbnailOf(plane: GrayImage, size = 96): string {
  const picture = renderPreview(plane, size);
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [picture.width, picture.height];
  canvas.getContext('2d')?.putImageData(new ImageData(picture.data as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height), 0, 0);
  return canvas.toDataURL('image/png');
}

const base = (name: string): string => name.replace(/\.(tiff?|png)$/i, '');

/** The slices that make up most of the composite, e.g. "slice 3 (62 %), slice 4 (30 %)". */
function shares(composite: Composite): string {
  return composite.share
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s >= 0.01)
    .sort((a, b) => b.s - a.s)
    .slice(0, 5)
    .map(({ s, i }) => `slice ${i} (${Math.round(s * 100)} %)`)
    .join(', ');
}

/** Under the image: the Compose button for a measured file, or the downloads and notes of a composite. */
export function composeTools(entry: Entry | undefined, composed: Composed | undefined, composing: boolean, onCompose: (entry: Entry) => void): TemplateResult | typeof nothing {
  if (!entry?.best) return nothing;
  if (composed) {
    const { composite, source } = composed;
    return html`<div class="compose">
      <p>All-in-focus composite of ${source}: ${shares(composite)}.${composite.notes.map((n) => html` <span class="note">${n}.</span>`)}</p>
      <button type="button" id="composite-tiff" @click=${() => download(`${base(source)}-all-in-focus.tif`, encodeTiff(composite.image), 'image/tiff')}>Download composite (TIFF)</button>
      <button type="button" id="depth-tiff" @click=${() => download(`${base(source)}-depth.tif`, encodeTiff(composite.depth), 'image/tiff')}>Download depth map (TIFF)</button>
    </div>`;
  }
  return html`<div class="compose">
    <button type="button" id="compose" ?disabled=${composing} @click=${() => onCompose(entry)}>${composing ? 'Composing…' : 'Compose all-in-focus'}</button>
    <span class="hint">${entry.results.length > 1 ? `the sharpest parts of all ${entry.results.length} slices in one image` : 'a single slice is its own composite'}</span>
  </div>`;
}
