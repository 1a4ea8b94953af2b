"""PNG plots for reports/evaluation.md from reports/evaluation.json: confusion matrices, score vs true level per
method, and the gain-robustness heatmap. Prints the names of the files it wrote, one per line.

Usage: /usr/bin/python3 eval/plots.py reports/evaluation.json reports/
"""
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def grid(n):
    cols = min(4, n)
    return math.ceil(n / cols), cols


def confusion(ev, out):
    res = ev["synthetic"]
    rows, cols = grid(len(res))
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.3 * rows), squeeze=False)
    for ax, r in zip(axes.flat, res):
        m = np.array(r["confusion"])
        ax.imshow(m, cmap="viridis", vmin=0, vmax=1)
        how = "absolute" if r["absolute"] else "fitted map"
        ax.set_title(f"{r['method']} ({how})\n±1: {r['withinOne']['mean']:.2f}", fontsize=9)
        ax.set_xlabel("predicted level", fontsize=8)
        ax.set_ylabel("true level", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(res):]:
        ax.axis("off")
    fig.suptitle("Synthetic defocus: confusion matrices (rows normalised)", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "confusion.png"), dpi=90)
    plt.close(fig)
    return "confusion.png"


def score_vs_level(ev, out):
    methods = [m["name"] for m in ev["methods"]]
    kinds = {m["name"]: m["kind"] for m in ev["methods"]}
    samples = [s for s in ev["samples"] if s["set"] == "protocol"]
    levels = np.array([s["level"] for s in samples])
    rows, cols = grid(len(methods))
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
    rng = np.random.default_rng(0)
    rho = {r["method"]: r["spearman"] for r in ev["synthetic"]}
    for ax, name in zip(axes.flat, methods):
        v = np.array([s["sharpness"][name] for s in samples])
        if kinds[name] == "model":
            v, label = -v, "expected level"
        else:
            label = name
        ax.scatter(levels + rng.uniform(-0.2, 0.2, len(levels)), v, s=5, alpha=0.5)
        if kinds[name] == "metric" and np.all(v > 0):
            ax.set_yscale("log")
        ax.set_title(f"{name}  (ρ = {rho[name]:.2f})", fontsize=9)
        ax.set_xlabel("true level", fontsize=8)
        ax.set_ylabel(label, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(methods):]:
        ax.axis("off")
    fig.suptitle("Score vs true defocus level (synthetic, held-out fields)", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "score-vs-level.png"), dpi=90)
    plt.close(fig)
    return "score-vs-level.png"


def robustness(ev, out):
    res = ev["robustness"]
    gains = res[0]["gains"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.45 * len(res) + 1.8))
    for ax, key, title in [(axes[0], "withinOne", "within ±1 level"), (axes[1], "f", "binary F-score")]:
        m = np.array([r[key] for r in res])
        ax.imshow(m, cmap="magma", vmin=0, vmax=1, aspect="auto")
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=8, color="white" if m[i, j] < 0.6 else "black")
        ax.set_xticks(range(len(gains)), [f"×{g:g}" for g in gains], fontsize=8)
        ax.set_yticks(range(len(res)), [r["method"] for r in res], fontsize=8)
        ax.set_xlabel("gain (fitted at ×1)", fontsize=8)
        ax.set_title(title, fontsize=10)
    fig.suptitle("Robustness to image brightness (thresholds fitted at gain 1)", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "robustness.png"), dpi=90)
    plt.close(fig)
    return "robustness.png"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        ev = json.load(f)
    for make in (confusion, score_vs_level, robustness):
        print(make(ev, sys.argv[2]))


if __name__ == "__main__":
    main()
