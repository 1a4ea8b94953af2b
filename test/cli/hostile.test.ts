import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseCsv } from '../../src/io/csv.js';
import { IN_FOCUS_DIR, REPO, craftTiff, tempDir } from '../io/fixtures.js';
import { deflateBombTiff, ifdLoopTiff, lzwBombTiff, pageFloodTiff, randomLzwTiff } from '../io/hostile.js';
import { makeTinyModels } from '../inference/tiny.js';

const BIN = join(REPO, 'bin', 'focus-quality.js');

function cli(args: readonly string[], timeout = 180_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const rowsOf = (text: string): Record<string, string>[] => {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
};

describe('focus-quality CLI on hostile files: each costs only its own row (issue 12)', { timeout: 600_000 }, () => {
  let work: string;
  let dir: string;
  let model: string;
  let good: Record<string, string>[];

  before(() => {
    model = join(makeTinyModels(), 'affine.onnx');
    work = tempDir('cli-hostile');
    dir = join(work, 'plate');
    mkdirSync(dir);
    copyFileSync(join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif'), join(dir, 'a-good.tif'));
    writeFileSync(join(dir, 'b-loop.tif'), ifdLoopTiff('self'));
    copyFileSync(join(IN_FOCUS_DIR, 'crop_100x100.tif'), join(dir, 'c-good.tif'));
    writeFileSync(join(dir, 'd-lzw-bomb.tif'), lzwBombTiff());
    writeFileSync(join(dir, 'e-flood.tif'), pageFloodTiff(100_000));
    writeFileSync(join(dir, 'f-random-lzw.tif'), randomLzwTiff(7));
    writeFileSync(join(dir, 'g-loop-back.tif'), ifdLoopTiff('back'));
    writeFileSync(join(dir, 'h-deflate-bomb.tif'), deflateBombTiff());
    copyFileSync(join(IN_FOCUS_DIR, 'BBBC006_a02_s1_w1_z10.tif'), join(dir, 'z-good.tif'));
    const r = cli([join(dir, 'a-good.tif'), join(dir, 'c-good.tif'), join(dir, 'z-good.tif'), '--model', model, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    good = rowsOf(r.stdout);
  });

  for (const jobs of ['1', '2']) {
    it(`--jobs ${jobs}: every file gets its row, the good ones exactly as in a run without the bad ones, exit 1`, () => {
      const out = join(work, `r${jobs}.csv`);
      const r = cli([dir, '--model', model, '--jobs', jobs, '--out', out]);
      assert.equal(r.status, 1, r.stderr);
      const rows = rowsOf(readFileSync(out, 'utf8'));
      const by = new Map(rows.map((row) => [row.file!.slice(dir.length + 1), row]));
      assert.deepEqual([...by.keys()], ['a-good.tif', 'b-loop.tif', 'c-good.tif', 'd-lzw-bomb.tif', 'e-flood.tif', 'f-random-lzw.tif', 'g-loop-back.tif', 'h-deflate-bomb.tif', 'z-good.tif']);
      assert.deepEqual(['a-good.tif', 'c-good.tif', 'z-good.tif'].map((f) => by.get(f)), good);
      assert.equal(by.get('b-loop.tif')!.error, 'the chain of pages loops: page 0 points back to page 0 (byte 10008)');
      assert.equal(by.get('g-loop-back.tif')!.error, 'the chain of pages loops: page 1 points back to page 0 (byte 20008)');
      assert.equal(by.get('e-flood.tif')!.error, 'more than 65536 pages; this tool reads at most 65536 pages per file');
      assert.match(by.get('f-random-lzw.tif')!.error!, /^page 0, strip 0: (corrupt LZW data \(code \d+ where the table has \d+ entries\)|the data ends after \d+ of 16384 bytes \(corrupt or truncated\))$/);
      // The bombs hold more data than their pages: decoded up to the size the header gives, then measured.
      assert.equal(by.get('d-lzw-bomb.tif')!.error, '');
      assert.equal(by.get('h-deflate-bomb.tif')!.error, '');
      // One line per failed file on stderr, then the summary.
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 5, r.stderr);
      assert.match(lines.at(-1)!, /9 file\(s\): 5 measured, 4 failed/);
    });
  }

  it('refuses a named pipe or a device at once (a read would block or never end), and measures the rest', () => {
    const fifo = join(work, 'a-pipe.tif');
    spawnSync('mkfifo', [fifo]);
    copyFileSync(join(IN_FOCUS_DIR, 'crop_100x100.tif'), join(work, 'b-ok.tif'));
    const r = cli([fifo, '/dev/zero', join(work, 'b-ok.tif'), '--model', model, '--quiet', '--timeout', '600']);
    assert.equal(r.status, 1, r.stderr);
    const rows = rowsOf(r.stdout);
    assert.deepEqual(rows.map((row) => row.error), ['is not a regular file (a pipe, socket or device)', 'is not a regular file (a pipe, socket or device)', '']);
  });

  it('stops a file that takes longer than --timeout, gives it an error row, and measures the next one in a fresh thread', () => {
    const side = 8192;
    const big = new Uint16Array(side * side);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 20;
    writeFileSync(join(work, 'a-big.tif'), craftTiff(side, side, new Uint8Array(big.buffer), [], 16));
    copyFileSync(join(IN_FOCUS_DIR, 'crop_100x100.tif'), join(work, 'b-small.tif'));
    // The shipped model, one patch per call: the 11,025 patches of the 8192² image take ≥ 9 s on the fastest core (the
    // model alone runs ~0.8 ms a patch), far past a 4 s budget; the small file's 4 patches take about a second even on
    // a fresh thread of a machine shared by a dozen processes.
    const r = cli([join(work, 'a-big.tif'), join(work, 'b-small.tif'), '--timeout', '4', '--batch', '1', '--jobs', '1', '--quiet']);
    assert.equal(r.status, 1, r.stderr);
    const rows = rowsOf(r.stdout);
    assert.equal(rows[0]!.error, 'timed out after 4 s (see --timeout)');
    assert.equal(rows[1]!.error, '');
    assert.match(rows[1]!.level!, /^\d+$/);
  });
});
