/**
 * Decodes one file in a fresh process and prints one JSON line: the outcome, the time taken and the process's peak
 * resident memory, so tests can bound both for hostile files without the test runner's own memory in the way.
 * Usage: node decode-child.js FILE
 */
import { readFileSync } from 'node:fs';
import { formatError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/io/decode.js';

const file = process.argv[2]!;
const bytes = readFileSync(file);
const t0 = performance.now();
let outcome: Record<string, unknown>;
try {
  const stack = await decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  outcome = { ok: true, slices: stack.slices.length, width: stack.width, height: stack.height };
} catch (err) {
  outcome = { ok: false, name: (err as Error).name, message: formatError(err) };
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ ...outcome, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
