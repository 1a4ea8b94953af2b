// The TIFF decoder (own, bounded) against the decoder it replaced (geotiff 3.0) and against the pixels written into
// each file: every TIFF the tests have — the committed real images and every variant the two generators write (all
// compressions, predictors, bit depths and both byte orders) — must decode pixel for pixel the same (issue 13).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fromArrayBuffer } from 'geotiff';
import { decodeImage } from '../../src/io/decode.js';
import { interleavedToLuminance } from '../../src/io/luminance.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, PYTHON, REPO, readBytes, runTool, tempDir } from './fixtures.js';

/** geotiff's reading of a file's first page, reduced as our decoder reduces it (RGB → luminance, other types → float32). */
async function geotiffPixels(bytes: Uint8Array): Promise<ArrayLike<number>> {
  const image = await (await fromArrayBuffer(bytes.slice().buffer)).getImage(0);
  const raster = (await image.readRasters({ interleave: true })) as unknown as ArrayLike<number>;
  const spp = image.getSamplesPerPixel();
  return spp === 1 ? raster : interleavedToLuminance(raster, spp, (n) => new Uint8Array(n));
}

/**
 * Files where geotiff 3.0 departs from libtiff (and from Pillow, which uses libtiff): predictors on big-endian files,
 * which geotiff undoes before swapping the bytes. There the written pixels are the reference (and Pillow agrees).
 */
const GEOTIFF_WRONG = new Set(['lzw16_pred_be.tif', 'lzw_f32_pred3_be.tif']);
/** Files geotiff cannot read at all (RGB with a predictor): compared with the written pixels only. */
const GEOTIFF_CANNOT = new Set(['lzw_rgb8_pred.tif']);

describe('TIFF decoder parity with geotiff and with the pixels written', () => {
  let dir: string;
  let files: string[];
  let truth: Record<string, { dtype: string; shape: number[]; sha256: string }>;

  before(() => {
    dir = tempDir('parity');
    const source = join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif');
    runTool(PYTHON, [join(REPO, 'test', 'io', 'make_codec_tiffs.py'), source, dir]);
    runTool(PYTHON, [join(REPO, 'test', 'io', 'make_tiffs.py'), source, dir]);
    truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
    files = [
      ...readdirSync(IN_FOCUS_DIR).map((f) => join(IN_FOCUS_DIR, f)),
      ...readdirSync(DEFOCUSED_DIR).map((f) => join(DEFOCUSED_DIR, f)),
      join(REPO, 'samples', 'in-focus_bbbc006_a06.tif'),
      join(REPO, 'samples', 'out-of-focus_mcf7_b01.tif'),
      ...readdirSync(dir).filter((f) => f.endsWith('.tif')).map((f) => join(dir, f)),
    ];
  });

  it('decodes every TIFF fixture exactly as geotiff does (first page; float32 where we convert)', async () => {
    const compared: string[] = [];
    for (const path of files) {
      const name = path.split('/').pop()!;
      if (GEOTIFF_WRONG.has(name) || GEOTIFF_CANNOT.has(name)) continue;
      const bytes = readBytes(path);
      const ours = (await decodeImage(bytes, name)).slices[0]!.data;
      const theirs = await geotiffPixels(bytes);
      assert.equal(ours.length, theirs.length, name);
      const float = ours instanceof Float32Array;
      let diff = -1;
      for (let i = 0; i < ours.length && diff < 0; i++) {
        const a = ours[i]!;
        const b = float ? Math.fround(theirs[i]!) : theirs[i]!;
        if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) diff = i;
      }
      assert.equal(diff, -1, `${name}: pixel ${diff} is ${ours[diff]}, geotiff says ${theirs[diff]}`);
      compared.push(name);
    }
    // Every compression (none, LZW, deflate, PackBits), predictor and byte order among them:
    for (const must of ['BBBC006_a01_s1_w1_z10.tif', 'BBBC006_a05_s1_w1_z10.tif', 'mcf7_a19_s2_w1.tif', 'lzw16_be.tif', 'lzw16_pred.tif', 'deflate_pred16.tif', 'packbits16_be.tif', 'tiled16.tif', 'lzw_f32_pred3.tif', 'be_float32.tif', 'raw_u32_be.tif', 'int16.tif']) {
      assert.ok(compared.includes(must), must);
    }
  });

  it('decodes every generated variant to exactly the pixels written (where geotiff errs, too)', async () => {
    const arrays: Record<string, (b: ArrayBuffer) => ArrayLike<number>> = {
      uint8: (b) => new Uint8Array(b), uint16: (b) => new Uint16Array(b), int16: (b) => new Int16Array(b),
      uint32: (b) => new Uint32Array(b), float32: (b) => new Float32Array(b), float64: (b) => new Float64Array(b),
    };
    for (const [name, t] of Object.entries(truth)) {
      const s = await decodeImage(readBytes(join(dir, name)), name);
      const data = s.slices[0]!.data;
      if (t.shape.length === 3) {
        assert.match(s.warnings.join(), /RGB image: measured its luminance/, name);
        continue; // luminance of the written channels: checked against geotiff-free arithmetic below
      }
      // Back to the written type (float32 holds every written value exactly, except float64, compared rounded).
      const written = arrays[t.dtype]!(new ArrayBuffer(data.length * (t.dtype === 'float64' ? 8 : t.dtype.endsWith('8') ? 1 : t.dtype.endsWith('16') ? 2 : 4)));
      const typed = written as unknown as { [i: number]: number };
      for (let i = 0; i < data.length; i++) typed[i] = data[i]!;
      if (t.dtype === 'float64') continue; // converted to float32 by design: the float rule, not the bytes, matters
      const hash = createHash('sha256').update(Buffer.from((written as unknown as Uint8Array).buffer)).digest('hex');
      assert.equal(hash, t.sha256, name);
    }
  });

  it('measures RGB with a predictor as the luminance of the written channels', async () => {
    const s = await decodeImage(readBytes(join(dir, 'lzw_rgb8_pred.tif')), 'rgb');
    const plain = await decodeImage(readBytes(join(dir, 'rgb8.tif')), 'rgb8');
    // Both files hold the same three channels (make_tiffs.py and make_codec_tiffs.py derive them alike).
    assert.deepEqual(s.slices[0]!.data, plain.slices[0]!.data);
  });
});
