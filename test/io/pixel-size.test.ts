// Pixel size from files (issue 10.4): ImageJ calibration written by real ImageJ 1.x, OME-XML and resolution tags
// written by tifffile, the committed fixtures (whose resolution tags are not pixel sizes), and --pixel-size in the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { PixelSize } from '../../src/core/types.js';
import { decodeImage } from '../../src/io/decode.js';
import { encodeTiff } from '../../src/io/tiff-encode.js';
import { makeTinyModels } from '../inference/tiny.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, PYTHON, REPO, readBytes, runTool, tempDir } from './fixtures.js';

/** Within 0.1 %: ImageJ writes resolutions as rationals over 1,000,000 (650 nm → 1538/1000000 → 650.2 nm). */
const near = (got: PixelSize | undefined, x: number, y = x): void => {
  assert.ok(got, 'a pixel size');
  assert.ok(Math.abs(got.x - x) < 1e-3 * x && Math.abs(got.y - y) < 1e-3 * y, `${JSON.stringify(got)} vs ${x}×${y}`);
};
const pixelSizeOf = async (path: string) => decodeImage(readBytes(path), path);

describe('pixel size from files', { timeout: 300_000 }, () => {
  let dir: string;
  let imagej: Record<string, number[]>;

  before(() => {
    dir = tempDir('pixel-size');
    // ImageJ 1.x writes the calibration set by run("Properties...") and reports it back with getPixelSize.
    const shots: [string, string, string][] = [
      ['ij_micron.tif', 'newImage("a", "16-bit ramp", 200, 150, 1);', 'pixel_width=0.325 pixel_height=0.325 voxel_depth=1 unit=micron'],
      ['ij_um_aniso.tif', 'newImage("b", "16-bit ramp", 200, 150, 1);', 'pixel_width=0.65 pixel_height=0.325 voxel_depth=1 unit=um'],
      ['ij_nm.tif', 'newImage("c", "8-bit ramp", 200, 150, 1);', 'pixel_width=650 pixel_height=650 voxel_depth=1 unit=nm'],
      ['ij_stack.tif', 'newImage("d", "16-bit ramp", 120, 100, 3);', 'channels=1 slices=3 frames=1 pixel_width=0.5 pixel_height=0.5 voxel_depth=2 unit=micron'],
      ['ij_pixel.tif', 'newImage("e", "16-bit ramp", 120, 100, 1);', 'pixel_width=1 pixel_height=1 voxel_depth=1 unit=pixel'],
      ['ij_real_0325.tif', `open("${join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif')}");`, 'pixel_width=0.325 pixel_height=0.325 voxel_depth=1 unit=micron'],
    ];
    const macro = shots
      .map(([file, make, props]) => `${make}\nrun("Properties...", "${props.startsWith('channels') ? props : `channels=1 slices=1 frames=1 ${props}`}");\nsaveAs("Tiff", "${dir}/${file}");\ngetPixelSize(unit, pw, ph);\nFile.append("${file}:" + pw + "," + ph + "," + unit, "${dir}/expected.txt");\nclose();`)
      .join('\n');
    writeFileSync(join(dir, 'make.ijm'), macro);
    runTool('timeout', ['120', 'xvfb-run', '-a', 'java', '-jar', '/usr/share/java/ij.jar', '-batch', join(dir, 'make.ijm')], 150_000);
    imagej = Object.fromEntries(
      readFileSync(join(dir, 'expected.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.split(':')[0]!, l.split(':')[1]!.split(',').slice(0, 2).map(Number)]),
    );
    const py = `import sys, numpy as n, tifffile as t
d = sys.argv[1]
a = (n.arange(150 * 200).reshape(150, 200) % 4000).astype(n.uint16)
t.imwrite(d + '/ome_um.tif', a, ome=True, metadata={'PhysicalSizeX': 0.65, 'PhysicalSizeY': 0.65})
t.imwrite(d + '/ome_nm.tif', a, ome=True, metadata={'PhysicalSizeX': 325, 'PhysicalSizeXUnit': 'nm', 'PhysicalSizeY': 650, 'PhysicalSizeYUnit': 'nm'})
t.imwrite(d + '/ome_none.tif', a, ome=True)
t.imwrite(d + '/res_cm.tif', a, resolution=(20000, 20000), resolutionunit='CENTIMETER')
t.imwrite(d + '/res_cm_absurd.tif', a, resolution=(1, 1), resolutionunit='CENTIMETER')
t.imwrite(d + '/res_inch.tif', a, resolution=(72, 72), resolutionunit='INCH')
t.imwrite(d + '/res_none.tif', a, resolution=(1, 1), resolutionunit='NONE')
`;
    runTool(PYTHON, ['-c', py, dir]);
  });

  it('reads ImageJ calibrations as ImageJ reports them (micron, um, nm, a stack on every slice)', async () => {
    for (const f of ['ij_micron.tif', 'ij_um_aniso.tif', 'ij_stack.tif', 'ij_real_0325.tif']) {
      const s = await pixelSizeOf(join(dir, f));
      const [pw, ph] = imagej[f]!;
      near(s.pixelSize, pw!, ph!);
      for (const slice of s.slices) assert.deepEqual(slice.pixelSize, s.pixelSize, f);
    }
    const nm = await pixelSizeOf(join(dir, 'ij_nm.tif'));
    near(nm.pixelSize, imagej['ij_nm.tif']![0]! / 1000, imagej['ij_nm.tif']![1]! / 1000);
    assert.equal((await pixelSizeOf(join(dir, 'ij_stack.tif'))).slices.length, 3);
  });

  it('states none for an ImageJ image calibrated in pixels', async () => {
    assert.equal((await pixelSizeOf(join(dir, 'ij_pixel.tif'))).pixelSize, undefined);
  });

  it('reads OME-XML PhysicalSizeX/Y (µm by default, other units converted)', async () => {
    near((await pixelSizeOf(join(dir, 'ome_um.tif'))).pixelSize, 0.65);
    near((await pixelSizeOf(join(dir, 'ome_nm.tif'))).pixelSize, 0.325, 0.65);
    assert.equal((await pixelSizeOf(join(dir, 'ome_none.tif'))).pixelSize, undefined);
  });

  it('reads resolution tags in centimetres when plausible, never in inches or without a unit', async () => {
    near((await pixelSizeOf(join(dir, 'res_cm.tif'))).pixelSize, 0.5);
    for (const f of ['res_cm_absurd.tif', 'res_inch.tif', 'res_none.tif']) assert.equal((await pixelSizeOf(join(dir, f))).pixelSize, undefined, f);
  });

  it('finds no pixel size in the committed fixtures (72 dpi, 1/1 without unit) or the samples', async () => {
    const files = [...readdirSync(IN_FOCUS_DIR).map((f) => join(IN_FOCUS_DIR, f)), ...readdirSync(DEFOCUSED_DIR).map((f) => join(DEFOCUSED_DIR, f)), ...readdirSync(join(REPO, 'samples')).filter((f) => /\.(tif|png)$/.test(f)).map((f) => join(REPO, 'samples', f))];
    for (const f of files) assert.equal((await pixelSizeOf(f)).pixelSize, undefined, f);
  });

  it('reads back what io/tiff-encode.ts writes (the ImageJ layout)', async () => {
    const plane = { data: new Uint16Array(100 * 90).map((_, i) => i), width: 100, height: 90, bitDepth: 16 as const, pixelSize: { x: 0.4, y: 0.2 } };
    near((await decodeImage(encodeTiff(plane), 'w.tif')).pixelSize, 0.4, 0.2);
  });

  describe('in the CLI, with a model whose card states 0.65 µm', () => {
    let model: string;
    const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin', 'focus-quality.js'), ...args, '--model', model, '--quiet'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    const patches = (r: ReturnType<typeof cli>): string[] => r.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[4]!);

    before(() => {
      const tiny = makeTinyModels();
      copyFileSync(join(tiny, 'affine.onnx'), join(tiny, 'native.onnx'));
      const card = JSON.parse(readFileSync(join(tiny, 'affine.card.json'), 'utf8'));
      writeFileSync(join(tiny, 'native.card.json'), JSON.stringify({ ...card, file: 'native.onnx', pixelSizeUm: 0.65 }));
      model = join(tiny, 'native.onnx');
    });

    it('resamples a file calibrated at 0.325 µm to 0.65 µm (696×520 → 348×260: 20 patches, not 63)', () => {
      const r = cli([join(dir, 'ij_real_0325.tif'), join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif')]);
      assert.equal(r.status, 0, r.stderr);
      const rows = r.stdout.trim().split('\n').slice(1);
      const byFile = new Map(rows.map((l) => [l.split(',')[0]!.split('/').pop()!, l]));
      assert.equal(byFile.get('ij_real_0325.tif')!.split(',')[4], '20');
      assert.equal(byFile.get('BBBC006_a01_s1_w1_z10.tif')!.split(',')[4], '63');
      assert.match(byFile.get('BBBC006_a01_s1_w1_z10.tif')!, /pixel size unknown/);
      // The CSV says which pixel size each file was measured at.
      const col = r.stdout.split('\n')[0]!.split(',').indexOf('pixel_size_um');
      assert.equal(byFile.get('ij_real_0325.tif')!.split(',')[col], '0.325');
      assert.equal(byFile.get('BBBC006_a01_s1_w1_z10.tif')!.split(',')[col], '');
    });

    it('--pixel-size overrides every file: 0.65 measures the calibrated file as it is, 0.325 resamples the uncalibrated one', () => {
      const native = cli([join(dir, 'ij_real_0325.tif'), '--pixel-size', '0.65']);
      assert.equal(native.status, 0, native.stderr);
      assert.deepEqual(patches(native), ['63']);
      const half = cli([join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif'), '--pixel-size', '0.325,0.325']);
      assert.equal(half.status, 0, half.stderr);
      assert.deepEqual(patches(half), ['20']);
    });

    it('refuses a --pixel-size that is not one, with one line and status 2', () => {
      const r = cli([join(IN_FOCUS_DIR, 'crop_100x100.tif'), '--pixel-size', '72dpi']);
      assert.equal(r.status, 2);
      assert.match(r.stderr.trim(), /^focus-quality: --pixel-size must be a pixel size in µm from 0\.01 to 100, as "0\.65" or "x,y", got "72dpi" \(see --help\)$/);
    });
  });
});
