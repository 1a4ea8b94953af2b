/** How well a composite follows the two-region stack of two-region.ts (pure: also used by the browser test). */
import type { GrayImage } from '../../src/core/types.js';

/** Left of this column belongs to slice 0, the rest to slice 1. */
export const SPLIT = 348;

/**
 * Of the pixels where the two slices differ (content: the blur changed them by more than 200 counts), the share the
 * composite took exactly from the region's focal slice and from the other slice, left and right of the split (the
 * 84 pixels either side of it, where patch weights blend, left out).
 */
export function regionAgreement(planes: readonly GrayImage[], composite: GrayImage): Record<'left' | 'right', { focal: number; other: number }> {
  const [a, b] = planes as [GrayImage, GrayImage];
  const { width, height } = a;
  const count = { left: { focal: 0, other: 0, n: 0 }, right: { focal: 0, other: 0, n: 0 } };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (Math.abs(a.data[i]! - b.data[i]!) <= 200 || Math.abs(x - SPLIT) < 84) continue;
      const side = x < SPLIT ? count.left : count.right;
      const [focal, other] = x < SPLIT ? [a, b] : [b, a];
      side.n++;
      if (composite.data[i] === focal.data[i]) side.focal++;
      else if (composite.data[i] === other.data[i]) side.other++;
    }
  }
  const share = (c: { focal: number; other: number; n: number }) => ({ focal: c.focal / c.n, other: c.other / c.n });
  return { left: share(count.left), right: share(count.right) };
}
