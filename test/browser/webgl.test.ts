/**
 * The WebGL backend runs the fixed-batch copy of the shipped model written at export (models/focus-quality.b64.onnx
 * with its own card; model-loader.ts picks it) and pads the last batch. Here WebGL is SwiftShader (a CPU emulation), so this checks correctness, not speed: asked for explicitly,
 * WebGL must be the backend that measured, and agree with the Node engine (wasm) patch by patch.
 */
import { createFocusQuality } from '../../src/api.js';
import { createWorkerClient } from '../../src/inference/worker-client.js';
import { DEFOCUSED, IN_FOCUS, MODEL_URL, ORT_URL, assert, assertEqual, loadData, maxDifference, nodeResults, within } from './helpers.js';

const TOLERANCE = 1e-4;

describe('WebGL backend', () => {
  it('in the worker: asked for webgl, loads on webgl, measures both real images on it and agrees with the Node engine to 1e-4', async () => {
    const client = createWorkerClient({ modelUrl: MODEL_URL, ortUrl: ORT_URL, numThreads: 1, backend: 'webgl' });
    try {
      const { report } = await within(60_000, client.init(), 'init with webgl');
      assertEqual(report.backend, 'webgl', `backend (attempts: ${JSON.stringify(report.attempts)})`);
      const { card } = await client.init();
      assertEqual(card.file, 'focus-quality.b64.onnx', 'WebGL runs the fixed-batch copy');
      assert(!report.attempts.some((a) => a.outcome === 'failed'), `no failed attempt: ${JSON.stringify(report.attempts)}`);
      for (const file of [IN_FOCUS, DEFOCUSED]) {
        const stack = await loadData(file);
        const [result, node] = await Promise.all([within(120_000, client.measure(stack.slices[0]!), `webgl measure of ${file}`), nodeResults(file)]);
        const reference = node.results[0]!;
        assertEqual(result.backend, 'webgl', `${file}: result backend`);
        const diff = maxDifference(result, reference);
        assert(diff <= TOLERANCE, `${file}: largest difference to the Node engine is ${diff}`);
        assertEqual(result.level, reference.level, `${file}: level`);
        assertEqual(result.inFocus, reference.inFocus, `${file}: inFocus`);
      }
    } finally {
      client.dispose();
    }
  });

  it('a model without its fixed-batch copy next to it: WebGL fails naming the missing file, wasm takes over', async () => {
    const client = createWorkerClient({ modelUrl: '/__alone/focus-quality.onnx', ortUrl: ORT_URL, numThreads: 1, backend: 'webgl' });
    try {
      const { report } = await within(60_000, client.init(), 'init with webgl, no copy');
      assertEqual(report.backend, 'wasm', 'fallback backend');
      const webgl = report.attempts.find((a) => a.backend === 'webgl');
      assert(webgl?.outcome === 'failed' && /focus-quality\.b64\.card\.json/.test(webgl.reason) && /404/.test(webgl.reason), `webgl attempt: ${JSON.stringify(webgl)}`);
    } finally {
      client.dispose();
    }
  });

  it('in the page (worker: false): a batch size that leaves a partial WebGL batch still gives the Node engine\'s patches', async () => {
    const local = createFocusQuality({ modelUrl: MODEL_URL, ortUrl: ORT_URL, backend: 'webgl', worker: false, numThreads: 1 });
    try {
      const plane = (await loadData(DEFOCUSED)).slices[0]!;
      // 63 patches in calls of 50: the second call has 13, padded up to WebGL's fixed batch.
      const [m, node] = await Promise.all([within(120_000, local.measure(plane, { batchSize: 50 }), 'in-page webgl measure'), nodeResults(DEFOCUSED)]);
      assertEqual((await local.info()).report?.backend, 'webgl', 'in-page backend');
      assertEqual(m.best.backend, 'webgl', 'result backend');
      assert(m.best.patches.length > 50, `${m.best.patches.length} patches should need two calls`);
      const diff = maxDifference(m.best, node.results[0]!);
      assert(diff <= TOLERANCE, `largest difference to the Node engine is ${diff}`);
    } finally {
      local.dispose();
    }
  });
});
