"""
How sure is "B is better than A" on the validation sources? A paired bootstrap over fields:
    python3 -m training.paired A-val.json B-val.json [--rule '{"minCertainty": 0, "minMargin": 1.0}']

Why: the validation sources hold few fields (three of five have two), so a one-point gain in within ±1 can be the luck
of which fields were drawn. Both models were measured on the same images (sources_eval.py, same seed), so the
difference is resampled field by field, within each source (a source keeps its number of fields): the 95 % interval
of B − A says whether a gain is more than that luck. A ship rule can then ask for the interval to clear zero.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from training.sources_eval import confident_wrong, verdict

DEFAULT_RULE = {"minCertainty": 0, "minMargin": 1.0}  # 2.0.0's rule, the one every ship rule so far was judged with
KEY = ("source", "field", "truth", "condition")


def per_field(recs: list[dict], rule: dict) -> dict:
    """{(source, field): {image key: (right within ±1, confident wrong)}}."""
    out: dict = {}
    for r in recs:
        wrong = confident_wrong(r["truth"], verdict(r, rule))
        out.setdefault((r["source"], r["field"]), {})[tuple(r[k] for k in KEY)] = (abs(r["median"] - r["truth"]) <= 1, wrong)
    return out


def paired(a: list[dict], b: list[dict], rule: dict = DEFAULT_RULE, rounds: int = 4000, seed: int = 0) -> dict:
    """B − A for within ±1 and confident wrong: the observed difference and its 95 % bootstrap interval."""
    fa, fb = per_field(a, rule), per_field(b, rule)
    if fa.keys() != fb.keys() or any(fa[k].keys() != fb[k].keys() for k in fa):
        raise ValueError("the two runs did not measure the same images (same split, per_source and seed are needed)")
    fields = sorted(fa)
    # per field: number of images and the sums of B − A, so a bootstrap round is a weighted sum
    n = np.array([len(fa[f]) for f in fields], dtype=np.float64)
    d = np.array([[sum(fb[f][k][i] - fa[f][k][i] for k in fa[f]) for i in (0, 1)] for f in fields], dtype=np.float64)
    sources = sorted({f[0] for f in fields})
    rng = np.random.default_rng(seed)
    counts = np.zeros((rounds, len(fields)))
    for s in sources:
        idx = [i for i, f in enumerate(fields) if f[0] == s]
        picks = rng.integers(0, len(idx), size=(rounds, len(idx)))
        for j, i in enumerate(idx):
            counts[:, i] = (picks == j).sum(axis=1)
    boot = (counts @ d) / (counts @ n)[:, None]
    observed = d.sum(axis=0) / n.sum()
    out = {"fields": len(fields), "images": int(n.sum())}
    for i, name in enumerate(("within1", "confidentWrong")):
        lo, hi = np.percentile(boot[:, i], [2.5, 97.5])
        out[name] = {"difference": round(float(observed[i]), 4), "low": round(float(lo), 4), "high": round(float(hi), 4)}
    return out


def records(path: str) -> list[dict]:
    runs = json.loads(Path(path).read_text())
    if len(runs) != 1:
        raise ValueError(f"{path}: {len(runs)} checkpoints in one file; give files of one checkpoint each")
    return next(iter(runs.values()))["records"]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("a", help="sources_eval.py output of the baseline")
    p.add_argument("b", help="sources_eval.py output of the candidate")
    p.add_argument("--rule", default=json.dumps(DEFAULT_RULE), help="verdict rule for the confident-wrong rate (JSON)")
    p.add_argument("--rounds", type=int, default=4000)
    p.add_argument("--sources", default="", help="comma list: compare only these sources' records (what a change is for)")
    args = p.parse_args(argv)
    try:
        a, b = records(args.a), records(args.b)
        wanted = set(filter(None, args.sources.split(",")))
        if wanted:
            missing = wanted - {r["source"] for r in a}
            if missing:
                raise ValueError(f"--sources: {', '.join(sorted(missing))} not measured in {args.a}")
            a, b = [r for r in a if r["source"] in wanted], [r for r in b if r["source"] in wanted]
        out = paired(a, b, json.loads(args.rule), args.rounds)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"B − A over {out['fields']} fields ({out['images']} images), 95 % paired bootstrap interval:")
    for name in ("within1", "confidentWrong"):
        r = out[name]
        print(f"  {name:15s} {r['difference']:+.4f}  [{r['low']:+.4f}, {r['high']:+.4f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
