/**
 * One intensity rule in two languages: src/core/scaling.ts (what the product feeds the model) and training/inputs.py
 * (what the model was trained and evaluated on) give the same offset, scale and patch values, on images that exercise
 * the subsampling (over maxSamples pixels), 8/16-bit and float data, a sparse field and a flat image.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { extractPatches, FULL_SCALE_RULE, fullScale, inputMapping, intensityRuleOf, type IntensityRule } from '../../src/core/scaling.js';
import type { GrayImage } from '../../src/core/types.js';
import { seededRandom } from '../../eval/protocol.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PERCENTILE: IntensityRule = { rule: 'percentile', low: 1, high: 99.9, maxSamples: 65536 };


function image(kind: string, width: number, height: number, seed: number): GrayImage {
  const r = seededRandom(seed);
  const n = width * height;
  if (kind === 'u8') return { width, height, bitDepth: 8, data: Uint8Array.from({ length: n }, () => (r() < 0.1 ? 40 + r() * 200 : 3 + r() * 10) | 0) };
  if (kind === 'u16') return { width, height, bitDepth: 16, data: Uint16Array.from({ length: n }, () => (1000 + (r() < 0.2 ? r() * 3000 : r() * 40)) | 0) };
  if (kind === 'flat') return { width, height, bitDepth: 16, data: new Uint16Array(n).fill(512) };
  return { width, height, bitDepth: 32, data: Float32Array.from({ length: n }, () => r() * 0.3) };
}

/** Python's (lo, hi) and the normalised first patch for the same image. */
function python(dir: string, img: GrayImage, rule: IntensityRule): { lo: number; hi: number; patch: number[] } {
  const file = join(dir, 'img.f64');
  writeFileSync(file, Buffer.from(Float64Array.from(img.data).buffer));
  const full = fullScale(img);
  const code = [
    'import json, sys, numpy as np',
    'from training.inputs import normalise, percentiles',
    `a = np.fromfile(${JSON.stringify(file)}, dtype="<f8").reshape(${img.height}, ${img.width})`,
    `rule = json.loads(${JSON.stringify(JSON.stringify(rule))})`,
    `lo, hi = percentiles(a, rule["low"], rule["high"], rule["maxSamples"]) if rule["rule"] == "percentile" else (0.0, 0.0)`,
    `x = normalise(a, ${full}, rule)[:84, :84]`,
    'print(json.dumps({"lo": lo, "hi": hi, "patch": x.ravel().tolist()}))',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', code], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { lo: number; hi: number; patch: number[] };
}

describe('intensity rule: TypeScript and Python agree', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-scaling-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, number, number][] = [['u8', 300, 200], ['u16', 696, 520], ['f32', 1000, 700], ['flat', 90, 90], ['u16', 84, 85]];

  for (const [kind, w, h] of cases) {
    it(`percentile rule on a ${w}×${h} ${kind} image: same percentiles and the same patch values`, () => {
      const img = image(kind, w, h, w * 31 + h);
      const py = python(dir, img, PERCENTILE);
      const m = inputMapping(img, PERCENTILE);
      if (kind !== 'flat') assert.equal(m.offset, py.lo);
      if (kind !== 'flat') assert.equal(m.scale, py.hi - py.lo);
      else assert.equal(m.scale, 1, 'a flat image is scaled by one count');
      const ts = extractPatches(img, [{ x: 0, y: 0, w: 84, h: 84 }], 84, undefined, m);
      let worst = 0;
      ts.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - py.patch[i]!))));
      assert.ok(worst <= 1e-6, `largest difference ${worst}`);
    });
  }

  it('full-scale rule: value / 255 or / 65535 in both languages', () => {
    const img = image('u16', 200, 100, 5);
    const py = python(dir, img, FULL_SCALE_RULE);
    const ts = extractPatches(img, [{ x: 0, y: 0, w: 84, h: 84 }], 84, undefined, inputMapping(img, FULL_SCALE_RULE));
    ts.forEach((v, i) => assert.ok(Math.abs(v - py.patch[i]!) <= 1e-7));
  });

  it('reads the rule from the card: percentile with its numbers, anything else full scale, nonsense refused', () => {
    assert.deepEqual(intensityRuleOf({ scaling: { rule: 'percentile', low: 1, high: 99.9, maxSamples: 65536 } }), PERCENTILE);
    assert.deepEqual(intensityRuleOf({ scaling: { rule: 'raw value / full scale of the bit depth; no per-image normalisation' } }), FULL_SCALE_RULE);
    assert.deepEqual(intensityRuleOf({}), FULL_SCALE_RULE);
    assert.throws(() => intensityRuleOf({ scaling: { rule: 'percentile', low: 50, high: 10, maxSamples: 10 } }), RangeError);
  });
});
