/**
 * The app's result views as lit templates over plain data: the sortable table, the score-per-slice plot of a stack and
 * the plate-style grid of thumbnails. Display only; app.ts owns the state and the handlers.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { levelColor } from '../../core/colormap.js';
import type { FocusResult } from '../../core/types.js';

/** One measured file (all its measured slices), or one that failed. */
export interface Entry {
  readonly id: number;
  readonly name: string;
  readonly results: readonly FocusResult[];
  readonly best: FocusResult | undefined;
  /** Small contrast-stretched rendering of the best slice, for the grid. */
  readonly thumbnail: string | undefined;
  readonly warnings: readonly string[];
}

export type SortKey = 'name' | 'slice' | 'level' | 'score' | 'certainty' | 'meanCertainty' | 'inFocus' | 'patches';
export interface Sort {
  readonly key: SortKey;
  readonly descending: boolean;
}

interface Row {
  readonly entry: Entry;
  readonly result: FocusResult;
}

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: 'name', label: 'File' },
  { key: 'slice', label: 'Slice' },
  { key: 'level', label: 'Level' },
  { key: 'score', label: 'Score' },
  { key: 'certainty', label: 'Certainty' },
  { key: 'meanCertainty', label: 'Mean certainty' },
  { key: 'inFocus', label: 'In focus' },
  { key: 'patches', label: 'Patches' },
];

function value(row: Row, key: SortKey): string | number {
  const r = row.result;
  switch (key) {
    case 'name':
      return row.entry.name;
    case 'patches':
      return r.patches.length;
    case 'inFocus':
      return r.inFocus ? 1 : 0;
    default:
      return r[key];
  }
}

export function sortRows(entries: readonly Entry[], sort: Sort): Row[] {
  const rows = entries.flatMap((entry) => entry.results.map((result) => ({ entry, result })));
  const sign = sort.descending ? -1 : 1;
  // Stable: equal keys keep file order, then slice order.
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

export function resultsTable(entries: readonly Entry[], sort: Sort, onSort: (key: SortKey) => void, onPick: (entry: Entry, slice: number) => void, selected: { id: number; slice: number } | undefined): TemplateResult | typeof nothing {
  const rows = sortRows(entries, sort);
  if (rows.length === 0) return nothing;
  return html`<table class="results" aria-label="results">
    <thead>
      <tr>
        ${COLUMNS.map(
          (c) => html`<th aria-sort=${sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
            <button type="button" data-sort=${c.key} @click=${() => onSort(c.key)}>${c.label}${sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</button>
          </th>`,
        )}
      </tr>
    </thead>
    <tbody>
      ${rows.map(({ entry, result: r }) => {
        const isBest = entry.results.length > 1 && entry.best === r;
        const isSelected = selected?.id === entry.id && selected.slice === r.slice;
        return html`<tr
          class=${isSelected ? 'selected' : ''}
          tabindex="0"
          aria-selected=${isSelected ? 'true' : 'false'}
          data-file=${entry.name}
          data-slice=${r.slice}
          @click=${() => onPick(entry, r.slice)}
          @keydown=${(ev: KeyboardEvent) => ev.key === 'Enter' && onPick(entry, r.slice)}
        >
          <td>${entry.name}${isBest ? html` <span title="best-focused slice">★</span>` : nothing}</td>
          <td>${r.slice}</td>
          <td><span class="dot" style="background:${levelColor(r.level, 1, r.probs.length).hex}"></span>${r.level}</td>
          <td>${r.score.toFixed(2)}</td>
          <td>${r.certainty.toFixed(3)}</td>
          <td>${r.meanCertainty.toFixed(3)}</td>
          <td>${r.inFocus ? 'yes' : 'no'}</td>
          <td>${r.patches.length}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

/** Score (expected level, lower = sharper) per slice, the best slice ringed; clicking a point shows that slice. */
export function slicePlot(entry: Entry | undefined, onPick: (entry: Entry, slice: number) => void): TemplateResult | typeof nothing {
  if (!entry || entry.results.length < 2 || !entry.best) return nothing;
  const rs = [...entry.results].sort((a, b) => a.slice - b.slice);
  const levels = rs[0]!.probs.length;
  const [W, H, L, T, R, B] = [480, 180, 36, 12, 12, 30];
  const first = rs[0]!.slice;
  const last = rs[rs.length - 1]!.slice;
  const x = (s: number) => L + ((s - first) / Math.max(1, last - first)) * (W - L - R);
  const y = (v: number) => T + (v / (levels - 1)) * (H - T - B);
  const best = entry.best;
  return html`<figure class="plot">
    <figcaption>${entry.name}: score per slice (best: slice ${best.slice}, score ${best.score.toFixed(2)})</figcaption>
    <svg viewBox="0 0 ${W} ${H}" width=${W} height=${H} role="img" aria-label="score per slice">
      ${svg`<line x1=${L} y1=${H - B} x2=${W - R} y2=${H - B} stroke="#888"/>
        <line x1=${L} y1=${T} x2=${L} y2=${H - B} stroke="#888"/>
        <text x=${L - 6} y=${y(0) + 4} text-anchor="end" font-size="10">0</text>
        <text x=${L - 6} y=${y(levels - 1) + 4} text-anchor="end" font-size="10">${levels - 1}</text>
        <text x=${(W + L) / 2} y=${H - 4} text-anchor="middle" font-size="11">slice</text>
        <text x=${x(first)} y=${H - B + 12} text-anchor="middle" font-size="10">${first}</text>
        <text x=${x(last)} y=${H - B + 12} text-anchor="middle" font-size="10">${last}</text>
        <text x="10" y=${(H - B + T) / 2} font-size="11" text-anchor="middle" transform="rotate(-90 10 ${(H - B + T) / 2})">score (0 = sharp)</text>
        <polyline fill="none" stroke="#1565c0" stroke-width="1.5" points=${rs.map((r) => `${x(r.slice)},${y(r.score)}`).join(' ')}/>
        ${rs.map(
          (r) => svg`<circle class="point" cx=${x(r.slice)} cy=${y(r.score)} r="3.5" fill=${levelColor(r.level, 1, levels).hex} @click=${() => onPick(entry, r.slice)}><title>slice ${r.slice}: score ${r.score.toFixed(2)}, level ${r.level}</title></circle>`,
        )}
        <circle class="best" cx=${x(best.slice)} cy=${y(best.score)} r="8" fill="none" stroke="#000" stroke-width="2"/>
        <text x=${x(best.slice)} y=${y(best.score) - 11} text-anchor="middle" font-size="11">best</text>`}
    </svg>
  </figure>`;
}

/** Plate-style overview: one tile per file, its colour the level of its best slice, brightness its certainty. */
export function plateGrid(entries: readonly Entry[], onPick: (entry: Entry, slice: number) => void): TemplateResult | typeof nothing {
  const measured = entries.filter((e) => e.best);
  if (measured.length < 2) return nothing;
  return html`<div class="grid" role="list" aria-label="overview">
    ${measured.map((e) => {
      const b = e.best!;
      const colour = levelColor(b.level, b.certainty, b.probs.length).hex;
      return html`<button type="button" class="tile" role="listitem" title="${e.name}: level ${b.level}" style="border-color:${colour};background:${colour}" @click=${() => onPick(e, b.slice)}>
        ${e.thumbnail ? html`<img src=${e.thumbnail} alt="" />` : nothing}
        <span>${e.name}<br />L${b.level}</span>
      </button>`;
    })}
  </div>`;
}
