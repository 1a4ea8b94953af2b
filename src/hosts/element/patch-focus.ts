/**
 * Which patch the user points at (mouse hover, for the tooltip) and which one is highlighted (tap, click or arrow
 * keys, for the live-region reading), as a lit reactive controller: the element renders, this keeps the state.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PatchScore } from '../../core/types.js';
import { PATCH_KEYS, arrangePatches, movePatch, patchAt, type PatchGrid, type PatchKey } from './patch-grid.js';

export interface Hover {
  readonly patch: PatchScore;
  /** Tooltip position in CSS pixels from the stage's top-left corner. */
  readonly left: number;
  readonly top: number;
}

export interface PatchView {
  /** Patches of the result on display (none without a result). */
  readonly patches: readonly PatchScore[];
  /** Size of the image in pixels, and the canvas showing it (to map screen points to image points). */
  readonly imageSize: { readonly width: number; readonly height: number } | undefined;
  readonly canvas: HTMLCanvasElement | null;
}

export class PatchFocus implements ReactiveController {
  hover: Hover | undefined;
  /** Index in `patches` of the highlighted patch. */
  highlighted: number | undefined;
  private grid: { patches: readonly PatchScore[]; grid: PatchGrid } | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly view: () => PatchView,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** A new result: nothing pointed at, nothing highlighted. */
  reset(): void {
    this.hover = undefined;
    this.highlighted = undefined;
    this.host.requestUpdate();
  }

  get highlightedPatch(): PatchScore | undefined {
    return this.highlighted === undefined ? undefined : this.view().patches[this.highlighted];
  }

  private patchGrid(): PatchGrid | undefined {
    const { patches } = this.view();
    if (patches.length === 0) return undefined;
    if (this.grid?.patches !== patches) this.grid = { patches, grid: arrangePatches(patches) };
    return this.grid.grid;
  }

  /** The patch under a pointer event, and the canvas box it was measured against. */
  private patchUnder(ev: PointerEvent): { index: number; box: DOMRect } | undefined {
    const { canvas, imageSize, patches } = this.view();
    if (!canvas || !imageSize) return undefined;
    const box = canvas.getBoundingClientRect();
    const index = patchAt(patches, ((ev.clientX - box.left) * imageSize.width) / box.width, ((ev.clientY - box.top) * imageSize.height) / box.height);
    return index === undefined ? undefined : { index, box };
  }

  readonly onPointerMove = (ev: PointerEvent): void => {
    if (ev.pointerType !== 'mouse') return;
    const at = this.patchUnder(ev);
    this.hover = at ? { patch: this.view().patches[at.index]!, left: ev.clientX - at.box.left + 12, top: ev.clientY - at.box.top + 12 } : undefined;
    this.host.requestUpdate();
  };

  readonly onPointerLeave = (): void => {
    this.hover = undefined;
    this.host.requestUpdate();
  };

  /** A tap or click highlights the patch under it, as the arrow keys would. */
  readonly onPointerDown = (ev: PointerEvent): void => {
    const at = this.patchUnder(ev);
    if (!at) return;
    this.highlighted = at.index;
    this.host.requestUpdate();
  };

  /** Arrows, Home/End, PageUp/PageDown move the highlight; Escape clears it. */
  readonly onKeyDown = (ev: KeyboardEvent): void => {
    const grid = this.patchGrid();
    if (!grid || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (PATCH_KEYS.has(ev.key)) {
      ev.preventDefault();
      this.highlighted = movePatch(grid, this.highlighted, ev.key as PatchKey);
    } else if (ev.key === 'Escape' && this.highlighted !== undefined) {
      ev.preventDefault();
      this.highlighted = undefined;
    } else return;
    this.host.requestUpdate();
  };
}
