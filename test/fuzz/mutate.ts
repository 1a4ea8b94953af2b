/**
 * Seeded mutations of real TIFF and PNG files for the decoder fuzz test: bit flips, random overwrites, truncations,
 * inserted and deleted bytes, and structure-aware ones — rewritten IFD entry values, counts and types, IFD chains that
 * loop or repeat a page, absurd PNG chunk lengths and header fields, duplicated and missing chunks. Case k of seed s is
 * always the same bytes, so a failure is reproduced from the two numbers the test prints.
 */
import { seededRandom as rng } from '../../eval/protocol.js';

export interface FuzzCase {
  readonly bytes: Uint8Array;
  /** What was done, for the failure message. */
  readonly what: string;
}

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const INTERESTING = (len: number): number[] => [0, 1, 2, 7, 8, 255, 256, 65535, 65536, 0x7fffffff, 0xffffffff, len, len - 1, len + 1, len >>> 1];

/** IFD offsets of a classic TIFF's main chain (at most 64, stopping at loops or the end of the file). */
function ifdOffsets(b: Uint8Array): { le: boolean; ifds: number[] } {
  const le = b[0] === 0x49;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ifds: number[] = [];
  if (b.length < 8 || v.getUint16(2, le) !== 42) return { le, ifds };
  for (let at = v.getUint32(4, le); at > 0 && at + 2 <= b.length && ifds.length < 64 && !ifds.includes(at); ) {
    ifds.push(at);
    const n = v.getUint16(at, le);
    if (at + 2 + 12 * n + 4 > b.length) break;
    at = v.getUint32(at + 2 + 12 * n, le);
  }
  return { le, ifds };
}

function mutateTiffStructure(b: Uint8Array, r: Rand): string {
  const { le, ifds } = ifdOffsets(b);
  if (ifds.length === 0) return 'no IFD to mutate';
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ifd = pick(r, ifds);
  const n = v.getUint16(ifd, le);
  const e = ifd + 2 + 12 * int(r, Math.max(1, n));
  const next = ifd + 2 + 12 * n;
  const kind = int(r, 5);
  if (e + 12 > b.length || next + 4 > b.length) return 'IFD out of range';
  if (kind === 0) {
    const value = pick(r, INTERESTING(b.length));
    v.setUint32(e + 8, value >>> 0, le);
    return `IFD@${ifd} entry tag ${v.getUint16(e, le)}: value := ${value}`;
  }
  if (kind === 1) {
    const count = pick(r, INTERESTING(b.length));
    v.setUint32(e + 4, count >>> 0, le);
    return `IFD@${ifd} entry tag ${v.getUint16(e, le)}: count := ${count}`;
  }
  if (kind === 2) {
    const type = int(r, 20);
    v.setUint16(e + 2, type, le);
    return `IFD@${ifd} entry tag ${v.getUint16(e, le)}: type := ${type}`;
  }
  if (kind === 3) {
    const to = pick(r, [ifd, ifds[0]!, ...ifds, int(r, b.length), 0]);
    v.setUint32(next, to, le);
    return `IFD@${ifd} next := ${to}${ifds.includes(to) ? ' (an IFD of the chain)' : ''}`;
  }
  const count = pick(r, [0, 1, 0xffff, n + 1, n * 2]);
  v.setUint16(ifd, count, le);
  return `IFD@${ifd} entry count := ${count}`;
}

/** A copy of the file with its first IFD appended again and the chain's last page pointing to the copy. */
function duplicateIfd(b: Uint8Array, r: Rand): { bytes: Uint8Array; what: string } {
  const { le, ifds } = ifdOffsets(b);
  if (ifds.length === 0) return { bytes: b, what: 'no IFD to duplicate' };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const src = pick(r, ifds);
  const n = v.getUint16(src, le);
  const size = 2 + 12 * n + 4;
  if (src + size > b.length) return { bytes: b, what: 'IFD out of range' };
  const at = b.length + (b.length & 1);
  const out = new Uint8Array(at + size);
  out.set(b);
  out.set(b.subarray(src, src + size), at);
  const w = new DataView(out.buffer);
  const last = ifds.at(-1)!;
  const lastNext = last + 2 + 12 * v.getUint16(last, le);
  if (lastNext + 4 > b.length) return { bytes: b, what: 'last IFD out of range' };
  w.setUint32(lastNext, at, le);
  const loop = r() < 0.5;
  w.setUint32(at + size - 4, loop ? src : 0, le);
  return { bytes: out, what: `IFD@${src} appended at ${at} after the last page${loop ? ', pointing back to the original (a loop)' : ''}` };
}

/** PNG chunk starts (at most 64). */
function pngChunks(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let at = 8; at + 12 <= b.length && out.length < 64; ) {
    out.push(at);
    at += 12 + v.getUint32(at);
  }
  return out;
}

function mutatePngStructure(b: Uint8Array, r: Rand): string {
  const chunks = pngChunks(b);
  if (chunks.length === 0) return 'no chunk';
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const kind = int(r, 3);
  if (kind === 0) {
    const at = pick(r, chunks);
    const len = pick(r, INTERESTING(b.length));
    v.setUint32(at, len >>> 0);
    return `chunk@${at} length := ${len}`;
  }
  if (kind === 1 && b.length > 29) {
    const field = pick(r, [16, 20, 24, 25, 26, 27, 28]);
    const value = field < 24 ? pick(r, INTERESTING(b.length)) : int(r, 256);
    if (field < 24) v.setUint32(field, value >>> 0);
    else b[field] = value;
    return `IHDR byte ${field} := ${value}`;
  }
  const at = pick(r, chunks);
  b.fill(0, at + 4, at + 8);
  return `chunk@${at} type := NUL NUL NUL NUL`;
}

/** Case `k` of `seed` made from one of `seeds`. */
export function makeCase(seeds: readonly { name: string; bytes: Uint8Array }[], seed: number, k: number): FuzzCase & { seedName: string } {
  const r = rng((seed * 1_000_003 + k) >>> 0);
  const source = pick(r, seeds);
  let bytes: Uint8Array = Uint8Array.from(source.bytes);
  const steps: string[] = [];
  const isTiff = bytes[0] === 0x49 || bytes[0] === 0x4d;
  for (let m = 0, count = 1 + int(r, 3); m < count; m++) {
    const kind = int(r, 8);
    if (kind === 0) {
      const flips = 1 + int(r, 8);
      for (let i = 0; i < flips; i++) bytes[int(r, bytes.length)]! ^= 1 << int(r, 8);
      steps.push(`${flips} bit flip(s)`);
    } else if (kind === 1) {
      const at = int(r, bytes.length);
      const len = 1 + int(r, 16);
      for (let i = at; i < Math.min(bytes.length, at + len); i++) bytes[i] = int(r, 256);
      steps.push(`${len} random byte(s) at ${at}`);
    } else if (kind === 2) {
      const at = int(r, bytes.length);
      bytes = bytes.slice(0, at);
      steps.push(`truncated to ${at} bytes`);
    } else if (kind === 3) {
      const at = int(r, bytes.length + 1);
      const len = 1 + int(r, 64);
      const out = new Uint8Array(bytes.length + len);
      out.set(bytes.subarray(0, at));
      for (let i = 0; i < len; i++) out[at + i] = int(r, 256);
      out.set(bytes.subarray(at), at + len);
      bytes = out;
      steps.push(`${len} byte(s) inserted at ${at}`);
    } else if (kind === 4) {
      const at = int(r, bytes.length);
      const len = 1 + int(r, 64);
      const removed = Math.min(len, bytes.length - at);
      const out = new Uint8Array(bytes.length - removed);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + removed), at);
      bytes = out;
      steps.push(`${removed} byte(s) deleted at ${at}`);
    } else if (kind === 5 && isTiff) {
      const d = duplicateIfd(bytes, r);
      bytes = d.bytes;
      steps.push(d.what);
    } else if (isTiff) steps.push(mutateTiffStructure(bytes, r));
    else steps.push(mutatePngStructure(bytes, r));
  }
  return { bytes, what: `${source.name}: ${steps.join('; ')}`, seedName: source.name };
}
