/**
 * GrayImage → TIFF bytes: baseline, little-endian, uncompressed, one strip per page (pixel data contiguous); 8/16-bit unsigned or 32-bit float
 * (SampleFormat 3). Used for outputs that must keep the input's bit depth (the all-in-focus composite, the depth map).
 * A known pixel size is written the way ImageJ writes and reads it: X/YResolution in pixels per micron, ResolutionUnit
 * 1, and `unit=micron` in an ImageJ ImageDescription.
 */
import { ImageContentError } from '../core/errors.js';
import type { GrayImage } from '../core/types.js';

const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const ASCII = 2;

interface Entry {
  readonly tag: number;
  readonly type: number;
  readonly values: readonly number[] | string;
}

const typeSize = (type: number): number => (type === SHORT ? 2 : type === RATIONAL ? 8 : type === ASCII ? 1 : 4);
/** A RATIONAL is given as two numbers (numerator, denominator) but counts as one value. */
const countOf = (e: Entry): number => (e.type === RATIONAL ? e.values.length / 2 : e.values.length);

/** Encodes one plane or a stack of equal planes (one page each). */
export function encodeTiff(pages: GrayImage | readonly GrayImage[]): Uint8Array {
  const list = Array.isArray(pages) ? (pages as readonly GrayImage[]) : [pages as GrayImage];
  if (list.length === 0) throw new ImageContentError('nothing to write: no planes');
  const { width, height, bitDepth, pixelSize } = list[0]!;
  for (const p of list) {
    if (p.width !== width || p.height !== height || p.bitDepth !== bitDepth) throw new ImageContentError('planes of one TIFF must share size and bit depth');
    if (p.data.length !== width * height) throw new ImageContentError(`pixel buffer holds ${p.data.length} values, ${width}×${height} needs ${width * height}`);
  }
  const bytesPerSample = bitDepth / 8;
  const planeBytes = width * height * bytesPerSample;
  const description = `ImageJ=1.53t\n${list.length > 1 ? `images=${list.length}\nslices=${list.length}\n` : ''}${pixelSize ? 'unit=micron\n' : ''}\0`;
  const entriesFor = (offset: number): Entry[] => {
    const e: Entry[] = [
      { tag: 254, type: LONG, values: [0] },
      { tag: 256, type: LONG, values: [width] },
      { tag: 257, type: LONG, values: [height] },
      { tag: 258, type: SHORT, values: [bitDepth] },
      { tag: 259, type: SHORT, values: [1] },
      { tag: 262, type: SHORT, values: [1] },
      { tag: 270, type: ASCII, values: description },
      { tag: 273, type: LONG, values: [offset] },
      { tag: 277, type: SHORT, values: [1] },
      { tag: 278, type: LONG, values: [height] },
      { tag: 279, type: LONG, values: [planeBytes] },
    ];
    if (pixelSize) {
      // ImageJ's own convention (its TiffEncoder): pixels per micron, ResolutionUnit 1 ("none"), the unit named in the
      // ImageDescription. With ResolutionUnit 3 (cm) ImageJ would read the value per cm but still call it microns.
      e.push({ tag: 282, type: RATIONAL, values: [Math.round(1e6 / pixelSize.x), 1e6] });
      e.push({ tag: 283, type: RATIONAL, values: [Math.round(1e6 / pixelSize.y), 1e6] });
      e.push({ tag: 296, type: SHORT, values: [1] });
    }
    e.push({ tag: 339, type: SHORT, values: [bitDepth === 32 ? 3 : 1] });
    return e;
  };
  // Layout as ImageJ writes it: header, every page's IFD (with its out-of-line values), then all pixel data contiguous —
  // ImageJ reads a stack whose description says `images=n` as one block from the first strip on.
  const ifdSize = (e: Entry[]): number => 2 + e.length * 12 + 4;
  const extraSize = (e: Entry[]): number => e.reduce((n, x) => {
    const size = typeSize(x.type) * countOf(x);
    return n + (size > 4 ? size + (size % 2) : 0);
  }, 0);
  const probe = entriesFor(0);
  const headerSize = ifdSize(probe) + extraSize(probe);
  const dataStart = 8 + headerSize * list.length;
  const out = new Uint8Array(dataStart + planeBytes * list.length);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);
  list.forEach((plane, n) => {
    const start = 8 + n * headerSize;
    const dataOffset = dataStart + n * planeBytes;
    const entries = entriesFor(dataOffset);
    view.setUint16(start, entries.length, true);
    let extra = start + ifdSize(entries);
    entries.forEach((entry, i) => {
      const o = start + 2 + i * 12;
      const count = countOf(entry);
      view.setUint16(o, entry.tag, true);
      view.setUint16(o + 2, entry.type, true);
      view.setUint32(o + 4, count, true);
      const size = typeSize(entry.type) * count;
      const at = size > 4 ? extra : o + 8;
      if (size > 4) {
        view.setUint32(o + 8, extra, true);
        extra += size + (size % 2);
      }
      if (typeof entry.values === 'string') for (let k = 0; k < entry.values.length; k++) out[at + k] = entry.values.charCodeAt(k) & 0x7f;
      else entry.values.forEach((v, k) => (entry.type === SHORT ? view.setUint16(at + 2 * k, v, true) : view.setUint32(at + 4 * k, v, true)));
    });
    view.setUint32(start + 2 + entries.length * 12, n + 1 < list.length ? start + headerSize : 0, true);
    const d = plane.data;
    if (bitDepth === 8) out.set(d as Uint8Array, dataOffset);
    else for (let k = 0; k < d.length; k++) bitDepth === 16 ? view.setUint16(dataOffset + 2 * k, d[k]!, true) : view.setFloat32(dataOffset + 4 * k, d[k]!, true);
  });
  return out;
}
