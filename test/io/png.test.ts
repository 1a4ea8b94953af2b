import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encode } from 'fast-png';
import { formatError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/io/decode.js';
import { REPO, readBytes } from './fixtures.js';

describe('decodeImage on PNG', () => {
  it('reads the 16-bit grayscale sample PNG as 16-bit', async () => {
    const s = await decodeImage(readBytes(join(REPO, 'samples', 'in-focus_bbbc006_a05_crop.png')), 'crop.png');
    assert.deepEqual([s.width, s.height, s.bitDepth, s.slices.length], [336, 336, 16, 1]);
    assert.ok(s.slices[0]!.data instanceof Uint16Array);
  });

  it('round-trips 8- and 16-bit gray pixels exactly', async () => {
    const g8 = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const g16 = Uint16Array.from({ length: 12 }, (_, i) => i * 5000);
    const s8 = await decodeImage(encode({ width: 4, height: 3, data: g8, depth: 8, channels: 1 }));
    const s16 = await decodeImage(encode({ width: 4, height: 3, data: g16, depth: 16, channels: 1 }));
    assert.equal(s8.bitDepth, 8);
    assert.deepEqual(Array.from(s8.slices[0]!.data), Array.from(g8));
    assert.equal(s16.bitDepth, 16);
    assert.deepEqual(Array.from(s16.slices[0]!.data), Array.from(g16));
  });

  it('measures RGB as BT.601 luminance with a warning, and drops alpha', async () => {
    const rgba = Uint8Array.from([200, 100, 50, 255, 0, 0, 0, 0]);
    const s = await decodeImage(encode({ width: 2, height: 1, data: rgba, depth: 8, channels: 4 }), 'c.png');
    assert.deepEqual(Array.from(s.slices[0]!.data), [Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50), 0]);
    assert.match(s.warnings.join(), /RGBA PNG: measured its luminance/);
  });

  it('refuses a PNG header claiming 100000×100000 before decoding', async () => {
    const png = encode({ width: 1, height: 1, data: new Uint8Array(1), depth: 8, channels: 1 });
    const view = new DataView(png.buffer, png.byteOffset);
    view.setUint32(16, 100000);
    view.setUint32(20, 100000);
    await assert.rejects(decodeImage(png, 'huge.png'), (e: Error) => e.name === 'ImageFormatError' && /100000×100000/.test(e.message));
  });

  it('names a truncated PNG as corrupt or truncated', async () => {
    const png = encode({ width: 64, height: 64, data: Uint8Array.from({ length: 4096 }, (_, i) => i % 251), depth: 8, channels: 1 });
    await assert.rejects(decodeImage(png.slice(0, 60), 'cut.png'), (e: Error) => e.name === 'ImageFormatError' && /^cut\.png: PNG is (corrupt or truncated|truncated)/.test(formatError(e)));
  });
});
