import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { formatError } from '../../src/core/errors.js';
import { fullScale } from '../../src/core/scaling.js';
import type { ImageStack } from '../../src/core/types.js';
import { decodeImage, sniffFormat } from '../../src/io/decode.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, PYTHON, REPO, craftTiff, readBytes, runTool, tempDir } from './fixtures.js';

const sum = (s: ImageStack, k = 0): number => {
  let t = 0;
  for (const v of s.slices[k]!.data) t += v;
  return t;
};
const at = (s: ImageStack, x: number, y: number, k = 0): number => s.slices[k]!.data[y * s.width + x]!;
const decodeFile = (path: string): Promise<ImageStack> => decodeImage(readBytes(path), path);
const rejects = (name: string, pattern: RegExp) => (e: Error) => {
  assert.equal(e.name, name, e.message);
  assert.match(formatError(e), pattern);
  return true;
};

describe('decodeImage on the real images of test/fixtures/images', () => {
  let expected: Record<string, { shape: number[]; sum: number; px: number }>;
  const files = [...readdirSync(IN_FOCUS_DIR).map((f) => join(IN_FOCUS_DIR, f)), ...readdirSync(DEFOCUSED_DIR).map((f) => join(DEFOCUSED_DIR, f))].filter((f) => f.endsWith('.tif'));

  before(() => {
    // Pillow, not tifffile: this system's tifffile lacks imagecodecs and cannot decode LZW.
    const script = 'import json,sys\nimport numpy as np\nfrom PIL import Image\nout={}\nfor f in sys.argv[1:]:\n a=np.array(Image.open(f))\n out[f]={"shape":list(a.shape),"sum":float(a.astype("float64").sum()),"px":float(a[37,53])}\nprint(json.dumps(out))';
    expected = JSON.parse(runTool(PYTHON, ['-c', script, ...files]));
  });

  it('decodes all 9 files (uncompressed and deflate BBBC006, LZW MCF-7) pixel-exact against Pillow', async () => {
    assert.equal(files.length, 9);
    for (const f of files) {
      const s = await decodeFile(f);
      const e = expected[f]!;
      assert.deepEqual([s.height, s.width], e.shape, f);
      assert.equal(s.bitDepth, 16);
      assert.ok(s.slices[0]!.data instanceof Uint16Array);
      assert.equal(sum(s), e.sum, f);
      assert.equal(at(s, 53, 37), e.px, f);
      assert.deepEqual(s.warnings, []);
    }
  });

  it('trusts magic bytes, not the name: a TIFF named .png decodes as TIFF', async () => {
    const bytes = readBytes(join(IN_FOCUS_DIR, 'crop_100x100.tif'));
    assert.equal(sniffFormat(bytes), 'tiff');
    const s = await decodeImage(bytes, 'looks-like.png');
    assert.equal(s.width, 100);
  });
});

describe('decodeImage on TIFFs written by ImageJ 1.x', () => {
  let dir: string;
  let expected: Map<string, number[]>;

  before(() => {
    dir = tempDir('imagej');
    const macro = `dir = "${dir}/";
newImage("a", "8-bit ramp", 200, 150, 1); run("Add...", "value=7"); saveAs("Tiff", dir + "ij8.tif");
getRawStatistics(n, mean); s = "8:" + getPixel(0,0) + "," + getPixel(150,100) + "," + getPixel(199,149) + "," + mean + "\\n";
newImage("b", "16-bit ramp", 200, 150, 1); saveAs("Tiff", dir + "ij16.tif");
getRawStatistics(n, mean); s = s + "16:" + getPixel(0,0) + "," + getPixel(150,100) + "," + getPixel(199,149) + "," + mean + "\\n";
newImage("c", "32-bit ramp", 200, 150, 1); saveAs("Tiff", dir + "ij32.tif");
getRawStatistics(n, mean); s = s + "32:" + getPixel(0,0) + "," + getPixel(150,100) + "," + getPixel(199,149) + "," + mean + "\\n";
newImage("d", "16-bit ramp", 120, 100, 3);
setSlice(2); run("Add...", "value=1000 slice"); setSlice(3); run("Add...", "value=2000 slice");
saveAs("Tiff", dir + "ijstack.tif");
setSlice(1); a = getPixel(60,50); setSlice(2); b = getPixel(60,50); setSlice(3); c = getPixel(60,50);
s = s + "stack:" + a + "," + b + "," + c + "," + nSlices + "\\n";
open("${join(IN_FOCUS_DIR, 'BBBC006_a02_s1_w1_z10.tif')}"); saveAs("Tiff", dir + "ijreal.tif");
File.saveString(s, dir + "expected.txt");
`;
    writeFileSync(join(dir, 'make.ijm'), macro);
    runTool('timeout', ['60', 'xvfb-run', '-a', 'java', '-jar', '/usr/share/java/ij.jar', '-batch', join(dir, 'make.ijm')], 90_000);
    expected = new Map(
      readFileSync(join(dir, 'expected.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.split(':')[0]!, l.split(':')[1]!.split(',').map(Number)]),
    );
  });

  for (const bits of [8, 16, 32] as const) {
    it(`reads ImageJ's ${bits}-bit TIFF with ImageJ's own pixel values and mean`, async () => {
      const s = await decodeFile(join(dir, `ij${bits}.tif`));
      const [p0, p1, p2, mean] = expected.get(String(bits))!;
      assert.equal(s.bitDepth, bits);
      assert.equal(s.slices.length, 1);
      assert.ok(Math.abs(at(s, 0, 0) - p0!) < 1e-6);
      assert.ok(Math.abs(at(s, 150, 100) - p1!) < 1e-6);
      assert.ok(Math.abs(at(s, 199, 149) - p2!) < 1e-6);
      assert.ok(Math.abs(sum(s) / (200 * 150) - mean!) < 1e-3 * Math.max(1, mean!));
    });
  }

  it('reads an ImageJ stack as 3 slices with the per-slice values ImageJ reports', async () => {
    const s = await decodeFile(join(dir, 'ijstack.tif'));
    const [a, b, c, n] = expected.get('stack')!;
    assert.equal(s.slices.length, n);
    assert.deepEqual([at(s, 60, 50, 0), at(s, 60, 50, 1), at(s, 60, 50, 2)], [a, b, c]);
  });

  it('reads a real image re-saved by ImageJ identically to the original', async () => {
    const original = await decodeFile(join(IN_FOCUS_DIR, 'BBBC006_a02_s1_w1_z10.tif'));
    const resaved = await decodeFile(join(dir, 'ijreal.tif'));
    assert.deepEqual(resaved.slices[0]!.data, original.slices[0]!.data);
  });
});

describe('decodeImage on TIFF variants written by tifffile', () => {
  let dir: string;
  let expected: Record<string, { shape: number[]; sum: number; pixel_10_20: number; luma_10_20?: number; pixel_100_20?: number }>;

  before(() => {
    dir = tempDir('tiffs');
    runTool(PYTHON, [join(REPO, 'test', 'io', 'make_tiffs.py'), join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif'), dir]);
    expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  });

  const exact: [string, 8 | 16 | 32][] = [
    ['be16.tif', 16],
    ['deflate16.tif', 16],
    ['deflate_pred16.tif', 16],
    ['tiled16.tif', 16],
    ['packbits8.tif', 8],
    ['float32.tif', 32],
    ['be_float32.tif', 32],
  ];
  for (const [name, bits] of exact) {
    it(`reads ${name} exactly (${bits}-bit)`, async () => {
      const s = await decodeFile(join(dir, name));
      const e = expected[name]!;
      assert.deepEqual([s.height, s.width], e.shape);
      assert.equal(s.bitDepth, bits);
      assert.equal(sum(s), e.sum);
      assert.equal(at(s, 10, 20), e.pixel_10_20);
      if (e.pixel_100_20 !== undefined) assert.equal(at(s, 100, 20), e.pixel_100_20);
      assert.deepEqual(s.warnings, []);
    });
  }

  it('converts signed 16-bit and 64-bit float to float32 with a warning', async () => {
    for (const name of ['int16.tif', 'float64.tif']) {
      const s = await decodeFile(join(dir, name));
      assert.equal(s.bitDepth, 32);
      assert.equal(sum(s), expected[name]!.sum);
      assert.match(s.warnings.join(), /converted to 32-bit float/);
    }
  });

  it('reads a float image within [0, 1] as normalised and one in counts as /65535', async () => {
    assert.equal(fullScale((await decodeFile(join(dir, 'float32_unit.tif'))).slices[0]!), 1);
    assert.equal(fullScale((await decodeFile(join(dir, 'float32.tif'))).slices[0]!), 65535);
  });

  it('reads a 3-page stack as 3 slices', async () => {
    const s = await decodeFile(join(dir, 'stack16.tif'));
    assert.equal(s.slices.length, 3);
    assert.equal(at(s, 10, 20, 1), Math.floor(expected['stack16.tif']!.pixel_10_20 / 2));
  });

  it('measures an RGB TIFF as its BT.601 luminance, with a warning', async () => {
    const s = await decodeFile(join(dir, 'rgb8.tif'));
    assert.equal(s.bitDepth, 8);
    assert.equal(at(s, 10, 20), expected['rgb8.tif']!.luma_10_20);
    assert.match(s.warnings.join(), /RGB image: measured its luminance/);
  });

  it('decodes NaN/Inf floats but the scaling refuses them, counting 6 bad pixels', async () => {
    const s = await decodeFile(join(dir, 'nan32.tif'));
    assert.throws(() => fullScale(s.slices[0]!), (e: Error) => e.name === 'ImageContentError' && /^6 of 30000 pixels are NaN or infinite/.test(e.message));
  });
});

describe('decodeImage on bad input', () => {
  it('names a truncated TIFF as truncated, with the byte counts', async () => {
    const bytes = readBytes(join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif')).slice(0, 3000);
    await assert.rejects(decodeImage(bytes, 'cut.tif'), rejects('ImageFormatError', /^cut\.tif: file is truncated: page 0 needs 724054 bytes, the file has 3000$/));
  });

  it('names a TIFF cut inside its header as too short for a header', async () => {
    const bytes = readBytes(join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif')).slice(0, 6);
    await assert.rejects(decodeImage(bytes, 'cut.tif'), rejects('ImageFormatError', /^cut\.tif: the file is only 6 bytes, shorter than a TIFF header$/));
  });

  it('names a TIFF cut inside its first page as truncated', async () => {
    const bytes = readBytes(join(IN_FOCUS_DIR, 'crop_100x100.tif'));
    const first = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    await assert.rejects(decodeImage(bytes.slice(0, first + 20), 'cut.tif'), rejects('ImageFormatError', /^cut\.tif: file is truncated or corrupt: page 0 has \d+ tags at byte \d+, beyond the end of the file$/));
  });

  it('says a text file named .tif is not a TIFF or PNG and looks like text', async () => {
    await assert.rejects(decodeImage(new TextEncoder().encode('hello, this is not an image\n'), 'notes.tif'), rejects('ImageFormatError', /^notes\.tif: not a TIFF or PNG image \(it looks like text\)$/));
  });

  it('says an empty file is empty', async () => {
    await assert.rejects(decodeImage(new Uint8Array(0), 'empty.tif'), rejects('ImageFormatError', /the file is empty/));
  });

  it('refuses a header claiming 100000×100000 pixels before allocating anything', async () => {
    const bytes = craftTiff(100000, 100000, new Uint8Array(16), [[279, 4, 4294967295]], 16);
    assert.ok(bytes.length < 200);
    await assert.rejects(decodeImage(bytes, 'huge.tif'), rejects('ImageFormatError', /header claims 100000×100000 pixels.*refusing to allocate/));
  });

  it('calls a TIFF whose only page is a thumbnail an empty stack', async () => {
    const bytes = craftTiff(4, 4, new Uint8Array(16), [[254, 4, 1]]);
    await assert.rejects(decodeImage(bytes, 'thumb.tif'), rejects('ImageContentError', /empty stack/));
  });

  it('decodes a hand-made minimal TIFF (so the crafted-file tests above test what they claim)', async () => {
    const s = await decodeImage(craftTiff(4, 2, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])), 'tiny.tif');
    assert.deepEqual(Array.from(s.slices[0]!.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
