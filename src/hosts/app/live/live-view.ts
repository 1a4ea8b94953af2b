/**
 * The live meter as lit templates over plain data: the gauge (a needle on the 0…levels−1 score scale, coloured by
 * level), the history plot of the last seconds with the sharpest moment marked, and the rates. Display only.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { levelColor } from '../../../core/colormap.js';
import { VERDICT_TEXT, displayVerdict } from '../../element/verdict.js';
import type { LiveHistory } from './history.js';
import type { LiveReading } from './live-session.js';

export interface Scale {
  readonly levels: number;
  readonly inFocusMaxLevel: number;
}

/** Current level, verdict and a needle at the score; `role="meter"` so assistive technology reads the value. */
export function gauge(reading: LiveReading | undefined, scale: Scale): TemplateResult {
  const [W, H, pad] = [360, 46, 8];
  const segment = (W - 2 * pad) / scale.levels;
  // Level k is the k-th coloured segment; a score of exactly k points at its middle.
  const x = (v: number) => pad + (Math.min(scale.levels - 1, Math.max(0, v)) + 0.5) * segment;
  const r = reading?.result;
  const verdict = r ? displayVerdict(r) : undefined;
  return html`<div class="gauge">
    <p class="live-level">
      ${r
        ? html`<span class="big">Level ${r.level}</span> <span class="verdict ${verdict}">${VERDICT_TEXT[verdict!]}</span>
            <span class="small">score ${r.score.toFixed(2)} · certainty ${r.certainty.toFixed(2)}</span>`
        : html`<span class="big">—</span> <span class="small">no reading yet</span>`}
    </p>
    <svg
      viewBox="0 0 ${W} ${H}"
      width=${W}
      height=${H}
      role="meter"
      aria-label="defocus score (0 = sharp)"
      aria-valuemin="0"
      aria-valuemax=${scale.levels - 1}
      aria-valuenow=${r ? r.score.toFixed(2) : 0}
      aria-valuetext=${r ? `score ${r.score.toFixed(1)}, level ${r.level}, ${VERDICT_TEXT[verdict!]}` : 'no reading'}
    >
      ${svg`${Array.from({ length: scale.levels }, (_, k) => svg`<rect x=${pad + k * segment} y="14" width=${segment} height="12" fill=${levelColor(k, 1, scale.levels).hex}/>`)}
        <rect x=${pad} y="14" width=${(scale.inFocusMaxLevel + 1) * segment} height="12" fill="none" stroke="#222" stroke-width="1.5"/>
        <text x=${pad} y="40" font-size="11">0 sharp</text>
        <text x=${W - pad} y="40" font-size="11" text-anchor="end">${scale.levels - 1} defocused</text>
        ${r ? svg`<g class="needle" transform="translate(${x(r.score).toFixed(1)} 0)">
              <path d="M -6 2 L 6 2 L 0 13 Z" fill="#111"/><line x1="0" y1="13" x2="0" y2="28" stroke="#111" stroke-width="2.5"/></g>` : nothing}`}
    </svg>
  </div>`;
}

/** Score over the last seconds (sharp at the top), the in-focus band shaded, the sharpest reading marked. */
export function historyPlot(history: LiveHistory, now: number, scale: Scale): TemplateResult {
  const [W, H, L, T, B] = [360, 130, 30, 8, 20];
  const span = history.span;
  const x = (t: number) => L + ((t - (now - span)) / span) * (W - L - 4);
  const y = (v: number) => T + (Math.min(scale.levels - 1, Math.max(0, v)) / (scale.levels - 1)) * (H - T - B);
  const rs = history.recent();
  const best = history.best && history.best.at >= now - span ? history.best : undefined;
  const band = y(scale.inFocusMaxLevel + 0.5);
  return html`<figure class="live-history">
    <svg viewBox="0 0 ${W} ${H}" width=${W} height=${H} role="img" aria-label="score over the last ${Math.round(span / 1000)} seconds${history.best ? `; sharpest so far: score ${history.best.score.toFixed(2)}` : ''}">
      ${svg`<rect x=${L} y=${T} width=${W - L - 4} height=${band - T} fill="#e3f4e3"/>
        <line x1=${L} y1=${H - B} x2=${W - 4} y2=${H - B} stroke="#767676"/>
        <line x1=${L} y1=${T} x2=${L} y2=${H - B} stroke="#767676"/>
        <text x=${L - 4} y=${y(0) + 4} font-size="10" text-anchor="end">0</text>
        <text x=${L - 4} y=${y(scale.levels - 1) + 4} font-size="10" text-anchor="end">${scale.levels - 1}</text>
        <text x=${L + 4} y=${T + 10} font-size="10" fill="#1b5e20">in focus</text>
        <text x=${W - 4} y=${H - 6} font-size="10" text-anchor="end">now</text>
        <text x=${L} y=${H - 6} font-size="10">−${Math.round(span / 1000)} s</text>
        <polyline fill="none" stroke="#1565c0" stroke-width="1.5" points=${rs.map((r) => `${x(r.at).toFixed(1)},${y(r.score).toFixed(1)}`).join(' ')}/>
        ${best ? svg`<circle class="best" cx=${x(best.at)} cy=${y(best.score)} r="5" fill="none" stroke="#000" stroke-width="2"><title>sharpest: score ${best.score.toFixed(2)}</title></circle>` : nothing}`}
    </svg>
    <figcaption>Score over the last ${Math.round(span / 1000)} s (lower = sharper)${history.best ? html`; sharpest so far <b>${history.best.score.toFixed(2)}</b> (level ${history.best.level})` : ''}.</figcaption>
  </figure>`;
}

/** Measurements per second, camera frames per second, share skipped, latency. */
export function rates(history: LiveHistory, last: LiveReading | undefined, now: number): TemplateResult {
  const measured = history.measureRate(now);
  const camera = history.frameRate(now);
  return html`<p class="live-rate">
    <span class="measure-rate" data-rate=${measured.toFixed(2)}>${measured.toFixed(1)} measurements/s</span> · camera ${camera.toFixed(1)} frames/s ·
    ${Math.round(history.droppedShare * 100)} % of frames skipped${last ? ` · ${Math.round(last.latencyMs)} ms per measurement` : ''}
  </p>`;
}
