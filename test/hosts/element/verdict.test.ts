import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UNCERTAIN_BELOW, displayVerdict } from '../../../src/hosts/element/verdict.js';

describe('displayed verdict', () => {
  it("uses the result's own verdict when it has one", () => {
    assert.equal(displayVerdict({ verdict: 'uncertain', certainty: 0.9, inFocus: true }), 'uncertain');
    assert.equal(displayVerdict({ verdict: 'in', certainty: 0.05, inFocus: true }), 'in');
  });

  it('without one: in/out by inFocus, uncertain below the certainty floor (or when certainty is not a number)', () => {
    assert.equal(displayVerdict({ certainty: 0.7, inFocus: true }), 'in');
    assert.equal(displayVerdict({ certainty: 0.7, inFocus: false }), 'out');
    assert.equal(displayVerdict({ certainty: UNCERTAIN_BELOW - 0.01, inFocus: false }), 'uncertain');
    assert.equal(displayVerdict({ certainty: Number.NaN, inFocus: true }), 'uncertain');
  });
});
