/**
 * The element's words and pictures about the result, as lit templates over plain data: the verdict line, the hover
 * tooltip, the highlighted patch's reading (a live region, so keyboard and screen-reader users hear it) and the legend.
 * Display only; focus-quality-view.ts owns the state.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { levelColor } from '../../core/colormap.js';
import type { FocusResult, PatchScore } from '../../core/types.js';
import { readableText } from './contrast.js';
import { describePatch } from './describe.js';
import { VERDICT_TEXT, displayVerdict } from './verdict.js';

/** One bar per level, its length the probability (hidden from screen readers: the sentence says what matters). */
function probabilityBars(patch: PatchScore, levels: number): TemplateResult {
  return html`<div class="bars" aria-hidden="true">
    ${patch.probs.map(
      (p, k) => html`<div>${k}: <span class="bar" style="width:${Math.round(p * 80)}px;color:${levelColor(k, 1, levels).hex}"></span> ${p.toFixed(3)}</div>`,
    )}
  </div>`;
}

/** The mouse-hover box next to the pointer (mouse only: touch and keyboard use the highlighted patch). */
export function tooltip(hover: { patch: PatchScore; left: number; top: number } | undefined, levels: number): TemplateResult | typeof nothing {
  if (!hover) return nothing;
  const { patch, left, top } = hover;
  return html`<div class="tooltip" part="tooltip" aria-hidden="true" style="left:${left}px;top:${top}px">
    <div><b>Level ${patch.level}</b> · certainty ${patch.certainty.toFixed(2)} · (${patch.x}, ${patch.y})</div>
    ${probabilityBars(patch, levels)}
  </div>`;
}

/**
 * The highlighted patch's reading. The status box is always rendered (empty when nothing is highlighted) so screen
 * readers know the live region before its first announcement.
 */
export function patchReading(patches: readonly PatchScore[], index: number | undefined, levels: number, inFocusMaxLevel: number | undefined): TemplateResult {
  const patch = index === undefined ? undefined : patches[index];
  return html`<div class="patch-info" part="patch-info">
    <div class="reading" role="status">${patch ? describePatch(patch, index!, patches.length, inFocusMaxLevel) : ''}</div>
    ${patch ? probabilityBars(patch, levels) : nothing}
  </div>`;
}

/** Swatches 0 … levels−1 in their level colours, each digit black or white, whichever is readable (WCAG AA). */
export function legend(levels: number): TemplateResult {
  return html`<div class="legend" part="legend" role="group" aria-label="colour legend">
    ${Array.from({ length: levels }, (_, k) => {
      const bg = levelColor(k, 1, levels);
      return html`<span class="swatch" style="background:${bg.hex};color:${readableText(bg).color}" title="level ${k}">${k}</span>`;
    })}
    <span>level: 0 in focus → ${levels - 1} most defocused; dimmer = less certain</span>
  </div>`;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "In focus — level 1 · score 0.97 · …": the verdict first, then the numbers behind it; a polite live region. */
/**
 * Which plane of a hyperstack the summary is about ("slice 5: channel 1, z 2, frame 0 · "), 0-based as the CSV's
 * columns: a `slice` index alone does not tell a microscopist which channel was measured. Empty for other images.
 */
export function planeText(r: Pick<FocusResult, 'slice' | 'position'>): string {
  const p = r.position;
  return p ? `slice ${r.slice}: channel ${p.channel}, z ${p.z}, frame ${p.frame} · ` : '';
}

export function summaryLine(r: FocusResult): TemplateResult {
  const ms = r.timings.totalMs ?? Object.values(r.timings).reduce((a, b) => a + b, 0);
  const verdict = displayVerdict(r);
  const level = verdict === 'uncertain' ? `level ${r.level} is a guess` : `level ${r.level}`;
  return html`<div class="summary" part="summary" aria-live="polite">
    <span class="verdict ${verdict}">${capitalise(VERDICT_TEXT[verdict])}</span> — ${planeText(r)}${level} · score ${r.score.toFixed(2)} · certainty
    ${r.certainty.toFixed(2)} · ${r.patches.length} patches${r.backend ? ` · ${r.backend}` : ''} · ${Math.round(ms)} ms
  </div>`;
}
