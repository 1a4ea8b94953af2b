/**
 * The results as a sortable table (wide screens) or as cards (phones), both from the same sorted rows, as lit
 * templates over plain data. Each list is one tab stop (roving tab index): arrows move, Enter or Space shows the image.
 * Display only; app.ts owns the state and the handlers.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { levelColor } from '../../core/colormap.js';
import { stackAxis, type StackAxis } from '../../core/hyperstack.js';
import { bestPerSeries } from '../../core/slices.js';
import type { FocusResult, PlanePosition, Verdict } from '../../core/types.js';
import { VERDICT_TEXT, displayVerdict } from '../element/verdict.js';

/** One measured file (all its measured slices). */
export interface Entry {
  readonly id: number;
  readonly name: string;
  readonly results: readonly FocusResult[];
  readonly best: FocusResult | undefined;
  /** Small contrast-stretched rendering of the best slice, for the grid. */
  readonly thumbnail: string | undefined;
  readonly warnings: readonly string[];
}

export type SortKey = 'name' | 'slice' | 'verdict' | 'level' | 'score' | 'certainty' | 'meanCertainty' | 'patches';
export interface Sort {
  readonly key: SortKey;
  readonly descending: boolean;
}

export interface Row {
  readonly entry: Entry;
  readonly result: FocusResult;
  /** `id:slice`, unique on the page: the row's `data-key`. */
  readonly key: string;
}

export const COLUMNS: readonly { readonly key: SortKey; readonly label: string }[] = [
  { key: 'name', label: 'File' },
  { key: 'slice', label: 'Slice' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'level', label: 'Level' },
  { key: 'score', label: 'Score' },
  { key: 'certainty', label: 'Certainty' },
  { key: 'meanCertainty', label: 'Mean certainty' },
  { key: 'patches', label: 'Patches' },
];

/** Sharp first, then the ones to look at again, then the defocused. */
const VERDICT_ORDER: Readonly<Record<Verdict, number>> = { in: 0, uncertain: 1, out: 2 };

function value(row: Row, key: SortKey): string | number {
  const r = row.result;
  switch (key) {
    case 'name':
      return row.entry.name;
    case 'patches':
      return r.patches.length;
    case 'verdict':
      return VERDICT_ORDER[displayVerdict(r)];
    default:
      return r[key];
  }
}

export const rowKey = (entry: Entry, slice: number): string => `${entry.id}:${slice}`;

/** Every measured slice of every entry, in the order of `sort`; stable (equal keys keep file order, then slice order). */
export function sortRows(entries: readonly Entry[], sort: Sort): Row[] {
  const rows = entries.flatMap((entry) => entry.results.map((result) => ({ entry, result, key: rowKey(entry, result.slice) })));
  const sign = sort.descending ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const va = value(a.row, sort.key);
      const vb = value(b.row, sort.key);
      const c = typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb), undefined, { numeric: true }) : va - vb;
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map(({ row }) => row);
}

export interface ListHandlers {
  readonly onSort: (sort: Sort) => void;
  readonly onKey: (ev: KeyboardEvent, keys: readonly string[]) => void;
  readonly onPick: (entry: Entry, slice: number) => void;
}

/** A file that could not be read or measured: listed after the results, with its one-line error. */
export interface Failure {
  readonly id: number;
  readonly name: string;
  readonly error: string;
}

export const failureKey = (f: Failure): string => `failed:${f.id}`;

export interface ListState {
  readonly sort: Sort;
  /** Key of the row that holds the list's tab stop. */
  readonly active: string | undefined;
  /** Key of the row whose image is on display. */
  readonly selected: string | undefined;
  /** Files that failed, listed after the results in the order they failed. */
  readonly failures: readonly Failure[];
}

const dot = (r: FocusResult) => html`<span class="dot" aria-hidden="true" style="background:${levelColor(r.level, 1, r.probs.length).hex}"></span>`;
const verdictBadge = (r: FocusResult) => {
  const v = displayVerdict(r);
  return html`<span class="verdict ${v}">${VERDICT_TEXT[v]}</span>`;
};
const bestsCache = new WeakMap<readonly FocusResult[], ReadonlySet<FocusResult>>();
/** The best-focused slice of each z-series: one for a plain stack, one per channel and frame of a hyperstack. */
function bestsOf(entry: Entry): ReadonlySet<FocusResult> {
  let bests = bestsCache.get(entry.results);
  if (!bests) bestsCache.set(entry.results, (bests = new Set(bestPerSeries(entry.results))));
  return bests;
}

const star = (row: Row) => (row.entry.results.length > 1 && bestsOf(row.entry).has(row.result) ? html` <span title="best-focused slice" aria-label="best-focused slice">★</span>` : nothing);

/** Whether a file's slices are several z-series (channels or frames of a hyperstack). */
export const isHyperstack = (entry: Entry): boolean => bestsOf(entry).size > 1;

const hasFrames = (entry: Entry): boolean => entry.results.some((r) => r.position?.frame);

/** What a file's planes step along, as the app words it: "z" or "frame" in a hyperstack or time series, else "slice". */
export function axisName(entry: Entry): StackAxis {
  const axis = stackAxis(entry.results);
  return axis === 'frame' || isHyperstack(entry) ? axis : 'slice';
}

/** A hyperstack's series as the app names it: "channel 1", with ", frame 2" when its frames are series of z too. */
export function seriesName(entry: Entry, p: PlanePosition): string {
  return `channel ${p.channel}${hasFrames(entry) && stackAxis(entry.results) === 'z' ? `, frame ${p.frame}` : ''}`;
}

/** A slice's index, and in a hyperstack its place (0-based, as the CSV's channel, z and frame columns). */
function sliceLabel(row: Row): string {
  const p = row.result.position;
  if (!p || !isHyperstack(row.entry)) return String(row.result.slice);
  return `${row.result.slice} (c${p.channel} z${p.z}${hasFrames(row.entry) ? ` t${p.frame}` : ''})`;
}

/** A file name with break opportunities after `_`, `-`, `.` and `/`, so a narrow column wraps it at a sensible place. */
export const breakable = (name: string) => name.split(/(?<=[_\-./])/).map((part, i) => (i === 0 ? part : html`<wbr />${part}`));

/** The row that holds the tab stop: the active one if still listed, else the selected one, else the first. */
function tabStop(keys: readonly string[], state: ListState): string | undefined {
  if (state.active && keys.includes(state.active)) return state.active;
  if (state.selected && keys.includes(state.selected)) return state.selected;
  return keys[0];
}

/** Every row's key in display order: the results, then the failures. */
const listKeys = (rows: readonly Row[], failures: readonly Failure[]): string[] => [...rows.map((r) => r.key), ...failures.map(failureKey)];

export function resultsTable(rows: readonly Row[], state: ListState, on: ListHandlers): TemplateResult | typeof nothing {
  if (rows.length === 0 && state.failures.length === 0) return nothing;
  const { sort } = state;
  const keys = listKeys(rows, state.failures);
  const stop = tabStop(keys, state);
  return html`<div class="table-wrap">
    <table class="results" aria-label="results, one row per image or slice">
      <thead>
        <tr>
          ${COLUMNS.map(
            (c) => html`<th scope="col" class="col-${c.key}" aria-sort=${sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
              <button type="button" data-sort=${c.key} @click=${() => on.onSort({ key: c.key, descending: sort.key === c.key ? !sort.descending : false })}>
                ${c.label}<span aria-hidden="true">${sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
              </button>
            </th>`,
          )}
        </tr>
      </thead>
      <tbody @keydown=${(ev: KeyboardEvent) => on.onKey(ev, keys)}>
        ${rows.map((row) => {
          const { entry, result: r } = row;
          const isSelected = state.selected === row.key;
          return html`<tr
            class=${isSelected ? 'selected' : ''}
            tabindex=${row.key === stop ? 0 : -1}
            aria-selected=${isSelected ? 'true' : 'false'}
            data-key=${row.key}
            data-file=${entry.name}
            data-slice=${r.slice}
            @click=${() => on.onPick(entry, r.slice)}
          >
            <th scope="row" class="col-name">${breakable(entry.name)}${star(row)}</th>
            <td class="col-slice">${sliceLabel(row)}</td>
            <td class="col-verdict">${verdictBadge(r)}</td>
            <td class="col-level">${dot(r)}${r.level}</td>
            <td class="col-score">${r.score.toFixed(2)}</td>
            <td class="col-certainty">${r.certainty.toFixed(2)}</td>
            <td class="col-meanCertainty">${r.meanCertainty.toFixed(2)}</td>
            <td class="col-patches">${r.patches.length}</td>
          </tr>`;
        })}
        ${state.failures.map(
          (f) => html`<tr class="failed" tabindex=${failureKey(f) === stop ? 0 : -1} data-key=${failureKey(f)} data-file=${f.name}>
            <th scope="row" class="col-name">${breakable(f.name)}</th>
            <td class="col-error" colspan=${COLUMNS.length - 1}><span class="verdict failed">not measured:</span> ${f.error}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Phones: one card per row, the verdict on the first line, every table column in the card; sorting by a select. */
export function resultCards(rows: readonly Row[], state: ListState, on: ListHandlers): TemplateResult | typeof nothing {
  if (rows.length === 0 && state.failures.length === 0) return nothing;
  const { sort } = state;
  const keys = listKeys(rows, state.failures);
  const stop = tabStop(keys, state);
  return html`<div class="sort-controls">
      <label>Sort by
        <select id="sort-key" @change=${(ev: Event) => on.onSort({ key: (ev.target as HTMLSelectElement).value as SortKey, descending: sort.descending })}>
          ${COLUMNS.map((c) => html`<option value=${c.key} ?selected=${c.key === sort.key}>${c.label}</option>`)}
        </select>
      </label>
      <button type="button" id="sort-order" @click=${() => on.onSort({ key: sort.key, descending: !sort.descending })}>
        ${sort.descending ? '▼ descending' : '▲ ascending'}
      </button>
    </div>
    <ul class="cards" role="listbox" aria-label="results, one card per image or slice" @keydown=${(ev: KeyboardEvent) => on.onKey(ev, keys)}>
      ${rows.map((row) => {
        const { entry, result: r } = row;
        const isSelected = state.selected === row.key;
        return html`<li
          role="option"
          class=${isSelected ? 'selected' : ''}
          tabindex=${row.key === stop ? 0 : -1}
          aria-selected=${isSelected ? 'true' : 'false'}
          data-key=${row.key}
          data-file=${entry.name}
          data-slice=${r.slice}
          @click=${() => on.onPick(entry, r.slice)}
        >
          <span class="card-name">${breakable(entry.name)}${entry.results.length > 1 ? ` [slice ${sliceLabel(row)}]` : ''}${star(row)}</span>
          ${verdictBadge(r)}
          <span class="card-numbers">${dot(r)}level ${r.level} · score ${r.score.toFixed(2)} · certainty ${r.certainty.toFixed(2)} · mean
            ${r.meanCertainty.toFixed(2)} · ${r.patches.length} patches</span>
        </li>`;
      })}
      ${state.failures.map(
        (f) => html`<li role="option" class="failed" aria-selected="false" tabindex=${failureKey(f) === stop ? 0 : -1} data-key=${failureKey(f)} data-file=${f.name}>
          <span class="card-name">${breakable(f.name)}</span>
          <span class="verdict failed">not measured</span>
          <span class="card-numbers">${f.error}</span>
        </li>`,
      )}
    </ul>`;
}
