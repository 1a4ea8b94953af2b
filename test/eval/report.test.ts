// The evaluation report's real-image sections: other labs' never-used images are counted right and "clear" (score at
// least half a level from the in/out boundary, issue 10's target) apart from the in-distribution BBBC006 images.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeReport } from '../../eval/report.js';
import { summarise, type SourceRecord } from '../../eval/sources.js';

const records: SourceRecord[] = [0, 3, 6, 9].map((truth) => ({ source: 's', field: 'f', condition: 'typical', truth, level: truth, score: truth, certainty: 0.5, verdict: truth <= 2 ? 'in' : 'out' }));
const row = (file: string, truth: 'in' | 'out', score: number, verdict: string) =>
  ({ file, truth, level: Math.round(score), score, certainty: 0.4, verdict, right: verdict === truth, clear: Math.abs(score - 2.5) >= 0.5 });

type Stacks = Parameters<typeof writeReport>[0]['realStacks'];
const stackRow = (pickedOrder: number) => ({ id: 'mito', what: 'mitochondria', source: 'repo', planes: 34, stepUm: 0.05, focalOrder: 51, pickedOrder, offsetPlanes: pickedOrder - 51, scores: [] });

function report(realOther?: { what: string; rows: ReturnType<typeof row>[] }, realStacks?: Stacks): string {
  return writeReport({
    generatedAt: 'now', model: { file: 'm.onnx', version: '9', sha256: 'a'.repeat(64), verdict: null, scaling: 'percentile' },
    protocol: { split: 'test', seed: 1, perSource: 1, pixelSizes: [0.325], nativePixelSizeUm: 0.65 },
    summary: summarise(records, 2), plls: { spearmanTypical: 0.5, oursSpearmanTypical: 0.9, perSource: { s: 0.5 }, oursPerSource: { s: 0.9 } },
    real: { what: 'in distribution', rows: [row('bbbc.tif', 'in', 1, 'in')] }, realOther, realStacks, wallSeconds: 1,
  });
}

const section = (text: string): string => text.split('## Real images of other labs (never used for any choice)')[1]!.split('## Real images (in distribution')[0]!;

describe('evaluation report: real images of other labs', () => {
  it('counts right and clear calls and says whether the target is met', () => {
    const met = section(report({ what: 'other labs', rows: [row('a.tif', 'in', 0.9, 'in'), row('b.tif', 'out', 8, 'out')] }));
    assert.match(met, /other labs: 2\/2 right, 2\/2 right with the score at least 0\.5 level from the in\/out boundary \(target: all: met\)/);
    assert.match(met, /\| a\.tif \| in \| 1 \| 0\.90 \| 0\.400 \| in \|/);
    // right but close to the boundary: not clear; wrong: marked
    const notMet = section(report({ what: 'other labs', rows: [row('a.tif', 'in', 2.2, 'in'), row('b.tif', 'out', 1, 'in')] }));
    assert.match(notMet, /1\/2 right, 0\/2 right with the score .* \(target: all: \*\*not met\*\*\)/);
    assert.match(notMet, /\| b\.tif \| out \| 1 \| 1\.00 \| 0\.400 \| in \*\*\(wrong\)\*\* \|/);
  });

  it('says so when none were measured, and keeps the in-distribution images apart', () => {
    const text = report();
    assert.match(section(text), /No real images of other labs were measured/);
    assert.match(text, /## Real images \(in distribution, not a headline\)\n\nin distribution: 1\/1 right\./);
  });
});

describe('evaluation report: real through-focus stacks', () => {
  const stacks = (text: string): string => text.split('## Real through-focus stacks (never used for any choice)')[1]!;
  it('says whether the picked plane is within ±1 of the documented one', () => {
    const met = stacks(report(undefined, { what: 'documented stacks', rows: [stackRow(50)] }));
    assert.match(met, /documented stacks: .*\(target: within ±1 plane: met\)/);
    assert.match(met, /\| mito \| 34 \| 0\.05 µm \| 51 \| 50 \| -1 \| mitochondria; repo \|/);
    const off = stacks(report(undefined, { what: 'documented stacks', rows: [stackRow(50), stackRow(54)] }));
    assert.match(off, /within ±1 plane: \*\*not met\*\*/);
    assert.match(off, /\| 54 \| \+3 \*\*\(off\)\*\* \|/);
  });
  it('says so when none was measured', () => assert.match(stacks(report()), /No real z-stack of documented focus was measured/));
});
