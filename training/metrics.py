"""
Numpy versions of what the TypeScript side computes (patch grid, certainty, aggregation) plus the evaluation
statistics (Spearman, F-score with a threshold fitted on a validation share). Kept in step with src/core/*.ts.
"""
from __future__ import annotations

import numpy as np


def patch_offsets(length: int, patch: int) -> list[int]:
    """0, P, 2P, … and finally length − P: every pixel covered, the last patch shifted back (src/core/patches.ts)."""
    count = -(-length // patch)
    return [i * patch for i in range(count - 1)] + [length - patch]


def split_patches(img: np.ndarray, patch: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Patches [n, P, P] in row-major order and their (x, y) corners."""
    ys, xs = patch_offsets(img.shape[0], patch), patch_offsets(img.shape[1], patch)
    corners = [(x, y) for y in ys for x in xs]
    return np.stack([img[y:y + patch, x:x + patch] for x, y in corners]), corners


def certainty(probs: np.ndarray) -> np.ndarray:
    """1 − H(p)/ln(levels) along the last axis: 1 for one-hot, 0 for uniform (Yang et al. 2018)."""
    p = np.clip(probs, 1e-12, 1.0)
    h = -(probs * np.log(p)).sum(axis=-1)
    return 1.0 - h / np.log(probs.shape[-1])


def aggregate(probs: np.ndarray) -> dict:
    """Whole-image verdict from patch distributions [n, levels]: certainty-weighted mean (src/core/aggregate.ts)."""
    c = certainty(probs)
    w = c if c.sum() > 0 else np.ones_like(c)
    dist = (w[:, None] * probs).sum(0) / w.sum()
    cum = np.cumsum(dist)
    return {"probs": dist, "argmax": int(np.argmax(dist)), "median": int(np.argmax(cum >= 0.5 * cum[-1] - 1e-9)),
            "score": float((np.arange(len(dist)) * dist).sum()), "certainty": float(certainty(dist)),
            "meanCertainty": float(c.mean()), "maxCertainty": float(c.max())}


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation (average ranks for ties)."""
    from scipy.stats import spearmanr

    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b)[0])


def f_score(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(truth & pred))
    fp = float(np.sum(~truth & pred))
    fn = float(np.sum(truth & ~pred))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def fitted_f_score(score: np.ndarray, truth: np.ndarray, rng: np.random.Generator, fit_share: float = 0.1) -> dict:
    """The paper's protocol (after Bray et al. 2012): choose the threshold on `score` (positive when score ≥ t)
    that maximises the F-score on a random `fit_share` of the items, then report the F-score on the rest."""
    order = rng.permutation(len(score))
    n_fit = max(1, int(round(fit_share * len(score))))
    fit, test = order[:n_fit], order[n_fit:]
    values = np.unique(score[fit])
    # Thresholds halfway between neighbouring fitted scores, so unseen scores between them are split fairly.
    candidates = np.concatenate([[values[0]], 0.5 * (values[1:] + values[:-1]), [values[-1] + 1.0]])
    best_t, best_f = candidates[0], -1.0
    for t in candidates:
        f = f_score(truth[fit], score[fit] >= t)
        if f > best_f:
            best_t, best_f = t, f
    return {"threshold": float(best_t), "fitF": round(best_f, 4), "F": round(f_score(truth[test], score[test] >= best_t), 4),
            "fitN": int(n_fit), "testN": int(len(test))}
