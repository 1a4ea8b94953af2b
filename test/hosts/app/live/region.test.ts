import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { centredRegion, clampRegion, fitSize, moveRegion, videoPatch } from '../../../../src/hosts/app/live/region.js';

describe('live region', () => {
  it('defaults to the central 336×336 of a frame that holds it', () => {
    assert.deepEqual(centredRegion(640, 480, 336, 84), { x: 152, y: 72, size: 336 });
    assert.deepEqual(centredRegion(448, 392, 336, 84), { x: 56, y: 28, size: 336 });
  });

  it('shrinks to whole patches that fit a small frame, and refuses a frame smaller than a patch', () => {
    assert.equal(fitSize(336, 320, 240, 84), 168);
    assert.deepEqual(centredRegion(320, 240, 336, 84), { x: 76, y: 36, size: 168 });
    assert.equal(centredRegion(80, 600, 336, 84), undefined);
  });

  it('centres on a clicked point but stays inside the frame', () => {
    assert.deepEqual(centredRegion(640, 480, 336, 84, 10, 10), { x: 0, y: 0, size: 336 });
    assert.deepEqual(centredRegion(640, 480, 336, 84, 630, 470), { x: 304, y: 144, size: 336 });
    assert.deepEqual(clampRegion(-5, 500, 168, 640, 480), { x: 0, y: 312, size: 168 });
  });

  it('arrow keys move half a patch, with Shift a whole region, never out of the frame; other keys are not ours', () => {
    const r = { x: 152, y: 72, size: 336 };
    assert.deepEqual(moveRegion(r, 'ArrowLeft', false, 640, 480, 84), { x: 110, y: 72, size: 336 });
    assert.deepEqual(moveRegion(r, 'ArrowDown', false, 640, 480, 84), { x: 152, y: 114, size: 336 });
    assert.deepEqual(moveRegion(r, 'ArrowRight', true, 640, 480, 84), { x: 304, y: 72, size: 336 });
    assert.deepEqual(moveRegion(r, 'ArrowUp', true, 640, 480, 84), { x: 152, y: 0, size: 336 });
    assert.equal(moveRegion(r, 'Enter', false, 640, 480, 84), undefined);
  });
});

describe('videoPatch: one model patch in video pixels', () => {
  const card = { patchSize: 84, pixelSizeUm: 0.65 };
  it('is the card\'s patch without a pixel size, or with a card that states no native size', () => {
    assert.equal(videoPatch(card, undefined), 84);
    assert.equal(videoPatch({ patchSize: 84, pixelSizeUm: undefined }, { x: 0.325, y: 0.325 }), 84);
  });
  it('grows as the camera\'s pixels shrink (0.325 µm: 168), shrinks as they grow (1.3 µm: 42), by the finer axis', () => {
    assert.equal(videoPatch(card, { x: 0.325, y: 0.325 }), 168);
    assert.equal(videoPatch(card, { x: 1.3, y: 1.3 }), 42);
    assert.equal(videoPatch(card, { x: 0.65, y: 0.325 }), 168);
  });
});
