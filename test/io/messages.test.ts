// One clear line for each kind of damaged or unusual file that issue 12 found badly reported.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { encode } from 'fast-png';
import { formatError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/io/decode.js';
import { craftTiff } from './fixtures.js';
import { seededRandom as rng } from '../../eval/protocol.js';
import { buildTiff } from './hostile.js';

const fails = (pattern: RegExp) => (e: Error) => {
  assert.equal(e.name, 'ImageFormatError', e.message);
  assert.match(formatError(e), pattern);
  return true;
};

describe('decoder messages', () => {
  it('names corrupt deflate data with its cause (not "(undefined)")', async () => {
    const good = deflateSync(Buffer.alloc(100 * 100, 7));
    const bad = Uint8Array.from(good);
    bad[2] = 0xff; // an invalid block type right after the zlib header
    await assert.rejects(decodeImage(buildTiff([{ width: 100, height: 100, compression: 8, data: bad }]), 'z.tif'), fails(/^z\.tif: page 0, strip 0: corrupt deflate data \(invalid block type\)$/));
  });

  it('says a deflate strip that ends early is truncated, with the byte counts', async () => {
    const r = rng(3);
    const data = deflateSync(Buffer.from(Array.from({ length: 10000 }, () => Math.floor(r() * 256)))).subarray(0, 3000);
    await assert.rejects(decodeImage(buildTiff([{ width: 100, height: 100, compression: 8, data }]), 'short.tif'), fails(/^short\.tif: page 0, strip 0: (corrupt deflate data \(unexpected EOF\)|the data ends after \d+ of 10000 bytes \(corrupt or truncated\))$/));
  });

  it('names a 1-bit TIFF without BitsPerSample as 1-bit, not "0-bit"', async () => {
    const bytes = craftTiff(16, 16, new Uint8Array(32));
    // Remove BitsPerSample (tag 258) by renaming it to an unknown private tag: its default, 1 bit, applies.
    const v = new DataView(bytes.buffer);
    for (let k = 0; k < v.getUint16(8, true); k++) if (v.getUint16(10 + 12 * k, true) === 258) v.setUint16(10 + 12 * k, 65000, true);
    await assert.rejects(decodeImage(bytes, 'bw.tif'), fails(/^bw\.tif: page 0: 1-bit \(black and white\) images are not supported; save as 8- or 16-bit grayscale$/));
  });

  it('names unsupported compressions by name', async () => {
    await assert.rejects(decodeImage(craftTiff(8, 8, new Uint8Array(64), [[259, 3, 7]]), 'j.tif'), fails(/^j\.tif: page 0: compression 7 \(JPEG\) is not supported; save as uncompressed, LZW, deflate or PackBits$/));
  });

  it('warns about a PNG whose CRC does not match, and still decodes it', async () => {
    const png = encode({ width: 4, height: 3, data: Uint8Array.from({ length: 12 }, (_, i) => i * 20), depth: 8, channels: 1 });
    const bad = Uint8Array.from(png);
    bad[29] ^= 0xff; // last byte of the IHDR CRC
    const s = await decodeImage(bad, 'crc.png');
    assert.deepEqual(Array.from(s.slices[0]!.data), Array.from({ length: 12 }, (_, i) => i * 20));
    assert.deepEqual(s.warnings, ['PNG chunk IHDR fails its CRC check: the file is damaged, its pixels may be wrong']);
    assert.deepEqual((await decodeImage(png, 'ok.png')).warnings, []);
  });

  it('refuses a PNG whose image data inflates far beyond its header (a zlib bomb) without inflating it all', async () => {
    const png = encode({ width: 100, height: 100, data: new Uint8Array(10000), depth: 8, channels: 1 });
    // Replace the IDAT with 200 MB of zeros deflated (~200 KB), fixing its length and CRC.
    const idatAt = png.findIndex((_, i) => png[i] === 0x49 && png[i + 1] === 0x44 && png[i + 2] === 0x41 && png[i + 3] === 0x54) - 4;
    const len = new DataView(png.buffer, png.byteOffset).getUint32(idatAt);
    const bomb = deflateSync(Buffer.alloc(200 * 2 ** 20), { level: 9 });
    const chunk = new Uint8Array(12 + bomb.length);
    const v = new DataView(chunk.buffer);
    v.setUint32(0, bomb.length);
    chunk.set([0x49, 0x44, 0x41, 0x54], 4);
    chunk.set(bomb, 8);
    const { crc32 } = await import('node:zlib').then((z) => z as unknown as { crc32?: (b: Uint8Array) => number });
    if (crc32) v.setUint32(8 + bomb.length, crc32(chunk.subarray(4, 8 + bomb.length)));
    const out = new Uint8Array(png.length - (12 + len) + chunk.length);
    out.set(png.subarray(0, idatAt));
    out.set(chunk, idatAt);
    out.set(png.subarray(idatAt + 12 + len), idatAt + chunk.length);
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(decodeImage(out, 'bomb.png'), fails(/^bomb\.png: PNG image data inflates beyond the 100×100 pixels its header gives \(corrupt or crafted\)$/));
    // Nothing near the 200 MB was ever held: the check inflates into a 10 KB buffer and stops.
    assert.ok(process.memoryUsage().arrayBuffers - before < 50 * 2 ** 20);
  });
});
