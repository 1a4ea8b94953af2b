/**
 * One contract for the one loop: `measureStack` (core/measure-stack.ts) behaves the same whichever `Measurer` runs the
 * planes — the model in the page's own thread (`modelMeasurer`) or the comlink worker (`createWorkerClient`). The same
 * suite runs against both, on a 3-slice stack made from a real image.
 */
import { ImageContentError } from '../../src/core/errors.js';
import { measureStack, type Measurer } from '../../src/core/measure-stack.js';
import type { FocusResult, GrayImage } from '../../src/core/types.js';
import { modelMeasurer } from '../../src/inference/measure.js';
import { openModel } from '../../src/inference/model-loader.js';
import { createWorkerClient, type WorkerClient } from '../../src/inference/worker-client.js';
import { DEFOCUSED, MODEL_URL, ORT_URL, assert, assertEqual, loadData, maxDifference, nodeResults, rejection, within } from './helpers.js';

/** Slice 0 the real image, slice 1 a dimmer copy (a different score), slice 2 the real image again. */
async function threeSlices(): Promise<GrayImage[]> {
  const real = (await loadData(DEFOCUSED)).slices[0]! as GrayImage & { data: Uint16Array };
  const dim: GrayImage = { ...real, data: real.data.map((v) => v >> 2) };
  return [real, dim, { ...real, data: real.data.slice() }];
}

function contract(label: string, start: () => Promise<{ measurer: Measurer; stop(): void | Promise<void> }>): void {
  describe(`measureStack over ${label}`, () => {
    let measurer: Measurer;
    let stop: () => void | Promise<void>;
    let planes: GrayImage[];
    let all: readonly FocusResult[];
    before(async () => {
      ({ measurer, stop } = await start());
      planes = await threeSlices();
    });
    after(() => stop());

    it("'all' measures every slice in order, slice 0 equal to the Node engine's result for that file", async () => {
      const [m, node] = await Promise.all([within(120_000, measureStack(measurer, { slices: planes }, { slices: 'all' }), 'all'), nodeResults(DEFOCUSED)]);
      all = m.results;
      assertEqual(all.map((r) => r.slice).join(','), '0,1,2', 'slices');
      const diff = maxDifference(all[0]!, node.results[0]!);
      assert(diff <= 1e-5, `slice 0 differs from the Node engine by ${diff}`);
      assertEqual(maxDifference(all[0]!, all[2]!), 0, 'equal planes give equal results');
      assert(all.includes(m.best) && all.every((r) => r.score >= m.best.score), 'best is the lowest score');
    });

    it("'best' returns only the sharpest slice, the one 'all' ranks first; an index or 'current' returns that slice", async () => {
      const best = await measureStack(measurer, { slices: planes }, { slices: 'best' });
      assertEqual(best.results.length, 1, 'one result');
      const lowest = [...all].sort((a, b) => a.score - b.score || a.slice - b.slice)[0]!;
      assertEqual(best.best.slice, lowest.slice, 'best slice');
      assertEqual((await measureStack(measurer, { slices: planes }, { slices: 1 })).results.map((r) => r.slice).join(), '1', 'index 1');
      assertEqual((await measureStack(measurer, { slices: planes }, { slices: 'current' }, { current: 2 })).best.slice, 2, "'current' with current 2");
    });

    it('refuses a slice outside the stack with an ImageContentError, measuring nothing', async () => {
      let calls = 0;
      const counting: Measurer = { measure: (p, o, h) => (calls++, measurer.measure(p, o, h)) };
      const err = await rejection(measureStack(counting, { slices: planes }, { slices: 3 }));
      assertEqual(err.name, 'ImageContentError', err.message);
      assert(/slice 3/.test(err.message), err.message);
      assertEqual(calls, 0, 'planes measured');
    });

    it('reports progress over the whole stack: non-decreasing, ending at slices × patches', async () => {
      const seen: [number, number][] = [];
      await measureStack(measurer, { slices: planes }, { batchSize: 16 }, { onProgress: (d, t) => seen.push([d, t]) });
      const perPlane = all[0]!.patches.length;
      assert(seen.length >= 3 * Math.ceil(perPlane / 16), `progress calls: ${seen.length}`);
      assert(seen.every(([, t]) => t === 3 * perPlane), `totals: ${[...new Set(seen.map(([, t]) => t))]}`);
      assert(seen.every(([d], i) => i === 0 || d >= seen[i - 1]![0]), 'non-decreasing');
      assertEqual(seen.at(-1)![0], 3 * perPlane, 'last');
    });

    it('cancel during slice 0 rejects with a CancelledError and measures no later slice', async () => {
      const controller = new AbortController();
      const done: number[] = [];
      const err = await rejection(
        measureStack(measurer, { slices: planes }, { batchSize: 8 }, { signal: controller.signal, onProgress: () => controller.abort(), onSlice: (r) => done.push(r.slice) }),
      );
      assertEqual(err.name, 'CancelledError', err.message);
      assert(done.length === 0 || (done.length === 1 && done[0] === 0), `slices finished after the cancel: ${done}`);
    });

    it('an unmeasurable slice fails the call with its slice index in `slice`', async () => {
      const nan = new Float32Array(planes[0]!.width * planes[0]!.height).fill(0.5);
      nan[7] = Number.NaN;
      const bad: GrayImage = { data: nan, width: planes[0]!.width, height: planes[0]!.height, bitDepth: 32 };
      const err = await rejection(measureStack(measurer, { slices: [planes[0]!, bad] }));
      assertEqual(err.name, 'ImageContentError', err.message);
      assert(err instanceof ImageContentError, 'its own class');
      assertEqual((err as ImageContentError).slice, 1, 'slice');
    });
  });
}

contract('the model in this thread', async () => {
  const { model } = await openModel({ modelUrl: MODEL_URL, ortUrl: ORT_URL, backend: 'wasm', numThreads: 1 });
  return { measurer: modelMeasurer(model), stop: () => model.dispose() };
});

contract('the worker', async () => {
  const client: WorkerClient = createWorkerClient({ modelUrl: MODEL_URL, ortUrl: ORT_URL, numThreads: 1 });
  await client.init();
  return { measurer: client, stop: () => client.dispose() };
});
