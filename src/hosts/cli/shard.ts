/**
 * `--shard I/N`: a deterministic split of the sorted file list into N parts, part I (1-based) taking every N-th file
 * starting at its I-th. Round-robin keeps parts within one file of each other in size and spreads each plate's wells
 * over all jobs; every file lands in exactly one part as long as every job sees the same list.
 */
import { OptionsError } from '../../core/errors.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new OptionsError(`--shard must look like I/N (e.g. 2/8), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new OptionsError(`--shard ${text}: the number of shards must be at least 1`);
  if (index < 1 || index > count) throw new OptionsError(`--shard ${text}: the shard number must be from 1 to ${count}`);
  return { index, count };
}

export function shardFiles<T>(sorted: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...sorted];
  return sorted.filter((_, k) => k % shard.count === shard.index - 1);
}
