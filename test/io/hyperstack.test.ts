// Hyperstacks (channels × z × frames) outside ImageJ.JS: a hyperstack written by real ImageJ 1.x from a real BBBC006
// field (each channel and frame sharpest at its own z), OME-TIFFs written by tifffile in another plane order, and what
// the CLI makes of them with the bundled model: each plane's channel/z/frame, the sharpest z per channel and frame,
// --channel / --frame, and an all-in-focus image composed from one channel only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { positionOf } from '../../src/core/hyperstack.js';
import type { PlaneOrder } from '../../src/core/types.js';
import { decodeImage } from '../../src/io/decode.js';
import { parseCsv } from '../../src/io/csv.js';
import { IN_FOCUS_DIR, PYTHON, REPO, readBytes, runTool, tempDir } from './fixtures.js';

const decode = (path: string) => decodeImage(readBytes(path), path);

/** z (0-based) at which channel c of frame t is sharp in the ImageJ-made hyperstack; every other z is blurred 2.5 px per step. */
const SHARP_Z: Record<string, number> = { '0/0': 0, '1/0': 2, '0/1': 1, '1/1': 1 };

describe('hyperstacks', { timeout: 300_000 }, () => {
  let dir: string;
  /** (channel, z, frame), 1-based, of each stack index as real ImageJ reports it (Stack.getPosition). */
  let imagejPositions: number[][];

  before(() => {
    dir = tempDir('hyperstack');
    const src = join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif');
    const macro = `open("${src}");
makeRectangle(240, 160, 168, 168);
run("Crop");
rename("c0");
run("Duplicate...", "title=c1");
run("Flip Horizontally");
newImage("hs", "16-bit black", 168, 168, 2, 3, 2);
sharp = newArray(${[0, 1].flatMap((t) => [0, 1].map((c) => SHARP_Z[`${c}/${t}`])).join(', ')});
for (t = 1; t <= 2; t++) for (c = 1; c <= 2; c++) for (z = 1; z <= 3; z++) {
  selectImage("c" + (c - 1));
  run("Select All");
  run("Copy");
  selectImage("hs");
  Stack.setPosition(c, z, t);
  run("Paste");
  run("Select None");
  sigma = 2.5 * abs(z - 1 - sharp[(t - 1) * 2 + c - 1]);
  if (sigma > 0) run("Gaussian Blur...", "sigma=" + sigma + " slice");
}
saveAs("Tiff", "${dir}/hs.tif");
for (i = 1; i <= nSlices; i++) {
  setSlice(i);
  Stack.getPosition(c, z, t);
  File.append("" + c + "," + z + "," + t, "${dir}/positions.txt");
}
close("*");
`;
    writeFileSync(join(dir, 'make.ijm'), macro);
    runTool('timeout', ['120', 'xvfb-run', '-a', 'java', '-jar', '/usr/share/java/ij.jar', '-batch', join(dir, 'make.ijm')], 150_000);
    imagejPositions = readFileSync(join(dir, 'positions.txt'), 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
    // OME-TIFFs in two plane orders (tifffile stores the axes as given: CZYX = z fastest, TZCYX = c fastest); each
    // plane holds 1000 + 100·c + 10·z + t, so a plane's position can be read off its pixels. A header that does not
    // match the pages (6 planes stated, 5 stored) states no dimensions.
    const py = `import sys, numpy as n, tifffile as t
d = sys.argv[1]
def planes(shape, names):
    a = n.zeros(shape + (90, 100), n.uint16)
    for idx in n.ndindex(*shape):
        p = dict(zip(names, idx))
        a[idx] = 1000 + 100 * p.get('C', 0) + 10 * p.get('Z', 0) + p.get('T', 0)
    return a
t.imwrite(d + '/ome_czyx.ome.tif', planes((2, 3), 'CZ'), ome=True, metadata={'axes': 'CZYX'})
t.imwrite(d + '/ome_tzcyx.ome.tif', planes((2, 3, 2), 'TZC'), ome=True, metadata={'axes': 'TZCYX'})
t.imwrite(d + '/ij_mismatch.tif', planes((5,), 'Z'), description='ImageJ=1.53t\\nimages=6\\nchannels=2\\nslices=3\\nhyperstack=true\\n', metadata=None)
`;
    runTool(PYTHON, ['-c', py, dir]);
  });

  describe('reading', () => {
    it("states ImageJ's channels, slices and frames, and its plane order is the one ImageJ itself reports", async () => {
      const stack = await decode(join(dir, 'hs.tif'));
      assert.deepEqual(stack.dimensions, { channels: 2, slices: 3, frames: 2, order: 'CZT' });
      assert.equal(imagejPositions.length, 12);
      stack.slices.forEach((_, i) => {
        const p = positionOf(i, stack.dimensions!);
        assert.deepEqual([p.channel + 1, p.z + 1, p.frame + 1], imagejPositions[i], `plane ${i}`);
      });
    });

    it("follows OME's DimensionOrder: each plane's position matches the value tifffile wrote into it", async () => {
      for (const [file, order] of [['ome_czyx.ome.tif', 'ZCT'], ['ome_tzcyx.ome.tif', 'CZT']] as const) {
        const stack = await decode(join(dir, file));
        assert.equal(stack.dimensions?.order, order as PlaneOrder, file);
        stack.slices.forEach((plane, i) => {
          const p = positionOf(i, stack.dimensions!);
          assert.equal(plane.data[0], 1000 + 100 * p.channel + 10 * p.z + p.frame, `${file} plane ${i}`);
        });
      }
    });

    it('states none when the header and the pages disagree, or for a plain image', async () => {
      const mismatch = await decode(join(dir, 'ij_mismatch.tif'));
      assert.equal(mismatch.slices.length, 5);
      assert.equal(mismatch.dimensions, undefined);
      assert.equal((await decode(join(IN_FOCUS_DIR, 'crop_100x100.tif'))).dimensions, undefined);
    });
  });

  describe('in the CLI with the bundled model', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin', 'focus-quality.js'), ...args, '--quiet'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    /** The CSV rows as objects keyed by column name. */
    const rows = (out: string): Record<string, string>[] => {
      const [head, ...body] = parseCsv(out);
      return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(head!.map((k, i) => [k, r[i] ?? ''])));
    };
    const key = (r: Record<string, string>): string => `${r.channel}/${r.frame}`;

    it('gives every plane its channel, z and frame (as ImageJ numbers them, from 0)', () => {
      const r = cli([join(dir, 'hs.tif')]);
      assert.equal(r.status, 0, r.stderr);
      const got = rows(r.stdout);
      assert.equal(got.length, 12);
      for (const row of got) assert.deepEqual([row.channel, row.z, row.frame].map((v) => Number(v) + 1), imagejPositions[Number(row.slice)], `slice ${row.slice}`);
      // JSON (and GeoJSON, through the same summary) say it as `position`.
      const json = JSON.parse(cli([join(dir, 'hs.tif'), '--format', 'json', '--slices', '3']).stdout) as { slice: number; position: unknown }[];
      assert.deepEqual(json.map((r) => [r.slice, r.position]), [[3, { channel: 1, z: 1, frame: 0 }]]);
    });

    it('--slices best: the sharpest z of each channel and frame, not one plane for the whole file', () => {
      const r = cli([join(dir, 'hs.tif'), '--slices', 'best']);
      assert.equal(r.status, 0, r.stderr);
      const got = rows(r.stdout);
      assert.deepEqual(got.map(key).sort(), Object.keys(SHARP_Z).sort());
      for (const row of got) assert.equal(Number(row.z), SHARP_Z[key(row)], `channel ${row.channel} frame ${row.frame}`);
      // The terminal table says where each plane sits, since its slice index alone does not.
      const table = cli([join(dir, 'hs.tif'), '--slices', 'best', '--format', 'table']).stdout.trim().split('\n').slice(2);
      assert.deepEqual(table.map((l) => /c(\d) z(\d) t(\d)$/.exec(l)?.slice(1).join('/')), got.map((row) => `${row.channel}/${row.z}/${row.frame}`));
    });

    it('--channel and --frame keep one channel / frame; one that does not exist is an error row naming the count', () => {
      const one = rows(cli([join(dir, 'hs.tif'), '--channel', '1', '--slices', 'best']).stdout);
      assert.deepEqual(one.map((row) => [row.channel, row.frame, row.z]), [['1', '0', '2'], ['1', '1', '1']]);
      const plane = rows(cli([join(dir, 'hs.tif'), '--channel', '0', '--frame', '1']).stdout);
      assert.deepEqual(plane.map((row) => row.z), ['0', '1', '2']);
      const missing = cli([join(dir, 'hs.tif'), '--channel', '2']);
      assert.equal(missing.status, 1);
      assert.match(rows(missing.stdout)[0]!.error!, /^channel 2 does not exist: the image has 2 channel\(s\), numbered from 0$/);
      const plain = cli([join(IN_FOCUS_DIR, 'crop_100x100.tif'), '--frame', '1']);
      assert.match(rows(plain.stdout)[0]!.error!, /^frame 1 does not exist: the image has 1 frame\(s\)/);
      assert.match(cli([join(dir, 'hs.tif'), '--channel', 'dapi']).stderr, /--channel must be a 0-based index \(0, 1, …\), got "dapi"/);
    });

    it('--composite composes one channel and frame along z, and refuses to blend channels', () => {
      const out = join(dir, 'all.tif');
      const mixed = cli([join(dir, 'hs.tif'), '--composite', out]);
      assert.equal(mixed.status, 1);
      assert.match(spawnSync(process.execPath, [join(REPO, 'bin', 'focus-quality.js'), join(dir, 'hs.tif'), '--composite', out], { cwd: REPO, encoding: 'utf8' }).stderr, /no composite: the slices come from 2 channels and 2 frames/);
      assert.ok(!existsSync(out), 'no composite of mixed channels');
      const depth = join(dir, 'depth.tif');
      const r = cli([join(dir, 'hs.tif'), '--channel', '1', '--frame', '0', '--composite', out, '--depth-map', depth]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(out));
      return decode(depth).then((d) => {
        const values = d.slices[0]!.data;
        const atSharp = values.filter((v) => v === SHARP_Z['1/0']).length;
        // The depth map counts along z (0..2), not plane indices of the file (1, 3, 5 for channel 1 of frame 0).
        assert.ok(values.every((v) => v <= 2), 'z indices');
        assert.ok(atSharp > 0.8 * values.length, `${atSharp} of ${values.length} pixels from z ${SHARP_Z['1/0']}`);
      });
    });
  });
});
