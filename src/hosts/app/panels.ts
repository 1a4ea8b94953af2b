/** The app's small panels as lit templates over plain data: progress, messages, the empty drop zone, the downloads. */
import { html, nothing, type TemplateResult } from 'lit';

export interface Message {
  readonly kind: 'error' | 'warning' | 'info';
  readonly text: string;
}

export interface Busy {
  readonly file: string;
  readonly index: number;
  readonly count: number;
  /** Patches done and to do over the file's slices, updated as the worker reports. */
  done: number;
  total: number;
  readonly controller: AbortController;
}

/** "Measuring x.tif (2 of 5)", a progress bar over the file's slices, and Cancel. */
export function progressBar(busy: Busy | undefined): TemplateResult | typeof nothing {
  if (!busy) return nothing;
  return html`<div class="progress">
    <span>Measuring ${busy.file} (${busy.index + 1} of ${busy.count})</span>
    <progress max=${busy.total || 1} value=${busy.done} aria-label="progress"></progress>
    <button type="button" id="cancel" @click=${() => busy.controller.abort()}>Cancel</button>
  </div>`;
}

/** A polite log: screen readers hear each new message; errors and warnings say so in words, not only in colour. */
export function messageLog(messages: readonly Message[]): TemplateResult {
  return html`<div class="messages" role="log" aria-label="messages">
    <ul>
      ${messages.map((m) => html`<li class=${m.kind}>${m.kind === 'info' ? '' : html`<span class="sr-only">${m.kind}: </span>`}${m.text}</li>`)}
    </ul>
  </div>`;
}

/** What a visit without results shows: where to drop files, and two ways to start. */
export function emptyState(onOpen: () => void, onSamples: () => void): TemplateResult {
  return html`<div class="dropzone">
    <p><strong>Drop TIFF or PNG files here</strong> — single images or z-stacks, as many as you like.</p>
    <p>
      <button type="button" @click=${onOpen}>Open images…</button>
      <button type="button" id="try-samples" @click=${onSamples}>Try the samples</button>
    </p>
    <p class="hint">Images stay in your browser: nothing is uploaded.</p>
  </div>`;
}

/** Download buttons (rendered only when there is something to download) and the backend in use. */
export function downloadBar(onCsv: () => void, onGeoJson: () => void, backend: string): TemplateResult {
  return html`<div class="downloads">
    <button type="button" id="csv" @click=${onCsv}>Download CSV</button>
    <button type="button" id="geojson" @click=${onGeoJson}>Download GeoJSON</button>
    <span class="backend">${backend ? `backend: ${backend}` : ''}</span>
  </div>`;
}
