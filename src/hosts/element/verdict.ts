/**
 * The verdict a person reads for a result: in focus, out of focus, or uncertain. The rule is the core's
 * (core/verdict.ts, carried as `FocusResult.verdict`); this only names it and covers results made without it.
 */
import type { FocusResult, Verdict } from '../../core/types.js';

/** The result's own `verdict`; a result from before verdicts existed reads as in/out by `inFocus`. */
export function displayVerdict(result: Pick<FocusResult, 'verdict' | 'inFocus'>): Verdict {
  return result.verdict ?? (result.inFocus ? 'in' : 'out');
}

export const VERDICT_TEXT: Readonly<Record<Verdict, string>> = { in: 'in focus', out: 'out of focus', uncertain: 'uncertain' };
