// The library API in Node (model in the calling thread) on the crafted hostile TIFFs of issue 12: a clear rejection
// or a result, quickly, and the API still works for the next image.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createFocusQuality } from '../../src/node/focus-quality.js';
import { formatError } from '../../src/core/errors.js';
import { IN_FOCUS_DIR } from '../io/fixtures.js';
import { deflateBombTiff, ifdLoopTiff, lzwBombTiff, pageFloodTiff } from '../io/hostile.js';

describe('createFocusQuality().measure(blob) in Node on hostile TIFFs', { timeout: 120_000 }, () => {
  const fq = createFocusQuality();
  after(() => fq.dispose());

  const refused: [string, () => Uint8Array<ArrayBuffer>, RegExp][] = [
    ['loop.tif', () => ifdLoopTiff('self'), /^loop\.tif: the chain of pages loops: page 0 points back to page 0/],
    ['loop-back.tif', () => ifdLoopTiff('back'), /^loop-back\.tif: the chain of pages loops: page 1 points back to page 0/],
    ['flood.tif', () => pageFloodTiff(1_000_000), /^flood\.tif: more than 65536 pages/],
  ];
  for (const [name, make, message] of refused) {
    it(`rejects ${name} with an ImageFormatError naming the cause`, async () => {
      // The refusal's cheapness (no page parsed, bounded memory) is asserted in test/io/hostile.test.ts, speed in bench/.
      await assert.rejects(fq.measure(new Blob([make()]), { name }), (e: Error) => e.name === 'ImageFormatError' && message.test(formatError(e)));
    });
  }

  for (const [name, make] of [['lzw-bomb.tif', lzwBombTiff], ['deflate-bomb.tif', deflateBombTiff]] as const) {
    it(`measures ${name} at the size its header gives (the excess data is never decoded)`, async () => {
      const m = await fq.measure(new Blob([make()]), { name });
      assert.equal(m.results.length, 1);
      assert.ok(m.best.width === 256 || m.best.width === 100);
    });
  }

  it('still measures a real image after all of them', async () => {
    const m = await fq.measure(new Blob([readFileSync(join(IN_FOCUS_DIR, 'crop_100x100.tif'))]), { name: 'crop.tif' });
    assert.equal(m.best.patches.length, 4);
  });
});
