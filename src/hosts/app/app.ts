/**
 * The standalone web app (dist/index.html, what `npm start` serves): open or drop TIFF/PNG files, measure them one by
 * one in the worker with a progress bar and Cancel, then browse a sortable table (CSV/GeoJSON download), the image with
 * its patch overlay, a score-per-slice plot for stacks and a plate-style grid for many files. A first visit loads the
 * bundled samples so a new user sees a result at once. A file that fails gets a message; earlier results stay.
 */
import { html, nothing, render } from 'lit';
import { formatError, withContext } from '../../core/errors.js';
import { pickBestSlice } from '../../core/slices.js';
import type { FocusResult, GrayImage, ImageStack } from '../../core/types.js';
import { createWorkerClient } from '../../inference/worker-client.js';
import { toImageCsv } from '../../io/csv.js';
import { decodeImage } from '../../io/decode.js';
import { toGeoJSONCollection } from '../../io/geojson.js';
import type { ResultRow } from '../../io/rows.js';
import type { FocusQualityView } from '../element/focus-quality-view.js';
import '../element/register.js';
import { stretchToRgba } from '../element/stretch.js';
import { plateGrid, resultsTable, slicePlot, type Entry, type Sort, type SortKey } from './views.js';

interface Message {
  readonly kind: 'error' | 'warning' | 'info';
  readonly text: string;
}

const client = createWorkerClient();
const stacks = new Map<number, ImageStack>();
const state = {
  entries: [] as Entry[],
  messages: [] as Message[],
  sort: { key: 'name', descending: false } as Sort,
  selected: undefined as { id: number; slice: number } | undefined,
  busy: undefined as { file: string; index: number; count: number; done: number; total: number; controller: AbortController } | undefined,
  backend: '',
};
let nextId = 1;

function thumbnail(plane: GrayImage, size = 96): string | undefined {
  const full = document.createElement('canvas');
  [full.width, full.height] = [plane.width, plane.height];
  full.getContext('2d')?.putImageData(new ImageData(stretchToRgba(plane), plane.width, plane.height), 0, 0);
  const small = document.createElement('canvas');
  const k = size / Math.max(plane.width, plane.height);
  [small.width, small.height] = [Math.max(1, Math.round(plane.width * k)), Math.max(1, Math.round(plane.height * k))];
  small.getContext('2d')?.drawImage(full, 0, 0, small.width, small.height);
  return small.toDataURL('image/png');
}

function say(kind: Message['kind'], text: string): void {
  state.messages = [...state.messages.slice(-19), { kind, text }];
}

/** Decodes and measures every slice of one file; throws on failure, leaving state untouched. */
async function measureFile(name: string, bytes: ArrayBuffer, signal: AbortSignal): Promise<void> {
  const stack = await decodeImage(bytes, name);
  const results: FocusResult[] = [];
  for (const [i, plane] of stack.slices.entries()) {
    const result = await client.measure(plane, { slice: i }, {
      signal,
      onProgress: (done, total) => {
        if (state.busy) [state.busy.done, state.busy.total] = [i * total + done, stack.slices.length * total];
        update();
      },
    });
    results.push(result);
  }
  const best = pickBestSlice(results);
  const entry: Entry = { id: nextId++, name, results, best, thumbnail: thumbnail(stack.slices[best.slice]!), warnings: stack.warnings };
  stacks.set(entry.id, stack);
  state.entries = [...state.entries, entry];
  state.backend = best.backend ?? state.backend;
  for (const w of stack.warnings) say('warning', `${name}: ${w}`);
  show(entry, best.slice);
}

interface Pending {
  readonly name: string;
  readonly bytes: () => Promise<ArrayBuffer>;
}
const queue: Pending[] = [];
let draining = false;

/** Files dropped while others are measured join the queue; Cancel stops the current file and empties the queue. */
async function measureFiles(files: readonly Pending[]): Promise<void> {
  queue.push(...files);
  if (draining) return update();
  draining = true;
  let index = 0;
  while (queue.length > 0) {
    const f = queue.shift()!;
    const controller = new AbortController();
    state.busy = { file: f.name, index, count: index + 1 + queue.length, done: 0, total: 0, controller };
    update();
    try {
      await measureFile(f.name, await f.bytes(), controller.signal);
    } catch (err) {
      const e = err as { name?: string; message?: string };
      if (e?.name === 'CancelledError') say('info', `cancelled at ${f.name}; ${queue.length + 1} file(s) not measured`);
      else say('error', formatError(withContext(err, { file: f.name })));
    }
    if (controller.signal.aborted) queue.length = 0;
    index++;
  }
  draining = false;
  state.busy = undefined;
  update();
}

function show(entry: Entry, slice: number): void {
  state.selected = { id: entry.id, slice };
  const stack = stacks.get(entry.id);
  const plane = stack?.slices[slice];
  const result = entry.results.find((r) => r.slice === slice);
  const view = document.querySelector<FocusQualityView>('focus-quality-view');
  if (view && plane) view.display(plane, result, stack.slices.length > 1 ? `${entry.name} [slice ${slice}]` : entry.name);
  update();
}

function download(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function rows(): ResultRow[] {
  return state.entries.flatMap((e) => e.results.map((r) => ({ file: e.name, slice: r.slice, width: r.width, height: r.height, result: r, warnings: e.warnings })));
}

function onSort(key: SortKey): void {
  state.sort = { key, descending: state.sort.key === key ? !state.sort.descending : false };
  update();
}

function update(): void {
  const busy = state.busy;
  const selectedEntry = state.entries.find((e) => e.id === state.selected?.id);
  render(
    html`
      <div class="progress" ?hidden=${!busy}>
        ${busy
          ? html`<span>Measuring ${busy.file} (${busy.index + 1} of ${busy.count})</span>
              <progress max=${busy.total || 1} value=${busy.done} aria-label="progress"></progress>
              <button type="button" id="cancel" @click=${() => busy.controller.abort()}>Cancel</button>`
          : nothing}
      </div>
      <ul class="messages" aria-live="polite">
        ${state.messages.map((m) => html`<li class=${m.kind} role=${m.kind === 'error' ? 'alert' : 'status'}>${m.text}</li>`)}
      </ul>
      <div class="downloads" ?hidden=${state.entries.length === 0}>
        <button type="button" id="csv" @click=${() => download('focus-quality.csv', toImageCsv(rows()), 'text/csv')}>Download CSV</button>
        <button type="button" id="geojson" @click=${() => download('focus-quality.geojson', JSON.stringify(toGeoJSONCollection(rows())), 'application/geo+json')}>
          Download GeoJSON
        </button>
        <span class="backend">${state.backend ? `backend: ${state.backend}` : ''}</span>
      </div>
      ${slicePlot(selectedEntry, show)} ${resultsTable(state.entries, state.sort, onSort, show, state.selected)} ${plateGrid(state.entries, show)}
    `,
    document.querySelector<HTMLElement>('#results')!,
  );
}

// Cancel: abort() does not reach the worker by itself; the client's signal listener does that per job.
function wire(): void {
  const input = document.querySelector<HTMLInputElement>('#files')!;
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    void measureFiles(files.map((f) => ({ name: f.name, bytes: () => f.arrayBuffer() })));
  });
  const zone = document.body;
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    document.body.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    document.body.classList.remove('dragging');
    const files = [...(ev.dataTransfer?.files ?? [])];
    void measureFiles(files.map((f) => ({ name: f.name, bytes: () => f.arrayBuffer() })));
  });
  document.querySelector('focus-quality-view')!.client = client;
}

/** First visit: measure the bundled samples so there is something to look at. */
async function loadSamples(): Promise<void> {
  // ?samples=1 forces them, ?samples=0 skips them (tests, embedding).
  const key = 'focus-quality:visited';
  const asked = new URLSearchParams(location.search).get('samples');
  if (asked === '0' || (asked !== '1' && localStorage.getItem(key))) return;
  localStorage.setItem(key, '1');
  try {
    const response = await fetch('samples/index.json');
    if (!response.ok) return;
    const names = (await response.json()) as string[];
    say('info', `Showing the bundled samples (${names.join(', ')}). Open or drop your own TIFF/PNG files.`);
    await measureFiles(
      names.map((n) => ({
        name: n,
        bytes: async () => {
          const r = await fetch(`samples/${encodeURIComponent(n)}`);
          if (!r.ok) throw new Error(`samples/${n}: HTTP ${r.status}`);
          return r.arrayBuffer();
        },
      })),
    );
  } catch (err) {
    say('error', `could not load the samples: ${(err as Error).message}`);
    update();
  }
}

wire();
update();
void loadSamples();
