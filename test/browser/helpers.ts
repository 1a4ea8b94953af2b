/**
 * Shared by the browser tests: where things are on the test server (its root is the folder above the project, see
 * web-test-runner.config.mjs), real images from test/fixtures/images, and the Node engine's reference results.
 */
import { decodeImage } from '../../src/io/decode.js';
import type { FocusResult, GrayImage, ImageStack } from '../../src/core/types.js';

/** The project folder as served, e.g. "http://127.0.0.1:8000/main/". */
export const PROJECT = new URL('../../', import.meta.url).href;
export const MODEL_URL = new URL('models/focus-quality.onnx', PROJECT).href;
export const ORT_URL = new URL('node_modules/onnxruntime-web/dist/', PROJECT).href;
/** test/fixtures/images as served. */
export const DATA = new URL('test/fixtures/images/', PROJECT).href;

export const IN_FOCUS = 'bbbc006-in-focus/BBBC006_a05_s1_w1_z10.tif';
export const DEFOCUSED = 'mcf7-defocused/mcf7_b01_s2_w1.tif'; // LZW-compressed

export async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

export async function loadData(rel: string): Promise<ImageStack> {
  return decodeImage(await fetchBytes(DATA + rel), rel);
}

/** The Node engine's results for a file under test/fixtures/images (every slice, patches included). */
export async function nodeResults(rel: string): Promise<{ warnings: string[]; results: FocusResult[] }> {
  const dataPath = new URL(DATA + rel).pathname.replace(/^\//, '');
  const r = await fetch(`/__node-result?file=${encodeURIComponent(dataPath)}`);
  if (!r.ok) throw new Error(`reference for ${rel}: HTTP ${r.status}: ${await r.text()}`);
  return r.json();
}

/** A size×size 16-bit image tiled (mirrored) from a real one, so its content stays microscopy-like. */
export function tile(src: GrayImage, size: number): GrayImage {
  const data = new Uint16Array(size * size);
  for (let y = 0; y < size; y++) {
    const period = 2 * src.height;
    const yy = y % period < src.height ? y % period : period - 1 - (y % period);
    for (let x = 0; x < size; x++) {
      const pw = 2 * src.width;
      const xx = x % pw < src.width ? x % pw : pw - 1 - (x % pw);
      data[y * size + x] = src.data[yy * src.width + xx]!;
    }
  }
  return { data, width: size, height: size, bitDepth: 16 };
}

/** Largest absolute difference between two results' whole-image numbers and every patch probability. */
export function maxDifference(a: FocusResult, b: FocusResult): number {
  if (a.patches.length !== b.patches.length) throw new Error(`patch counts differ: ${a.patches.length} vs ${b.patches.length}`);
  let d = Math.max(Math.abs(a.score - b.score), Math.abs(a.certainty - b.certainty), Math.abs(a.meanCertainty - b.meanCertainty));
  a.patches.forEach((p, i) => {
    const q = b.patches[i]!;
    if (p.x !== q.x || p.y !== q.y || p.w !== q.w || p.h !== q.h) throw new Error(`patch ${i} placed differently: ${JSON.stringify([p, q].map(({ x, y, w, h }) => [x, y, w, h]))}`);
    d = Math.max(d, Math.abs(p.certainty - q.certainty), ...p.probs.map((v, k) => Math.abs(v - q.probs[k]!)));
  });
  return d;
}

/** Rejects if `promise` does not settle within `ms`, so a hang is a failure and not a stuck run. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** The rejection of a promise that must reject. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { name: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { name: string };
  }
  throw new Error('expected a rejection, got a result');
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// Mocha's globals, provided by @web/test-runner's default framework (esbuild strips types, this is for readers and editors).
declare global {
  function describe(name: string, body: () => void): void;
  function it(name: string, body: () => Promise<void> | void): void;
  function before(body: () => Promise<void> | void): void;
  function after(body: () => Promise<void> | void): void;
}
