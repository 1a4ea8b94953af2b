import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { expandInputs } from '../../src/node/inputs.js';
import { tempDir } from '../io/fixtures.js';

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

  it('expands *, ?, [..], ** and braces ({a,b}, {1..3}) itself', () => {
    const p = (...xs: string[]) => xs.map((x) => join(dir, x));
    assert.deepEqual(expandInputs([`${dir}/plate/*.tif`]), p('plate/A01.tif'));
    assert.deepEqual(expandInputs([`${dir}/plate/**/*.{png,TIFF}`]), p('plate/B02/x.TIFF', 'plate/B02/y.png'));
    assert.deepEqual(expandInputs([`${dir}/plate/{A0?,B02/[xy]}.*`]), p('plate/A01.tif', 'plate/B02/x.TIFF', 'plate/B02/y.png'));
    assert.deepEqual(expandInputs([`${dir}/plate/A0{1..3}.tif`]), p('plate/A01.tif'));
  });

  it('expands globs itself and fails on a glob matching nothing or a missing path', () => {
    assert.deepEqual(expandInputs([`${dir}/plate/**/*.png`]), [join(dir, 'plate/B02/y.png')]);
    assert.throws(() => expandInputs([`${dir}/plate/*.jpg`]), (e: Error) => e.name === 'OptionsError' && /no files match/.test(e.message));
    assert.throws(() => expandInputs([join(dir, 'missing.tif')]), (e: Error) => e.name === 'OptionsError' && /no such file or folder/.test(e.message));
  });
});

describe('expandInputs with symbolic links', () => {
  let dir: string;
  before(() => {
    dir = tempDir('links');
    mkdirSync(join(dir, 'd', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'd', 'a.tif'), '');
    writeFileSync(join(dir, 'd', 'sub', 'b.tif'), '');
    writeFileSync(join(dir, 'outside.tif'), '');
    symlinkSync('.', join(dir, 'd', 'self'));
    symlinkSync('.', join(dir, 'd', 'self2'));
    symlinkSync('..', join(dir, 'd', 'sub', 'up'));
    symlinkSync('..', join(dir, 'd', 'parent'));
    symlinkSync('a.tif', join(dir, 'd', 'link-to-a.tif'));
    symlinkSync('sub', join(dir, 'd', 'zz-sub-again'));
    symlinkSync('missing.tif', join(dir, 'd', 'dangling.tif'));
  });

  it('lists each real file once through loops (. and .. links, two of them, a folder linked twice, a file link), under its first name', () => {
    assert.deepEqual(expandInputs([join(dir, 'd')]), [join(dir, 'd/a.tif'), join(dir, 'd/sub/b.tif')]);
  });

  it('treats `.` and the folder by name as one input (same real files)', () => {
    const here = process.cwd();
    try {
      process.chdir(dir);
      assert.deepEqual(expandInputs(['d', './d', 'd/a.tif']), ['d/a.tif', 'd/sub/b.tif']);
    } finally {
      process.chdir(here);
    }
  });

  it('expands a glob through the same loops without hanging', () => {
    assert.deepEqual(expandInputs([`${dir}/d/**/*.tif`]), [join(dir, 'd/a.tif'), join(dir, 'd/sub/b.tif')]);
  });
});
