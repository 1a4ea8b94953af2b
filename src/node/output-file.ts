/**
 * Node-only: an output file that is never left half-written or wiped. Text goes to `<path>.partial` (flushed with
 * every append, so a killed run leaves what it measured there, complete up to its last record), and only a finished
 * file is renamed over `path` — a crash, a kill, a full disk or a usage error never truncates earlier results.
 * `<path>.lock` (created exclusively, holding the writer's pid and host) keeps two runs from writing one output;
 * a lock whose process is gone is taken over.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { OptionsError } from '../core/errors.js';

export const partialPath = (path: string): string => `${path}.partial`;
export const lockPath = (path: string): string => `${path}.lock`;

/** "no space left on device" rather than "ENOSPC: no space left on device, write". */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOENT: 'no such folder',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'is a folder',
    EIO: 'input/output error',
  };
  return (e.code && known[e.code]) ?? (e.message ?? String(err)).split('\n')[0]!;
}

/** An output that could not be written (disk full, permissions): the run stops and says where its rows are. */
export class OutputWriteError extends Error {
  override readonly name = 'OutputWriteError';
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${describeFsError(cause)}`, { cause });
  }
}

/**
 * `mkdir -p` one level at a time: Node's `mkdirSync(p, { recursive: true })` never returns for a path under /proc
 * (Node 20), where it should fail.
 */
export function makeFolder(path: string): void {
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); ) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<path>.lock` or throws OptionsError naming the run that holds it; returns the release function. */
export function acquireLock(path: string): () => void {
  const lock = lockPath(path);
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      makeFolder(dirname(path) || '.');
      const fd = openSync(lock, 'wx');
      writeSync(fd, JSON.stringify(mine) + '\n');
      closeSync(fd);
      let held = true;
      // Once only: a second call must not delete the lock another run has taken since.
      return () => {
        if (!held) return;
        held = false;
        try {
          unlinkSync(lock);
        } catch {
          // already gone (removed by hand): nothing to release
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new OptionsError(`cannot create ${lock}: ${describeFsError(err)}`);
    }
    let held: LockInfo | undefined;
    try {
      held = JSON.parse(readFileSync(lock, 'utf8')) as LockInfo;
    } catch {
      held = undefined;
    }
    const stale = held !== undefined && held.host === mine.host && !alive(held.pid);
    if (!stale) {
      const who = held ? `pid ${held.pid} on ${held.host}, since ${held.since}` : 'lock file unreadable';
      throw new OptionsError(`${path} is being written by another run (${who}); give each run its own --out (with --shard, e.g. part-1-of-4.csv), or delete ${lock} if that run is gone`);
    }
    unlinkSync(lock);
  }
  throw new OptionsError(`cannot take the lock ${lock}`);
}

/** Writes a whole binary file (an image) through `<path>.partial` and a rename: the file is complete or absent. */
export function writeFileAtomically(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(partialPath(path), bytes);
    renameSync(partialPath(path), path);
  } catch (err) {
    throw new OutputWriteError(path, err);
  }
}

/** A locked output being written through its `.partial` file. */
export class AtomicOutput {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    private readonly release: () => void,
  ) {}

  /**
   * Starts `<path>.partial` with `initial` (the header, or earlier records kept by --resume); `release` is the lock
   * taken on `path` with `acquireLock` (released by commit and abandon, or here when the file cannot be opened).
   */
  static open(path: string, initial: string, release: () => void): AtomicOutput {
    const out = new AtomicOutput(path, release);
    try {
      out.fd = openSync(partialPath(path), 'w');
    } catch (err) {
      release();
      throw new OptionsError(`cannot write ${partialPath(path)}: ${describeFsError(err)}`);
    }
    out.append(initial);
    return out;
  }

  get partial(): string {
    return partialPath(this.path);
  }

  /** Writes `text` now (no buffering in this process: a kill keeps everything appended so far). */
  append(text: string): void {
    if (this.fd === undefined || text === '') return;
    try {
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at);
    } catch (err) {
      throw new OutputWriteError(this.partial, err);
    }
  }

  /** Ends the file with `footer`, flushes it to disk and renames it over `path`; releases the lock. */
  commit(footer: string): void {
    try {
      this.append(footer);
      fsyncSync(this.fd!);
      closeSync(this.fd!);
      this.fd = undefined;
      renameSync(this.partial, this.path);
    } catch (err) {
      throw err instanceof OutputWriteError ? err : new OutputWriteError(this.path, err);
    } finally {
      this.abandon();
    }
  }

  /** Stops writing, keeping `<path>.partial` as it is (for --resume), and releases the lock. */
  abandon(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // closing a file whose device failed: its data is as durable as it will get
      }
      this.fd = undefined;
    }
    this.release();
  }

}
