/**
 * The answer a user reads: 'in' or 'out' of focus, or 'uncertain' when the evidence is too weak for either. A
 * confident wrong call is the worst outcome; an honest 'uncertain' is acceptable (issue 10).
 *
 * 'uncertain' when any of these holds, else 'in' when the level is within the card's in-focus levels, else 'out':
 * - the plane has no content to judge (core/content.ts), or no patch had any certainty (a blank image);
 * - the card's `verdict.minCertainty` is set and the aggregated certainty is below it;
 * - the card's `verdict.minMargin` or `verdict.certaintyMargin` is set and the score lies within
 *   minMargin + certaintyMargin / certainty levels of the in/out boundary (inFocusMaxLevel + 0.5): the less certain the
 *   model, the further from the boundary its score must be.
 * A card without a `verdict` rule therefore gives in/out for every image that has content (the behaviour before the
 * rule existed); its thresholds are chosen on validation sources, never on test sources (see models/MODEL_CARD.md).
 */
import type { ModelCard, VerdictRule } from './model-card.js';
import type { Verdict } from './types.js';

export interface VerdictEvidence {
  readonly score: number;
  readonly certainty: number;
  readonly inFocus: boolean;
  /** The plane has something to judge (core/content.ts `hasContent`). */
  readonly hasContent: boolean;
  /** At least one patch had a certainty above 0. */
  readonly anyCertainty: boolean;
}

export function decideVerdict(evidence: VerdictEvidence, card: Pick<ModelCard, 'inFocusMaxLevel' | 'verdict'>): Verdict {
  if (!evidence.hasContent || !evidence.anyCertainty) return 'uncertain';
  const rule = card.verdict;
  if (rule?.minCertainty !== undefined && !(evidence.certainty >= rule.minCertainty)) return 'uncertain';
  if (rule?.minMargin !== undefined || rule?.certaintyMargin !== undefined) {
    if (!(Math.abs(evidence.score - (card.inFocusMaxLevel + 0.5)) >= requiredMargin(rule, evidence.certainty))) return 'uncertain';
  }
  return evidence.inFocus ? 'in' : 'out';
}

/** Levels the score must stand from the boundary: minMargin, plus certaintyMargin / certainty (∞ at certainty 0). */
export function requiredMargin(rule: Pick<VerdictRule, 'minMargin' | 'certaintyMargin'>, certainty: number): number {
  const extra = rule.certaintyMargin ? rule.certaintyMargin / certainty : 0;
  return (rule.minMargin ?? 0) + (Number.isNaN(extra) ? Infinity : extra);
}
