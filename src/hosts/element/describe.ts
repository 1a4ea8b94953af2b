/**
 * Words for what the overlay shows in colour, for screen readers and for anyone who cannot tell the hues apart:
 * a summary of the patch levels ("63 patches: 58 at levels 0–2 (in focus), 5 at level 3") and one patch's reading.
 */
import type { PatchScore } from '../../core/types.js';

/**
 * Patches below this certainty are called "too uncertain to rely on" in the words: background patches sit near 0 and
 * hardly weigh in the image's verdict (certainty-weighted). A hint for readers, not a verdict rule.
 */
export const UNCERTAIN_BELOW = 0.2;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * One sentence on the levels of all patches: the in-focus levels (0 … `inFocusMaxLevel`) counted together, every
 * other level present on its own, then how many patches are too uncertain to count for much.
 * Without `inFocusMaxLevel` every level is listed on its own.
 */
export function describePatches(patches: readonly Pick<PatchScore, 'level' | 'certainty'>[], inFocusMaxLevel?: number): string {
  if (patches.length === 0) return 'no patches';
  const counts = new Map<number, number>();
  for (const p of patches) counts.set(p.level, (counts.get(p.level) ?? 0) + 1);
  const parts: string[] = [];
  if (inFocusMaxLevel !== undefined && inFocusMaxLevel > 0) {
    const sharp = patches.filter((p) => p.level <= inFocusMaxLevel).length;
    if (sharp > 0) parts.push(`${sharp} at levels 0–${inFocusMaxLevel} (in focus)`);
  }
  for (const level of [...counts.keys()].sort((a, b) => a - b)) {
    if (inFocusMaxLevel !== undefined && inFocusMaxLevel > 0 && level <= inFocusMaxLevel) continue;
    const inFocus = inFocusMaxLevel !== undefined && level <= inFocusMaxLevel ? ' (in focus)' : '';
    parts.push(`${counts.get(level)} at level ${level}${inFocus}`);
  }
  const unsure = patches.filter((p) => !(p.certainty >= UNCERTAIN_BELOW)).length;
  const tail = unsure > 0 ? `; ${unsure} of them with certainty below ${UNCERTAIN_BELOW} (mostly background)` : '';
  return `${plural(patches.length, 'patch', 'patches')}: ${parts.join(', ')}${tail}`;
}

/** One patch, as a live region announces it: where it is, its level and how sure the model is. */
export function describePatch(patch: Pick<PatchScore, 'x' | 'y' | 'w' | 'h' | 'level' | 'certainty'>, index: number, count: number, inFocusMaxLevel?: number): string {
  const focus = inFocusMaxLevel === undefined ? '' : patch.level <= inFocusMaxLevel ? ' (in focus)' : ' (out of focus)';
  const unsure = patch.certainty >= UNCERTAIN_BELOW ? '' : ', too uncertain to rely on';
  return `Patch ${index + 1} of ${count} at x ${patch.x}, y ${patch.y}: level ${patch.level}${focus}, certainty ${patch.certainty.toFixed(2)}${unsure}`;
}
