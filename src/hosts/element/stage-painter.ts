/**
 * Paints the element's two canvases — the picture of the image, and the patch overlay above it — only when what they
 * show changed: Lit re-renders for progress and messages too, and an overlay of thousands of patches takes a while.
 */
import type { PatchScore } from '../../core/types.js';
import { drawOverlay } from './draw-overlay.js';

export interface StagePicture {
  readonly pixels: ImageData;
  /** The image's size (the picture may be smaller). */
  readonly width: number;
  readonly height: number;
}

export class StagePainter {
  /** Lit may replace a canvas (the first image after none): which pixels each canvas holds. */
  private readonly drawn = new WeakMap<HTMLCanvasElement, ImageData>();
  /** What the overlay was last drawn from. */
  private overlayDrawn: readonly unknown[] | undefined;

  paint(image: HTMLCanvasElement, overlay: HTMLCanvasElement, picture: StagePicture, patches: readonly PatchScore[] | undefined, highlighted: PatchScore | undefined, look: { readonly levels: number; readonly borderWidth: number }): void {
    if (this.drawn.get(image) !== picture.pixels) {
      image.width = overlay.width = picture.pixels.width;
      image.height = overlay.height = picture.pixels.height;
      image.getContext('2d')?.putImageData(picture.pixels, 0, 0);
      this.drawn.set(image, picture.pixels);
    }
    const ctx = overlay.getContext('2d');
    if (!ctx) return;
    const shownWidth = overlay.getBoundingClientRect().width || overlay.width;
    const style = { ...look, scale: overlay.width / picture.width, canvasPixelsPerScreenPixel: overlay.width / shownWidth };
    const drawn = [overlay, patches, highlighted, ...Object.values(style)];
    if (this.overlayDrawn?.length === drawn.length && drawn.every((v, i) => v === this.overlayDrawn![i])) return;
    this.overlayDrawn = drawn;
    drawOverlay(ctx, patches ?? [], highlighted, style);
  }
}
