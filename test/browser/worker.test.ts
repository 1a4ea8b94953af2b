import { ModelError, formatError } from '../../src/core/errors.js';
import { splitIntoPatches } from '../../src/core/patches.js';
import { defaultThreadCount } from '../../src/inference/backend.js';
import { pickThreads } from '../../src/inference/threads.js';
import { createWorkerClient, type WorkerClient } from '../../src/inference/worker-client.js';
import { DATA, DEFOCUSED, IN_FOCUS, MODEL_URL, ORT_URL, assert, assertEqual, loadData, maxDifference, nodeResults, rejection, tile, within } from './helpers.js';

describe('focus-quality worker', () => {
  let client: WorkerClient;
  before(() => {
    client = createWorkerClient({ modelUrl: MODEL_URL, ortUrl: ORT_URL, numThreads: 1 });
  });
  after(() => client.dispose());

  for (const file of [IN_FOCUS, DEFOCUSED]) {
    it(`measures ${file} like the Node engine: every patch probability within 1e-5`, async () => {
      const stack = await loadData(file);
      const [browser, node] = await Promise.all([within(60_000, client.measure(stack.slices[0]!), 'worker measure'), nodeResults(file)]);
      const reference = node.results[0]!;
      const diff = maxDifference(browser, reference);
      assert(diff <= 1e-5, `largest difference to the Node engine is ${diff}`);
      assertEqual(browser.level, reference.level, 'level');
      assertEqual(browser.inFocus, reference.inFocus, 'inFocus');
    });
  }

  it('by default leaves one core to the page: wasm threads = cores − 1, at least 1, at most 4 (cross-origin isolated)', () => {
    assert(globalThis.crossOriginIsolated, 'the test server isolates its pages');
    assertEqual([1, 2, 3, 4, 8, 16].map((c) => defaultThreadCount(c)).join(), '1,1,2,3,4,4', 'threads for 1, 2, 3, 4, 8, 16 cores');
  });

  it('without numThreads, races a 1-thread and an all-core worker on the same patches and keeps the faster', async () => {
    const cores = navigator.hardwareConcurrency;
    const auto = createWorkerClient({ modelUrl: MODEL_URL, ortUrl: ORT_URL });
    try {
      const { report } = await within(120_000, auto.init(), 'init with the thread contest');
      const choice = report.threadChoice;
      if (cores < 2) {
        assert(choice === undefined && report.numThreads === 1, `one core: no contest, got ${JSON.stringify(report)}`);
        return;
      }
      assert(choice !== undefined, `a contest on ${cores} cores: ${JSON.stringify(report)}`);
      assertEqual(choice.timings.map((t) => t.threads).join(), `1,${Math.min(4, cores)}`, 'candidates');
      assert(choice.timings.every((t) => t.msPerPatch.length === 2 && t.msPerPatch.every((ms) => ms > 0 && ms < 1000)), `two timed runs each: ${JSON.stringify(choice.timings)}`);
      assertEqual(report.numThreads, pickThreads(choice.timings).threads, 'the winner by the rule of threads.ts');
      assertEqual(choice.threads, report.numThreads, 'reported winner');
      assert(/patches\/s/.test(choice.reason), choice.reason);
      // The winner measures like any worker: same probabilities as a 1-thread client.
      const img = (await loadData(IN_FOCUS)).slices[0]!;
      const diff = maxDifference(await auto.measure(img), await client.measure(img));
      assert(diff <= 1e-5, `largest difference to the 1-thread worker: ${diff}`);
      // A restarted worker (after dispose) keeps the decided count without a second contest.
      auto.dispose();
      const again = await within(60_000, auto.init(), 'init after dispose');
      assert(again.report.threadChoice === undefined && again.report.numThreads === report.numThreads, JSON.stringify(again.report));
    } finally {
      auto.dispose();
    }
  });

  it('with numThreads given, runs no contest', async () => {
    const { report } = await client.init();
    assert(report.threadChoice === undefined && report.numThreads === 1, JSON.stringify(report));
  });

  it('reports the backend it chose and why the others were passed over', async () => {
    const { report } = await client.init();
    assertEqual(report.backend, 'wasm', 'backend in headless Chromium without a GPU');
    assert(report.attempts.some((a) => a.backend === 'wasm' && a.outcome === 'chosen'), `attempts: ${JSON.stringify(report.attempts)}`);
    // Debian's Chromium offers WebGL through SwiftShader: auto must not pick a software GPU. The model's dynamic batch
    // is no reason any more (WebGL gets a fixed batch at load time, see webgl.test.ts): the software renderer is.
    const webgl = report.attempts.find((a) => a.backend === 'webgl');
    assert(webgl?.outcome === 'skipped' && /software/i.test(webgl.reason) && !/batch/i.test(webgl.reason), `webgl should be skipped as software, got ${JSON.stringify(webgl)}`);
    const stack = await loadData(IN_FOCUS);
    assertEqual((await client.measure(stack.slices[0]!)).backend, 'wasm', 'backend in the result');
  });

  // WebGL used to be here too, when it could not load the dynamic-batch model; it now runs it (webgl.test.ts).
  for (const asked of ['webgpu'] as const) {
    it(`asked for ${asked} where it cannot load the model, falls back to wasm and reports why`, async () => {
      // Headless Chromium here has no WebGPU without --enable-unsafe-webgpu.
      const c = createWorkerClient({ modelUrl: MODEL_URL, ortUrl: ORT_URL, numThreads: 1, backend: asked });
      try {
        const { report } = await within(60_000, c.init(), `init with ${asked}`);
        assertEqual(report.backend, 'wasm', 'backend after fallback');
        const first = report.attempts.find((a) => a.backend === asked);
        assert(first?.outcome === 'failed' && first.reason.length > 0, `${asked} attempt: ${JSON.stringify(report.attempts)}`);
        const img = (await loadData(DEFOCUSED)).slices[0]!;
        assertEqual((await c.measure(img)).backend, 'wasm', 'result backend');
      } finally {
        c.dispose();
      }
    });
  }

  it('keeps the main thread free (no long task over 100 ms) while a 2048×2048 image is measured', async () => {
    const big = tile((await loadData(IN_FOCUS)).slices[0]!, 2048);
    await client.init();
    // End the task that built the image first: an observer registered inside a long task is told about that task.
    await new Promise((r) => setTimeout(r, 0));
    const long: number[] = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    let progressCalls = 0;
    const result = await within(120_000, client.measure(big, { batchSize: 64 }, { onProgress: () => progressCalls++ }), 'measure 2048²');
    await new Promise((r) => setTimeout(r, 50)); // let the observer deliver the last entries
    observer.disconnect();
    const { card } = await client.init();
    assertEqual(result.patches.length, splitIntoPatches(2048, 2048, card.patchSize).length, 'patches of a 2048×2048 image');
    assert(progressCalls >= 2, `progress should arrive per batch, got ${progressCalls} calls`);
    assert(long.every((d) => d <= 100), `main-thread long tasks during measurement: ${long.map((d) => d.toFixed(0)).join(', ')} ms`);
  });

  it('a plane of more than one chunk of patches (1,296 > 1,024) comes back whole and in grid order', async () => {
    const img = tile((await loadData(DEFOCUSED)).slices[0]!, 3024);
    const { card } = await client.init();
    const r = await within(120_000, client.measure(img, { batchSize: 256 }), 'measure 3024²');
    const grid = splitIntoPatches(3024, 3024, card.patchSize);
    assertEqual(r.patches.length, grid.length, 'patches');
    assert(r.patches.every((p, i) => p.x === grid[i]!.x && p.y === grid[i]!.y && p.probs.length === card.levels), 'every patch in grid order, with its probabilities');
  });

  it('control: the long-task observer does report a main thread blocked for 150 ms', async () => {
    const long: number[] = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    await new Promise((r) => setTimeout(r, 0));
    const t0 = performance.now();
    while (performance.now() - t0 < 150);
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    assert(long.some((d) => d > 100), `observer saw ${JSON.stringify(long)}`);
  });

  it('cancel stops a running job long before its end and the worker measures the next image', async () => {
    // 3024² in batches of 16: 81 batches. The first progress cancels; the worker stops at its next batch boundary
    // after the cancel message arrives, so what still comes back is the batches run while the message was on its way
    // (a busy CI page took 2 batches of 8). Ten is a wide bound for that delay, and far from the 80 an ignored
    // cancel would give.
    const big = tile((await loadData(IN_FOCUS)).slices[0]!, 3024);
    await client.init();
    const controller = new AbortController();
    let progressAfterCancel = 0;
    let batches = 0;
    let cancelled = false;
    const job = client.measure(big, { batchSize: 16 }, {
      signal: controller.signal,
      onProgress: (_done, total) => {
        batches = Math.ceil(total / 16);
        if (cancelled) progressAfterCancel++;
        else {
          cancelled = true;
          controller.abort();
        }
      },
    });
    const err = await within(10_000, rejection(job), 'cancelled job');
    assertEqual(err.name, 'CancelledError', `error name (${err.message})`);
    await new Promise((r) => setTimeout(r, 1500));
    assert(batches === 81, `batches of the job: ${batches}`);
    assert(progressAfterCancel <= 10, `the worker went on after cancel: ${progressAfterCancel} of the ${batches - 1} batches left`);
    const small = (await loadData(DEFOCUSED)).slices[0]!;
    const next = await within(60_000, client.measure(small), 'measure after cancel');
    assert(next.patches.length > 0, 'the next measurement returns patches');
  });

  it('a pixel size reaches the worker (on the plane or as an option) and resamples to the card\'s native size', async () => {
    const native = createWorkerClient({ modelUrl: MODEL_URL, cardUrl: '/__card?pixelSizeUm=0.65', ortUrl: ORT_URL, numThreads: 1 });
    try {
      const img = (await loadData(DEFOCUSED)).slices[0]!;
      const fromPlane = await within(60_000, native.measure({ ...img, pixelSize: { x: 0.325, y: 0.325 } }), 'measure with the plane\'s pixel size');
      assertEqual(JSON.stringify(fromPlane.resampled), JSON.stringify({ width: Math.round(img.width / 2), height: Math.round(img.height / 2) }), 'resampled size');
      assert(fromPlane.patches.every((p) => p.w === 168 && p.x + p.w <= img.width), 'patches on the image\'s own pixels');
      const fromOption = await native.measure(img, { pixelSize: { x: 0.325, y: 0.325 } });
      assertEqual(maxDifference(fromPlane, fromOption), 0, 'option and plane give the same');
      const unknown = await native.measure(img);
      assert((unknown.warnings ?? []).some((w) => /pixel size unknown/.test(w)), `warnings: ${unknown.warnings}`);
    } finally {
      native.dispose();
    }
  });

  it('a model URL that 404s gives a clear ModelError and a good client works right after', async () => {
    const bad = createWorkerClient({ modelUrl: new URL('models/no-such-model.onnx', MODEL_URL).href, ortUrl: ORT_URL, numThreads: 1 });
    const img = (await loadData(DEFOCUSED)).slices[0]!;
    try {
      const err = await within(30_000, rejection(bad.measure(img)), 'measure with a missing model');
      assertEqual(err.name, 'ModelError', 'error name');
      assert(/404/.test(err.message) && String((err as { file?: string }).file).includes('no-such-model'), `error should name the URL (file) and the status: ${formatError(err)}`);
      assert(err instanceof ModelError, 'revived as a ModelError on the page side');
      // The failure is not cached: a second call tries again and fails the same clear way rather than hanging.
      const again = await within(30_000, rejection(bad.measure(img)), 'second measure with a missing model');
      assertEqual(again.name, 'ModelError', 'second error name');
    } finally {
      bad.dispose();
    }
    const result = await within(60_000, client.measure(img), 'measure with the real model');
    assert(result.patches.length > 0, 'the good client measures');
  });

  it('a worker that cannot start rejects with a clear error instead of hanging', async () => {
    const broken = createWorkerClient({ modelUrl: MODEL_URL, ortUrl: ORT_URL, workerUrl: new URL('no-such-worker.js', DATA).href });
    try {
      const err = await within(20_000, rejection(broken.init()), 'init of a missing worker script');
      assertEqual(err.name, 'ModelError', 'error name');
      assert(/worker/.test(err.message), `message should say the worker failed: ${err.message}`);
    } finally {
      broken.dispose();
    }
  });
});
