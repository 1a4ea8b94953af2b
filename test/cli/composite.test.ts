// `focus-quality stack.tif --composite out.tif --depth-map map.tif` (issue 14.1) with the shipped model, on a stack of
// two real in-focus fields placed at different simulated depths, and the one-slice and bad-input cases.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { composeAllInFocus } from '../../src/core/composite.js';
import { measureStack } from '../../src/core/measure-stack.js';
import type { GrayImage } from '../../src/core/types.js';
import { decodeImage } from '../../src/io/decode.js';
import { encodeTiff } from '../../src/io/tiff-encode.js';
import { modelMeasurer } from '../../src/inference/measure.js';
import { readImageFile } from '../../src/node/image-files.js';
import { loadModelFromDisk } from '../../src/node/model-files.js';
import { gaussianBlur } from '../core/metrics/fixtures.js';
import { IN_FOCUS_DIR, REPO, readBytes, tempDir } from '../io/fixtures.js';

const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin', 'focus-quality.js'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });

describe('focus-quality --composite / --depth-map', { timeout: 600_000 }, () => {
  let dir: string;
  let planes: GrayImage[];
  const W = 672;
  const H = 504;

  before(async () => {
    dir = tempDir('composite');
    const A = (await readImageFile(join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif'))).slices[0]!;
    const B = (await readImageFile(join(IN_FOCUS_DIR, 'BBBC006_a02_s1_w1_z10.tif'))).slices[0]!;
    // Left half (a01) sharp at slice 1, right half (a02) at slice 3; σ = 2 px per slice of distance from focus.
    planes = [0, 1, 2, 3, 4].map((s) => {
      const a = gaussianBlur(A, Math.abs(s - 1) * 2);
      const b = gaussianBlur(B, Math.abs(s - 3) * 2);
      const data = new Uint16Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = Math.round((x < W / 2 ? a : b).data[y * A.width + x]!);
      return { data, width: W, height: H, bitDepth: 16, pixelSize: { x: 0.65, y: 0.65 } };
    });
    writeFileSync(join(dir, 'stack.tif'), encodeTiff(planes));
    writeFileSync(join(dir, 'single.tif'), encodeTiff(planes[2]!));
  });

  it('writes the composite and depth map the core composes from the same measurements, keeping bit depth and pixel size', async () => {
    const r = cli([join(dir, 'stack.tif'), '--composite', join(dir, 'c.tif'), '--depth-map', join(dir, 'd.tif'), '--quiet', '--out', join(dir, 'rows.csv')]);
    assert.equal(r.status, 0, r.stderr);
    const stack = await readImageFile(join(dir, 'stack.tif'));
    const model = await loadModelFromDisk();
    const { results } = await measureStack(modelMeasurer(model), stack);
    await model.dispose();
    const expected = composeAllInFocus(stack.slices, results);
    assert.deepEqual(readBytes(join(dir, 'c.tif')), encodeTiff(expected.image));
    assert.deepEqual(readBytes(join(dir, 'd.tif')), encodeTiff(expected.depth));
    const c = await decodeImage(readBytes(join(dir, 'c.tif')), 'c.tif');
    assert.deepEqual([c.width, c.height, c.bitDepth, c.slices.length], [W, H, 16, 1]);
    // Kept, to the precision of TIFF's rationals (io/tiff-encode.ts writes pixels per µm over 1,000,000).
    assert.ok(c.pixelSize && Math.abs(c.pixelSize.x - 0.65) < 1e-5 && Math.abs(c.pixelSize.y - 0.65) < 1e-5, JSON.stringify(c.pixelSize));
    // Each half takes (some of) its pixels from its own focal slice.
    const d = (await decodeImage(readBytes(join(dir, 'd.tif')), 'd.tif')).slices[0]!.data;
    const share = (x0: number, x1: number, slice: number): number => {
      let n = 0;
      for (let y = 0; y < H; y++) for (let x = x0; x < x1; x++) n += d[y * W + x] === slice ? 1 : 0;
      return n / ((x1 - x0) * H);
    };
    assert.ok(share(0, W / 2 - 42, 1) > 0.25 && share(W / 2 + 42, W, 3) > 0.25, `left from slice 1: ${share(0, W / 2 - 42, 1)}, right from slice 3: ${share(W / 2 + 42, W, 3)}`);
    assert.equal(readFileSync(join(dir, 'rows.csv'), 'utf8').trim().split('\n').length, 1 + 5);
  });

  it('measures every slice for the composite but writes the rows --slices asks for', async () => {
    const r = cli([join(dir, 'stack.tif'), '--composite', join(dir, 'c-best.tif'), '--slices', 'best', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 2);
    assert.deepEqual(readBytes(join(dir, 'c-best.tif')), readBytes(join(dir, 'c.tif')));
  });

  it('--resume measures the stack again when its composite is not on disk yet, keeping one set of rows', () => {
    const out = join(dir, 'resume.csv');
    assert.equal(cli([join(dir, 'stack.tif'), '--quiet', '--out', out]).status, 0);
    const rows = readFileSync(out, 'utf8');
    const again = cli([join(dir, 'stack.tif'), '--resume', '--out', out, '--composite', join(dir, 'c-resume.tif')]);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(readBytes(join(dir, 'c-resume.tif')), readBytes(join(dir, 'c.tif')));
    assert.equal(readFileSync(out, 'utf8'), rows);
    // Now that it exists, a further --resume skips the stack and leaves the composite as it is.
    const third = cli([join(dir, 'stack.tif'), '--resume', '--out', out, '--composite', join(dir, 'c-resume.tif')]);
    assert.equal(third.status, 0, third.stderr);
    assert.match(third.stderr, /1 file\(s\) already in/);
    assert.equal(readFileSync(out, 'utf8'), rows);
  });

  it('gives back the slice itself for a one-slice file, with a note', async () => {
    const r = cli([join(dir, 'single.tif'), '--composite', join(dir, 'c1.tif')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /composite: /);
    const c = await decodeImage(readBytes(join(dir, 'c1.tif')), 'c1.tif');
    assert.deepEqual(c.slices[0]!.data, planes[2]!.data);
  });

  const usage: [string, (d: string) => string[], RegExp][] = [
    ['two input files', (d) => [join(d, 'stack.tif'), join(d, 'single.tif'), '--composite', join(d, 'x.tif')], /--composite and --depth-map take one stack, got 2 files/],
    ['the composite named like the input', (d) => [join(d, 'stack.tif'), '--composite', join(d, 'stack.tif')], /--composite .*stack\.tif is one of the input images; refusing to overwrite it/],
    ['composite and depth map named alike', (d) => [join(d, 'stack.tif'), '--composite', join(d, 'x.tif'), '--depth-map', join(d, 'x.tif')], /--composite and --depth-map name the same file/],
    ['a composite that is not a TIFF name', (d) => [join(d, 'stack.tif'), '--composite', join(d, 'x.png')], /--composite .*x\.png: the file name must end in \.tif or \.tiff/],
  ];
  for (const [what, args, message] of usage) {
    it(`refuses ${what} with one line and status 2`, () => {
      const r = cli(args(dir));
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr.trim(), message);
    });
  }

  it('says why there is no composite when the stack cannot be read (status 1), and writes none', () => {
    writeFileSync(join(dir, 'bad.tif'), readBytes(join(dir, 'stack.tif')).subarray(0, 5000));
    const r = cli([join(dir, 'bad.tif'), '--composite', join(dir, 'none.tif')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no composite: file is truncated/);
    assert.equal(spawnSync('ls', [join(dir, 'none.tif')]).status, 2);
  });
});
