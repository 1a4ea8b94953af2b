/**
 * Per-image records of the source protocol and their summary: within ±1 level, Spearman (score vs true level),
 * confident wrong in/out calls and "uncertain" calls — overall, per source, per acquisition condition, and the worst
 * source. The TypeScript twin of training/sources_eval.py's `summarise`, so validation (Python) and test (here) are
 * reported alike.
 */
import type { ModelCard } from '../src/core/model-card.js';
import type { FocusResult, Verdict } from '../src/core/types.js';
import { decideVerdict } from '../src/core/verdict.js';
import { exactShare, spearman, withinOneShare } from './protocol.js';

export interface SourceRecord {
  readonly source: string;
  readonly field: string;
  readonly condition: string;
  /** True defocus level. */
  readonly truth: number;
  readonly level: number;
  readonly score: number;
  readonly certainty: number;
  readonly verdict: Verdict;
  /** PLLS of the whole image (higher = sharper), for the comparison with the classic metric. */
  readonly plls?: number;
}

export interface Block {
  readonly n: number;
  readonly within1: number;
  readonly exact: number;
  readonly spearman: number;
  readonly confidentWrong: number;
  readonly uncertain: number;
}

export interface SourceSummary {
  readonly sources: readonly string[];
  readonly all: Block;
  readonly typical?: Block;
  readonly worstSource: { readonly within1: number; readonly spearman: number; readonly name: string };
  readonly bySource: Readonly<Record<string, Block>>;
  readonly byCondition: Readonly<Record<string, Block>>;
}

/**
 * The verdict of one result: the engine's own (core/aggregate.ts fills `result.verdict`), else the card's rule applied
 * by the same core function to a result that carries none (e.g. a record read back from an older report).
 */
export function verdictOf(result: Pick<FocusResult, 'level' | 'score' | 'certainty' | 'verdict'>, card: Pick<ModelCard, 'inFocusMaxLevel' | 'verdict'>): Verdict {
  if (result.verdict) return result.verdict;
  return decideVerdict({ score: result.score, certainty: result.certainty, inFocus: result.level <= card.inFocusMaxLevel, hasContent: true, anyCertainty: true }, card);
}

export function block(records: readonly SourceRecord[], inFocusMaxLevel: number): Block {
  const truth = records.map((r) => r.truth);
  const wrong = records.filter((r) => r.verdict !== 'uncertain' && (r.verdict === 'in') !== (r.truth <= inFocusMaxLevel)).length;
  const uncertain = records.filter((r) => r.verdict === 'uncertain').length;
  return {
    n: records.length,
    within1: withinOneShare(truth, records.map((r) => r.level)),
    exact: exactShare(truth, records.map((r) => r.level)),
    spearman: spearman(records.map((r) => r.score), truth),
    confidentWrong: wrong / records.length,
    uncertain: uncertain / records.length,
  };
}

export function summarise(records: readonly SourceRecord[], inFocusMaxLevel: number): SourceSummary {
  const group = (key: (r: SourceRecord) => string): Record<string, Block> => {
    const out: Record<string, SourceRecord[]> = {};
    for (const r of records) (out[key(r)] ??= []).push(r);
    return Object.fromEntries(Object.entries(out).map(([k, rs]) => [k, block(rs, inFocusMaxLevel)]));
  };
  const bySource = group((r) => r.source);
  const byCondition = group((r) => r.condition);
  const worst = Object.entries(bySource).reduce((a, b) => (b[1].within1 < a[1].within1 ? b : a));
  const typical = records.filter((r) => r.condition === 'typical');
  return {
    sources: Object.keys(bySource).sort(),
    all: block(records, inFocusMaxLevel),
    ...(typical.length ? { typical: block(typical, inFocusMaxLevel) } : {}),
    worstSource: { within1: worst[1].within1, spearman: Math.min(...Object.values(bySource).map((b) => b.spearman)), name: worst[0] },
    bySource,
    byCondition,
  };
}
