/**
 * Taking a plane to the model's native pixel size before patches are cut (issue 10.4). The model learned defocus at
 * one pixel size (the card's `pixelSizeUm`); a blur of 3 pixels at 0.325 µm is a blur of 1.5 pixels at 0.65 µm, so an
 * image recorded at another pixel size is resampled (core/resample.ts) to the native grid, measured there, and its
 * patch rectangles are mapped back onto the original pixels for every output.
 *
 * Which pixel size: the caller's `pixelSize` option, else the plane's own (read from the file), else none. With none,
 * or a card that states no native size, the plane is measured as it is — and when the card does state one, a warning
 * says the pixel size was unknown. A ratio within 1 % of the native size is not resampled (it would only blur).
 */
import { ImageContentError } from './errors.js';
import type { ModelCard } from './model-card.js';
import { mapRect, resamplePlane } from './resample.js';
import type { GrayImage, PatchRect, PixelSize } from './types.js';

/** Furthest a plane is resampled either way: beyond 16× the content is too far from anything the model has seen. */
export const MAX_RESAMPLE_RATIO = 16;
/** Largest plane a resampling may produce (as io/limits.ts allows for a decoded plane). */
const MAX_RESAMPLED_PIXELS = 2 ** 28;

export interface NativePlane {
  /** The plane the model sees: the input itself, or its resampled copy. */
  readonly plane: GrayImage;
  /** The pixel size the input was taken to have, when known. */
  readonly pixelSize: PixelSize | undefined;
  /** Size of the resampled plane, when the input was resampled. */
  readonly resampled: { readonly width: number; readonly height: number } | undefined;
  /** A rectangle of `plane` on the input's pixel grid. */
  toInput(rect: PatchRect): PatchRect;
  readonly warnings: readonly string[];
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

/** See the module comment. Throws ImageContentError for a resampling beyond `MAX_RESAMPLE_RATIO` or too large a result. */
export function toNativeScale(image: GrayImage, card: Pick<ModelCard, 'pixelSizeUm'>, override?: PixelSize): NativePlane {
  const pixelSize = override ?? image.pixelSize;
  const native = card.pixelSizeUm;
  const same = (warnings: string[]): NativePlane => ({ plane: image, pixelSize, resampled: undefined, toInput: (r) => r, warnings });
  if (native === undefined) return same([]);
  if (!pixelSize) return same([`pixel size unknown: measured as if its pixels were the model's native ${fmt(native)} µm (give the pixel size to resample to it)`]);
  const rx = pixelSize.x / native;
  const ry = pixelSize.y / native;
  if (Math.abs(rx - 1) <= 0.01 && Math.abs(ry - 1) <= 0.01) return same([]);
  for (const r of [rx, ry]) {
    if (!(r >= 1 / MAX_RESAMPLE_RATIO && r <= MAX_RESAMPLE_RATIO)) {
      throw new ImageContentError(`pixel size ${fmt(pixelSize.x)}×${fmt(pixelSize.y)} µm is ${fmt(r)}× the model's native ${fmt(native)} µm: beyond the ${MAX_RESAMPLE_RATIO}× this tool resamples`);
    }
  }
  const width = Math.max(1, Math.round(image.width * rx));
  const height = Math.max(1, Math.round(image.height * ry));
  if (width * height > MAX_RESAMPLED_PIXELS) {
    throw new ImageContentError(`resampling ${image.width}×${image.height} pixels of ${fmt(pixelSize.x)} µm to the model's ${fmt(native)} µm would give ${width}×${height} pixels, more than this tool allocates`);
  }
  const plane = resamplePlane(image, width, height);
  return { plane, pixelSize, resampled: { width, height }, toInput: (r) => mapRect(r, plane, image), warnings: [] };
}
