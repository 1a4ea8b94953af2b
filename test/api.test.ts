// The library API in Node (the Node entry: no Worker there, so the model runs in the calling thread, read from the package's models/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it, after } from 'node:test';
import { createFocusQuality } from '../src/node/focus-quality.js';
import { createFocusQuality as createUniversal } from '../src/api.js';
import { formatError } from '../src/core/errors.js';
import { METRICS, computeMetrics, metricPerPatch } from '../src/core/metrics/index.js';
import { decodeImage } from '../src/io/decode.js';
import { regionAgreement, twoRegionStack } from './inference/two-region.js';

const data = new URL('../../test/fixtures/images/', import.meta.url); // from build/test/

describe('createFocusQuality in Node', { timeout: 120_000 }, () => {
  const fq = createFocusQuality();
  after(() => fq.dispose());

  it('measures a raw Uint16Array with the shipped model and returns CSV and GeoJSON of the same patches', async () => {
    const stack = await decodeImage(readFileSync(new URL('mcf7-defocused/mcf7_b01_s2_w1.tif', data)), 'mcf7_b01');
    const plane = stack.slices[0]!;
    const m = await fq.measure({ data: plane.data, width: plane.width, height: plane.height }, { name: 'mcf7_b01' });
    assert.equal(m.results.length, 1);
    assert.equal(m.best.width, plane.width);
    assert.ok(m.best.patches.length > 0);
    const [header, row] = m.toCSV().trim().split('\n');
    assert.match(header!, /^file,slice,width,height,patches,level,score/);
    assert.ok(row!.startsWith(`mcf7_b01,0,${plane.width},${plane.height},${m.best.patches.length},${m.best.level},`), row);
    assert.equal(m.toGeoJSON().features.length, m.best.patches.length);
  });

  it('a hyperstack TIFF: channel/frame keep one channel, positions come back, and composite needs one channel', async () => {
    // ImageJ hyperstack (tifffile's ImageJ writer), 2 channels × 3 z of a real in-focus crop; channel 1 is the crop
    // flipped and blurred more at every z but z 2.
    const dir = mkdtempSync(join(tmpdir(), 'fq-api-hs-'));
    const file = join(dir, 'hyper.tif');
    const py = `import sys, tifffile, numpy as n
from scipy.ndimage import gaussian_filter as g
a = tifffile.imread(sys.argv[1]).astype(n.float64)[160:328, 240:408]
b = a[:, ::-1]
planes = [[g(a, 3.0 * z) if z else a, g(b, 3.0 * (2 - z)) if z != 2 else b] for z in range(3)]
tifffile.imwrite(sys.argv[2], n.array(planes).round().astype(n.uint16), imagej=True, metadata={'axes': 'ZCYX'})
`;
    execFileSync('/usr/bin/python3', ['-c', py, new URL('bbbc006-in-focus/BBBC006_a01_s1_w1_z10.tif', data).pathname, file], { timeout: 120_000 });
    const blob = new Blob([readFileSync(file)]);
    const one = await fq.measure(blob, { name: 'hyper.tif', channel: 1 });
    assert.deepEqual(one.results.map((r) => [r.slice, r.position]), [1, 3, 5].map((slice, z) => [slice, { channel: 1, z, frame: 0 }]));
    assert.equal(one.best.position?.z, 2, 'channel 1 is sharpest at z 2');
    const composite = await one.composite();
    assert.ok(composite.depth.data.every((v) => v <= 2), 'the depth map counts along z');
    const both = await fq.measure(blob, { name: 'hyper.tif', slices: 'best' });
    assert.deepEqual(both.results.map((r) => r.position), [{ channel: 0, z: 0, frame: 0 }, { channel: 1, z: 2, frame: 0 }]);
    const all = await fq.measure(blob, { name: 'hyper.tif' });
    const says = (re: RegExp) => (err: unknown) => re.test(formatError(err));
    await assert.rejects(all.composite(), says(/^hyper\.tif: the slices come from 2 channels: an all-in-focus image is composed from the z-slices of one channel and frame/));
    assert.equal((await all.composite({ channel: 0 })).bestSlice, 0);
    await assert.rejects(fq.measure(blob, { name: 'hyper.tif', channel: 2 }), says(/^hyper\.tif: channel 2 does not exist: the image has 2 channel\(s\)/));
  });

  it('an ndarray with a [slices, h, w] shape is measured slice by slice; slices: "best" keeps the lowest score', async () => {
    const plane = (await decodeImage(readFileSync(new URL('bbbc006-in-focus/crop_100x100.tif', data)))).slices[0]!;
    const n = plane.width * plane.height;
    const z = new Uint16Array(3 * n);
    for (let s = 0; s < 3; s++) for (let i = 0; i < n; i++) z[s * n + i] = Math.round(plane.data[i]! / (s + 1));
    const nd = { _rtype: 'ndarray' as const, _rvalue: z, _rshape: [3, plane.height, plane.width], _rdtype: 'uint16' };
    const all = await fq.measure(nd);
    assert.deepEqual(all.results.map((r) => r.slice), [0, 1, 2]);
    const best = await fq.measure(nd, { slices: 'best' });
    assert.equal(best.results.length, 1);
    assert.equal(best.best.score, Math.min(...all.results.map((r) => r.score)));
  });

  it('metrics: ["plls", "brenner"] adds the values of computeMetrics to the result, its patches and its CSVs', async () => {
    const plane = (await decodeImage(readFileSync(new URL('bbbc006-in-focus/BBBC006_a01_s1_w1_z10.tif', data)))).slices[0]!;
    const m = await fq.measure(plane, { metrics: ['plls', 'brenner'], name: 'a01' });
    assert.deepEqual(m.best.metrics, computeMetrics(plane, ['plls', 'brenner']));
    const rects = m.best.patches.map(({ x, y, w, h }) => ({ x, y, w, h }));
    assert.deepEqual(m.best.patches.map((p) => p.metrics!.plls), metricPerPatch(plane, rects, METRICS.plls));
    assert.match(m.toCSV().split('\n')[0]!, /,warnings,pixel_size_um,channel,z,frame,plls,brenner$/);
    assert.match(m.toPatchCSV().split('\n')[0]!, /,p10,plls,brenner$/);
    assert.equal((await fq.measure(plane)).best.metrics, undefined, 'no metrics unless asked for');
    await assert.rejects(fq.measure(plane, { metrics: ['sharpness' as 'plls'] }), (e: Error) => e.name === 'OptionsError' && /unknown metric "sharpness"/.test(e.message));
  });

  it('the universal API in Node, without the Node entry\'s file reader, says to use it instead of failing obscurely', async () => {
    const universal = createUniversal({ worker: false, modelUrl: new URL('../../models/focus-quality.onnx', import.meta.url) });
    const img = { data: new Uint8Array(100 * 100), width: 100, height: 100 };
    await assert.rejects(universal.measure(img), (e: Error) => e.name === 'ModelError' && /focus-quality\/node/.test(e.message));
  });

  it('reports wasm and the threads onnxruntime-web chose', async () => {
    const { report, card } = await fq.info();
    assert.equal(report.backend, 'wasm');
    assert.ok(Number.isInteger(report.numThreads) && report.numThreads >= 1, String(report.numThreads));
    assert.equal(card.levels, 11);
  });

  it('rejects bad pixels and bad bit depths with a clear OptionsError naming the image, never a TypeError', async () => {
    const cases: [unknown, RegExp][] = [
      [{ data: null, width: 100, height: 100 }, /^cells: "data" must be a typed array/],
      [{ data: new Uint8Array(100 * 100), width: 100, height: 100, bitDepth: 7 }, /^cells: bitDepth must be 8, 16 or 32, got 7/],
      [{ data: new Uint8Array(100 * 100), width: 100, height: 100, bitDepth: 'abc' }, /^cells: bitDepth must be 8, 16 or 32, got "abc"/],
      [{ data: new Uint16Array(100 * 100).fill(4000), width: 100, height: 100, bitDepth: 8 }, /^cells: bitDepth 8 allows integers 0–255, but pixel 0 is 4000/],
    ];
    for (const [input, pattern] of cases) {
      await assert.rejects(fq.measure(input as never, { name: 'cells' }), (e: Error) => e.name === 'OptionsError' && pattern.test(formatError(e)), String(pattern));
    }
  });

  it('pixelSize resamples to the card\'s native pixel size; CSV and GeoJSON give the patches on the image\'s own pixels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-native-'));
    const shipped = new URL('../../models/', import.meta.url);
    copyFileSync(new URL('focus-quality.onnx', shipped), join(dir, 'm.onnx'));
    const card = JSON.parse(readFileSync(new URL('focus-quality.card.json', shipped), 'utf8'));
    writeFileSync(join(dir, 'm.card.json'), JSON.stringify({ ...card, pixelSizeUm: 0.65 }));
    const native = createFocusQuality({ modelUrl: pathToFileURL(join(dir, 'm.onnx')) });
    try {
      const plane = (await decodeImage(readFileSync(new URL('mcf7-defocused/mcf7_b01_s2_w1.tif', data)))).slices[0]!;
      const m = await native.measure(plane, { pixelSize: 0.325, name: 'b01' });
      assert.deepEqual(m.best.resampled, { width: Math.round(plane.width / 2), height: Math.round(plane.height / 2) });
      const xs = m.toGeoJSON().features.map((f) => f.geometry!.coordinates[0]![2]![0]!);
      assert.equal(Math.max(...xs), plane.width, 'the last patch ends at the right edge of the image');
      const patchRows = m.toPatchCSV().trim().split('\n').slice(1).map((l) => l.split(','));
      assert.ok(patchRows.every((r) => r[4] === '168' && r[5] === '168'), 'patch CSV: 84 native pixels = 168 of the image');
      const unknown = await native.measure(plane, { name: 'b01' });
      assert.match(unknown.toCSV(), /pixel size unknown/);
      await assert.rejects(native.measure(plane, { pixelSize: -2 }), (e: Error) => e.name === 'OptionsError' && /pixelSize/.test(e.message));
    } finally {
      native.dispose();
    }
  });

  it('a file Blob is decoded in this thread; its preview is a stretched RGBA picture of the asked slice', async () => {
    const bytes = readFileSync(new URL('mcf7-defocused/mcf7_b01_s2_w1.tif', data));
    const m = await fq.measure(new Blob([bytes]), { name: 'b01.tif' });
    const same = await fq.measure((await decodeImage(bytes)).slices[0]!, { name: 'b01.tif' });
    assert.deepEqual(m.best.probs, same.best.probs);
    const p = await m.preview(0, 100);
    assert.equal(Math.max(p.width, p.height), 100);
    assert.equal(p.data.length, 4 * p.width * p.height);
    await assert.rejects(m.preview(1), (e: Error) => e.name === 'ImageContentError' && /slice 1 does not exist/.test(e.message));
  });

  it('composite(): each region from its focal slice where it has content, a 16-bit depth map, TIFF bytes; one slice gives that slice', async () => {
    const planes = await twoRegionStack();
    const { width, height } = planes[0]!;
    const z = new Uint16Array(2 * width * height);
    planes.forEach((p, s) => z.set(p.data as Uint16Array, s * width * height));
    const m = await fq.measure({ _rtype: 'ndarray', _rvalue: z, _rshape: [2, height, width], _rdtype: 'uint16' }, { name: 'two.tif' });
    const c = await m.composite();
    assert.deepEqual([c.image.width, c.image.height, c.image.bitDepth, c.depth.bitDepth], [width, height, 16, 16]);
    const { left, right } = regionAgreement(planes, c.image);
    assert.ok(left.focal >= 0.75 && left.other <= 0.25, `left: ${JSON.stringify(left)}`);
    assert.ok(right.focal >= 0.75 && right.other <= 0.25, `right: ${JSON.stringify(right)}`);
    assert.ok(Math.abs(c.share[0]! + c.share[1]! - 1) < 1e-9 && c.share[0]! > 0.2 && c.share[1]! > 0.2, `share ${c.share}`);
    const back = await decodeImage(c.toTIFF());
    assert.deepEqual(Array.from(back.slices[0]!.data.subarray(0, 5000)), Array.from(c.image.data.subarray(0, 5000)));
    assert.equal((await decodeImage(c.toTIFF('depth'))).slices[0]!.data.length, width * height);
    const one = await (await fq.measure(planes[0]!, { name: 'one.tif' })).composite();
    assert.deepEqual(one.image.data, planes[0]!.data);
    assert.match(one.notes.join(' '), /only one slice/);
  });

  it('refuses a decode budget that is not a positive number of milliseconds', () => {
    for (const bad of [0, -5, Number.NaN, '30s']) assert.throws(() => createFocusQuality({ decodeTimeoutMs: bad as number }), (e: Error) => e.name === 'OptionsError' && /decodeTimeoutMs/.test(e.message), String(bad));
  });

  it('rejects a bad option value with an OptionsError naming the option', async () => {
    const img = { data: new Uint8Array(100 * 100), width: 100, height: 100 };
    await assert.rejects(fq.measure(img, { batchSize: 0 }), (e: Error) => e.name === 'OptionsError' && /batchSize/.test(e.message));
  });
});
