/**
 * The standalone web app (dist/index.html, what `npm start` serves): open or drop TIFF/PNG files, decode and measure
 * them one by one in the worker (a huge or malformed file costs only its own row) with a progress bar and Cancel, then browse the results (a sortable table on wide screens, cards on
 * phones; CSV/GeoJSON download in the order shown), the image with its patch overlay, a score-per-slice plot for stacks
 * and a plate-style grid for many files. Every list is one tab stop with arrow keys inside. A first visit loads the
 * bundled samples so a new user sees a result at once; later visits start with a drop zone. A file that fails gets a
 * message; earlier results stay.
 */
import { html, nothing, render } from 'lit';
import { errorFields, formatError, withContext } from '../../core/errors.js';
import { parsePixelSize } from '../../core/options.js';
import type { FocusResult, PixelSize } from '../../core/types.js';
import { createFocusQuality } from '../../api.js';
import { toImageCsv } from '../../io/csv.js';
import { toGeoJSONCollection } from '../../io/geojson.js';
import type { ResultRow } from '../../io/rows.js';
import type { FocusQualityView } from '../element/focus-quality-view.js';
import '../element/register.js';
import { composeEntry, composeTools, type Composed } from './compose.js';
import { download } from './files.js';
import { downloadBar, emptyState, messageLog, progressBar, type Busy, type Message } from './panels.js';
import { Pictures } from './pictures.js';
import { plateGrid } from './grid.js';
import { LiveMode } from './live/live.js';
import { slicePlot } from './plot.js';
import { handleRovingKey } from './roving.js';
import { resultCards, resultsTable, rowKey, sortRows, type Entry, type Failure, type Sort } from './table.js';

/** Phones get cards instead of the table; the same breakpoint as the single-column layout in index.html. */
const NARROW = matchMedia('(max-width: 640px)');

/** The library API, in its worker: decodes, measures, draws pictures and composes; the page holds no file's pixels. */
const fq = createFocusQuality();
const pictures = new Pictures();
/** All-in-focus composites, by the id of their own entry. */
const composites = new Map<number, Composed>();
const state = {
  entries: [] as Entry[],
  /** Files that could not be read or measured: each costs only its own row. */
  failures: [] as Failure[],
  messages: [] as Message[],
  sort: { key: 'name', descending: false } as Sort,
  selected: undefined as { id: number; slice: number } | undefined,
  busy: undefined as Busy | undefined,
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

/**
 * The header's pixel size (µm), read when a file's turn comes: empty means each file's own. A value that is no pixel
 * size throws OptionsError, so the file gets a row saying why rather than a silent measurement at the wrong scale.
 */
function pixelSizeField(): PixelSize | undefined {
  const text = document.querySelector<HTMLInputElement>('#pixel-size')!.value.trim();
  return text === '' ? undefined : parsePixelSize(text);
}

/** Decodes and measures every slice of one file in the worker (the one stack loop runs there); throws on failure, leaving state untouched. */
async function measureFile(name: string, file: Blob, signal: AbortSignal): Promise<void> {
  const onProgress = (done: number, total: number): void => {
    if (state.busy) [state.busy.done, state.busy.total] = [done, total];
    update();
  };
  const m = await fq.measure(file, { name, slices: 'all', signal, onProgress, pixelSize: pixelSizeField() });
  const { results, best } = m;
  const id = nextId++;
  pictures.set(id, m);
  const thumbnail = await pictures.thumbnail(id, best.slice).catch(() => undefined);
  const entry: Entry = { id, name, results, best, thumbnail, warnings: m.warnings };
  state.entries = [...state.entries, entry];
  state.backend = best.backend ?? state.backend;
  for (const w of m.warnings) say('warning', `${name}: ${w}`);
  void show(entry, best.slice);
}

interface Pending {
  readonly name: string;
  readonly file: () => Promise<Blob>;
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
      await measureFile(f.name, await f.file(), controller.signal);
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

let showing = 0;

/**
 * Shows a slice in the viewer (its picture drawn in the worker); a tap on a phone also brings the viewer into sight
 * (it sits below the list there). A later pick wins over an earlier one still waiting for its picture.
 */
async function show(entry: Entry, slice: number, reveal = false): Promise<void> {
  const ticket = ++showing;
  state.selected = { id: entry.id, slice };
  update();
  const view = document.querySelector<FocusQualityView>('focus-quality-view')!;
  if (reveal && NARROW.matches) view.scrollIntoView({ behavior: 'smooth', block: 'start' });
  const result = entry.results.find((r) => r.slice === slice);
  try {
    const shown = await pictures.picture(entry.id, slice, view.pictureSide);
    if (ticket !== showing) return;
    view.displayPicture(shown.picture, shown, result, entry.results.length > 1 ? `${entry.name} [slice ${slice}]` : entry.name);
  } catch (err) {
    if (ticket !== showing) return;
    say('error', formatError(withContext(err, { file: entry.name })));
    update();
  }
}

/** The result of the slice on display when `entry` is the selected file, else its best. */
function shownResult(entry: Entry | undefined): FocusResult | undefined {
  return entry?.results.find((r) => entry.id === state.selected?.id && r.slice === state.selected.slice) ?? entry?.best;
}

async function compose(entry: Entry): Promise<void> {
  if (state.composing !== undefined) return;
  state.composing = entry.id;
  update();
  try {
    const measured = pictures.get(entry.id);
    if (!measured) return;
    const made = await composeEntry(entry, measured, fq, nextId++, shownResult(entry));
    pictures.set(made.entry.id, made.measurement);
    composites.set(made.entry.id, made);
    const thumbnail = await pictures.thumbnail(made.entry.id, 0).catch(() => undefined);
    state.entries = [...state.entries, { ...made.entry, thumbnail }];
    for (const n of made.composite.notes) say('info', `${entry.name}: ${n}`);
    void show(made.entry, 0);
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
  if (entry) void show(entry, byTile ? entry.best!.slice : slice!);
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
    onPick: (entry: Entry, slice: number) => void show(entry, slice, true),
  };
  const empty = entries.length === 0 && state.failures.length === 0 && !busy;
  document.querySelector('main')!.classList.toggle('empty', empty);
  render(
    html`
      ${progressBar(busy)} ${messageLog(state.messages)}
      ${empty ? emptyState(() => document.querySelector<HTMLInputElement>('#files')!.click(), () => void loadSamples(true)) : nothing}
      ${entries.length + state.failures.length > 0
        ? downloadBar(
            () => download('focus-quality.csv', toImageCsv(rows()), 'text/csv'),
            () => download('focus-quality.geojson', JSON.stringify(toGeoJSONCollection(rows())), 'application/geo+json'),
            state.backend,
          )
        : nothing}
      ${NARROW.matches ? resultCards(sorted, listState, handlers) : resultsTable(sorted, listState, handlers)}
      ${plateGrid(entries, state.active.tiles, (ev, keys) => rove('tiles', ev, keys, (key) => pickKey(key, true)), (e, s) => void show(e, s, true))}
    `,
    document.querySelector<HTMLElement>('#results')!,
  );
  render(
    html`${slicePlot(selectedEntry, state.selected?.slice, (e, s) => void show(e, s))}
    ${composeTools(selectedEntry, shownResult(selectedEntry), selectedEntry && composites.get(selectedEntry.id), state.composing !== undefined, (e) => void compose(e))}`,
    document.querySelector<HTMLElement>('#plot')!,
  );
}

// Cancel: abort() does not reach the worker by itself; the API's signal listener does that per job.
function wire(): void {
  const input = document.querySelector<HTMLInputElement>('#files')!;
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    void measureFiles(files.map((f) => ({ name: f.name, file: async () => f })));
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
    void measureFiles(files.map((f) => ({ name: f.name, file: async () => f })));
  });
  // The viewer only displays what the app measured; it reads the levels and in-focus threshold from the model's card.
  void fq.info().then(
    ({ card }) => (document.querySelector('focus-quality-view')!.card = card),
    () => undefined, // a model that cannot load is reported by the first measurement
  );
  NARROW.addEventListener('change', update);
}

/** Files (default) or Live (`#live`): one shown at a time; leaving Live stops the camera. */
function applyMode(live: LiveMode): void {
  const isLive = location.hash === '#live';
  document.querySelector<HTMLElement>('main')!.hidden = isLive;
  document.querySelector<HTMLElement>('#live')!.hidden = !isLive;
  document.querySelector<HTMLElement>('#open')!.hidden = isLive;
  document.querySelector<HTMLElement>('header .hint')!.hidden = isLive;
  // A live frame has no file to read a calibration from.
  document.querySelector<HTMLInputElement>('#pixel-size')!.placeholder = isLive ? 'not set' : 'from file';
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
        file: async () => {
          const r = await fetch(`samples/${encodeURIComponent(n)}`);
          if (!r.ok) throw new Error(`samples/${n}: HTTP ${r.status}`);
          return r.blob();
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
const live = new LiveMode(document.querySelector<HTMLElement>('#live')!, fq, pixelSizeField);
addEventListener('hashchange', () => applyMode(live));
applyMode(live);
void loadSamples();
