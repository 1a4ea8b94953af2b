import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { decode } from 'fast-png';
import { IMAGE_COLUMNS, parseCsv } from '../../src/io/csv.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, PYTHON, REPO, craftTiff, runTool, tempDir } from '../io/fixtures.js';
import { makeTinyModels } from '../inference/tiny.js';

const BIN = join(REPO, 'bin', 'focus-quality.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], cwd = REPO, timeout = 120_000): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Parsed CSV as objects keyed by header. */
function table(text: string): Record<string, string>[] {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

describe('focus-quality CLI: usage', () => {
  it('prints help with every flag and exits 0', () => {
    const r = cli(['--help']);
    assert.equal(r.status, 0);
    for (const flag of ['--out', '--patches', '--overlay', '--slices', '--model', '--batch', '--jobs', '--shard', '--resume', '--quiet', '--help', '--version']) assert.ok(r.stdout.includes(flag), flag);
  });

  it('prints the package version', () => {
    const r = cli(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
  });

  const usageErrors: [string[], RegExp][] = [
    [['--frobnicate', 'samples'], /^focus-quality: unknown option --frobnicate \(see --help\)$/],
    [['--shard', '3/2', 'samples'], /^focus-quality: --shard 3\/2: the shard number must be from 1 to 2 \(see --help\)$/],
    [['--shard', 'half', 'samples'], /--shard must look like I\/N/],
    [['--batch', '0', 'samples'], /--batch must be an integer from 1 to 4096, got "0"/],
    [['--slices', 'sharpest', 'samples'], /--slices must be all, best or a 0-based slice index/],
    [['--out', 'results.xlsx', 'samples'], /--out results\.xlsx: the file name must end in \.csv, \.json or \.geojson/],
    [['--resume', 'samples'], /--resume needs --out/],
    [[], /no input files, folders or globs given/],
    [['no/such/folder'], /no such file or folder: no\/such\/folder/],
    [['samples', '--model', '/nonexistent/m.onnx'], /\/nonexistent\/m\.card\.json: cannot read the model card/],
  ];
  for (const [args, pattern] of usageErrors) {
    it(`exits 2 with one line for: ${args.join(' ') || '(no arguments)'}`, () => {
      const r = cli(args);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trim(), pattern);
      assert.equal(r.stdout, '');
    });
  }
});

describe('focus-quality CLI: runs with the affine test model', { timeout: 300_000 }, () => {
  let models: string;
  let work: string;
  let model: string;
  let imgs: string;

  before(() => {
    models = makeTinyModels();
    model = join(models, 'affine.onnx');
    work = tempDir('cli');
    imgs = join(work, 'imgs');
    mkdirSync(join(imgs, 'sub'), { recursive: true });
    copyFileSync(join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif'), join(imgs, 'a01.tif'));
    copyFileSync(join(DEFOCUSED_DIR, 'mcf7_a19_s2_w1.tif'), join(imgs, 'sub', 'mcf7_a19.tif'));
    copyFileSync(join(REPO, 'samples', 'in-focus_bbbc006_a05_crop.png'), join(imgs, 'crop.png'));
    writeFileSync(join(imgs, 'cut.tif'), readFileSync(join(IN_FOCUS_DIR, 'BBBC006_a02_s1_w1_z10.tif')).subarray(0, 3000));
    writeFileSync(join(imgs, 'notes.tif'), 'this is text, not an image\n');
    writeFileSync(join(imgs, 'small.tif'), craftTiff(50, 60, new Uint8Array(3000).fill(9)));
    writeFileSync(join(imgs, 'ignored.txt'), 'not picked up from folders');
    runTool(PYTHON, ['-c', 'import sys,numpy as n,tifffile as t\na=n.full((100,100),0.5,n.float32)\na[3,3]=n.nan\nt.imwrite(sys.argv[1],a)\nb=n.stack([n.full((90,90),v,n.uint16) for v in (100,30000,9000)])\nt.imwrite(sys.argv[2],b,photometric="minisblack")', join(imgs, 'nan.tif'), join(work, 'stack.tif')]);
  });

  it('writes one CSV row per file with the required columns, error rows for bad files, and exits 1', () => {
    const r = cli([imgs, '--model', model, '--out', join(work, 'r.csv'), '--quiet']);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '', '--quiet prints nothing');
    const rows = table(readFileSync(join(work, 'r.csv'), 'utf8'));
    assert.deepEqual(parseCsv(readFileSync(join(work, 'r.csv'), 'utf8'))[0], [...IMAGE_COLUMNS]);
    const byName = new Map(rows.map((row) => [row.file!.slice(imgs.length + 1), row]));
    assert.deepEqual([...byName.keys()], ['a01.tif', 'crop.png', 'cut.tif', 'nan.tif', 'notes.tif', 'small.tif', 'sub/mcf7_a19.tif']);
    for (const ok of ['a01.tif', 'crop.png', 'sub/mcf7_a19.tif']) {
      const row = byName.get(ok)!;
      assert.equal(row.error, '', ok);
      assert.match(row.level!, /^\d+$/);
      assert.ok(Number(row.certainty) >= 0 && Number(row.certainty) <= 1);
    }
    assert.equal(byName.get('a01.tif')!.patches, '63');
    assert.match(byName.get('cut.tif')!.error!, /^file is truncated: page 0 needs 724054 bytes, the file has 3000$/);
    assert.match(byName.get('notes.tif')!.error!, /^not a TIFF or PNG image \(it looks like text\)$/);
    assert.match(byName.get('small.tif')!.error!, /^image is 50×60 pixels, smaller than one 84×84 patch$/);
    assert.match(byName.get('nan.tif')!.error!, /^1 of 10000 pixels are NaN or infinite$/);
  });

  it('names each failed file on stderr and summarises, without --quiet', () => {
    const r = cli([join(imgs, 'a01.tif'), join(imgs, 'cut.tif'), '--model', model, '--out', join(work, 'r2.csv')]);
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /cut\.tif: file is truncated/);
    assert.match(lines.at(-1)!, /2 file\(s\): 1 measured, 1 failed/);
  });

  it('writes CSV to stdout when it is not a terminal', () => {
    const r = cli([join(imgs, 'a01.tif'), '--model', model, '--quiet']);
    assert.equal(r.status, 0);
    const rows = table(r.stdout);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.width, '696');
  });

  it('writes .json and .geojson outputs that parse, one polygon per patch', () => {
    const files = [join(imgs, 'a01.tif'), join(imgs, 'notes.tif')];
    assert.equal(cli([...files, '--model', model, '--out', join(work, 'r.json'), '--quiet']).status, 1);
    const json = JSON.parse(readFileSync(join(work, 'r.json'), 'utf8'));
    assert.equal(json.length, 2);
    assert.equal(json[0].patchCount, 63);
    assert.match(json[1].error, /not a TIFF or PNG/);
    assert.equal(cli([...files, '--model', model, '--out', join(work, 'r.geojson'), '--quiet']).status, 1);
    const geo = JSON.parse(readFileSync(join(work, 'r.geojson'), 'utf8'));
    assert.equal(geo.type, 'FeatureCollection');
    assert.equal(geo.features.filter((f: { geometry: unknown }) => f.geometry).length, 63);
    assert.equal(geo.features[0].geometry.type, 'Polygon');
    assert.match(geo.features[0].properties.color, /^#[0-9a-f]{6}$/);
  });

  it('writes a patch CSV with one row per patch and p0..p10, and overlay PNGs', () => {
    const overlay = join(work, 'overlays');
    const r = cli([join(imgs, 'a01.tif'), join(imgs, 'crop.png'), '--model', model, '--out', join(work, 'p-run.csv'), '--patches', join(work, 'patches.csv'), '--overlay', overlay, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const patches = table(readFileSync(join(work, 'patches.csv'), 'utf8'));
    assert.equal(patches.length, 63 + 16);
    const sum = Array.from({ length: 11 }, (_, k) => Number(patches[0]![`p${k}`])).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4);
    assert.deepEqual(readdirSync(overlay).sort(), ['a01.overlay.png', 'crop.overlay.png']);
    const png = decode(readFileSync(join(overlay, 'a01.overlay.png')));
    assert.equal(png.width, 696);
    assert.ok(png.height > 520);
  });

  it('splits the sorted file list into disjoint shards that together cover every file once', () => {
    const seen: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const r = cli([imgs, '--model', model, '--shard', `${i}/3`, '--quiet']);
      const files = table(r.stdout).map((row) => row.file!);
      assert.ok(files.length >= 2 && files.length <= 3, `shard ${i}: ${files.length}`);
      seen.push(...files);
    }
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
  });

  it('--resume skips files already in the CSV and appends the new ones under one header', () => {
    const out = join(work, 'resume.csv');
    assert.equal(cli([join(imgs, 'a01.tif'), '--model', model, '--out', out, '--quiet']).status, 0);
    const r = cli([join(imgs, 'a01.tif'), join(imgs, 'crop.png'), '--model', model, '--out', out, '--resume']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /--resume: 1 file\(s\) already in .*resume\.csv, skipped/);
    assert.match(r.stderr, /1 file\(s\): 1 measured/);
    const text = readFileSync(out, 'utf8');
    assert.equal(text.split('\n').filter((l) => l.startsWith('file,')).length, 1);
    assert.deepEqual(table(text).map((row) => row.file!.split('/').pop()), ['a01.tif', 'crop.png']);
  });

  it('--resume keeps the earlier entries of a .json output and adds only new files', () => {
    const out = join(work, 'resume.json');
    assert.equal(cli([join(imgs, 'a01.tif'), '--model', model, '--out', out, '--quiet']).status, 0);
    assert.equal(cli([join(imgs, 'a01.tif'), join(imgs, 'crop.png'), '--model', model, '--out', out, '--resume', '--quiet']).status, 0);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as { file: string }[];
    assert.deepEqual(rows.map((r) => r.file.split('/').pop()), ['a01.tif', 'crop.png']);
  });

  it('measures every slice of a stack, or only the sharpest with --slices best', () => {
    const stack = join(work, 'stack.tif');
    const all = table(cli([stack, '--model', model, '--quiet']).stdout);
    assert.deepEqual(all.map((r) => r.slice), ['0', '1', '2']);
    const best = table(cli([stack, '--model', model, '--slices', 'best', '--quiet']).stdout);
    assert.equal(best.length, 1);
    assert.equal(best[0]!.slice, '1', 'for the affine model the brightest slice is the sharpest');
    const one = table(cli([stack, '--model', model, '--slices', '2', '--quiet']).stdout);
    assert.deepEqual(one.map((r) => r.slice), ['2']);
  });

  it('expands a quoted ** glob itself', () => {
    const r = cli([`${imgs}/**/*.tif`, '--model', model, '--quiet']);
    const names = table(r.stdout).map((row) => row.file!.slice(imgs.length + 1));
    assert.deepEqual(names, ['a01.tif', 'cut.tif', 'nan.tif', 'notes.tif', 'small.tif', 'sub/mcf7_a19.tif']);
  });

  it('exits 2 naming the model when worker threads cannot load it (--jobs 2)', () => {
    writeFileSync(join(models, 'broken.onnx'), 'not an onnx file');
    copyFileSync(join(models, 'affine.card.json'), join(models, 'broken.card.json'));
    const r = cli([join(imgs, 'a01.tif'), join(imgs, 'crop.png'), '--model', join(models, 'broken.onnx'), '--jobs', '2']);
    assert.equal(r.status, 2);
    assert.match(r.stderr.trim(), /^focus-quality: .*broken\.onnx: (cannot create an ONNX session|not an ONNX model)/);
  });

  it('gives the same rows in the same order with --jobs 1, --jobs 4 and --jobs auto (the default)', () => {
    const a = cli([imgs, '--model', model, '--jobs', '1', '--quiet']).stdout;
    const b = cli([imgs, '--model', model, '--jobs', '4', '--quiet']).stdout;
    const c = cli([imgs, '--model', model, '--jobs', 'auto', '--quiet']).stdout;
    const d = cli([imgs, '--model', model, '--quiet']).stdout;
    assert.equal(a, b);
    assert.equal(a, c);
    assert.equal(a, d);
    assert.ok(existsSync(join(work, 'r.csv')));
  });
});

describe('focus-quality CLI with the shipped model on the real images', { timeout: 600_000 }, () => {
  it('rates the 5 in-focus BBBC006 fixtures ≤ 2 and the 4 MCF-7 defocused fields ≥ 3', () => {
    const out = join(tempDir('cli-real'), 'real.csv');
    const r = cli([IN_FOCUS_DIR, DEFOCUSED_DIR, '--out', out, '--quiet', '--batch', '256'], REPO, 600_000);
    assert.equal(r.status, 0, r.stderr);
    const rows = table(readFileSync(out, 'utf8'));
    assert.equal(rows.length, 9);
    const wrong = rows.filter((row) => (Number(row.level) <= 2) !== row.file!.includes('bbbc006-in-focus')).map((row) => `${row.file}=${row.level}`);
    assert.deepEqual(wrong, []);
  });

  it('prints a readable table for the bundled samples (npm start)', () => {
    const r = cli(['samples', '--format', 'table']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^file\s+slice\s+level\s+score\s+certainty\s+in focus\s+verdict\s+patches$/);
    assert.equal(lines.length, 2 + 3);
    assert.match(r.stdout, /in-focus_bbbc006_a06\.tif\s+0\s+[0-2]\s.*\s(in|uncertain)\s+63$/m);
    assert.match(r.stdout, /out-of-focus_mcf7_b01\.tif\s+0\s+([3-9]|10)\s/);
  });
});
