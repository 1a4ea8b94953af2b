/**
 * How many wasm threads a page's worker runs with, decided by measuring rather than by rule.
 *
 * Why measure: onnxruntime-web fixes its thread count when its wasm starts (one count per worker), splits every operator
 * across the threads and waits for all of them. On an idle machine two threads beat one (2048×2048 end to end on
 * 2 cores: ~0.38–0.5 s vs ~0.6 s); on a machine whose cores are busy elsewhere the same two threads ran 2× slower
 * than one (docs/browser-speed.md). No rule known before loading tells these apart, so the page starts a 1-thread and
 * an N-thread worker, times the same patches on each (interleaved, so both see the same load) and keeps the faster.
 * Pure: no DOM, no workers; worker-client.ts runs the contest, this decides it.
 */

import { DEFAULT_OPTIONS } from '../core/options.js';

/** Patches per inference call for a worker with `threads` wasm threads (its default `batchSize`). */
export function batchForThreads(threads: number): number {
  // 64 for one thread: the core's default (DEFAULT_OPTIONS.batchSize), which is also WebGL's fixed batch.
  // Several threads pay a barrier per operator and call: bigger batches pay it less often (2 threads: 64 → 256 patches
  // per call took a 2048² image from ~0.5 s to ~0.44 s). One thread gains nothing (64 → 256: 0.58 → 0.78 s, cache
  // misses). 256 patches of activations are ~30 MB in the worker.
  return threads > 1 ? 256 : DEFAULT_OPTIONS.batchSize;
}

/**
 * The thread counts worth racing on this page: none (use `[1]` directly) unless it is cross-origin isolated (without
 * SharedArrayBuffer onnxruntime-web runs one thread whatever it is told) and has at least 2 cores; else 1 and up to 4.
 */
export function threadCandidates(cores: number, crossOriginIsolated: boolean): number[] {
  if (!crossOriginIsolated || !(cores >= 2)) return [1];
  return [1, Math.min(4, Math.floor(cores))];
}

/** One candidate's timed runs: milliseconds per patch of each run. */
export interface ThreadTiming {
  readonly threads: number;
  readonly msPerPatch: readonly number[];
}

/**
 * The winner of a contest. Each candidate counts by its fastest run (interference only ever slows a run down); more
 * threads must be clearly faster (by `margin`, default 10 %) to win, because a busy machine later hurts them and not
 * one thread.
 */
export function pickThreads(timings: readonly ThreadTiming[], margin = 0.1): { threads: number; reason: string } {
  const scored = timings.filter((t) => t.msPerPatch.length > 0).map((t) => ({ threads: t.threads, best: Math.min(...t.msPerPatch) }));
  if (scored.length === 0) return { threads: 1, reason: 'no timing: one thread' };
  scored.sort((a, b) => a.threads - b.threads);
  let chosen = scored[0]!;
  for (const s of scored.slice(1)) if (s.best < chosen.best * (1 - margin)) chosen = s;
  const table = scored.map((s) => `${s.threads} thread${s.threads > 1 ? 's' : ''}: ${(1000 / s.best).toFixed(0)} patches/s`).join(', ');
  return { threads: chosen.threads, reason: `fastest measured (${table})` };
}
