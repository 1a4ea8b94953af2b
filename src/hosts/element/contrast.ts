/**
 * Text on coloured swatches that stays readable: WCAG 2.x relative luminance and contrast ratio, and the choice between
 * black and white text for a background. For any opaque background one of the two reaches at least 4.58:1 (the worst
 * case is a luminance of about 0.18), so AA (4.5:1 for normal text) always holds.
 */
import type { Rgb } from '../../core/colormap.js';

const linear = (c8: number): number => {
  const c = c8 / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** WCAG relative luminance of an sRGB colour (0 = black, 1 = white). */
export function relativeLuminance({ r, g, b }: Pick<Rgb, 'r' | 'g' | 'b'>): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG contrast ratio (1 … 21) between two colours. */
export function contrastRatio(a: Pick<Rgb, 'r' | 'g' | 'b'>, b: Pick<Rgb, 'r' | 'g' | 'b'>): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const BLACK = { r: 0, g: 0, b: 0 };
const WHITE = { r: 255, g: 255, b: 255 };

/** Black or white, whichever contrasts more with `background`, and the ratio it reaches. */
export function readableText(background: Pick<Rgb, 'r' | 'g' | 'b'>): { readonly color: '#000' | '#fff'; readonly ratio: number } {
  const onBlack = contrastRatio(background, BLACK);
  const onWhite = contrastRatio(background, WHITE);
  return onBlack >= onWhite ? { color: '#000', ratio: onBlack } : { color: '#fff', ratio: onWhite };
}
