/**
 * The paper's patch colours (Yang et al. 2018, Fig. 2b and 7): hue by defocus level, level 0 red, going round the
 * colour wheel to level L−1 at hue 360°·(L−1)/L (magenta for 11 levels); brightness (HSV value) = certainty, so an
 * uncertain background patch fades to black and a sure one is the full hue.
 */
export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** `#rrggbb`, lower case. */
  readonly hex: string;
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

/** Colour of a patch of the given level (0 … levels−1) and certainty (0 … 1, clamped). */
export function levelColor(level: number, certainty: number, levels: number): Rgb {
  if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`levels must be a positive integer, got ${levels}`);
  if (!Number.isInteger(level) || level < 0 || level >= levels) throw new RangeError(`level ${level} is outside 0…${levels - 1}`);
  const v = Number.isFinite(certainty) ? Math.min(1, Math.max(0, certainty)) : 0;
  const h = (6 * level) / levels; // hue in sixths of the wheel
  const f = (k: number): number => {
    // Standard HSV→RGB with saturation 1: channel = v · (1 − clamp(min(k', 4 − k'), 0, 1)), k' = (k + h) mod 6.
    const kk = (k + h) % 6;
    return v * (1 - Math.max(0, Math.min(kk, 4 - kk, 1)));
  };
  const r = Math.round(255 * f(5));
  const g = Math.round(255 * f(3));
  const b = Math.round(255 * f(1));
  return { r, g, b, hex: `#${hex2(r)}${hex2(g)}${hex2(b)}` };
}
