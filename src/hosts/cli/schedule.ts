/**
 * The run loop: files go to the pool's threads one at a time per thread, and their outcomes are handed on strictly in
 * input order (finished files wait in `ready` until every earlier one is done), so every output is ordered as the
 * input list whatever --jobs is. `stopped()` is checked before each new file; nothing is handed on after it turns true.
 */
import type { FileJob, FileOutcome } from './measure-file.js';
import type { WorkerPool } from './pool.js';
import type { ProgressBar } from './progress.js';

export async function measureInOrder(pool: WorkerPool, files: readonly string[], job: FileJob, bar: ProgressBar, deliver: (outcome: FileOutcome) => void, stopped: () => boolean): Promise<void> {
  const ready = new Map<number, FileOutcome>();
  const inFlight = new Map<number, number>();
  let nextToDeliver = 0;
  let next = 0;
  const flush = (): void => {
    while (ready.has(nextToDeliver) && !stopped()) {
      const outcome = ready.get(nextToDeliver)!;
      ready.delete(nextToDeliver);
      nextToDeliver++;
      deliver(outcome);
    }
    bar.redraw();
  };
  const slot = async (k: number): Promise<void> => {
    while (next < files.length && !stopped()) {
      const i = next++;
      const file = files[i]!;
      inFlight.set(i, 0);
      // Threads take files in turn, so this one's next file is likeliest `size` places on: read it ahead.
      const outcome = await pool.measure(k, file, job, (fraction) => {
        inFlight.set(i, fraction);
        bar.update([...inFlight.values()].reduce((a, b) => a + b, 0), file);
      }, files[next + pool.size - 1]);
      inFlight.delete(i);
      ready.set(i, outcome);
      bar.tick();
      flush();
    }
  };
  await Promise.all(Array.from({ length: pool.size }, (_, k) => slot(k)));
}
