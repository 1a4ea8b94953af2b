/**
 * Certainty of one probability distribution over ordered levels, from the paper (Yang et al. 2018, eq. 1):
 * certainty = 1 − H(p) / ln(L), with H(p) = −Σ p_k ln p_k the Shannon entropy and L the number of levels.
 * Range [0, 1]: 1 for a one-hot distribution (the model is sure), 0 for the uniform one (e.g. a background patch).
 * (The paper's printed formula drops the minus sign of the entropy; the text and the original code use the one here.)
 * Terms with p_k = 0 contribute 0 (the limit of p ln p). Values are clamped to [0, 1] against rounding.
 */
export function patchCertainty(probs: ArrayLike<number>): number {
  const n = probs.length;
  if (n < 2) return 1;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    if (p > 0) h -= p * Math.log(p);
  }
  const c = 1 - h / Math.log(n);
  return c < 0 ? 0 : c > 1 ? 1 : c;
}
