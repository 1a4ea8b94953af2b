import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rovingIndex } from '../../../src/hosts/app/roving.js';

describe('roving tab index', () => {
  it('arrows step one item and stop at the ends', () => {
    assert.equal(rovingIndex('ArrowDown', 0, 3), 1);
    assert.equal(rovingIndex('ArrowRight', 2, 3), 2);
    assert.equal(rovingIndex('ArrowUp', 0, 3), 0);
    assert.equal(rovingIndex('ArrowLeft', 2, 3), 1);
  });

  it('Home/End jump to the ends; PageUp/PageDown move a page, clamped', () => {
    assert.equal(rovingIndex('Home', 7, 50), 0);
    assert.equal(rovingIndex('End', 7, 50), 49);
    assert.equal(rovingIndex('PageDown', 7, 50), 17);
    assert.equal(rovingIndex('PageDown', 45, 50), 49);
    assert.equal(rovingIndex('PageUp', 7, 50, 5), 2);
  });

  it('leaves other keys (Tab, letters) and empty lists alone', () => {
    assert.equal(rovingIndex('Tab', 1, 3), undefined);
    assert.equal(rovingIndex('a', 1, 3), undefined);
    assert.equal(rovingIndex('ArrowDown', 0, 0), undefined);
  });
});
