/**
 * Drawing the patch overlay on its canvas, which has the size of the picture shown (the image itself, or a smaller
 * picture of a large one): borders by level and certainty, and the highlight.
 */
import { levelColor } from '../../core/colormap.js';
import type { PatchScore } from '../../core/types.js';

export interface OverlayStyle {
  readonly levels: number;
  /** Border width in image pixels; 0 draws no borders (the highlight still shows). At least 1 canvas pixel when scaled down. */
  readonly borderWidth: number;
  /** Canvas pixels per image pixel (1 when the picture is the image, below 1 for a shrunk picture). */
  readonly scale: number;
  /** Canvas pixels per screen pixel, so the highlight is equally thick whatever the picture's size. */
  readonly canvasPixelsPerScreenPixel: number;
}

export function drawOverlay(ctx: CanvasRenderingContext2D, patches: readonly PatchScore[], highlighted: PatchScore | undefined, style: OverlayStyle): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  const k = style.scale;
  const bw = style.borderWidth > 0 ? Math.max(1, style.borderWidth * k) : 0;
  if (bw > 0) {
    ctx.lineWidth = bw;
    // One stroke per colour and opacity (alpha is 8-bit on the canvas anyway): an 8000² image has 9,025 patches, and
    // a style change per patch made drawing them a long main-thread task.
    const groups = new Map<number, Path2D>();
    for (const p of patches) {
      const key = p.level * 256 + Math.round(255 * Math.min(1, Math.max(0, p.certainty)));
      let path = groups.get(key);
      if (!path) groups.set(key, (path = new Path2D()));
      // Inset by half the line width so the border lies inside its own patch and neighbours do not paint over it.
      path.rect(p.x * k + bw / 2, p.y * k + bw / 2, p.w * k - bw, p.h * k - bw);
    }
    for (const [key, path] of groups) {
      ctx.globalAlpha = (key % 256) / 255;
      ctx.strokeStyle = levelColor(Math.floor(key / 256), 1, style.levels).hex;
      ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
  }
  if (!highlighted) return;
  // Black and white rings, 2 screen pixels each, so the highlight shows on any level colour and any image.
  const px = style.canvasPixelsPerScreenPixel;
  const [x, y, w, h] = [highlighted.x * k, highlighted.y * k, highlighted.w * k, highlighted.h * k];
  ctx.lineWidth = 2 * px;
  for (const [colour, inset] of [['#000', 1], ['#fff', 3]] as const) {
    ctx.strokeStyle = colour;
    ctx.strokeRect(x + inset * px, y + inset * px, w - 2 * inset * px, h - 2 * inset * px);
  }
}
