import { createFocusQuality, type FocusQuality } from '../../src/api.js';
import { METRICS, computeMetrics, metricPerPatch } from '../../src/core/metrics/index.js';
import type { GrayImage } from '../../src/core/types.js';
import { decodeImage } from '../../src/io/decode.js';
import { regionAgreement } from '../inference/region-agreement.js';
import { DATA, DEFOCUSED, MODEL_URL, ORT_URL, assert, assertEqual, loadData, maxDifference, nodeResults, rejection, within } from './helpers.js';

describe('createFocusQuality (library API)', () => {
  let fq: FocusQuality;
  let plane: GrayImage;
  before(async () => {
    fq = createFocusQuality({ modelUrl: MODEL_URL, ortUrl: ORT_URL, numThreads: 1 });
    plane = (await loadData(DEFOCUSED)).slices[0]!;
  });
  after(() => fq.dispose());

  it('a raw Uint16Array, an ImJoy ndarray and a decoded stack of the same pixels give the same result', async () => {
    const raw = await within(60_000, fq.measure({ data: plane.data, width: plane.width, height: plane.height }), 'raw');
    const nd = await fq.measure({ _rtype: 'ndarray', _rvalue: plane.data.buffer.slice(0), _rshape: [plane.height, plane.width], _rdtype: 'uint16' });
    const stack = await fq.measure({ width: plane.width, height: plane.height, bitDepth: 16, slices: [plane], warnings: [] });
    assertEqual(maxDifference(raw.best, nd.best), 0, 'ndarray vs raw');
    assertEqual(maxDifference(raw.best, stack.best), 0, 'stack vs raw');
  });

  it('ImageData is measured as its luminance, like the same gray values given as 8-bit', async () => {
    const { width, height } = plane;
    const gray8 = new Uint8Array(width * height);
    for (let i = 0; i < gray8.length; i++) gray8[i] = Math.min(255, plane.data[i]! >> 4);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < gray8.length; i++) rgba.fill(gray8[i]!, 4 * i, 4 * i + 3), (rgba[4 * i + 3] = 255);
    const fromImageData = await fq.measure(new ImageData(rgba, width, height));
    const fromGray = await fq.measure({ data: gray8, width, height });
    assertEqual(maxDifference(fromImageData.best, fromGray.best), 0, 'ImageData vs gray 8-bit');
  });

  it('a [z, h, w] ndarray is a stack: one result per slice, the best one marked, CSV and GeoJSON for all', async () => {
    const n = plane.width * plane.height;
    const z = new Uint16Array(2 * n);
    z.set(plane.data, 0);
    for (let i = 0; i < n; i++) z[n + i] = plane.data[i]! >> 2; // a dimmer copy: a different score
    const m = await fq.measure({ _rtype: 'ndarray', _rvalue: z, _rshape: [2, plane.height, plane.width], _rdtype: 'uint16' }, { name: 'two-slices' });
    assertEqual(m.results.length, 2, 'results');
    assert(m.results.includes(m.best), 'best is one of the results');
    assert(m.results.every((r) => r.score >= m.best.score), 'best has the lowest score');
    const csv = m.toCSV().trim().split('\n');
    assertEqual(csv.length, 3, 'CSV header + one row per slice');
    assert(csv[0]!.startsWith('file,slice,width,height,patches,level,score'), `CSV header: ${csv[0]}`);
    assert(csv[1]!.startsWith('two-slices,0,'), `first row: ${csv[1]}`);
    const geo = m.toGeoJSON();
    assertEqual(geo.features.length, m.results[0]!.patches.length * 2, 'one feature per patch of both slices');
    assertEqual(m.toPatchCSV().trim().split('\n').length, 1 + geo.features.length, 'patch CSV rows');
  });

  it('runs in the calling thread with worker: false and agrees with the worker', async () => {
    const local = createFocusQuality({ modelUrl: MODEL_URL, ortUrl: ORT_URL, backend: 'wasm', worker: false, numThreads: 1 });
    try {
      const a = await within(60_000, local.measure(plane), 'in-thread measure');
      const b = await fq.measure(plane);
      assert(maxDifference(a.best, b.best) <= 1e-6, 'in-thread vs worker');
      const info = await local.info();
      assertEqual(info.report?.backend, 'wasm', 'in-thread backend');
    } finally {
      local.dispose();
    }
  });

  it('metrics cross the worker boundary: the worker\'s whole-image and per-patch values equal computeMetrics in the page', async () => {
    const m = await within(60_000, fq.measure(plane, { metrics: ['plls', 'brenner'] }), 'measure with metrics');
    const expected = computeMetrics(plane, ['plls', 'brenner']);
    assertEqual(m.best.metrics?.plls, expected.plls, 'plls');
    assertEqual(m.best.metrics?.brenner, expected.brenner, 'brenner');
    const perPatch = metricPerPatch(plane, m.best.patches, METRICS.brenner);
    assertEqual(m.best.patches.length, perPatch.length, 'patches');
    m.best.patches.forEach((p, i) => assertEqual(p.metrics?.brenner, perPatch[i], `patch ${i} brenner`));
    assert(m.toCSV().split('\n')[0]!.endsWith(',plls,brenner'), 'CSV header ends with the metric columns');
    assertEqual((await fq.measure(plane)).best.metrics, undefined, 'no metrics unless asked for');
  });

  it('a TIFF Blob is decoded and measured in the worker, like the Node engine; its preview is rendered there', async () => {
    const blob = await (await fetch(DATA + DEFOCUSED)).blob();
    const [m, node] = await Promise.all([within(60_000, fq.measure(blob, { name: 'b01.tif' }), 'measure a Blob'), nodeResults(DEFOCUSED)]);
    const diff = maxDifference(m.best, node.results[0]!);
    assert(diff <= 1e-5, `largest difference to the Node engine is ${diff}`);
    assertEqual(JSON.stringify(m.warnings), JSON.stringify(node.warnings), 'warnings');
    assert(m.toCSV().split('\n')[1]!.startsWith('b01.tif,0,'), 'CSV row names the file');
    const p = await m.preview(undefined, 128);
    assertEqual(Math.max(p.width, p.height), 128, 'longer side');
    assertEqual(p.data.length, p.width * p.height * 4, 'RGBA bytes');
    let [lo, hi, opaque] = [255, 0, true];
    for (let i = 0; i < p.data.length; i += 4) [lo, hi, opaque] = [Math.min(lo, p.data[i]!), Math.max(hi, p.data[i]!), opaque && p.data[i + 3] === 255];
    assert(lo <= 5 && hi >= 250 && opaque, `contrast-stretched and opaque: ${lo}…${hi}, opaque ${opaque}`);
    new ImageData(p.data, p.width, p.height); // drawable as it is
    const err = await rejection(m.preview(3, 64));
    assertEqual(err.name, 'ImageContentError', err.message);
    m.release();
    assertEqual((await rejection(m.preview())).name, 'ImageContentError', 'a released file cannot be drawn');
  });

  it('hostile files (issue 12) cost only their own call: loops fail naming the file, bombs decode only what the header says; the page keeps running', async () => {
    const ticks = { n: 0 };
    const ticker = setInterval(() => ticks.n++, 50);
    try {
      for (const kind of ['ifd-loop', 'ifd-loop-back', 'lzw-bomb', 'deflate-bomb']) {
        const blob = await (await fetch(`/__tiff/${kind}.tif`)).blob();
        const [t0, n0] = [performance.now(), ticks.n];
        const outcome = await within(40_000, fq.measure(blob, { name: `${kind}.tif` }).then((m) => m, (e: Error) => e), kind);
        const ms = performance.now() - t0;
        if (kind.startsWith('ifd-loop')) {
          assert(outcome instanceof Error, `${kind}: should fail`);
          assertEqual(outcome.name, 'ImageFormatError', `${kind}: ${outcome.message}`);
          assertEqual((outcome as { file?: string }).file, `${kind}.tif`, `${kind}: the error names the file`);
          assert(/loops/.test(outcome.message), `${kind}: ${outcome.message}`);
        } else {
          assert(!(outcome instanceof Error), `${kind}: ${outcome instanceof Error ? outcome.message : ''}`);
          const m = outcome as Awaited<ReturnType<FocusQuality['measure']>>;
          assertEqual(m.best.width, kind === 'lzw-bomb' ? 256 : 100, `${kind}: the size its header gives`);
          m.release();
        }
        assert(ticks.n - n0 >= Math.floor(ms / 50 / 4), `${kind}: the page kept running (${ticks.n - n0} timer ticks in ${ms.toFixed(0)} ms)`);
      }
    } finally {
      clearInterval(ticker);
    }
    const good = await within(60_000, fq.measure(await (await fetch(DATA + DEFOCUSED)).blob(), { name: 'b01.tif' }), 'the next file');
    assert(good.best.patches.length > 0, 'the next file is measured');
  });

  it('a file still being read or decoded when its time is up: its worker is stopped and replaced, the call fails naming it', async () => {
    const budgeted = createFocusQuality({ modelUrl: MODEL_URL, ortUrl: ORT_URL, numThreads: 1, decodeTimeoutMs: 5 });
    try {
      await budgeted.info();
      const huge = new Blob([new Uint8Array(256 * 2 ** 20)]); // reading 256 MB into the worker alone takes longer
      const err = await within(20_000, rejection(budgeted.measure(huge, { name: 'huge.tif' })), 'measure past the budget');
      assertEqual(err.name, 'ImageFormatError', err.message);
      assertEqual((err as { file?: string }).file, 'huge.tif', 'the error names the file');
      assert(/longer than 5 ms/.test(err.message), err.message);
      const good = await within(60_000, budgeted.measure((await loadData(DEFOCUSED)).slices[0]!), 'the next image');
      assert(good.best.patches.length > 0, 'a fresh worker measures the next image');
    } finally {
      budgeted.dispose();
    }
  });

  it('an 8000×8000 TIFF Blob: no main-thread task over 100 ms from measure to drawing its preview', async () => {
    const blob = await (await fetch('/__tiff/big.tif?size=8000')).blob();
    await fq.info();
    await new Promise((r) => setTimeout(r, 0)); // a fresh task: an observer registered inside a long task is told about it
    const long: number[] = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const m = await within(300_000, fq.measure(blob, { name: 'big.tif', batchSize: 256 }), 'measure 8000²');
    const p = await m.preview(undefined, 800);
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [p.width, p.height];
    canvas.getContext('2d')!.putImageData(new ImageData(p.data, p.width, p.height), 0, 0);
    await new Promise((r) => setTimeout(r, 100)); // let the observer deliver the last entries
    observer.disconnect();
    m.release();
    assertEqual(m.best.width, 8000, 'width');
    assertEqual(p.width, 800, 'preview width');
    assert(long.every((d) => d <= 100), `main-thread long tasks: ${long.map((d) => d.toFixed(0)).join(', ')} ms`);
  });

  it('composite() of a 2-slice TIFF measured in the worker: each region from its focal slice where it has content; TIFF bytes', async () => {
    const blob = await (await fetch('/__tiff/two-region.tif')).blob();
    const planes = (await decodeImage(await blob.arrayBuffer(), 'two-region.tif')).slices;
    const m = await within(120_000, fq.measure(blob, { name: 'two-region.tif' }), 'measure the 2-slice stack');
    const c = await m.composite();
    assertEqual(c.image.width, planes[0]!.width, 'width');
    const { left, right } = regionAgreement(planes, c.image);
    assert(left.focal >= 0.75 && left.other <= 0.25 && right.focal >= 0.75 && right.other <= 0.25, `left ${JSON.stringify(left)}, right ${JSON.stringify(right)}`);
    const back = (await decodeImage(c.toTIFF(), 'composite.tif')).slices[0]!;
    assertEqual(back.data.length, c.image.data.length, 'the TIFF holds the composite');
    assert(back.data.every((v, i) => v === c.image.data[i]), 'the TIFF holds the composite, pixel for pixel');
    const one = await (await fq.measure(blob, { name: 'two-region.tif', slices: 1 })).composite();
    assert(one.notes.some((n) => /only one slice/.test(n)) && one.image.data.every((v, i) => v === planes[1]!.data[i]), 'one slice → that slice, with a note');
  });

  it('rejects what is not an image with a clear ImageFormatError', async () => {
    for (const [input, pattern] of [
      [{ data: new Uint16Array(10), width: 4, height: 4 }, /holds 10 values/],
      [{ _rtype: 'ndarray', _rvalue: new ArrayBuffer(8), _rshape: [2, 2, 2, 2], _rdtype: 'uint8' }, /shape \[2, 2, 2, 2\]/],
      [{ _rtype: 'ndarray', _rvalue: new ArrayBuffer(8), _rshape: [2, 4], _rdtype: 'complex64' }, /dtype "complex64"/],
    ] as const) {
      let err: Error | undefined;
      await fq.measure(input as never).catch((e: Error) => (err = e));
      assertEqual(err?.name, 'ImageFormatError', `error for ${JSON.stringify(input._rshape ?? 'raw')}`);
      assert(pattern.test(err!.message), `message: ${err!.message}`);
    }
  });
});
