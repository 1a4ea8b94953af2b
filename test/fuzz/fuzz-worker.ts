/**
 * The fuzz test's decoding thread: makes cases `from` … `to` of `seed` and decodes each, reporting every outcome
 * (and the process's resident memory) before starting the next, so the watching thread always knows which case is
 * in flight when a decode hangs or the thread dies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeImage } from '../../src/io/decode.js';
import { makeCase } from './mutate.js';

export interface FuzzJob {
  readonly seeds: { name: string; bytes: Uint8Array }[];
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  /** Stop starting cases after this wall time (ms since the epoch). */
  readonly until: number;
}

export type FuzzReport =
  | { readonly type: 'start'; readonly k: number; readonly what: string }
  | { readonly type: 'done'; readonly k: number; readonly ms: number; readonly outcome: string; readonly rssMb: number }
  | { readonly type: 'end'; readonly cases: number };

const job = workerData as FuzzJob;
const port = parentPort!;
let k = job.from;
for (; k < job.to && Date.now() < job.until; k++) {
  let c;
  try {
    c = makeCase(job.seeds, job.seed, k);
  } catch (err) {
    port.postMessage({ type: 'start', k, what: '(no case)' } satisfies FuzzReport);
    port.postMessage({ type: 'done', k, ms: 0, outcome: `fuzzer bug: ${(err as Error).message}`, rssMb: 0 } satisfies FuzzReport);
    continue;
  }
  port.postMessage({ type: 'start', k, what: c.what } satisfies FuzzReport);
  const t0 = performance.now();
  let outcome: string;
  try {
    const s = await decodeImage(c.bytes, 'fuzz', { timeLimitMs: 5000 });
    outcome = s.slices.length > 0 && s.slices.every((p) => p.data.length === s.width * s.height) ? 'decoded' : 'BAD STACK';
  } catch (err) {
    outcome = `error:${(err as Error).name}`;
  }
  port.postMessage({ type: 'done', k, ms: performance.now() - t0, outcome, rssMb: process.memoryUsage().rss / 2 ** 20 } satisfies FuzzReport);
}
port.postMessage({ type: 'end', cases: k - job.from } satisfies FuzzReport);
