import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveHistory, rate } from '../../../../src/hosts/app/live/history.js';

describe('live history and rates', () => {
  it('a steady stream reads its true rate, from the first two events on', () => {
    const every100 = Array.from({ length: 30 }, (_, i) => i * 100);
    assert.equal(rate(every100, 2900, 2000), 10);
    assert.equal(rate([0, 100], 100, 2000), 10);
    assert.equal(rate([0], 0, 2000), 0, 'one event is no rate');
    assert.equal(rate(every100, 10_000, 2000), 0, 'nothing in the window: 0, not a stale rate');
  });

  it('counts camera frames and measurements apart; the skipped share is what was not measured', () => {
    const h = new LiveHistory(15_000, 2000);
    for (let i = 0; i < 30; i++) {
      h.frame(i * 33.3);
      if (i % 3 === 0) h.add({ at: i * 33.3, score: 5 - i / 10, level: 5, certainty: 0.5 });
    }
    assert.equal(h.frames, 30);
    assert.equal(h.measured, 10);
    assert.ok(Math.abs(h.droppedShare - 2 / 3) < 1e-9);
    assert.ok(Math.abs(h.frameRate(29 * 33.3) - 1000 / 33.3) < 0.01);
    assert.ok(Math.abs(h.measureRate(29 * 33.3) - 1000 / 99.9) < 0.01);
  });

  it('keeps the sharpest reading (lowest score) and forgets readings older than its span', () => {
    const h = new LiveHistory(1000, 500);
    h.add({ at: 0, score: 3, level: 3, certainty: 0.5 });
    h.add({ at: 400, score: 0.5, level: 0, certainty: 0.9 });
    h.add({ at: 1600, score: 2, level: 2, certainty: 0.7 });
    assert.equal(h.best?.score, 0.5, 'best since the start, even when it left the plot');
    assert.deepEqual(h.recent().map((r) => r.at), [1600]);
  });
});
