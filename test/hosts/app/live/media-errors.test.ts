import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMediaError } from '../../../../src/hosts/app/live/media-errors.js';

// The DOMException names getUserMedia and getDisplayMedia reject with (Media Capture and Streams; Screen Capture).
const fail = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('capture errors in words', () => {
  it('permission denied says how to allow it; a cancelled screen picker says how to retry', () => {
    assert.match(describeMediaError(fail('NotAllowedError'), 'camera'), /^Camera access was denied\. Allow the camera/);
    assert.match(describeMediaError(fail('NotAllowedError'), 'screen'), /^Screen capture was cancelled or denied/);
  });

  it('no camera, a busy camera, an insecure page, an unknown failure: each its own line, one line only', () => {
    const lines = [fail('NotFoundError'), fail('NotReadableError'), fail('SecurityError'), fail('OverconstrainedError'), fail('Weird', 'driver said no')].map((e) => describeMediaError(e, 'camera'));
    assert.match(lines[0]!, /No camera was found/);
    assert.match(lines[1]!, /another program may be using it/);
    assert.match(lines[2]!, /secure page/);
    assert.match(lines[3]!, /cannot deliver/);
    assert.match(lines[4]!, /could not be started: driver said no/);
    assert.equal(new Set(lines).size, lines.length);
    for (const l of lines) assert.doesNotMatch(l, /\n/);
  });
});
