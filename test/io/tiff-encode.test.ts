// The TIFF writer (composites, depth maps): what it writes is read back unchanged by our decoder, by tifffile and by
// real ImageJ 1.x, pixel size included.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { GrayImage } from '../../src/core/types.js';
import { decodeImage } from '../../src/io/decode.js';
import { encodeTiff } from '../../src/io/tiff-encode.js';
import { PYTHON, runTool, tempDir } from './fixtures.js';

function plane(bitDepth: 8 | 16 | 32, seed: number, pixelSize?: { x: number; y: number }): GrayImage {
  const n = 150 * 97;
  const data = bitDepth === 8 ? new Uint8Array(n) : bitDepth === 16 ? new Uint16Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = bitDepth === 32 ? Math.sin(i * 0.01 + seed) * 1e3 : (i * 7919 + seed * 104729) % (bitDepth === 8 ? 256 : 65536);
  return { data, width: 150, height: 97, bitDepth, ...(pixelSize ? { pixelSize } : {}) };
}

describe('encodeTiff', { timeout: 120_000 }, () => {
  const dir = tempDir('tiff-encode');
  const files = new Map<string, GrayImage[]>();
  before(() => {
    for (const bits of [8, 16, 32] as const) {
      const pages = [plane(bits, 1, { x: 0.65, y: 0.8 }), plane(bits, 2, { x: 0.65, y: 0.8 })];
      files.set(`s${bits}.tif`, pages);
      writeFileSync(join(dir, `s${bits}.tif`), encodeTiff(pages));
    }
  });

  it('round-trips 8/16/32-bit stacks through our decoder, value for value', async () => {
    for (const [name, pages] of files) {
      const s = await decodeImage(readFileSync(join(dir, name)), name);
      assert.equal(s.slices.length, 2);
      assert.equal(s.bitDepth, pages[0]!.bitDepth);
      pages.forEach((p, k) => assert.deepEqual(Array.from(s.slices[k]!.data), Array.from(p.data), `${name} page ${k}`));
    }
  });

  it('is read by tifffile with the same pixels and ImageJ metadata', () => {
    const script = `import sys, json, tifffile, numpy as np
out = {}
for f in sys.argv[1:]:
    with tifffile.TiffFile(f) as t:
        a = t.asarray()
        out[f.split('/')[-1]] = {"shape": list(a.shape), "sum": float(a.astype("float64").sum()), "unit": t.imagej_metadata.get("unit"), "xres": list(t.pages[0].tags["XResolution"].value)}
print(json.dumps(out))`;
    const got = JSON.parse(runTool(PYTHON, ['-c', script, ...[...files.keys()].map((f) => join(dir, f))])) as Record<string, { shape: number[]; sum: number; unit: string; xres: number[] }>;
    for (const [name, pages] of files) {
      const want = pages.reduce((s, p) => s + Array.from(p.data).reduce((a, b) => a + b, 0), 0);
      assert.deepEqual(got[name]!.shape, [2, 97, 150]);
      assert.ok(Math.abs(got[name]!.sum - want) <= 1e-6 * Math.abs(want) + 1e-3, name);
      assert.equal(got[name]!.unit, 'micron');
      assert.ok(Math.abs(got[name]!.xres[0]! / got[name]!.xres[1]! - 1 / 0.65) < 1e-5);
    }
  });

  it('is opened by real ImageJ as a stack with the pixel size in microns and the same values', () => {
    const macro = `open("${join(dir, 's16.tif')}"); getPixelSize(u, pw, ph); setSlice(2); v = getPixel(17, 33);
File.saveString(u + "," + pw + "," + ph + "," + nSlices + "," + bitDepth() + "," + v, "${join(dir, 'ij.txt')}");`;
    writeFileSync(join(dir, 'read.ijm'), macro);
    runTool('timeout', ['60', 'xvfb-run', '-a', 'java', '-jar', '/usr/share/java/ij.jar', '-batch', join(dir, 'read.ijm')], 90_000);
    const [unit, pw, ph, n, bits, v] = readFileSync(join(dir, 'ij.txt'), 'utf8').trim().split(',');
    assert.match(unit!, /^micron|^µm/);
    assert.ok(Math.abs(Number(pw) - 0.65) < 1e-6 && Math.abs(Number(ph) - 0.8) < 1e-6, `${pw} × ${ph}`);
    assert.equal(Number(n), 2);
    assert.equal(Number(bits), 16);
    assert.equal(Number(v), files.get('s16.tif')![1]!.data[33 * 150 + 17]);
  });

  it('refuses planes of different sizes and an empty list', () => {
    assert.throws(() => encodeTiff([plane(8, 1), { ...plane(8, 2), width: 97, height: 150 }]), { name: 'ImageContentError' });
    assert.throws(() => encodeTiff([]), { name: 'ImageContentError' });
  });
});
