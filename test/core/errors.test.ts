import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_NAMES, ImageContentError, ImageFormatError, ModelError, errorFields, formatError, reviveError, withContext } from '../../src/core/errors.js';
import { measureStack, planesOf, type Measurer } from '../../src/core/measure-stack.js';
import type { FocusResult, GrayImage } from '../../src/core/types.js';

describe('errors carry file and slice as fields', () => {
  it('keeps the message free of the file name, which rides in `file`', () => {
    const e = new ImageFormatError('file is truncated', { file: 'cut.tif' });
    assert.equal(e.message, 'file is truncated');
    assert.equal(e.file, 'cut.tif');
    assert.equal(e.slice, undefined);
    assert.equal(e.name, 'ImageFormatError');
  });

  it('formats "file [slice k]: message", leaving out what is unknown, on one line', () => {
    assert.equal(formatError(new ImageContentError('image is 50×60 pixels', { file: 'a.tif', slice: 3 })), 'a.tif [slice 3]: image is 50×60 pixels');
    assert.equal(formatError(new ImageContentError('image is 50×60 pixels', { file: 'a.tif' })), 'a.tif: image is 50×60 pixels');
    assert.equal(formatError(new ImageContentError('no pixels', { slice: 0 })), '[slice 0]: no pixels');
    assert.equal(formatError(new ModelError('cannot create a session\n  at ort.wasm:1\n  at …')), 'cannot create a session');
    assert.equal(formatError('a thrown string'), 'a thrown string');
    assert.equal(formatError(new TypeError('')), 'TypeError');
  });

  it('withContext adds only what the error does not say yet, keeping class, message and stack', () => {
    const e = new ImageContentError('bad', { slice: 2 });
    const stack = e.stack;
    const same = withContext(e, { file: 'x.tif', slice: 7 });
    assert.equal(same, e);
    assert.ok(same instanceof ImageContentError);
    assert.equal(formatError(same), 'x.tif [slice 2]: bad');
    assert.equal(same.stack, stack);
    assert.equal(withContext(e, { file: 'other.tif' }).message, 'bad');
    assert.equal(formatError(withContext(e, { file: 'other.tif' })), 'x.tif [slice 2]: bad');
    const plain = withContext(new RangeError('out of range'), { file: 'y.png' });
    assert.equal(formatError(plain), 'y.png: out of range');
    assert.equal(plain.name, 'RangeError');
    assert.equal(formatError(withContext(42, { file: 'z' })), 'z: 42');
  });

  it('survives a structured clone (what a worker sends) and is revived as its own class', () => {
    for (const name of ERROR_NAMES) {
      const original = reviveError({ name, message: `a ${name}` });
      assert.equal(original.name, name);
      const sent = structuredClone(errorFields(withContext(original, { file: 'w.tif', slice: 1 })));
      const back = reviveError(sent);
      assert.equal(back.name, name);
      assert.equal(back.constructor.name, name);
      assert.equal(formatError(back), `w.tif [slice 1]: a ${name}`);
      assert.equal(back.stack, original.stack);
    }
    const other = reviveError(structuredClone(errorFields(new TypeError('x is null'))));
    assert.equal(other.name, 'TypeError');
    assert.equal(other.message, 'x is null');
  });
});

describe('measureStack names the slice an error happened in', () => {
  const plane: GrayImage = { data: new Uint8Array(84 * 84), width: 84, height: 84, bitDepth: 8 };
  const failingAt = (bad: number): Measurer => ({
    measure: async (_p, options = {}) => {
      if (options.slice === bad) throw new ImageContentError('1 of 7056 pixels are NaN or infinite');
      return { slice: options.slice ?? 0, score: 1, certainty: 1 } as FocusResult;
    },
  });

  it('sets `slice` on an error from slice 2 of a 3-slice stack', async () => {
    const err = await measureStack(failingAt(2), planesOf({ slices: [plane, plane, plane] })).catch((e: unknown) => e as Error);
    assert.ok(err instanceof ImageContentError);
    assert.equal(formatError(withContext(err, { file: 's.tif' })), 's.tif [slice 2]: 1 of 7056 pixels are NaN or infinite');
  });

  it('leaves `slice` out for a single image, where it says nothing', async () => {
    const err = await measureStack(failingAt(0), planesOf({ slices: [plane] })).catch((e: unknown) => e as Error);
    assert.equal(formatError(err), '1 of 7056 pixels are NaN or infinite');
  });
});
