import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayVerdict } from '../../../src/hosts/element/verdict.js';

describe('displayed verdict', () => {
  it("is the result's own verdict (the core's rule), whatever in_focus and certainty say", () => {
    assert.equal(displayVerdict({ verdict: 'uncertain', inFocus: true }), 'uncertain');
    assert.equal(displayVerdict({ verdict: 'in', inFocus: true }), 'in');
    assert.equal(displayVerdict({ verdict: 'out', inFocus: false }), 'out');
  });

  it('a result without a verdict (made before verdicts existed) reads as in/out by inFocus', () => {
    assert.equal(displayVerdict({ inFocus: true }), 'in');
    assert.equal(displayVerdict({ inFocus: false }), 'out');
  });
});
