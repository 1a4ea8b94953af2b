/** Drawing the patch overlay on its canvas (at image resolution): borders by level and certainty, and the highlight. */
import { levelColor } from '../../core/colormap.js';
import type { PatchScore } from '../../core/types.js';

export interface OverlayStyle {
  readonly levels: number;
  /** Border width in image pixels; 0 draws no borders (the highlight still shows). */
  readonly borderWidth: number;
  /** Image pixels per screen pixel, so the highlight is equally thick on a 200 px and an 8000 px image. */
  readonly imagePixelsPerScreenPixel: number;
}

export function drawOverlay(ctx: CanvasRenderingContext2D, patches: readonly PatchScore[], highlighted: PatchScore | undefined, style: OverlayStyle): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  const bw = Math.max(0, style.borderWidth);
  if (bw > 0) {
    ctx.lineWidth = bw;
    for (const p of patches) {
      // Inset by half the line width so the border lies inside its own patch and neighbours do not paint over it.
      ctx.globalAlpha = Math.min(1, Math.max(0, p.certainty));
      ctx.strokeStyle = levelColor(p.level, 1, style.levels).hex;
      ctx.strokeRect(p.x + bw / 2, p.y + bw / 2, p.w - bw, p.h - bw);
    }
    ctx.globalAlpha = 1;
  }
  if (!highlighted) return;
  // Black and white rings, 2 screen pixels each, so the highlight shows on any level colour and any image.
  const px = style.imagePixelsPerScreenPixel;
  const h = highlighted;
  ctx.lineWidth = 2 * px;
  for (const [colour, inset] of [['#000', 1], ['#fff', 3]] as const) {
    ctx.strokeStyle = colour;
    ctx.strokeRect(h.x + inset * px, h.y + inset * px, h.w - 2 * inset * px, h.h - 2 * inset * px);
  }
}
