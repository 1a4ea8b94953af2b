/**
 * The verdict a person reads for a result: in focus, out of focus, or uncertain. A blank or near-blank image gives an
 * almost uniform distribution whose median is level 5; shown as "Level 5 (out of focus)" it reads as a confident call
 * that the evidence does not support, so it is shown as uncertain.
 */
import type { FocusResult, Verdict } from '../../core/types.js';

/**
 * Below this certainty of the weighted distribution a result without its own `verdict` is shown as uncertain. Display
 * only, for results from engines that do not yet set `verdict`: failure cases of model 1.1.0 (issue 10) sit at 0.1–0.2,
 * every correctly rated real test image above 0.3.
 */
export const UNCERTAIN_BELOW = 0.2;

/** The result's own `verdict` when it has one, else in/out by `inFocus`, uncertain below `UNCERTAIN_BELOW`. */
export function displayVerdict(result: Pick<FocusResult, 'verdict' | 'certainty' | 'inFocus'>): Verdict {
  if (result.verdict) return result.verdict;
  if (!(result.certainty >= UNCERTAIN_BELOW)) return 'uncertain';
  return result.inFocus ? 'in' : 'out';
}

export const VERDICT_TEXT: Readonly<Record<Verdict, string>> = { in: 'in focus', out: 'out of focus', uncertain: 'uncertain' };
