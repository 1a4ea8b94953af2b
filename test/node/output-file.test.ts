import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AtomicOutput, OutputWriteError, acquireLock, lockPath, partialPath } from '../../src/node/output-file.js';
import { tempDir } from '../io/fixtures.js';

describe('AtomicOutput', () => {
  it('writes through .partial and renames over the final name only on commit', () => {
    const dir = tempDir('atomic');
    const path = join(dir, 'r.csv');
    writeFileSync(path, 'old results\n');
    const out = AtomicOutput.open(path, 'a\n', acquireLock(path));
    out.append('b\n');
    assert.equal(readFileSync(path, 'utf8'), 'old results\n', 'untouched while running');
    assert.equal(readFileSync(partialPath(path), 'utf8'), 'a\nb\n', 'every append is on disk at once');
    assert.ok(existsSync(lockPath(path)));
    out.commit('c\n');
    assert.equal(readFileSync(path, 'utf8'), 'a\nb\nc\n');
    assert.ok(!existsSync(partialPath(path)) && !existsSync(lockPath(path)));
  });

  it('abandon keeps the partial file and frees the lock', () => {
    const path = join(tempDir('atomic'), 'r.json');
    const out = AtomicOutput.open(path, '[\n', acquireLock(path));
    out.abandon();
    assert.equal(readFileSync(partialPath(path), 'utf8'), '[\n');
    assert.ok(!existsSync(lockPath(path)));
  });

  it('a full device (/dev/full) gives an OutputWriteError naming the file and "no space left on device"', () => {
    const path = join(tempDir('atomic'), 'r.csv');
    symlinkSync('/dev/full', partialPath(path));
    const out = AtomicOutput.open(path, '', acquireLock(path));
    assert.throws(() => out.append('row\n'), (e: Error) => e instanceof OutputWriteError && e.message === `cannot write ${partialPath(path)}: no space left on device`);
    out.abandon();
  });
});

describe('acquireLock', () => {
  it('refuses a lock held by a live process (this one), naming its pid', () => {
    const path = join(tempDir('lock'), 'r.csv');
    const release = acquireLock(path);
    assert.throws(() => acquireLock(path), (e: Error) => e.name === 'OptionsError' && e.message.includes(`being written by another run (pid ${process.pid} on `));
    release();
    acquireLock(path)();
  });

  it('refuses a lock it cannot read (another host, or damaged) rather than guessing', () => {
    const path = join(tempDir('lock'), 'r.csv');
    writeFileSync(lockPath(path), '{"pid": 1, "host": "node-17.cluster", "since": "x"}');
    assert.throws(() => acquireLock(path), /pid 1 on node-17\.cluster, since x/);
    writeFileSync(lockPath(path), 'garbage');
    assert.throws(() => acquireLock(path), /lock file unreadable/);
  });
});
