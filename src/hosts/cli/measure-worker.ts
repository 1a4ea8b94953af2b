/**
 * Worker thread of `--jobs N`: loads its own model session once, then measures the files it is sent. Each worker
 * runs inference on its own core; one session per worker because an ORT session runs one call at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { formatError } from '../../core/errors.js';
import { loadModelFromDisk } from '../../node/model-files.js';
import { measureFile } from './measure-file.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

try {
  const model = await loadModelFromDisk(init.model, { numThreads: init.threads });
  post({ type: 'ready' });
  port.on('message', async (req: WorkerRequest) => {
    if (req.type === 'close') {
      await model.dispose();
      port.close();
      return;
    }
    const outcome = await measureFile(model, req.file, req.job, (fraction) => post({ type: 'progress', id: req.id, fraction }));
    const overlays = [...outcome.overlays.entries()];
    post({ type: 'done', id: req.id, rows: outcome.rows, overlays }, [...new Set(overlays.map(([, png]) => png.buffer as ArrayBuffer))]);
  });
} catch (err) {
  post({ type: 'failed', message: formatError(err) });
}
