/**
 * An overlay picture like the paper's Fig. 2b: the image contrast-stretched to 8-bit gray (0.1st–99.9th percentile
 * → 0–255, linear), every patch outlined in its level's colour with brightness = certainty (core/colormap.ts), and
 * below it a legend strip of the level colours at full certainty, numbered 0 … L−1. Pure pixels → PNG bytes.
 */
import { encode } from 'fast-png';
import { levelColor } from '../core/colormap.js';
import type { FocusResult, GrayImage } from '../core/types.js';

export interface OverlayOptions {
  /** Border width in pixels (default 2). */
  readonly borderWidth?: number;
}

/** 3×5 bitmap digits, rows top to bottom, 3 bits each (MSB = left column). */
const DIGITS = [
  [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
  [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
];

/** Display range: low and high percentiles of a strided sample (≤ 2^16 values), robust to a few hot pixels. */
export function displayRange(image: GrayImage, low = 0.001, high = 0.999): [number, number] {
  const { data } = image;
  const step = Math.max(1, Math.floor(data.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) if (Number.isFinite(data[i]!)) sample.push(data[i]!);
  if (sample.length === 0) return [0, 1];
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(low * (sample.length - 1))]!;
  const hi = sample[Math.ceil(high * (sample.length - 1))]!;
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

function legendHeight(width: number): number {
  return Math.max(12, Math.min(40, Math.round(width / 24)));
}

/** RGB pixels (8-bit, interleaved) of the overlay: image on top, legend strip below. */
export function renderOverlayRgb(image: GrayImage, result: FocusResult, options: OverlayOptions = {}): { width: number; height: number; data: Uint8Array } {
  const { width, height, data } = image;
  const levels = result.probs.length;
  const bw = options.borderWidth ?? 2;
  const lh = legendHeight(width);
  const H = height + lh;
  const out = new Uint8Array(width * H * 3);
  const [lo, hi] = displayRange(image);
  const k = 255 / (hi - lo);
  for (let i = 0; i < width * height; i++) {
    const v = data[i]!;
    const g = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round((v - lo) * k))) : 0;
    out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = g;
  }
  const fill = (x0: number, y0: number, x1: number, y1: number, r: number, g: number, b: number): void => {
    for (let y = Math.max(0, y0); y < Math.min(H, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) {
        const o = 3 * (y * width + x);
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      }
    }
  };
  if (bw > 0) {
    for (const p of result.patches) {
      const c = levelColor(p.level, p.certainty, levels);
      const x1 = Math.min(p.x + p.w, width);
      const y1 = Math.min(p.y + p.h, height);
      fill(p.x, p.y, x1, p.y + bw, c.r, c.g, c.b);
      fill(p.x, y1 - bw, x1, y1, c.r, c.g, c.b);
      fill(p.x, p.y, p.x + bw, y1, c.r, c.g, c.b);
      fill(x1 - bw, p.y, x1, y1, c.r, c.g, c.b);
    }
  }
  // Legend: one box per level, numbered when the digits fit.
  for (let level = 0; level < levels; level++) {
    const x0 = Math.floor((level * width) / levels);
    const x1 = Math.floor(((level + 1) * width) / levels);
    const c = levelColor(level, 1, levels);
    fill(x0, height, x1, H, c.r, c.g, c.b);
    const text = String(level);
    const scale = Math.max(1, Math.floor(Math.min((lh - 4) / 5, (x1 - x0 - 2) / (4 * text.length))));
    const tw = text.length * 4 * scale - scale;
    if (tw > x1 - x0 || 5 * scale > lh) continue;
    const ink = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b > 128 ? 0 : 255;
    let tx = x0 + Math.floor((x1 - x0 - tw) / 2);
    const ty = height + Math.floor((lh - 5 * scale) / 2);
    for (const ch of text) {
      const glyph = DIGITS[Number(ch)]!;
      for (let row = 0; row < 5; row++) for (let col = 0; col < 3; col++) if ((glyph[row]! >> (2 - col)) & 1) fill(tx + col * scale, ty + row * scale, tx + (col + 1) * scale, ty + (row + 1) * scale, ink, ink, ink);
      tx += 4 * scale;
    }
  }
  return { width, height: H, data: out };
}

/** The overlay as PNG bytes (8-bit RGB). */
export function renderOverlayPng(image: GrayImage, result: FocusResult, options: OverlayOptions = {}): Uint8Array {
  const rgb = renderOverlayRgb(image, result, options);
  return encode({ width: rgb.width, height: rgb.height, data: rgb.data, depth: 8, channels: 3 });
}
