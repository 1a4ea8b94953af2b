import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchForThreads, pickThreads, threadCandidates } from '../../src/inference/threads.js';

describe('thread contest rules (inference/threads.ts)', () => {
  it('races 1 against every core (up to 4) only on a cross-origin isolated page with 2 or more cores', () => {
    assert.deepEqual(threadCandidates(2, true), [1, 2]);
    assert.deepEqual(threadCandidates(3, true), [1, 3]);
    assert.deepEqual(threadCandidates(16, true), [1, 4]);
    assert.deepEqual(threadCandidates(1, true), [1]);
    assert.deepEqual(threadCandidates(8, false), [1], 'without isolation there is no SharedArrayBuffer: one thread');
    assert.deepEqual(threadCandidates(Number.NaN, true), [1]);
  });

  it('each candidate counts by its fastest run; more threads must be at least 10 % faster to win', () => {
    const one = { threads: 1, msPerPatch: [1.0, 1.2] };
    assert.equal(pickThreads([one, { threads: 2, msPerPatch: [0.95, 0.7] }]).threads, 2, '0.7 vs 1.0: clearly faster');
    assert.equal(pickThreads([one, { threads: 2, msPerPatch: [0.93, 0.95] }]).threads, 1, '7 % faster is not enough');
    assert.equal(pickThreads([{ threads: 2, msPerPatch: [2.0, 1.9] }, one]).threads, 1, 'order of the list does not matter');
    assert.equal(pickThreads([one, { threads: 2, msPerPatch: [] }]).threads, 1, 'a candidate without timings cannot win');
    assert.equal(pickThreads([]).threads, 1);
  });

  it('says what it measured, in patches per second', () => {
    const { reason } = pickThreads([{ threads: 1, msPerPatch: [1.0] }, { threads: 2, msPerPatch: [0.5] }]);
    assert.match(reason, /1 thread: 1000 patches\/s, 2 threads: 2000 patches\/s/);
  });

  it('several threads get larger batches (fewer barriers), one thread keeps 64', () => {
    assert.equal(batchForThreads(1), 64);
    assert.ok(batchForThreads(2) > 64 && batchForThreads(4) === batchForThreads(2));
  });
});
