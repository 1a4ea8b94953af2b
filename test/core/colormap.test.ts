import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelColor } from '../../src/core/colormap.js';

describe('levelColor', () => {
  it('colours level 0 red at full certainty (the paper: red = best focus)', () => {
    assert.deepEqual(levelColor(0, 1, 11), { r: 255, g: 0, b: 0, hex: '#ff0000' });
  });

  it('walks the hue wheel by level: with 6 levels, 2 is green and 4 is blue', () => {
    assert.equal(levelColor(2, 1, 6).hex, '#00ff00');
    assert.equal(levelColor(4, 1, 6).hex, '#0000ff');
    assert.equal(levelColor(1, 1, 6).hex, '#ffff00');
  });

  it('scales brightness by certainty: 0 is black, ½ is half-bright', () => {
    assert.equal(levelColor(3, 0, 11).hex, '#000000');
    assert.deepEqual(levelColor(0, 0.5, 11), { r: 128, g: 0, b: 0, hex: '#800000' });
  });

  it('gives 11 distinct colours for the 11 levels, the last magenta-ish (hue 327°)', () => {
    const hexes = Array.from({ length: 11 }, (_, k) => levelColor(k, 1, 11).hex);
    assert.equal(new Set(hexes).size, 11);
    const last = levelColor(10, 1, 11);
    assert.ok(last.r === 255 && last.g === 0 && last.b > 100 && last.b < 160);
  });

  it('rejects a level outside 0…levels−1', () => {
    assert.throws(() => levelColor(11, 1, 11), RangeError);
    assert.throws(() => levelColor(-1, 1, 11), RangeError);
  });
});
