import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overlayNames } from '../../src/hosts/cli/output.js';
import { ResultTable } from '../../src/hosts/cli/table.js';
import { RESULT } from '../io/csv.test.js';

describe('overlayNames', () => {
  it('uses the base name, or the flattened path when two inputs share a base name', () => {
    const names = overlayNames(['plate1/A01.tif', 'plate2/A01.tif', './x/B02.png']);
    assert.deepEqual([...names.values()], ['plate1_A01', 'plate2_A01', 'B02']);
  });
});

describe('ResultTable', () => {
  it('aligns a measured row under the header and spells out an error row', () => {
    const t = new ResultTable(['a.tif', 'long/name.tif']);
    const [head] = t.header().split('\n');
    const line = t.line({ file: 'a.tif', slice: 0, result: RESULT });
    // Numbers are right-aligned under their headers.
    for (const [col, value] of [['level', '1'], ['score', '1.23'], ['patches', '2']] as const) {
      const end = head!.indexOf(col) + col.length;
      assert.equal(line.slice(end - value.length, end), value, col);
    }
    assert.match(line, /^a\.tif\s+0\s+1\s+1\.23\s+0\.500\s+yes\s+in\s+2$/);
    assert.match(t.line({ file: 'long/name.tif', slice: 0, error: 'truncated' }), /^long\/name\.tif\s+0 {2}error: truncated$/);
  });
});
