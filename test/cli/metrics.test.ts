// `--metrics`: classic focus metrics as extra columns, checked against computeMetrics / the per-patch form on the
// same decoded pixels, in this thread and through --jobs 2 worker threads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { METRICS, computeMetrics, metricPerPatch } from '../../src/core/metrics/index.js';
import { splitIntoPatches } from '../../src/core/patches.js';
import type { GrayImage } from '../../src/core/types.js';
import { IMAGE_COLUMNS, parseCsv } from '../../src/io/csv.js';
import { readImageFile } from '../../src/node/image-files.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, REPO, tempDir } from '../io/fixtures.js';
import { makeTinyModels } from '../inference/tiny.js';

const BIN = join(REPO, 'bin', 'focus-quality.js');
const IN_FOCUS = join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif');
const DEFOCUSED = join(DEFOCUSED_DIR, 'mcf7_a19_s2_w1.tif');

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function table(text: string): Record<string, string>[] {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

/** CSV cells carry 10 significant digits. */
function assertClose(cell: string | undefined, expected: number, what: string): void {
  assert.ok(cell !== undefined && cell !== '', `${what}: empty cell`);
  const v = Number(cell);
  assert.ok(Math.abs(v - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: CSV ${cell}, computeMetrics ${expected}`);
}

async function plane(file: string): Promise<GrayImage> {
  return (await readImageFile(file)).slices[0]!;
}

describe('focus-quality CLI --metrics', { timeout: 600_000 }, () => {
  let model: string;
  let work: string;
  before(() => {
    model = join(makeTinyModels(), 'affine.onnx');
    work = tempDir('cli-metrics');
  });

  it('an unknown metric is a usage error (exit 2) naming it, before anything is measured', () => {
    const r = cli([IN_FOCUS, '--model', model, '--metrics', 'plls,nope']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^focus-quality: --metrics: unknown metric "nope"; choose from plls, focus_score/);
    assert.match(cli([IN_FOCUS, '--model', model, '--metrics', ',']).stderr, /--metrics needs at least one name/);
  });

  it('--help lists --metrics and the metric names', () => {
    const r = cli(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--metrics M,\.\.\..*\n.*plls, focus_score, local_focus_score, laplacian_variance, brenner, tenengrad \| all/);
  });

  for (const jobs of ['1', '2']) {
    it(`--jobs ${jobs}: image columns equal computeMetrics, patch columns equal metricPerPatch, required columns unchanged`, async () => {
      const out = join(work, `r${jobs}.csv`);
      const patches = join(work, `p${jobs}.csv`);
      const r = cli([IN_FOCUS, DEFOCUSED, '--model', model, '--metrics', 'plls,brenner', '--jobs', jobs, '--out', out, '--patches', patches, '--quiet']);
      assert.equal(r.status, 0, r.stderr);
      const text = readFileSync(out, 'utf8');
      assert.deepEqual(parseCsv(text)[0], [...IMAGE_COLUMNS, 'plls', 'brenner']);
      const rows = table(text);
      assert.deepEqual(rows.map((row) => row.file), [IN_FOCUS, DEFOCUSED]);
      const patchRows = table(readFileSync(patches, 'utf8'));
      for (const row of rows) {
        assert.equal(row.error, '');
        assert.equal(row.warnings, '');
        const image = await plane(row.file!);
        const expected = computeMetrics(image, ['plls', 'brenner']);
        assertClose(row.plls, expected.plls!, `${row.file} plls`);
        assertClose(row.brenner, expected.brenner!, `${row.file} brenner`);
        const rects = splitIntoPatches(image.width, image.height, 84);
        const mine = patchRows.filter((p) => p.file === row.file);
        assert.equal(mine.length, rects.length);
        const plls = metricPerPatch(image, rects, METRICS.plls);
        const brenner = metricPerPatch(image, rects, METRICS.brenner);
        mine.forEach((p, k) => {
          assert.deepEqual([Number(p.x), Number(p.y)], [rects[k]!.x, rects[k]!.y]);
          assertClose(p.plls, plls[k]!, `patch ${k} plls`);
          assertClose(p.brenner, brenner[k]!, `patch ${k} brenner`);
        });
      }
      // Sharper scores higher for both metrics: the in-focus BBBC006 field against the defocused MCF-7 one.
      assert.ok(Number(rows[0]!.brenner) > 0 && Number(rows[0]!.plls) > Number(rows[1]!.plls));
    });
  }

  it('JSON carries a metrics object and GeoJSON patch features carry per-patch metrics', async () => {
    const json = join(work, 'r.json');
    assert.equal(cli([IN_FOCUS, '--model', model, '--metrics', 'all', '--out', json, '--quiet']).status, 0);
    const [entry] = JSON.parse(readFileSync(json, 'utf8')) as { metrics: Record<string, number> }[];
    const expected = computeMetrics(await plane(IN_FOCUS), ['all']);
    assert.deepEqual(Object.keys(entry!.metrics), Object.keys(expected));
    for (const [name, v] of Object.entries(expected)) assert.equal(entry!.metrics[name], v, name);
    const geo = join(work, 'r.geojson');
    assert.equal(cli([IN_FOCUS, '--model', model, '--metrics', 'focus_score', '--out', geo, '--quiet']).status, 0);
    const features = (JSON.parse(readFileSync(geo, 'utf8')) as { features: { properties: { metrics?: Record<string, number> } }[] }).features;
    assert.equal(features.length, 63);
    assert.ok(features.every((f) => Object.keys(f.properties.metrics ?? {}).join() === 'focus_score' && Number.isFinite(f.properties.metrics!.focus_score)));
  });

  it('without --metrics the outputs have exactly the old columns and no metrics fields', () => {
    const r = cli([IN_FOCUS, '--model', model, '--quiet']);
    assert.equal(r.status, 0);
    assert.deepEqual(parseCsv(r.stdout)[0], [...IMAGE_COLUMNS]);
    const j = cli([IN_FOCUS, '--model', model, '--format', 'json', '--quiet']);
    assert.equal('metrics' in (JSON.parse(j.stdout) as object[])[0]!, false);
  });

  it('--resume refuses to append to a CSV written with other --metrics', () => {
    const out = join(work, 'resume.csv');
    assert.equal(cli([IN_FOCUS, '--model', model, '--out', out, '--quiet']).status, 0);
    const r = cli([IN_FOCUS, DEFOCUSED, '--model', model, '--out', out, '--resume', '--metrics', 'plls']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--resume: .*resume\.csv has the columns .*use the same --metrics and model/);
  });
});
