import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_FIELDS } from '../../src/hosts/imagej/options.js';
import { DEFAULT_OPTIONS, MAX_BORDER_WIDTH, resolveOptions } from '../../src/core/options.js';
import { pickBestSlice, selectSlices } from '../../src/core/slices.js';

const isOptionsError = (pattern: RegExp) => (e: Error) => e.name === 'OptionsError' && pattern.test(e.message);

describe('resolveOptions', () => {
  it('fills every default from an empty object', () => {
    assert.deepEqual(resolveOptions({}), DEFAULT_OPTIONS);
  });

  it('accepts valid values, including numeric strings from option strings', () => {
    const o = resolveOptions({ batchSize: '128', slices: '2', aggregation: 'median', borderWidth: 0 });
    assert.deepEqual(o, { batchSize: 128, slices: 2, aggregation: 'median', borderWidth: 0, metrics: [], pixelSize: undefined });
    assert.equal(resolveOptions({ slices: 'best' }).slices, 'best');
  });

  it('reads metrics from a list, a comma-separated string or "all", without repeats', () => {
    assert.deepEqual(resolveOptions({ metrics: ['brenner', 'plls', 'brenner'] }).metrics, ['brenner', 'plls']);
    assert.deepEqual(resolveOptions({ metrics: ' plls, focus_score ' }).metrics, ['plls', 'focus_score']);
    assert.deepEqual(resolveOptions({ metrics: 'all' }).metrics, ['plls', 'focus_score', 'local_focus_score', 'laplacian_variance', 'brenner', 'tenengrad']);
    assert.deepEqual(resolveOptions({}).metrics, []);
  });

  it('names an unknown metric and refuses a metrics value of the wrong type', () => {
    assert.throws(() => resolveOptions({ metrics: ['plls', 'sharpness'] }), isOptionsError(/unknown metric "sharpness"/));
    assert.throws(() => resolveOptions({ metrics: 3 }), isOptionsError(/"metrics"/));
  });

  it('names an unknown option', () => {
    assert.throws(() => resolveOptions({ batchsize: 3 }), isOptionsError(/unknown option "batchsize"/));
  });

  it('names the option with a bad value', () => {
    assert.throws(() => resolveOptions({ batchSize: 0 }), isOptionsError(/"batchSize"/));
    assert.throws(() => resolveOptions({ batchSize: 2.5 }), isOptionsError(/"batchSize"/));
    assert.throws(() => resolveOptions({ slices: 'some' }), isOptionsError(/"slices"/));
    assert.throws(() => resolveOptions({ slices: -1 }), isOptionsError(/"slices"/));
    assert.throws(() => resolveOptions({ aggregation: 'mean' }), isOptionsError(/"aggregation"/));
  });

  it('allows patch borders up to ImageJ\'s 50 pixels, the same limit as the ImageJ dialog', () => {
    assert.equal(MAX_BORDER_WIDTH, 50);
    assert.equal(resolveOptions({ borderWidth: 50 }).borderWidth, 50);
    assert.throws(() => resolveOptions({ borderWidth: 51 }), isOptionsError(/"borderWidth" must be an integer from 0 to 50/));
    const imagej = COMMAND_FIELDS.find((f) => f.name === 'border');
    assert.ok(imagej?.kind === 'number' && imagej.max === MAX_BORDER_WIDTH);
  });
});

describe('selectSlices / pickBestSlice', () => {
  it('measures all slices for all and best, one for current or an index', () => {
    assert.deepEqual(selectSlices(3, 'all'), [0, 1, 2]);
    assert.deepEqual(selectSlices(3, 'best'), [0, 1, 2]);
    assert.deepEqual(selectSlices(3, 'current', 2), [2]);
    assert.deepEqual(selectSlices(3, 1), [1]);
  });

  it('rejects an empty stack and a missing slice', () => {
    assert.throws(() => selectSlices(0, 'all'), (e: Error) => e.name === 'ImageContentError' && /empty/.test(e.message));
    assert.throws(() => selectSlices(3, 3), (e: Error) => e.name === 'ImageContentError' && /slice 3/.test(e.message));
  });

  it('picks the lowest score, then the higher certainty', () => {
    const r = [
      { slice: 0, score: 4, certainty: 0.9 },
      { slice: 1, score: 1.5, certainty: 0.2 },
      { slice: 2, score: 1.5, certainty: 0.6 },
    ];
    assert.equal(pickBestSlice(r).slice, 2);
  });
});
