import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/io/decode.js';
import { MAX_PAGES } from '../../src/io/limits.js';
import { tempDir } from './fixtures.js';
import { deflateBombTiff, ifdLoopTiff, lzwBombTiff, pageFloodTiff, randomLzwTiff } from './hostile.js';

const CHILD = fileURLToPath(new URL('./decode-child.js', import.meta.url));
/**
 * Speed is for bench/; here time only guards against a hang (a loop, a file decoded without end), with room for a
 * machine shared by many processes. What makes the refusals cheap is asserted through memory and the messages.
 */
const HANG_MS = 30_000;

interface ChildOutcome {
  readonly ok: boolean;
  readonly name?: string;
  readonly message?: string;
  readonly slices?: number;
  readonly ms: number;
  readonly maxRssMb: number;
}

/** Decodes `bytes` in a fresh Node process (killed after 60 s) and returns what it reported. */
function decodeInChild(dir: string, name: string, bytes: Uint8Array): ChildOutcome {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = spawnSync(process.execPath, [CHILD, path], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${name}: the decoding process died (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildOutcome;
}

describe('hostile TIFFs: each fails alone, fast, in bounded memory (issue 12)', () => {
  let dir: string;
  before(() => {
    dir = tempDir('hostile');
  });

  for (const kind of ['self', 'back'] as const) {
    it(`refuses an IFD chain that loops (${kind === 'self' ? 'a page pointing to itself' : 'page 1 pointing back to page 0'}) at once`, () => {
      const o = decodeInChild(dir, `loop-${kind}.tif`, ifdLoopTiff(kind));
      assert.equal(o.ok, false);
      assert.equal(o.name, 'ImageFormatError');
      assert.match(o.message!, kind === 'self' ? /loop-self\.tif: the chain of pages loops: page 0 points back to page 0 \(byte \d+\)$/ : /loop-back\.tif: the chain of pages loops: page 1 points back to page 0/);
      assert.ok(o.ms < HANG_MS, `${o.ms} ms`);
      assert.ok(o.maxRssMb < 200, `${o.maxRssMb} MB`);
    });
  }

  it('decodes an LZW strip built to inflate without end only up to the size its header gives', () => {
    const o = decodeInChild(dir, 'lzw-bomb.tif', lzwBombTiff());
    assert.equal(o.ok, true, o.message);
    assert.equal(o.slices, 1);
    assert.ok(o.ms < HANG_MS, `${o.ms} ms`);
    assert.ok(o.maxRssMb < 300, `${o.maxRssMb} MB`);
  });

  it('decodes a deflate strip that inflates to 100 MB for a 100×100 page in bounded work and memory', () => {
    const o = decodeInChild(dir, 'deflate-bomb.tif', deflateBombTiff());
    assert.equal(o.ok, true, o.message);
    assert.ok(o.ms < HANG_MS, `${o.ms} ms`);
    assert.ok(o.maxRssMb < 300, `${o.maxRssMb} MB`);
  });

  it('gives a one-line error or an image, never a crash, for 20 strips of random LZW bytes', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      try {
        await decodeImage(randomLzwTiff(seed), `random-${seed}.tif`);
      } catch (err) {
        assert.equal((err as Error).name, 'ImageFormatError', (err as Error).message);
        assert.match(formatError(err), new RegExp(`^random-${seed}\\.tif: page 0, strip 0: (corrupt LZW data|the data ends after)`));
      }
    }
  });

  it(`refuses a chain of 1,000,000 one-pixel pages (114 MB) after walking ${MAX_PAGES}, in well under a GB (no page parsed: the file itself is most of it)`, () => {
    const o = decodeInChild(dir, 'flood.tif', pageFloodTiff(1_000_000));
    assert.equal(o.ok, false);
    assert.match(o.message!, new RegExp(`flood\\.tif: more than ${MAX_PAGES} pages; this tool reads at most ${MAX_PAGES} pages per file$`));
    assert.ok(o.ms < HANG_MS, `${o.ms} ms`);
    assert.ok(o.maxRssMb < 500, `${o.maxRssMb} MB (the file itself is 114 MB)`);
  });

  it(`still reads a stack of ${MAX_PAGES} pages`, async () => {
    const s = await decodeImage(pageFloodTiff(MAX_PAGES), 'many.tif');
    assert.equal(s.slices.length, MAX_PAGES);
  });
});

describe('the decoding time budget', () => {
  it('stops a decode that outlasts timeLimitMs with a one-line error naming the budget', async () => {
    // 65536 pages take about a second to decode on a free core; a 50 ms budget is spent long before the last one.
    await assert.rejects(decodeImage(pageFloodTiff(MAX_PAGES), 'slow.tif', { timeLimitMs: 50 }), (e: Error) => e.name === 'ImageFormatError' && formatError(e) === 'slow.tif: decoding took longer than 50 ms; the file is too large or malformed');
  });
});
