import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { expandInputs, globToRegExp } from '../../src/node/inputs.js';
import { tempDir } from '../io/fixtures.js';

describe('globToRegExp', () => {
  it('matches * within a name, ** across folders, ? and [..] classes', () => {
    assert.ok(globToRegExp('*.tif').test('a.tif'));
    assert.ok(!globToRegExp('*.tif').test('sub/a.tif'));
    assert.ok(globToRegExp('**/*.tif').test('a.tif'));
    assert.ok(globToRegExp('**/*.tif').test('x/y/a.tif'));
    assert.ok(globToRegExp('w?.png').test('w1.png'));
    assert.ok(globToRegExp('[ab]*.tif').test('b2.tif') && !globToRegExp('[ab]*.tif').test('c2.tif'));
    assert.ok(!globToRegExp('a.tif').test('aXtif'), 'dots are literal');
  });
});

describe('expandInputs', () => {
  let dir: string;
  before(() => {
    dir = tempDir('inputs');
    mkdirSync(join(dir, 'plate', 'B02'), { recursive: true });
    mkdirSync(join(dir, 'plate', '.hidden'), { recursive: true });
    for (const f of ['plate/A01.tif', 'plate/B02/x.TIFF', 'plate/B02/y.png', 'plate/notes.txt', 'plate/.hidden/z.tif', 'odd.dat']) writeFileSync(join(dir, f), '');
  });

  it('walks folders recursively for .tif/.tiff/.png in any case, skipping hidden entries, sorted', () => {
    assert.deepEqual(expandInputs([join(dir, 'plate')]), [join(dir, 'plate/A01.tif'), join(dir, 'plate/B02/x.TIFF'), join(dir, 'plate/B02/y.png')]);
  });

  it('takes a named file whatever its extension, and de-duplicates', () => {
    assert.deepEqual(expandInputs([join(dir, 'odd.dat'), join(dir, 'odd.dat')]), [join(dir, 'odd.dat')]);
  });

  it('expands globs itself and fails on a glob matching nothing or a missing path', () => {
    assert.deepEqual(expandInputs([`${dir}/plate/**/*.png`]), [join(dir, 'plate/B02/y.png')]);
    assert.throws(() => expandInputs([`${dir}/plate/*.jpg`]), (e: Error) => e.name === 'OptionsError' && /no files match/.test(e.message));
    assert.throws(() => expandInputs([join(dir, 'missing.tif')]), (e: Error) => e.name === 'OptionsError' && /no such file or folder/.test(e.message));
  });
});
