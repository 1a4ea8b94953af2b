/**
 * Patches as a grid of rows and columns, for moving between them with arrow keys and for finding the patch under a
 * finger or pointer. Patches need not be in any order; edge patches that were shifted back to end at the image border
 * (overlapping their neighbour) still form their own column or row.
 */
import type { PatchRect } from '../../core/types.js';

export interface PatchGrid {
  readonly columns: number;
  readonly rows: number;
  /** Column and row of patch `index`. */
  cell(index: number): { readonly column: number; readonly row: number };
  /** Index of the patch at a column and row, if there is one. */
  at(column: number, row: number): number | undefined;
}

/** Keys that move a highlighted patch (the rest are left to the page). */
export type PatchKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';
export const PATCH_KEYS: ReadonlySet<string> = new Set<PatchKey>(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

export function arrangePatches(patches: readonly PatchRect[]): PatchGrid {
  const xs = [...new Set(patches.map((p) => p.x))].sort((a, b) => a - b);
  const ys = [...new Set(patches.map((p) => p.y))].sort((a, b) => a - b);
  const column = new Map(xs.map((x, i) => [x, i]));
  const row = new Map(ys.map((y, i) => [y, i]));
  const byCell = new Map<number, number>();
  const cells = patches.map((p, i) => {
    const c = { column: column.get(p.x)!, row: row.get(p.y)! };
    byCell.set(c.row * xs.length + c.column, i);
    return c;
  });
  return {
    columns: xs.length,
    rows: ys.length,
    cell: (i) => cells[i]!,
    at: (c, r) => (c >= 0 && r >= 0 && c < xs.length && r < ys.length ? byCell.get(r * xs.length + c) : undefined),
  };
}

/**
 * The patch a key moves to from `index` (undefined: none highlighted yet, any key starts at the top-left patch).
 * Arrows step one patch and stop at the edges; Home/End go to the row's ends, PageUp/PageDown to the column's.
 */
export function movePatch(grid: PatchGrid, index: number | undefined, key: PatchKey): number | undefined {
  if (index === undefined) return grid.at(0, 0);
  const { column, row } = grid.cell(index);
  const target: Record<PatchKey, [number, number]> = {
    ArrowLeft: [column - 1, row],
    ArrowRight: [column + 1, row],
    ArrowUp: [column, row - 1],
    ArrowDown: [column, row + 1],
    Home: [0, row],
    End: [grid.columns - 1, row],
    PageUp: [column, 0],
    PageDown: [column, grid.rows - 1],
  };
  const [c, r] = target[key];
  return grid.at(c, r) ?? index;
}

/** The patch containing image point (x, y); where shifted edge patches overlap, the one whose centre is nearest. */
export function patchAt(patches: readonly PatchRect[], x: number, y: number): number | undefined {
  let best: number | undefined;
  let bestD = Infinity;
  patches.forEach((p, i) => {
    if (x < p.x || y < p.y || x >= p.x + p.w || y >= p.y + p.h) return;
    const d = (x - p.x - p.w / 2) ** 2 + (y - p.y - p.h / 2) ** 2;
    if (d < bestD) [best, bestD] = [i, d];
  });
  return best;
}
