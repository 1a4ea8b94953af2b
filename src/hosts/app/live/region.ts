/**
 * The square of the live image that is measured, in video pixels. Default: the central 336×336 (4×4 patches), as big
 * as the frame allows; the user moves it by clicking or with the arrow keys and picks its size. Always whole patches
 * wide and inside the frame.
 */
import type { ModelCard } from '../../../core/model-card.js';
import type { PixelSize } from '../../../core/types.js';

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

export const DEFAULT_REGION_SIZE = 336;

/**
 * One model patch in video pixels: the card's patch at its native pixel size, seen by a camera of `pixelSize` (the
 * smaller axis, so whole video patches hold whole native patches both ways); the card's own patch without either.
 */
export function videoPatch(card: Pick<ModelCard, 'patchSize' | 'pixelSizeUm'>, pixelSize: PixelSize | undefined): number {
  if (!pixelSize || card.pixelSizeUm === undefined) return card.patchSize;
  return Math.max(1, Math.round((card.patchSize * card.pixelSizeUm) / Math.min(pixelSize.x, pixelSize.y)));
}

/** The largest multiple of `patch` not above `want` that fits a `width`×`height` frame; 0 when not even one patch fits. */
export function fitSize(want: number, width: number, height: number, patch: number): number {
  const most = Math.min(want, width, height);
  return Math.max(0, Math.floor(most / patch) * patch);
}

/** Keeps a region of `size` inside the frame, moving it as little as possible. */
export function clampRegion(x: number, y: number, size: number, width: number, height: number): Region {
  return {
    x: Math.round(Math.min(Math.max(0, x), Math.max(0, width - size))),
    y: Math.round(Math.min(Math.max(0, y), Math.max(0, height - size))),
    size,
  };
}

/** A region of (up to) `want` pixels centred on (cx, cy), or on the frame's centre. */
export function centredRegion(width: number, height: number, want: number, patch: number, cx = width / 2, cy = height / 2): Region | undefined {
  const size = fitSize(want, width, height, patch);
  if (size === 0) return undefined;
  return clampRegion(cx - size / 2, cy - size / 2, size, width, height);
}

/** Where an arrow key moves the region: half a patch per press, a whole region with Shift. */
export function moveRegion(region: Region, key: string, shift: boolean, width: number, height: number, patch: number): Region | undefined {
  const step = shift ? region.size : patch / 2;
  const d: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  const move = d[key];
  if (!move) return undefined;
  return clampRegion(region.x + move[0], region.y + move[1], region.size, width, height);
}
