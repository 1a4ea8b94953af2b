import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickSamplePixels, solveChannelOrder, type RgbSample } from '../../src/hosts/imagej/rgb.js';

const PIXELS: [number, number, number][] = [[200, 100, 50], [10, 20, 250], [7, 7, 7]];
const samples = (order: (rgb: [number, number, number]) => number[]): RgbSample[] => PIXELS.map((rgb) => ({ bytes: order(rgb), rgb }));

test('the channel order is read off the samples: B,G,R,A (ImageJ.JS), R,G,B,A, A,R,G,B and A,B,G,R', () => {
  assert.equal(solveChannelOrder(samples(([r, g, b]) => [b, g, r, 255])), 'bgra');
  assert.equal(solveChannelOrder(samples(([r, g, b]) => [r, g, b, 0])), 'rgba');
  assert.equal(solveChannelOrder(samples(([r, g, b]) => [255, r, g, b])), 'argb');
  assert.equal(solveChannelOrder(samples(([r, g, b]) => [255, b, g, r])), 'abgr');
});

test('samples that cannot tell orders apart give ImageJ.JS\'s order; samples no order fits are an ImageFormatError', () => {
  assert.equal(solveChannelOrder([{ bytes: [9, 9, 9, 255], rgb: [9, 9, 9] }]), 'bgra');
  assert.equal(solveChannelOrder([{ bytes: [9, 5, 9, 9], rgb: [9, 5, 9] }]), 'bgra');
  assert.throws(() => solveChannelOrder([{ bytes: [1, 2, 3, 4], rgb: [5, 6, 7] }]), { name: 'ImageFormatError', message: /red from blue/ });
});

test('sample pixels spread over the image and prefer pixels whose four bytes differ', () => {
  const n = 1000;
  const bytes = new Uint8Array(4 * n).fill(255); // grey, opaque everywhere …
  for (const i of [37, 512, 990]) bytes.set([1, 2, 3, 255], 4 * i); // … but for three coloured pixels
  const picked = pickSamplePixels(bytes, 4);
  assert.equal(picked.length, 4);
  assert.ok([37, 512, 990].every((i) => picked.includes(i)), `picked ${picked}`);
  assert.deepEqual(pickSamplePixels(new Uint8Array(4 * 3), 8), [0, 1, 2]);
});
