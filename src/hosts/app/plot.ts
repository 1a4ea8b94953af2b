/**
 * The score-per-slice plot of a stack, as a lit template. It is a slider for the keyboard (one tab stop; arrows,
 * Home/End, PageUp/PageDown pick the slice shown) and clickable points for the mouse.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { levelColor } from '../../core/colormap.js';
import { VERDICT_TEXT, displayVerdict } from '../element/verdict.js';
import { rovingIndex } from './roving.js';
import type { Entry } from './table.js';

/** Score (expected level, lower = sharper) per slice, the best slice ringed, the shown one marked. */
export function slicePlot(entry: Entry | undefined, shownSlice: number | undefined, onPick: (entry: Entry, slice: number) => void): TemplateResult | typeof nothing {
  if (!entry || entry.results.length < 2 || !entry.best) return nothing;
  const rs = [...entry.results].sort((a, b) => a.slice - b.slice);
  const levels = rs[0]!.probs.length;
  const [W, H, L, T, R, B] = [480, 180, 36, 12, 12, 30];
  const first = rs[0]!.slice;
  const last = rs[rs.length - 1]!.slice;
  const x = (s: number) => L + ((s - first) / Math.max(1, last - first)) * (W - L - R);
  const y = (v: number) => T + (v / (levels - 1)) * (H - T - B);
  const best = entry.best;
  const shown = rs.find((r) => r.slice === shownSlice) ?? best;
  const index = rs.indexOf(shown);
  const onKey = (ev: KeyboardEvent) => {
    const next = rovingIndex(ev.key, index, rs.length, Math.max(1, Math.round(rs.length / 10)));
    if (next === undefined || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    ev.preventDefault();
    onPick(entry, rs[next]!.slice);
  };
  const text = `slice ${shown.slice} (${index + 1} of ${rs.length}): score ${shown.score.toFixed(2)}, level ${shown.level}, ${VERDICT_TEXT[displayVerdict(shown)]}${shown === best ? ', the best-focused slice' : ''}`;
  return html`<figure class="plot">
    <figcaption id="plot-caption">${entry.name}: score per slice (best: slice ${best.slice}, score ${best.score.toFixed(2)}). Arrow keys pick the slice shown.</figcaption>
    <svg
      viewBox="0 0 ${W} ${H}"
      width=${W}
      height=${H}
      tabindex="0"
      role="slider"
      aria-labelledby="plot-caption"
      aria-valuemin=${first}
      aria-valuemax=${last}
      aria-valuenow=${shown.slice}
      aria-valuetext=${text}
      @keydown=${onKey}
    >
      ${svg`<line x1=${L} y1=${H - B} x2=${W - R} y2=${H - B} stroke="#767676"/>
        <line x1=${L} y1=${T} x2=${L} y2=${H - B} stroke="#767676"/>
        <text x=${L - 6} y=${y(0) + 4} text-anchor="end" font-size="10">0</text>
        <text x=${L - 6} y=${y(levels - 1) + 4} text-anchor="end" font-size="10">${levels - 1}</text>
        <text x=${(W + L) / 2} y=${H - 4} text-anchor="middle" font-size="11">slice</text>
        <text x=${x(first)} y=${H - B + 12} text-anchor="middle" font-size="10">${first}</text>
        <text x=${x(last)} y=${H - B + 12} text-anchor="middle" font-size="10">${last}</text>
        <text x="10" y=${(H - B + T) / 2} font-size="11" text-anchor="middle" transform="rotate(-90 10 ${(H - B + T) / 2})">score (0 = sharp)</text>
        <line class="shown" x1=${x(shown.slice)} y1=${T} x2=${x(shown.slice)} y2=${H - B} stroke="#1a5fb4" stroke-dasharray="3 3"/>
        <polyline fill="none" stroke="#1565c0" stroke-width="1.5" points=${rs.map((r) => `${x(r.slice)},${y(r.score)}`).join(' ')}/>
        ${rs.map(
          (r) => svg`<circle class="point" cx=${x(r.slice)} cy=${y(r.score)} r="3.5" fill=${levelColor(r.level, 1, levels).hex} stroke="#333" stroke-width="0.5" @click=${() => onPick(entry, r.slice)}><title>slice ${r.slice}: score ${r.score.toFixed(2)}, level ${r.level}</title></circle>`,
        )}
        <circle class="best" cx=${x(best.slice)} cy=${y(best.score)} r="8" fill="none" stroke="#000" stroke-width="2"/>
        <text x=${x(best.slice)} y=${y(best.score) - 11} text-anchor="middle" font-size="11">best</text>`}
    </svg>
  </figure>`;
}
