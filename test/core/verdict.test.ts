import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregatePatches, argmaxLevel } from '../../src/core/aggregate.js';
import { parseModelCard, type ModelCard } from '../../src/core/model-card.js';
import type { PatchScore } from '../../src/core/types.js';
import { decideVerdict, requiredMargin, type VerdictEvidence } from '../../src/core/verdict.js';

const card = { inFocusMaxLevel: 2 } as const;
const sure = (score: number, certainty = 0.9): VerdictEvidence => ({ score, certainty, inFocus: score < 2.5, hasContent: true, anyCertainty: true });

describe('decideVerdict', () => {
  it('without a rule in the card: in/out by the level, for every image with content', () => {
    assert.equal(decideVerdict(sure(0.2, 0.01), card), 'in');
    assert.equal(decideVerdict(sure(2.49, 0.01), card), 'in');
    assert.equal(decideVerdict(sure(2.51), card), 'out');
  });

  it('a plane without content, or without any certain patch, is uncertain whatever the rule', () => {
    assert.equal(decideVerdict({ ...sure(0.1), hasContent: false }, card), 'uncertain');
    assert.equal(decideVerdict({ ...sure(9.0), anyCertainty: false }, card), 'uncertain');
  });

  it('minCertainty: below it uncertain, at it decided', () => {
    const rule = { ...card, verdict: { minCertainty: 0.3 } };
    assert.equal(decideVerdict(sure(0.5, 0.29), rule), 'uncertain');
    assert.equal(decideVerdict(sure(0.5, 0.3), rule), 'in');
    assert.equal(decideVerdict(sure(7, 0.31), rule), 'out');
    assert.equal(decideVerdict(sure(7, Number.NaN), rule), 'uncertain');
  });

  it('minMargin: a score within that many levels of the boundary (inFocusMaxLevel + 0.5) is uncertain', () => {
    const rule = { ...card, verdict: { minMargin: 0.5 } };
    assert.equal(decideVerdict(sure(2.1), rule), 'uncertain');
    assert.equal(decideVerdict(sure(2.9), rule), 'uncertain');
    assert.equal(decideVerdict(sure(2.0), rule), 'in');
    assert.equal(decideVerdict(sure(3.0), rule), 'out');
  });

  it('certaintyMargin: the margin grows as certainty falls (minMargin + certaintyMargin / certainty)', () => {
    const rule = { ...card, verdict: { minMargin: 0.5, certaintyMargin: 0.1 } };
    // certainty 0.5 → margin 0.7: a score 1 level out is called, 0.6 is not
    assert.equal(decideVerdict(sure(3.5, 0.5), rule), 'out');
    assert.equal(decideVerdict(sure(3.1, 0.5), rule), 'uncertain');
    // certainty 0.05 → margin 2.5: the same score 1 level out is uncertain, 2.6 levels out is called
    assert.equal(decideVerdict(sure(3.5, 0.05), rule), 'uncertain');
    assert.equal(decideVerdict(sure(5.1, 0.05), rule), 'out');
    assert.equal(decideVerdict(sure(0.1, 0.05), rule), 'uncertain', 'an in call can stand at most 2.5 levels from the boundary');
    assert.equal(decideVerdict(sure(0.1, 0.2), rule), 'in');
    assert.equal(decideVerdict(sure(9, 0), rule), 'uncertain', 'certainty 0 needs an infinite margin');
    assert.equal(decideVerdict(sure(9, Number.NaN), rule), 'uncertain');
    assert.equal(decideVerdict(sure(0.6, 0.05), { ...card, verdict: { certaintyMargin: 0.1 } }), 'uncertain', 'without minMargin the extra margin (2 levels here) still applies');
    assert.equal(decideVerdict(sure(0.4, 0.05), { ...card, verdict: { certaintyMargin: 0.1 } }), 'in');
    assert.equal(requiredMargin({ minMargin: 1, certaintyMargin: 0 }, 0), 1, 'certaintyMargin 0 adds nothing, even at certainty 0');
  });
});

describe('aggregatePatches gives the verdict', () => {
  const patch = (probs: number[], certainty: number): PatchScore => ({ x: 0, y: 0, w: 84, h: 84, level: argmaxLevel(probs), certainty, probs });
  const c4 = { levels: 4, inFocusMaxLevel: 1 } as const;

  it('in / out from the level, uncertain with a warning for a plane without content', () => {
    assert.equal(aggregatePatches([patch([1, 0, 0, 0], 0.9)], c4).verdict, 'in');
    assert.equal(aggregatePatches([patch([0, 0, 0, 1], 0.9)], c4).verdict, 'out');
    const flat = aggregatePatches([patch([0, 0, 0, 1], 0.9)], c4, { hasContent: false });
    assert.equal(flat.verdict, 'uncertain');
    assert.equal(flat.level, 3, 'the numbers are still given');
    assert.match(flat.warnings.join('; '), /no content to judge/);
  });

  it('uses the rule of the card', () => {
    const ruled = { ...c4, verdict: { minCertainty: 0.5 } };
    const broad = patch([0.4, 0.3, 0.2, 0.1], 0.1);
    assert.equal(aggregatePatches([broad], c4).verdict, 'in');
    assert.equal(aggregatePatches([broad], ruled).verdict, 'uncertain');
  });
});

describe('the card\'s verdict rule and native pixel size are validated', () => {
  const base = (): Record<string, unknown> => ({
    schema: 'focus-quality-model-card/1', file: 'm.onnx', patchSize: 84, levels: 11, inFocusMaxLevel: 2,
    input: { name: 'patches', shape: ['N', 1, 84, 84], dtype: 'float32' }, output: { name: 'probabilities', shape: ['N', 11], dtype: 'float32' },
  });
  it('accepts a rule and a pixel size, refuses bad ones naming the field', () => {
    const ok: ModelCard = parseModelCard({ ...base(), verdict: { minCertainty: 0.2, minMargin: 0.4, certaintyMargin: 0.05 }, pixelSizeUm: 0.65 });
    assert.deepEqual(ok.verdict, { minCertainty: 0.2, minMargin: 0.4, certaintyMargin: 0.05 });
    for (const [extra, field] of [[{ verdict: 0.3 }, /"verdict"/], [{ verdict: { minCertainty: 2 } }, /verdict\.minCertainty/], [{ verdict: { minMargin: -1 } }, /verdict\.minMargin/], [{ verdict: { certaintyMargin: -0.1 } }, /verdict\.certaintyMargin/], [{ verdict: { certaintyMargin: Infinity } }, /verdict\.certaintyMargin/], [{ pixelSizeUm: 0 }, /pixelSizeUm/]] as const) {
      assert.throws(() => parseModelCard({ ...base(), ...extra }), (e: Error) => e.name === 'ModelError' && field.test(e.message), JSON.stringify(extra));
    }
  });
});
