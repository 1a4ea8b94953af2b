import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseCsv } from '../../src/io/csv.js';
import { decodeImage } from '../../src/io/decode.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, REPO, craftTiff, readBytes, tempDir } from '../io/fixtures.js';

const BIN = join(REPO, 'bin', 'focus-quality.js');
const IN_FOCUS_MAX = JSON.parse(readFileSync(join(REPO, 'models', 'focus-quality.card.json'), 'utf8')).inFocusMaxLevel as number;

// Held-out and training in-focus fields, and defocused images that an earlier model rated in focus once converted
// to 8 bits (mcf7_b01, mcf7_i07) next to one it always got right (mcf7_a19).
const CASES: readonly [string, string, boolean][] = [
  [IN_FOCUS_DIR, 'BBBC006_a05_s1_w1_z10.tif', true],
  [IN_FOCUS_DIR, 'BBBC006_a06_s1_w1_z10.tif', true],
  [IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif', true],
  [DEFOCUSED_DIR, 'mcf7_b01_s2_w1.tif', false],
  [DEFOCUSED_DIR, 'mcf7_i07_s2_w1.tif', false],
  [DEFOCUSED_DIR, 'mcf7_a19_s2_w1.tif', false],
];

/** ImageJ's default 16→8-bit conversion: the display range min..max stretched linearly to 0..255, rounded. */
async function toEightBit(path: string): Promise<Uint8Array> {
  const stack = await decodeImage(readBytes(path), path);
  const plane = stack.slices[0]!;
  assert.equal(plane.bitDepth, 16, `${path}: expected a 16-bit source image`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of plane.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Uint8Array(plane.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(((plane.data[i]! - lo) / (hi - lo)) * 255);
  return craftTiff(plane.width, plane.height, out);
}

describe('focus-quality CLI on 8-bit conversions of real 16-bit images', () => {
  let work = '';
  let rows: Record<string, string>[] = [];

  before(async () => {
    work = tempDir('eight-bit');
    const files: string[] = [];
    for (const [dir, name] of CASES) {
      const file = join(work, name);
      writeFileSync(file, await toEightBit(join(dir, name)));
      files.push(file);
    }
    const out = join(work, 'r.csv');
    const r = spawnSync(process.execPath, [BIN, ...files, '--out', out, '--quiet'], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const [head, ...body] = parseCsv(readFileSync(out, 'utf8'));
    rows = body.map((row) => Object.fromEntries(head!.map((h, i) => [h, row[i] ?? ''])));
  });

  it('decodes the written files as 8-bit images', async () => {
    const stack = await decodeImage(readBytes(join(work, CASES[0]![1])));
    assert.equal(stack.bitDepth, 8);
  });

  for (const [, name, inFocus] of CASES) {
    it(`rates the min-max-stretched 8-bit ${name} ${inFocus ? 'in focus' : 'out of focus'}`, () => {
      const row = rows.find((r) => r['file']!.endsWith(name));
      assert.ok(row, `${name}: no result row`);
      assert.equal(row['error'] ?? '', '');
      const level = Number(row['level']);
      assert.ok(Number.isInteger(level), `${name}: level ${row['level']}`);
      assert.equal(level <= IN_FOCUS_MAX, inFocus, `${name}: level ${level}`);
    });
  }
});
