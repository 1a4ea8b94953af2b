import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkerPool } from '../../src/hosts/cli/pool.js';
import type { FileJob } from '../../src/hosts/cli/measure-file.js';

const script = new URL('./misbehaving-worker.js', import.meta.url);
const job: FileJob = { batchSize: 64, slices: 'all', aggregation: undefined, metrics: [], pixelSize: undefined, overlay: false };

describe('WorkerPool: one file costs only its own row', { timeout: 60_000 }, () => {
  it('turns a heap overflow, an exit, a busy loop and a rejection into error rows, replacing the thread each time', async () => {
    const pool = await WorkerPool.start(1, { model: 'ok', threads: 1, timeoutMs: 1500, heapMb: 32, script });
    try {
      const files = ['a', 'oom', 'b', 'exit', 'c', 'hang', 'd', 'throw', 'e'];
      const rows = [];
      for (const f of files) rows.push(...(await pool.measure(0, f, job, () => undefined)).rows);
      assert.deepEqual(rows.map((r) => r.file), files);
      const byFile = new Map(rows.map((r) => [r.file, r]));
      assert.equal(byFile.get('oom')!.error, 'the measuring thread crashed (Worker terminated due to reaching memory limit: JS heap out of memory)');
      assert.equal(byFile.get('exit')!.error, 'the measuring thread stopped (exit code 3)');
      assert.equal(byFile.get('hang')!.error, 'timed out after 2 s (see --timeout)');
      assert.equal(byFile.get('throw')!.error, 'the measuring thread failed: worker bug');
      for (const f of ['a', 'b', 'c', 'd', 'e']) assert.equal(byFile.get(f)!.error, undefined, f);
      // Each misbehaving file retired its thread: the good files after them were served by fresh ones.
      const threads = ['a', 'b', 'c', 'd', 'e'].map((f) => byFile.get(f)!.width);
      assert.equal(new Set(threads).size, 5, `thread ids ${threads}`);
    } finally {
      await pool.close();
    }
  });

  it('passes progress from the worker to the caller', async () => {
    const pool = await WorkerPool.start(2, { model: 'ok', threads: 1, timeoutMs: 5000, script });
    try {
      const seen: number[] = [];
      await pool.measure(1, 'x', job, (f) => seen.push(f));
      assert.deepEqual(seen, [0.5]);
    } finally {
      await pool.close();
    }
  });

  it('refuses to start when a thread cannot load the model, with the loader\'s message', async () => {
    await assert.rejects(WorkerPool.start(2, { model: 'refuse', threads: 1, timeoutMs: 1000, script }), (e: Error) => e.name === 'ModelError' && e.message === 'cannot load model "refuse"');
  });
});
