/** Test fixtures: paths into the repo (real images in test/fixtures/images), temp folders, and generators that run real tools (Python, ImageJ). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: tests compile to build/test/<dir>/x.test.js. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Real images the tests need, committed with their provenance (test/fixtures/images/README.md): nothing outside the repository. */
export const FIXTURE_IMAGES = join(REPO, 'test', 'fixtures', 'images');
export const IN_FOCUS_DIR = join(FIXTURE_IMAGES, 'bbbc006-in-focus');
export const DEFOCUSED_DIR = join(FIXTURE_IMAGES, 'mcf7-defocused');
export const PYTHON = '/usr/bin/python3';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fq-${prefix}-`));
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Runs a command with a timeout; throws with its output when it fails. */
export function runTool(cmd: string, args: readonly string[], timeoutMs = 120_000, cwd = REPO): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}, signal ${r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * A minimal little-endian TIFF written by hand: one strip of `data` after an IFD with the given tags.
 * `tags` are [tag, type(3=SHORT,4=LONG), value]; width/height/bits/strip tags are added unless overridden.
 */
export function craftTiff(width: number, height: number, data: Uint8Array, extraTags: [number, number, number][] = [], bits = 8): Uint8Array {
  const base: [number, number, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, bits],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // StripOffsets, patched below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, data.length],
  ];
  const tags = new Map<number, [number, number]>(base.map(([t, ty, v]) => [t, [ty, v]]));
  for (const [t, ty, v] of extraTags) tags.set(t, [ty, v]);
  const sorted = [...tags.entries()].sort((a, b) => a[0] - b[0]);
  const ifdSize = 2 + sorted.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const buf = new Uint8Array(dataOffset + data.length);
  const view = new DataView(buf.buffer);
  buf.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);
  view.setUint16(8, sorted.length, true);
  sorted.forEach(([tag, [type, value]], i) => {
    const o = 10 + i * 12;
    view.setUint16(o, tag, true);
    view.setUint16(o + 2, type, true);
    view.setUint32(o + 4, 1, true);
    const v = tag === 273 && !extraTags.some(([t]) => t === 273) ? dataOffset : value;
    if (type === 3) view.setUint16(o + 8, v, true);
    else view.setUint32(o + 8, v, true);
  });
  view.setUint32(10 + sorted.length * 12, 0, true);
  buf.set(data, dataOffset);
  return buf;
}
