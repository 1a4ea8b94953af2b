/**
 * The standalone web app (dist/index.html, what `npm start` serves): open or drop TIFF/PNG files, measure them one by
 * one in the worker with a progress bar and Cancel, then browse the results (a sortable table on wide screens, cards on
 * phones; CSV/GeoJSON download in the order shown), the image with its patch overlay, a score-per-slice plot for stacks
 * and a plate-style grid for many files. Every list is one tab stop with arrow keys inside. A first visit loads the
 * bundled samples so a new user sees a result at once; later visits start with a drop zone. A file that fails gets a
 * message; earlier results stay.
 */
import { html, nothing, render } from 'lit';
import { errorFields, formatError, withContext } from '../../core/errors.js';
import { measureStack, planesOf } from '../../core/measure-stack.js';
import type { ImageStack } from '../../core/types.js';
import { createWorkerClient } from '../../inference/worker-client.js';
import { toImageCsv } from '../../io/csv.js';
import { decodeImage } from '../../io/decode.js';
import { toGeoJSONCollection } from '../../io/geojson.js';
import type { ResultRow } from '../../io/rows.js';
import type { FocusQualityView } from '../element/focus-quality-view.js';
import '../element/register.js';
import { composeEntry, composeTools, type Composed } from './compose.js';
import { download, thumbnail } from './files.js';
import { plateGrid } from './grid.js';
import { LiveMode } from './live/live.js';
import { slicePlot } from './plot.js';
import { handleRovingKey } from './roving.js';
import { resultCards, resultsTable, rowKey, sortRows, type Entry, type Failure, type Sort } from './table.js';

interface Message {
  readonly kind: 'error' | 'warning' | 'info';
  readonly text: string;
}

/** Phones get cards instead of the table; the same breakpoint as the single-column layout in index.html. */
const NARROW = matchMedia('(max-width: 640px)');

const client = createWorkerClient();
const stacks = new Map<number, ImageStack>();
/** All-in-focus composites, by the id of their own entry. */
const composites = new Map<number, Composed>();
const state = {
  entries: [] as Entry[],
  /** Files that could not be read or measured: each costs only its own row. */
  failures: [] as Failure[],
  messages: [] as Message[],
  sort: { key: 'name', descending: false } as Sort,
  selected: undefined as { id: number; slice: number } | undefined,
  busy: undefined as { file: string; index: number; count: number; done: number; total: number; controller: AbortController } | undefined,
  backend: '',
  /** Id of the entry being composed (all-in-focus), if any. */
  composing: undefined as number | undefined,
  /** Keys holding the tab stop of each roving list. */
  active: { rows: undefined as string | undefined, tiles: undefined as string | undefined },
};
let nextId = 1;

function say(kind: Message['kind'], text: string): void {
  state.messages = [...state.messages.slice(-19), { kind, text }];
}

/** Decodes and measures every slice of one file (the one stack loop, core measureStack); throws on failure, leaving state untouched. */
async function measureFile(name: string, bytes: ArrayBuffer, signal: AbortSignal): Promise<void> {
  const stack = await decodeImage(bytes, name);
  const onProgress = (done: number, total: number): void => {
    if (state.busy) [state.busy.done, state.busy.total] = [done, total];
    update();
  };
  const { results, best } = await measureStack(client, planesOf(stack), { slices: 'all' }, { signal, onProgress });
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
      else {
        const fields = errorFields(withContext(err, { file: f.name }));
        say('error', formatError(fields));
        // The row names the file in its first column; its error cell is the rest, as the CLI's CSV writes it.
        state.failures = [...state.failures, { id: nextId++, name: f.name, error: formatError({ ...fields, file: undefined }) }];
      }
    }
    if (controller.signal.aborted) queue.length = 0;
    index++;
  }
  draining = false;
  state.busy = undefined;
  update();
}

/** Shows a slice in the viewer; a tap on a phone also brings the viewer into sight (it sits below the list there). */
function show(entry: Entry, slice: number, reveal = false): void {
  state.selected = { id: entry.id, slice };
  const stack = stacks.get(entry.id);
  const plane = stack?.slices[slice];
  const result = entry.results.find((r) => r.slice === slice);
  const view = document.querySelector<FocusQualityView>('focus-quality-view')!;
  if (plane) view.display(plane, result, stack.slices.length > 1 ? `${entry.name} [slice ${slice}]` : entry.name);
  update();
  if (reveal && NARROW.matches) view.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

async function compose(entry: Entry): Promise<void> {
  const stack = stacks.get(entry.id);
  if (!stack || state.composing !== undefined) return;
  state.composing = entry.id;
  update();
  try {
    const made = await composeEntry(entry, stack, client, nextId++);
    stacks.set(made.entry.id, made.stack);
    composites.set(made.entry.id, made);
    state.entries = [...state.entries, made.entry];
    for (const n of made.composite.notes) say('info', `${entry.name}: ${n}`);
    show(made.entry, 0);
  } catch (err) {
    say('error', formatError(withContext(err, { file: entry.name })));
  } finally {
    state.composing = undefined;
    update();
  }
}

/** The rows as the table shows them (failed files last, with their error), so a download keeps the order the user sorted. */
function rows(): ResultRow[] {
  const measured = sortRows(state.entries, state.sort).map(({ entry: e, result: r }): ResultRow => ({ file: e.name, slice: r.slice, width: r.width, height: r.height, result: r, warnings: e.warnings }));
  return [...measured, ...state.failures.map((f): ResultRow => ({ file: f.name, slice: 0, error: f.error }))];
}

/** Moves a roving list's tab stop and the focus with it (lit renders synchronously, so the item exists at once). */
function rove(list: 'rows' | 'tiles', ev: KeyboardEvent, keys: readonly string[], pick: (key: string) => void): void {
  handleRovingKey(
    ev,
    keys,
    (key) => {
      state.active[list] = key;
      update();
      (ev.currentTarget as HTMLElement).querySelector<HTMLElement>(`[data-key="${key}"]`)?.focus();
    },
    pick,
    list === 'rows',
  );
}

function pickKey(key: string, byTile: boolean): void {
  if (key.startsWith('failed:')) return; // nothing to show: the row says why
  const [id, slice] = key.split(':').map(Number) as [number, number | undefined];
  const entry = state.entries.find((e) => e.id === id);
  if (entry) show(entry, byTile ? entry.best!.slice : slice!);
}

function emptyState() {
  return html`<div class="dropzone">
    <p><strong>Drop TIFF or PNG files here</strong> — single images or z-stacks, as many as you like.</p>
    <p>
      <button type="button" @click=${() => document.querySelector<HTMLInputElement>('#files')!.click()}>Open images…</button>
      <button type="button" id="try-samples" @click=${() => void loadSamples(true)}>Try the samples</button>
    </p>
    <p class="hint">Images stay in your browser: nothing is uploaded.</p>
  </div>`;
}

function update(): void {
  const { busy, entries } = state;
  const selectedEntry = entries.find((e) => e.id === state.selected?.id);
  const selected = selectedEntry && state.selected ? rowKey(selectedEntry, state.selected.slice) : undefined;
  const sorted = sortRows(entries, state.sort);
  const listState = { sort: state.sort, active: state.active.rows, selected, failures: state.failures };
  const handlers = {
    onSort: (sort: Sort) => ((state.sort = sort), update()),
    onKey: (ev: KeyboardEvent, keys: readonly string[]) => rove('rows', ev, keys, (key) => pickKey(key, false)),
    onPick: (entry: Entry, slice: number) => show(entry, slice, true),
  };
  const empty = entries.length === 0 && state.failures.length === 0 && !busy;
  document.querySelector('main')!.classList.toggle('empty', empty);
  render(
    html`
      ${busy
        ? html`<div class="progress">
            <span>Measuring ${busy.file} (${busy.index + 1} of ${busy.count})</span>
            <progress max=${busy.total || 1} value=${busy.done} aria-label="progress"></progress>
            <button type="button" id="cancel" @click=${() => busy.controller.abort()}>Cancel</button>
          </div>`
        : nothing}
      <div class="messages" role="log" aria-label="messages">
        <ul>
          ${state.messages.map((m) => html`<li class=${m.kind}>${m.kind === 'info' ? '' : html`<span class="sr-only">${m.kind}: </span>`}${m.text}</li>`)}
        </ul>
      </div>
      ${empty ? emptyState() : nothing}
      ${entries.length + state.failures.length > 0
        ? html`<div class="downloads">
            <button type="button" id="csv" @click=${() => download('focus-quality.csv', toImageCsv(rows()), 'text/csv')}>Download CSV</button>
            <button type="button" id="geojson" @click=${() => download('focus-quality.geojson', JSON.stringify(toGeoJSONCollection(rows())), 'application/geo+json')}>
              Download GeoJSON
            </button>
            <span class="backend">${state.backend ? `backend: ${state.backend}` : ''}</span>
          </div>`
        : nothing}
      ${NARROW.matches ? resultCards(sorted, listState, handlers) : resultsTable(sorted, listState, handlers)}
      ${plateGrid(entries, state.active.tiles, (ev, keys) => rove('tiles', ev, keys, (key) => pickKey(key, true)), (e, s) => show(e, s, true))}
    `,
    document.querySelector<HTMLElement>('#results')!,
  );
  render(
    html`${slicePlot(selectedEntry, state.selected?.slice, (e, s) => show(e, s))}
    ${composeTools(selectedEntry, selectedEntry && composites.get(selectedEntry.id), state.composing !== undefined, (e) => void compose(e))}`,
    document.querySelector<HTMLElement>('#plot')!,
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
  document.querySelector('#open')!.addEventListener('click', () => input.click());
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
  NARROW.addEventListener('change', update);
}

/** Files (default) or Live (`#live`): one shown at a time; leaving Live stops the camera. */
function applyMode(live: LiveMode): void {
  const isLive = location.hash === '#live';
  document.querySelector<HTMLElement>('main')!.hidden = isLive;
  document.querySelector<HTMLElement>('#live')!.hidden = !isLive;
  document.querySelector<HTMLElement>('#open')!.hidden = isLive;
  document.querySelector<HTMLElement>('header .hint')!.hidden = isLive;
  for (const [id, on] of [['#mode-files', !isLive], ['#mode-live', isLive]] as const) {
    const link = document.querySelector<HTMLElement>(id)!;
    if (on) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (isLive) live.show();
  else live.hide();
}

/** First visit (or the "Try the samples" button): measure the bundled samples so there is something to look at. */
async function loadSamples(force = false): Promise<void> {
  // ?samples=1 forces them, ?samples=0 skips them (tests, embedding).
  const key = 'focus-quality:visited';
  const asked = new URLSearchParams(location.search).get('samples');
  if (!force && (asked === '0' || (asked !== '1' && localStorage.getItem(key)))) return;
  localStorage.setItem(key, '1');
  try {
    const response = await fetch('samples/index.json');
    if (!response.ok) throw new Error(`samples/index.json: HTTP ${response.status}`);
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
const live = new LiveMode(document.querySelector<HTMLElement>('#live')!, client);
addEventListener('hashchange', () => applyMode(live));
applyMode(live);
void loadSamples();
