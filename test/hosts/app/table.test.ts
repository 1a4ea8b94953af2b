import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FocusResult } from '../../../src/core/types.js';
import { sortRows, type Entry } from '../../../src/hosts/app/table.js';

const result = (slice: number, score: number, certainty: number, inFocus: boolean, verdict: FocusResult['verdict'] = inFocus ? 'in' : 'out'): FocusResult => ({
  width: 84, height: 84, slice, level: Math.round(score), score, certainty, meanCertainty: certainty, maxCertainty: certainty, inFocus, verdict, probs: [], patches: [], timings: {},
});
const entry = (id: number, name: string, results: FocusResult[]): Entry => ({ id, name, results, best: results[0], thumbnail: undefined, warnings: [] });

describe('sorting the results', () => {
  const entries = [
    entry(1, 'b10.tif', [result(0, 8.2, 0.7, false)]),
    entry(2, 'b2.tif', [result(0, 0.4, 0.8, true), result(1, 0.4, 0.6, true)]),
    entry(3, 'blank.png', [result(0, 5.1, 0.01, false, 'uncertain')]),
  ];

  it('sorts file names in natural order (b2 before b10), slices in order within a file', () => {
    assert.deepEqual(sortRows(entries, { key: 'name', descending: false }).map((r) => r.key), ['2:0', '2:1', '1:0', '3:0']);
  });

  it('is stable: equal scores keep file and slice order, also when descending', () => {
    assert.deepEqual(sortRows(entries, { key: 'score', descending: false }).map((r) => r.key), ['2:0', '2:1', '3:0', '1:0']);
    assert.deepEqual(sortRows(entries, { key: 'score', descending: true }).map((r) => r.key), ['1:0', '3:0', '2:0', '2:1']);
  });

  it('sorts by verdict: in focus, then uncertain, then out of focus', () => {
    assert.deepEqual(sortRows(entries, { key: 'verdict', descending: false }).map((r) => r.key), ['2:0', '2:1', '3:0', '1:0']);
  });
});
