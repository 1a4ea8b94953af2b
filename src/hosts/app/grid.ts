/**
 * Plate-style overview: one tile per file, its border and badge in the level colour of its best slice, the label
 * readable on any colour. One tab stop for the whole grid (roving tab index); arrows move, Enter/Space show the file.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { levelColor } from '../../core/colormap.js';
import { readableText } from '../element/contrast.js';
import { VERDICT_TEXT, displayVerdict } from '../element/verdict.js';
import { breakable, type Entry } from './table.js';

export function plateGrid(
  entries: readonly Entry[],
  active: string | undefined,
  onKey: (ev: KeyboardEvent, keys: readonly string[]) => void,
  onPick: (entry: Entry, slice: number) => void,
): TemplateResult | typeof nothing {
  const measured = entries.filter((e) => e.best);
  if (measured.length < 2) return nothing;
  const keys = measured.map((e) => String(e.id));
  const stop = active && keys.includes(active) ? active : keys[0];
  return html`<ul class="grid" aria-label="overview, one tile per file" @keydown=${(ev: KeyboardEvent) => onKey(ev, keys)}>
    ${measured.map((e) => {
      const b = e.best!;
      const colour = levelColor(b.level, 1, b.probs.length);
      const verdict = VERDICT_TEXT[displayVerdict(b)];
      return html`<li>
        <button
          type="button"
          class="tile"
          data-key=${String(e.id)}
          tabindex=${String(e.id) === stop ? 0 : -1}
          style="border-color:${colour.hex}"
          @click=${() => onPick(e, b.slice)}
        >
          ${e.thumbnail ? html`<img src=${e.thumbnail} alt="" />` : nothing}
          <span class="badge" style="background:${colour.hex};color:${readableText(colour).color}"><span class="sr-only">level </span><span aria-hidden="true">L</span>${b.level}</span>
          <span class="label">${breakable(e.name)}<span class="sr-only">: ${verdict}</span></span>
        </button>
      </li>`;
    })}
  </ul>`;
}
