import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickSamplePixels, solveRgbLayout, type RgbSample } from '../../src/hosts/imagej/rgb.js';

const PIXELS: [number, number, number][] = [[200, 100, 50], [10, 20, 250], [7, 7, 7]];
const samples = (order: (rgb: [number, number, number]) => number[]): RgbSample[] => PIXELS.map((rgb) => ({ bytes: order(rgb), rgb }));

test('the layout is read off the samples: B,G,R,A (ImageJ.JS), R,G,B,A and A,R,G,B', () => {
  assert.deepEqual(solveRgbLayout(samples(([r, g, b]) => [b, g, r, 255])), { r: 2, g: 1, b: 0 });
  assert.deepEqual(solveRgbLayout(samples(([r, g, b]) => [r, g, b, 0])), { r: 0, g: 1, b: 2 });
  assert.deepEqual(solveRgbLayout(samples(([r, g, b]) => [255, r, g, b])), { r: 1, g: 2, b: 3 });
});

test('samples that cannot tell layouts apart give ImageJ.JS\'s order; samples no layout fits are an ImageFormatError', () => {
  assert.deepEqual(solveRgbLayout([{ bytes: [9, 9, 9, 255], rgb: [9, 9, 9] }]), { r: 2, g: 1, b: 0 });
  assert.deepEqual(solveRgbLayout([{ bytes: [9, 5, 9, 9], rgb: [9, 5, 9] }]), { r: 2, g: 1, b: 0 });
  assert.throws(() => solveRgbLayout([{ bytes: [1, 2, 3, 4], rgb: [5, 6, 7] }]), { name: 'ImageFormatError', message: /red from blue/ });
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
