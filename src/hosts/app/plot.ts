/**
 * The score-per-slice plot of a stack, as a lit template. It is a slider for the keyboard (one tab stop; arrows,
 * Home/End, PageUp/PageDown pick the slice shown) and clickable points for the mouse.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { levelColor } from '../../core/colormap.js';
import { alongAxis, bySeries, stackAxis } from '../../core/hyperstack.js';
import { pickBestSlice } from '../../core/slices.js';
import type { FocusResult } from '../../core/types.js';
import { VERDICT_TEXT, displayVerdict } from '../element/verdict.js';
import { rovingIndex } from './roving.js';
import { axisName, isHyperstack, seriesName, type Entry } from './table.js';

/**
 * Score (expected level, lower = sharper) per slice, the best slice ringed, the shown one marked. In a hyperstack the
 * plot is the z-series of the shown plane's channel and frame, along z: the planes of other channels are other curves,
 * not neighbours.
 */
export function slicePlot(entry: Entry | undefined, shownSlice: number | undefined, onPick: (entry: Entry, slice: number) => void): TemplateResult | typeof nothing {
  if (!entry || entry.results.length < 2 || !entry.best) return nothing;
  const all = [...entry.results].sort((a, b) => a.slice - b.slice);
  const anchor = all.find((r) => r.slice === shownSlice) ?? entry.best;
  const series = bySeries(all);
  const rs = series.find((g) => g.includes(anchor)) ?? all;
  if (rs.length < 2) return nothing;
  const where = isHyperstack(entry) && anchor.position ? ` of ${seriesName(entry, anchor.position)}` : '';
  const along = stackAxis(all);
  const zOf = (r: FocusResult): number => alongAxis(r, along);
  const axis = axisName(entry);
  const levels = rs[0]!.probs.length;
  const [W, H, L, T, R, B] = [480, 180, 36, 12, 12, 30];
  const first = zOf(rs[0]!);
  const last = zOf(rs[rs.length - 1]!);
  const x = (s: number) => L + ((s - first) / Math.max(1, last - first)) * (W - L - R);
  const y = (v: number) => T + (v / (levels - 1)) * (H - T - B);
  const best = series.length > 1 ? pickBestSlice(rs) : entry.best;
  const shown = anchor;
  const index = rs.indexOf(shown);
  const onKey = (ev: KeyboardEvent) => {
    const next = rovingIndex(ev.key, index, rs.length, Math.max(1, Math.round(rs.length / 10)));
    if (next === undefined || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    ev.preventDefault();
    onPick(entry, rs[next]!.slice);
  };
  const text = `${axis} ${zOf(shown)}${where} (${index + 1} of ${rs.length}): score ${shown.score.toFixed(2)}, level ${shown.level}, ${VERDICT_TEXT[displayVerdict(shown)]}${shown === best ? `, the best-focused ${axis}` : ''}`;
  return html`<figure class="plot">
    <figcaption id="plot-caption">${entry.name}: score per ${axis}${where} (best: ${axis} ${zOf(best)}, score ${best.score.toFixed(2)}). Arrow keys pick the ${axis} shown.</figcaption>
    <svg
      viewBox="0 0 ${W} ${H}"
      width=${W}
      height=${H}
      tabindex="0"
      role="slider"
      aria-labelledby="plot-caption"
      aria-valuemin=${first}
      aria-valuemax=${last}
      aria-valuenow=${zOf(shown)}
      aria-valuetext=${text}
      @keydown=${onKey}
    >
      ${svg`<line x1=${L} y1=${H - B} x2=${W - R} y2=${H - B} stroke="#767676"/>
        <line x1=${L} y1=${T} x2=${L} y2=${H - B} stroke="#767676"/>
        <text x=${L - 6} y=${y(0) + 4} text-anchor="end" font-size="10">0</text>
        <text x=${L - 6} y=${y(levels - 1) + 4} text-anchor="end" font-size="10">${levels - 1}</text>
        <text x=${(W + L) / 2} y=${H - 4} text-anchor="middle" font-size="11">${axis}</text>
        <text x=${x(first)} y=${H - B + 12} text-anchor="middle" font-size="10">${first}</text>
        <text x=${x(last)} y=${H - B + 12} text-anchor="middle" font-size="10">${last}</text>
        <text x="10" y=${(H - B + T) / 2} font-size="11" text-anchor="middle" transform="rotate(-90 10 ${(H - B + T) / 2})">score (0 = sharp)</text>
        <line class="shown" x1=${x(zOf(shown))} y1=${T} x2=${x(zOf(shown))} y2=${H - B} stroke="#1a5fb4" stroke-dasharray="3 3"/>
        <polyline fill="none" stroke="#1565c0" stroke-width="1.5" points=${rs.map((r) => `${x(zOf(r))},${y(r.score)}`).join(' ')}/>
        ${rs.map(
          (r) => svg`<circle class="point" cx=${x(zOf(r))} cy=${y(r.score)} r="3.5" fill=${levelColor(r.level, 1, levels).hex} stroke="#333" stroke-width="0.5" @click=${() => onPick(entry, r.slice)}><title>${axis} ${zOf(r)}: score ${r.score.toFixed(2)}, level ${r.level}</title></circle>`,
        )}
        <circle class="best" cx=${x(zOf(best))} cy=${y(best.score)} r="8" fill="none" stroke="#000" stroke-width="2"/>
        <text x=${x(zOf(best))} y=${y(best.score) - 11} text-anchor="middle" font-size="11">best</text>`}
    </svg>
  </figure>`;
}
