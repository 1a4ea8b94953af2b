import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseCsv } from '../../src/io/csv.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, REPO, tempDir } from '../io/fixtures.js';
import { makeTinyModels } from '../inference/tiny.js';

const BIN = join(REPO, 'bin', 'focus-quality.js');

function cli(args: readonly string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const rowsOf = (text: string): Record<string, string>[] => {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
};

/** Waits until `test` holds (polling), at most `ms`. */
async function until(test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('focus-quality CLI: results are never lost (issue 12)', { timeout: 900_000 }, () => {
  let work: string;
  let model: string;
  let plate: string;
  let clean: string;

  before(() => {
    model = join(makeTinyModels(), 'affine.onnx');
    work = tempDir('cli-results');
    plate = join(work, 'plate');
    mkdirSync(plate);
    for (const f of readdirSync(IN_FOCUS_DIR)) copyFileSync(join(IN_FOCUS_DIR, f), join(plate, `in_${f}`));
    for (const f of readdirSync(DEFOCUSED_DIR)) copyFileSync(join(DEFOCUSED_DIR, f), join(plate, `out_${f}`));
    const r = cli([plate, '--model', model, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    clean = r.stdout;
  });

  const earlier = 'file,slice\nprecious.tif,0\n';

  const usageErrors: [string, (out: string) => string[], RegExp][] = [
    ['--overlay naming an existing file', (out) => ['--out', out, '--overlay', join(work, 'a-file')], /--overlay .*a-file: a file of that name exists; the overlays need a folder/],
    ['--overlay where no folder can be made', (out) => ['--out', out, '--overlay', '/proc/fq-overlays'], /--overlay \/proc\/fq-overlays: cannot write there \(no such folder\)/],
    ['--overlay below a file', (out) => ['--out', out, '--overlay', join(work, 'a-file', 'sub')], /--overlay .*a-file\/sub: cannot write there \(a part of the path is a file, not a folder\)/],
    ['--patches that is not .csv', (out) => ['--out', out, '--patches', join(work, 'p.json')], /--patches .*p\.json: the patch table is CSV, so the file name must end in \.csv/],
    ['--patches where it cannot be written', (out) => ['--out', out, '--patches', '/proc/fq.csv'], /cannot create \/proc\/fq\.csv\.lock/],
    ['--out equal to --patches', (out) => ['--out', out, '--patches', out], /--out and --patches name the same file/],
    ['a bad flag', (out) => ['--out', out, '--batch', '0'], /--batch must be an integer/],
  ];
  for (const [what, extra, message] of usageErrors) {
    it(`leaves an existing --out untouched on a usage error: ${what}`, () => {
      writeFileSync(join(work, 'a-file'), 'x');
      const out = join(work, 'kept.csv');
      writeFileSync(out, earlier);
      const r = cli([join(plate, 'in_crop_100x100.tif'), '--model', model, ...extra(out)]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.equal(readFileSync(out, 'utf8'), earlier);
      assert.ok(!existsSync(`${out}.partial`) && !existsSync(`${out}.lock`));
    });
  }

  it('refuses --out or --patches equal to an input image (by real path) and leaves the image as it was', () => {
    // Inputs are recognised by content, so an image may well be named image.json or image.csv.
    const input = join(work, 'image.json');
    copyFileSync(join(plate, 'in_crop_100x100.tif'), input);
    copyFileSync(input, join(work, 'image.csv'));
    const before = readFileSync(input);
    for (const args of [['--out', `${work}/./image.json`], ['--patches', join(work, 'image.csv')]]) {
      const r = cli([input, join(work, 'image.csv'), '--model', model, ...args]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /--(out|patches) .*image\.(json|csv) is one of the input images; refusing to overwrite it/);
    }
    assert.deepEqual(readFileSync(input), before);
  });

  it('refuses a second run on an output another live run is writing, and the first completes', async () => {
    const out = join(work, 'shared.csv');
    const first = spawn(process.execPath, [BIN, plate, plate, '--model', model, '--out', out, '--quiet', '--batch', '1'], { cwd: REPO });
    const done = new Promise<number | null>((resolve) => first.on('exit', resolve));
    await until(() => existsSync(`${out}.lock`), 30_000);
    const second = cli([plate, '--model', model, '--out', out, '--shard', '2/2']);
    assert.equal(second.status, 2);
    assert.match(second.stderr, new RegExp(`shared\\.csv is being written by another run \\(pid ${first.pid} on .*\\); give each run its own --out`));
    assert.equal(await done, 0);
    assert.equal(readFileSync(out, 'utf8'), clean);
    assert.ok(!existsSync(`${out}.lock`));
  });

  it('takes over the lock of a run that was killed (its pid is gone)', () => {
    const out = join(work, 'stale.csv');
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: Number(dead.stdout.trim()), host: hostname(), since: 'then' }));
    const r = cli([plate, '--model', model, '--out', out, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), clean);
  });

  it('kill -9 mid-run keeps the rows in .partial, a plain rerun refuses to wipe them, --resume finishes exactly', async () => {
    const out = join(work, 'killed.csv');
    writeFileSync(out, earlier);
    const child = spawn(process.execPath, [BIN, plate, '--model', model, '--out', out, '--quiet', '--batch', '1'], { cwd: REPO });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until(() => existsSync(`${out}.partial`) && readFileSync(`${out}.partial`, 'utf8').split('\n').length >= 4, 60_000);
    child.kill('SIGKILL');
    await exited;
    assert.equal(readFileSync(out, 'utf8'), earlier, 'the finished file is untouched until the run completes');
    const plain = cli([plate, '--model', model, '--out', out]);
    assert.equal(plain.status, 2);
    assert.match(plain.stderr, /killed\.csv\.partial holds the rows of an interrupted run: continue it with --resume, or delete it to start over/);
    // A cut-off last row, as a disk-full or a kill in the middle of a write leaves it.
    const partial = readFileSync(`${out}.partial`, 'utf8');
    writeFileSync(`${out}.partial`, partial.slice(0, partial.trimEnd().lastIndexOf('\n') + 20));
    rmSync(out);
    const r = cli([plate, '--model', model, '--out', out, '--resume']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /--resume: \d+ file\(s\) already in .*killed\.csv\.partial, skipped; a cut-off last row was dropped/);
    assert.equal(readFileSync(out, 'utf8'), clean);
    assert.ok(!existsSync(`${out}.partial`) && !existsSync(`${out}.lock`));
  });

  it('SIGINT stops the run with status 130, keeps the rows and frees the lock; --resume completes', async () => {
    const out = join(work, 'interrupted.json');
    const child = spawn(process.execPath, [BIN, plate, '--model', model, '--out', out, '--batch', '1'], { cwd: REPO });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(() => existsSync(`${out}.partial`) && readFileSync(`${out}.partial`, 'utf8').split('\n').length >= 3, 60_000);
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(stderr, /interrupted \(SIGINT\); the \d+ file\(s\) written so far are kept in .*interrupted\.json\.partial: run again with --resume to continue/);
    assert.ok(!existsSync(`${out}.lock`));
    assert.equal(cli([plate, '--model', model, '--out', out, '--resume', '--quiet']).status, 0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { file: string }[];
    assert.deepEqual(json.map((e) => e.file), rowsOf(clean).map((r) => r.file));
  });

  it('--resume measures files that failed before once they are fixed, and drops their error rows', () => {
    const dir = join(work, 'fixme');
    mkdirSync(dir);
    copyFileSync(join(plate, 'in_crop_100x100.tif'), join(dir, 'a.tif'));
    writeFileSync(join(dir, 'b.tif'), readFileSync(join(plate, 'in_BBBC006_a01_s1_w1_z10.tif')).subarray(0, 4000));
    const out = join(work, 'fixme.csv');
    assert.equal(cli([dir, '--model', model, '--out', out, '--quiet']).status, 1);
    assert.match(rowsOf(readFileSync(out, 'utf8'))[1]!.error!, /file is truncated/);
    copyFileSync(join(plate, 'in_BBBC006_a01_s1_w1_z10.tif'), join(dir, 'b.tif'));
    const r = cli([dir, '--model', model, '--out', out, '--resume']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /1 file\(s\) already in .*fixme\.csv, skipped; 1 that failed before measured again/);
    const rows = rowsOf(readFileSync(out, 'utf8'));
    assert.deepEqual(rows.map((row) => [row.file!.slice(dir.length + 1), row.error]), [['a.tif', ''], ['b.tif', '']]);
  });

  it('--resume matches files by real path: `plate`, `./plate/` and a link to it are the same files', () => {
    const out = join(work, 'paths.csv');
    assert.equal(cli(['plate', '--model', model, '--out', out, '--quiet'], work).status, 0);
    symlinkSync('plate', join(work, 'plate-link'));
    for (const arg of ['./plate/', 'plate-link', plate]) {
      const r = cli([arg, '--model', model, '--out', out, '--resume'], work);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /--resume: 9 file\(s\) already in .*, skipped/);
      assert.match(r.stderr, /0 file\(s\): 0 measured/);
    }
    assert.equal(rowsOf(readFileSync(out, 'utf8')).length, 9);
  });

  it('a full disk while writing overlays stops the run with status 3 and one line; the rows so far are kept for --resume', () => {
    const out = join(work, 'full.csv');
    const overlay = join(work, 'full-overlays');
    mkdirSync(overlay);
    // Writing this overlay goes to /dev/full, which answers every write with ENOSPC, as a full disk does.
    symlinkSync('/dev/full', join(overlay, 'in_BBBC006_a05_s1_w1_z10.overlay.png.partial'));
    const r = cli([plate, '--model', model, '--out', out, '--overlay', overlay]);
    assert.equal(r.status, 3, r.stderr);
    const last = r.stderr.trim().split('\n').at(-1)!;
    assert.match(last, /^focus-quality: cannot write .*in_BBBC006_a05_s1_w1_z10\.overlay\.png: no space left on device; the 2 file\(s\) written so far are kept in .*full\.csv\.partial: run again with --resume to continue$/);
    assert.ok(!existsSync(out));
    assert.equal(rowsOf(readFileSync(`${out}.partial`, 'utf8')).length, 2);
    rmSync(join(overlay, 'in_BBBC006_a05_s1_w1_z10.overlay.png.partial'));
    assert.equal(cli([plate, '--model', model, '--out', out, '--overlay', overlay, '--resume', '--quiet']).status, 0);
    assert.equal(readFileSync(out, 'utf8'), clean);
    assert.equal(readdirSync(overlay).filter((f) => f.endsWith('.overlay.png')).length, 9);
    assert.ok(!readdirSync(overlay).some((f) => f.endsWith('.partial')));
  });
});

describe('focus-quality CLI: messages (issue 12)', { timeout: 300_000 }, () => {
  it('file names a spreadsheet would run (=1+2.tif, @x.tif, -2+3.tif) reach Gnumeric as text', () => {
    const dir = tempDir('formula');
    const names = ['=1+2.tif', '@SUM(1).tif', '-2+3.tif', '+A1.tif'];
    for (const n of names) copyFileSync(join(IN_FOCUS_DIR, 'crop_100x100.tif'), join(dir, n));
    const r = cli(['--out', 'r.csv', '--quiet', '--model', join(makeTinyModels(), 'affine.onnx'), '--', ...names], dir);
    assert.equal(r.status, 0, r.stderr);
    const sheet = spawnSync('timeout', ['60', 'ssconvert', '--export-type=Gnumeric_stf:stf_csv', join(dir, 'r.csv'), join(dir, 'seen.csv')], { encoding: 'utf8' });
    assert.equal(sheet.status, 0, sheet.stderr);
    assert.deepEqual(rowsOf(readFileSync(join(dir, 'seen.csv'), 'utf8')).map((row) => row.file), [...names].sort());
  });

  it('expands brace globs itself: "samples/{in,out}*.tif" finds both bundled TIFFs (issue 15)', () => {
    const r = cli(['samples/{in,out}*.tif', '--quiet', '--model', join(makeTinyModels(), 'affine.onnx')]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(rowsOf(r.stdout).map((row) => row.file), ['samples/in-focus_bbbc006_a06.tif', 'samples/out-of-focus_mcf7_b01.tif']);
  });

  it('--shard -1/4 names the bad value instead of a missing one', () => {
    const r = cli(['samples', '--shard', '-1/4']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), 'focus-quality: --shard must look like I/N (e.g. 2/8), got "-1/4" (see --help)');
  });

  it('a folder without images is a usage error (status 2), and no output file is made', () => {
    const dir = tempDir('empty');
    mkdirSync(join(dir, 'nothing'));
    writeFileSync(join(dir, 'nothing', 'notes.txt'), 'hi');
    const r = cli([join(dir, 'nothing'), '--out', join(dir, 'r.csv')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr.trim(), /^focus-quality: no \.tif, \.tiff or \.png images in .*nothing \(see --help\)$/);
    assert.ok(!existsSync(join(dir, 'r.csv')));
  });
});
