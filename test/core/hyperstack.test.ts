// Hyperstack plane positions for every plane order, the channel/frame filter, and measureStack on a hyperstack with a
// stub measurer whose score is a function of the plane's position (the model's path is tested in test/io/hyperstack).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dimensionsFor, filterPlanes, positionOf, PLANE_ORDERS, stackAxis } from '../../src/core/hyperstack.js';
import { measureStack, type Measurer } from '../../src/core/measure-stack.js';
import type { FocusResult, GrayImage, StackDimensions } from '../../src/core/types.js';

const DIMS: StackDimensions = { channels: 2, slices: 3, frames: 4, order: 'CZT' };

describe('positionOf', () => {
  it('walks the planes in the stated order, fastest axis first, for all six orders', () => {
    for (const order of PLANE_ORDERS) {
      const dims = { ...DIMS, order };
      const count = { C: dims.channels, Z: dims.slices, T: dims.frames };
      const [a, b, c] = [...order] as ('C' | 'Z' | 'T')[];
      // The file's planes, listed with nested loops: the last axis outermost, the first innermost.
      const expected: string[] = [];
      for (let k = 0; k < count[c!]; k++) for (let j = 0; j < count[b!]; j++) for (let i = 0; i < count[a!]; i++) {
        const at = { [a!]: i, [b!]: j, [c!]: k } as Record<'C' | 'Z' | 'T', number>;
        expected.push(`${at.C}/${at.Z}/${at.T}`);
      }
      const got = expected.map((_, n) => positionOf(n, dims)).map((p) => `${p.channel}/${p.z}/${p.frame}`);
      assert.deepEqual(got, expected, order);
    }
  });

  it('dimensions count only when they multiply to the number of planes', () => {
    assert.equal(dimensionsFor(24, DIMS), DIMS);
    assert.equal(dimensionsFor(23, DIMS), undefined);
    assert.equal(dimensionsFor(0, { ...DIMS, channels: 0 }), undefined);
  });
});

describe('filterPlanes', () => {
  const all = Array.from({ length: 24 }, (_, i) => i);
  it('keeps one channel and/or frame', () => {
    assert.deepEqual(filterPlanes(all, DIMS, { channel: 1, frame: 2 }), [13, 15, 17]);
    assert.equal(filterPlanes(all, DIMS, { channel: 0 }).length, 12);
    assert.deepEqual(filterPlanes([0, 1, 2], undefined, { channel: 0 }), [0, 1, 2]);
  });
  it('names a channel or frame that does not exist, never an empty result', () => {
    assert.throws(() => filterPlanes(all, DIMS, { channel: 2 }), /^ImageContentError: channel 2 does not exist: the image has 2 channel\(s\), numbered from 0$/);
    assert.throws(() => filterPlanes(all, DIMS, { frame: -1 }), /frame -1 does not exist: the image has 4 frame\(s\)/);
    assert.throws(() => filterPlanes([0], undefined, { frame: 1 }), /frame 1 does not exist: the image has 1 frame\(s\)/);
  });
});

describe('measureStack on a hyperstack', () => {
  const plane = (): GrayImage => ({ data: new Uint8Array(4), width: 2, height: 2, bitDepth: 8 });
  const stack = { slices: Array.from({ length: 24 }, plane), dimensions: DIMS };
  // Channel c of frame t is sharpest at z = (c + t) % 3: its score is |z − that|.
  const measurer: Measurer = {
    measure: async (_p, o) => {
      const { channel, z, frame } = positionOf(o!.slice!, DIMS);
      const score = Math.abs(z - ((channel + frame) % 3));
      return { slice: o!.slice!, score, certainty: 0.5, level: score, width: 2, height: 2, meanCertainty: 0.5, maxCertainty: 0.5, inFocus: true, probs: [], patches: [], timings: {} } as FocusResult;
    },
  };

  it("gives every result its position and 'best' the sharpest z of each channel and frame", async () => {
    const all = await measureStack(measurer, stack);
    all.results.forEach((r) => assert.deepEqual(r.position, positionOf(r.slice, DIMS)));
    const best = await measureStack(measurer, stack, { slices: 'best' });
    assert.equal(best.results.length, 8);
    for (const r of best.results) assert.equal(r.position!.z, (r.position!.channel + r.position!.frame) % 3, `channel ${r.position!.channel} frame ${r.position!.frame}`);
    const one = await measureStack(measurer, stack, { slices: 'best', channel: 1, frame: 3 });
    assert.deepEqual(one.results.map((r) => r.position), [{ channel: 1, z: 1, frame: 3 }]);
  });

  it('a slice outside the channel asked for is an error naming both', async () => {
    await assert.rejects(measureStack(measurer, stack, { slices: 1, channel: 0 }), /^ImageContentError: slice 1 is not in channel 0$/);
    await assert.rejects(measureStack(measurer, stack, { slices: 'current', channel: 1, frame: 0 }, { current: 2 }), /slice 2 is not in channel 1 and frame 0/);
  });

  it('a time series without z (one slice per frame) is stepped along its frames: one best per channel', async () => {
    const series: StackDimensions = { channels: 2, slices: 1, frames: 5, order: 'CZT' };
    const timed: Measurer = {
      measure: async (_p, o) => {
        const { channel, frame } = positionOf(o!.slice!, series);
        const score = Math.abs(frame - (channel ? 4 : 1)); // channel 0 sharp at frame 1, channel 1 at frame 4
        return { slice: o!.slice!, score, certainty: 0.5, level: score, width: 2, height: 2, meanCertainty: 0.5, maxCertainty: 0.5, inFocus: true, probs: [], patches: [], timings: {} } as FocusResult;
      },
    };
    const m = await measureStack(timed, { slices: Array.from({ length: 10 }, plane), dimensions: series }, { slices: 'best' });
    assert.equal(stackAxis(m.results), 'frame');
    assert.deepEqual(m.results.map((r) => [r.position!.channel, r.position!.frame]), [[0, 1], [1, 4]]);
  });

  it('a plain stack (no dimensions) is one z-series, its results without positions', async () => {
    const plain = await measureStack(measurer, { slices: stack.slices.slice(0, 3) }, { slices: 'best' });
    assert.equal(plain.results.length, 1);
    assert.equal(plain.results[0]!.position, undefined);
  });
});
