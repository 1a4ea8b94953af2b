/**
 * A measuring worker for pool tests that misbehaves on request, for real: it runs in a real worker thread under the
 * pool's real heap limit and timer. File names choose what happens: "oom" allocates until V8's heap limit ends the
 * thread, "exit" ends the thread with code 3, "hang" never returns (a busy loop: only terminate() stops it), "throw"
 * rejects; any other name gets one measured-looking row naming the thread that served it.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort, threadId } from 'node:worker_threads';
import type { MeasureWorkerApi } from '../../src/hosts/cli/worker-api.js';

const api: MeasureWorkerApi = {
  async init(init) {
    if (init.model === 'refuse') throw new Error('cannot load model "refuse"');
  },
  async measure(file, _job, onProgress) {
    await onProgress(0.5); // through the proxy: a promise, awaited so the update lands before the reply
    (onProgress as unknown as Comlink.Remote<unknown>)[Comlink.releaseProxy]();
    if (file === 'oom') {
      const hoard: number[][] = [];
      for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => i));
    }
    if (file === 'exit') process.exit(3);
    if (file === 'hang') for (;;);
    if (file === 'throw') throw new Error('worker bug');
    return { rows: [{ file, slice: 0, width: threadId, height: 1 }], overlays: new Map() };
  },
  async dispose() {},
};

Comlink.expose(api, nodeEndpoint(parentPort!));
