// Issue 10.6: real through-focus fluorescence stacks that we did not make, with the focal plane documented by their
// makers (test/fixtures/images/real-stacks.json and README.md: ZJUOPTKuangLab/DFNN, MIT, live-cell mitochondria on a
// lattice light sheet, plane order 51 in focus). `--slices best` with the bundled model must pick the documented plane
// within ±1 plane. No choice of the model or of any threshold used these stacks; `npm run eval` reports the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCsv } from '../../src/io/csv.js';
import { FIXTURE_IMAGES, REPO } from '../io/fixtures.js';

interface RealStack { id: string; file: string; firstOrder: number; focalOrder: number }
const STACKS = JSON.parse(readFileSync(join(FIXTURE_IMAGES, 'real-stacks.json'), 'utf8')) as RealStack[];

describe('real z-stacks with a documented focal plane', { timeout: 600_000 }, () => {
  it('there is at least one', () => assert.ok(STACKS.length >= 1));
  for (const s of STACKS) {
    it(`${s.id}: --slices best picks the documented in-focus plane within ±1 plane`, () => {
      const r = spawnSync(process.execPath, [join(REPO, 'bin', 'focus-quality.js'), join(FIXTURE_IMAGES, s.file), '--slices', 'best', '--quiet'], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
      assert.equal(r.status, 0, r.stderr);
      const [head, row] = parseCsv(r.stdout);
      // Plane i of the file is the makers' order firstOrder + i.
      const order = s.firstOrder + Number(row![head!.indexOf('slice')]);
      assert.ok(Math.abs(order - s.focalOrder) <= 1, `picked order ${order}, the makers' focal plane is ${s.focalOrder}`);
    });
  }
});
