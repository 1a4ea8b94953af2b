import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitIntoPatches } from '../../../src/core/patches.js';
import { arrangePatches, movePatch, patchAt } from '../../../src/hosts/element/patch-grid.js';

// The real patch layout of a 696×520 image (8 columns × 7 rows, last column and row shifted back to the border).
const rects = () => splitIntoPatches(696, 520, 84);

describe('patch grid', () => {
  it('arranges the real patch layout of a 696×520 image as 9 columns × 7 rows', () => {
    const patches = rects();
    const grid = arrangePatches(patches);
    assert.equal(grid.columns * grid.rows, patches.length);
    assert.deepEqual([grid.columns, grid.rows], [9, 7]);
    patches.forEach((p, i) => {
      const { column, row } = grid.cell(i);
      assert.equal(grid.at(column, row), i);
      if (column > 0) assert.ok(patches[grid.at(column - 1, row)!]!.x < p.x, 'columns ordered by x');
    });
  });

  it('works whatever order the patches come in', () => {
    const patches = rects().reverse();
    const grid = arrangePatches(patches);
    const first = movePatch(grid, undefined, 'ArrowRight')!;
    assert.deepEqual([patches[first]!.x, patches[first]!.y], [0, 0], 'the first key highlights the top-left patch');
  });

  it('arrows step one patch and stop at the edges; Home/End and PageUp/PageDown jump to the ends', () => {
    const patches = rects();
    const grid = arrangePatches(patches);
    const at = (i: number | undefined) => [patches[i!]!.x, patches[i!]!.y];
    let i = movePatch(grid, undefined, 'ArrowDown');
    assert.deepEqual(at(i), [0, 0]);
    assert.deepEqual(at(movePatch(grid, i, 'ArrowLeft')), [0, 0], 'left edge: stays');
    assert.deepEqual(at(movePatch(grid, i, 'ArrowUp')), [0, 0], 'top edge: stays');
    i = movePatch(grid, i, 'ArrowRight');
    assert.deepEqual(at(i), [84, 0]);
    i = movePatch(grid, i, 'ArrowDown');
    assert.deepEqual(at(i), [84, 84]);
    assert.deepEqual(at(movePatch(grid, i, 'End')), [696 - 84, 84], 'End: last patch of the row, shifted to the border');
    assert.deepEqual(at(movePatch(grid, i, 'Home')), [0, 84]);
    assert.deepEqual(at(movePatch(grid, i, 'PageDown')), [84, 520 - 84]);
    assert.deepEqual(at(movePatch(grid, i, 'PageUp')), [84, 0]);
  });

  it('finds the patch under a point; where shifted edge patches overlap, the nearest centre wins', () => {
    const patches = rects();
    const at = (x: number, y: number) => patches[patchAt(patches, x, y)!];
    assert.deepEqual([at(10, 10)!.x, at(10, 10)!.y], [0, 0]);
    assert.deepEqual([at(100, 200)!.x, at(100, 200)!.y], [84, 168]);
    // Columns 588…671 (centre 630) and 612…695 (centre 654) overlap on 612…671.
    assert.equal(at(620, 10)!.x, 588, 'x 620 is nearer centre 630');
    assert.equal(at(650, 10)!.x, 612, 'x 650 is nearer centre 654');
    assert.equal(at(600, 10)!.x, 588, 'only the unshifted patch covers x 600');
    assert.equal(patchAt(patches, 696, 10), undefined, 'outside the image');
    assert.equal(patchAt(patches, -1, 10), undefined);
  });
});
