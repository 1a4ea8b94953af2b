import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelColor } from '../../../src/core/colormap.js';
import { contrastRatio, readableText, relativeLuminance } from '../../../src/hosts/element/contrast.js';

const hex = (s: string) => ({ r: parseInt(s.slice(1, 3), 16), g: parseInt(s.slice(3, 5), 16), b: parseInt(s.slice(5, 7), 16) });

describe('WCAG contrast', () => {
  it('matches the WCAG 2.x definition on known pairs', () => {
    assert.equal(relativeLuminance(hex('#000000')), 0);
    assert.equal(relativeLuminance(hex('#ffffff')), 1);
    assert.equal(contrastRatio(hex('#000000'), hex('#ffffff')), 21);
    assert.equal(contrastRatio(hex('#ffffff'), hex('#000000')), 21, 'symmetric');
    // Published reference values: #777 on white is 4.48:1 (just fails AA), #767676 is 4.54:1 (passes).
    assert.equal(contrastRatio(hex('#777777'), hex('#ffffff')).toFixed(2), '4.48');
    assert.equal(contrastRatio(hex('#767676'), hex('#ffffff')).toFixed(2), '4.54');
    assert.equal(contrastRatio(hex('#ff0000'), hex('#ffffff')).toFixed(2), '4.00');
  });

  it('picks the text colour that contrasts more', () => {
    assert.equal(readableText(hex('#ffff00')).color, '#000', 'yellow takes black');
    assert.equal(readableText(hex('#0000ff')).color, '#fff', 'blue takes white');
    assert.equal(readableText(hex('#ff0000')).color, '#000', 'pure red: black 5.25:1 beats white 4.00:1');
  });

  for (const levels of [11, 7, 3]) {
    it(`every legend swatch of ${levels} levels reaches AA (4.5:1) with the chosen text colour`, () => {
      for (let k = 0; k < levels; k++) {
        const { ratio } = readableText(levelColor(k, 1, levels));
        assert.ok(ratio >= 4.5, `level ${k}: ${ratio.toFixed(2)}:1`);
      }
    });
  }

  it('the old white digits on levels 2–5 of 11 failed AA, which is why the colour is chosen per swatch', () => {
    for (const k of [2, 3, 4, 5]) assert.ok(contrastRatio(levelColor(k, 1, 11), hex('#ffffff')) < 2, `level ${k}`);
  });
});
