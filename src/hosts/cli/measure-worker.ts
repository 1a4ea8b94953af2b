/**
 * Worker thread of the CLI's pool: loads its own model session once, then measures the files it is sent, one at a
 * time (an ORT session runs one call at a time). Exposed with comlink over Node's worker_threads adapter. Decoding
 * runs here too, so a file that hangs or crashes can be stopped by terminating this thread (see pool.ts).
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { formatError } from '../../core/errors.js';
import type { FocusModel } from '../../inference/session.js';
import { readImageBytes } from '../../node/image-files.js';
import { loadModelFromDisk } from '../../node/model-files.js';
import { measureFile } from './measure-file.js';
import type { MeasureWorkerApi } from './worker-api.js';

let model: FocusModel | undefined;
/** The read started ahead for the file expected next (I/O overlaps this thread's decoding and inference). */
let ahead: { file: string; bytes: Promise<Uint8Array> } | undefined;

function readAhead(file: string): Promise<Uint8Array> {
  const bytes = readImageBytes(file);
  bytes.catch(() => undefined); // a failed read is reported when (if) the file is measured
  return bytes;
}

const api: MeasureWorkerApi = {
  async init(init) {
    try {
      model = await loadModelFromDisk(init.model, { numThreads: init.threads });
    } catch (err) {
      // Only the message crosses the thread boundary, so it carries the file the error names.
      throw new Error(formatError(err));
    }
  },
  async measure(file, job, onProgress, next) {
    if (!model) throw new Error('measuring worker used before init');
    const bytes = ahead?.file === file ? ahead.bytes : undefined;
    ahead = next !== undefined ? { file: next, bytes: readAhead(next) } : undefined;
    const outcome = await measureFile(model, file, job, onProgress, bytes);
    // The callback arrived as a comlink proxy over its own MessagePort: close it, or every file leaves one open.
    (onProgress as unknown as Comlink.Remote<unknown>)[Comlink.releaseProxy]();
    const buffers = [...outcome.overlays.values(), ...(outcome.composite ? [outcome.composite.image, outcome.composite.depth] : [])].map((b) => b.buffer as ArrayBuffer);
    return Comlink.transfer(outcome, [...new Set(buffers)]);
  },
  async dispose() {
    await model?.dispose();
    model = undefined;
  },
};

Comlink.expose(api, nodeEndpoint(parentPort!));
