"""
Measure a trained model on the validation sources, make the choices that belong to validation (the whole-image
aggregation and the verdict rule), and write the model card (JSON + MODEL_CARD.md + plots).

    /usr/bin/python3 -m training.evaluate --ckpt training/checkpoints/focus-quality.ckpt.npz      # → models/

1. Validation sources (training/sources.py), every named camera condition and 0.5×/2× pixel size, through the Python
   twin of the product (sources_eval.py). The aggregation (median or argmax of the image distribution) with the better
   within ±1 is recorded as the card's `aggregation`; the verdict rule {minCertainty, minMargin, certaintyMargin} is the one that keeps
   confident wrong in/out calls ≤ 2 % and "uncertain" ≤ 25 % under every condition, with the fewest uncertain calls
   (when no rule reaches both everywhere, the one with the fewest violations, then the lowest worst wrong rate).
2. In-distribution figures, labelled so: BBBC006 a05/a06 (the training plate, never trained on) and the 22 real
   BBBC006 images of ../shared/data (4 of whose in-focus fields are training fields).
3. Never-seen-source figures come from `npm run eval` (reports/evaluation.json, test sources, measured through the
   TypeScript); when that file describes this ONNX file, MODEL_CARD.md quotes it.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from training.card import sha256, write_card
from training.data import DataError, list_images, load_fields, read_image
from training.inputs import FULL_SCALE_RULE, PERCENTILE
from training.model import count_parameters, load_checkpoint
from training.sources import shared_data
from training.acquisition import CONDITIONS
from training.sources_eval import IN_FOCUS_MAX, PATCH, PIXEL_CONDITIONS, SPECIMEN_CONDITIONS, all_conditions, measure, pick_fields, predictor, records_for, summarise, verdict

TARGET_WRONG, TARGET_UNCERTAIN = 0.02, 0.25
CERTAINTY_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
MARGIN_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
# Extra margin (levels) = certaintyMargin / certainty; 0 is the rule without it (experiment 11, training/README.md).
CERTAINTY_MARGIN_GRID = (0.0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2)


def choose_verdict(recs: list[dict], level_key: str, in_focus_max: int = IN_FOCUS_MAX) -> tuple[dict, dict]:
    """The verdict rule from the grids (see the module docstring) and the summary it gives on `recs`."""
    best, best_key, best_summary = None, None, None
    for c, m, b in itertools.product(CERTAINTY_GRID, MARGIN_GRID, CERTAINTY_MARGIN_GRID):
        rule = {"minCertainty": c, "minMargin": m} | ({"certaintyMargin": b} if b else {})
        s = summarise(recs, rule, level_key, in_focus_max)
        conds = s["conditions"].values()
        violations = sum(1 for b in conds if b["confidentWrong"] > TARGET_WRONG or b["uncertain"] > TARGET_UNCERTAIN)
        worst_wrong = max(b["confidentWrong"] for b in conds)
        key = (violations, round(worst_wrong, 4), s["all"]["uncertain"])
        if best_key is None or key < best_key:
            best, best_key, best_summary = rule, key, s
    return best, best_summary


def real_rows(predict, rule: dict, verdict_rule: dict, level_key: str, folder: str, in_focus_max: int) -> list[dict]:
    rows = []
    for sub, truth in (("bbbc006-in-focus", "in"), ("mcf7-defocused", "out")):
        for path in list_images(Path(folder) / sub):
            img = read_image(path)  # 8-bit files come back scaled to 16-bit counts
            if min(img.shape) < PATCH:
                continue
            v = measure(img, 65535, rule, predict)
            rec = {"file": path.name, "truth": truth, "level": v[level_key], "score": round(v["score"], 3),
                   "certainty": round(v["certainty"], 3), "median": v["median"], "argmax": v["argmax"], "content": v["content"]}
            rec["verdict"] = verdict(rec, verdict_rule, level_key, in_focus_max)
            rec["right"] = rec["verdict"] == truth
            rows.append(rec)
    return rows


def plot(summary: dict, records: list[dict], level_key: str, levels: int, out: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    conds = list(summary["conditions"])
    fig, ax = plt.subplots(figsize=(9, 3.6))
    x = np.arange(len(conds))
    ax.bar(x - 0.27, [summary["conditions"][c]["within1"] for c in conds], 0.27, label="within ±1 level")
    ax.bar(x, [summary["conditions"][c]["confidentWrong"] for c in conds], 0.27, label="confident wrong in/out")
    ax.bar(x + 0.27, [summary["conditions"][c]["uncertain"] for c in conds], 0.27, label="uncertain")
    ax.axhline(TARGET_WRONG, color="k", lw=0.5, ls=":")
    ax.axhline(TARGET_UNCERTAIN, color="k", lw=0.5, ls="--")
    ax.set_xticks(x, conds, rotation=35, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_title("validation sources, per acquisition condition")
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(out / "conditions.png", dpi=110)
    plt.close(fig)
    typical = [r for r in records if r["condition"] == "typical"]
    c = np.zeros((levels, levels), int)
    for r in typical:
        c[r["truth"], r[level_key]] += 1
    fig, ax = plt.subplots(figsize=(4.4, 4))
    ax.imshow(c, cmap="Blues")
    for i in range(levels):
        for j in range(levels):
            if c[i, j]:
                ax.text(j, i, c[i, j], ha="center", va="center", fontsize=6)
    ax.set_xlabel("measured level")
    ax.set_ylabel("true level")
    ax.set_title("validation sources, typical camera", fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "confusion-validation.png", dpi=110)
    plt.close(fig)


def test_report(path: str, onnx_sha: str) -> dict | None:
    """npm run eval's results when they describe this ONNX file (by sha256) on the test sources, else None."""
    if not Path(path).is_file():
        return None
    rep = json.loads(Path(path).read_text())
    same = rep.get("model", {}).get("sha256") == onnx_sha and rep.get("protocol", {}).get("split") == "test"
    return rep if same else None


def report_only(args) -> int:
    card_path = Path(args.onnx).with_name(Path(args.onnx).name.replace(".onnx", ".card.json"))
    if not card_path.is_file():
        print(f"error: {card_path}: no such card", file=sys.stderr)
        return 2
    card = json.loads(card_path.read_text())
    test = test_report(args.test_report, sha256(args.onnx))
    if test is None:
        print(f"error: {args.test_report} does not describe {args.onnx} (run npm run eval first)", file=sys.stderr)
        return 2
    card["metrics"]["test"] = {k: test[k] for k in ("summary", "plls", "protocol") if k in test}
    if test.get("compare"):
        card["metrics"]["test"]["baseline"] = {"version": test["compare"]["model"]["version"], "summary": test["compare"]["summary"]}
    write_card(card_path, card)
    from training.report import markdown
    (Path(args.out_dir) / "MODEL_CARD.md").write_text(markdown(card, test))
    print(f"wrote {card_path} and {Path(args.out_dir) / 'MODEL_CARD.md'} with the test sources' figures")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True, help="the checkpoint the ONNX file was exported from")
    p.add_argument("--onnx", default="models/focus-quality.onnx", help="its ONNX file (the card sits next to it)")
    p.add_argument("--fields", default=".devdata/fields", help="folder written by fetch_data.py")
    p.add_argument("--cache", default=".devdata/cache", help="defocused-field cache")
    p.add_argument("--per_source", type=int, default=3, help="validation fields per source (3: the fields the rule comparison and 1.1.0 were measured on)")
    p.add_argument("--baseline", default="training/results/v110-val.json", help="model 1.1.0 on the same validation images (sources_eval.py, seed 7)")
    p.add_argument("--real_dir", default=shared_data(), help="the shared data folder (bbbc006-in-focus, mcf7-defocused)")
    p.add_argument("--test_report", default="reports/evaluation.json", help="npm run eval's results (test sources)")
    p.add_argument("--out_dir", default="models", help="where MODEL_CARD.md and the plots go")
    p.add_argument("--json", default="", help="also write every record here")
    p.add_argument("--no_bench", action="store_true", help="skip the onnxruntime-web speed comparison")
    p.add_argument("--paper_onnx", default="build/models/paper-arch.onnx", help="paper-architecture ONNX for the speed comparison")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--report_only", action="store_true",
                   help="re-measure nothing: add the test report (npm run eval) to the existing card and rewrite MODEL_CARD.md")
    args = p.parse_args(argv)
    if args.report_only:
        return report_only(args)
    torch.set_num_threads(1)
    try:
        model, meta = load_checkpoint(args.ckpt)
        val_fields = pick_fields(load_fields(args.fields, "val"), args.per_source)
        held = [f for f in load_fields(args.fields, "train") if f[1] in ("BBBC006_a05", "BBBC006_a06")]
    except (DataError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    card_path = Path(args.onnx).with_name(Path(args.onnx).name.replace(".onnx", ".card.json"))
    if not card_path.is_file():
        print(f"error: {card_path}: no such card (export the checkpoint first)", file=sys.stderr)
        return 2
    card = json.loads(card_path.read_text())
    levels, in_focus_max = card["levels"], card["inFocusMaxLevel"]  # the 11 levels and the 0–2 threshold: the card's
    rule = PERCENTILE if meta["config"].get("rule") == "percentile" else FULL_SCALE_RULE
    predict = predictor(model)
    conditions = all_conditions()
    t0 = time.time()
    val = records_for(val_fields, predict, rule, conditions, args.seed, args.cache, levels)
    keys = {k: summarise(val, {}, k, in_focus_max)["all"]["within1"] for k in ("median", "argmax")}
    level_key = "median" if keys["median"] >= keys["argmax"] else "argmax"
    verdict_rule, val_summary = choose_verdict(val, level_key, in_focus_max)
    held_recs = records_for(held, predict, rule, conditions, args.seed, args.cache, levels)
    held_summary = summarise(held_recs, verdict_rule, level_key, in_focus_max)
    real = real_rows(predict, rule, verdict_rule, level_key, args.real_dir, in_focus_max) if Path(args.real_dir).is_dir() else []
    print(f"validation: {len(val)} images in {time.time() - t0:.0f} s; aggregation {level_key} ({keys}); verdict {verdict_rule}; "
          f"within ±1 {val_summary['all']['within1']}, worst source {val_summary['worstSource']['within1']}", flush=True)
    card["sha256"] = sha256(args.onnx)
    card["aggregation"] = level_key
    card["verdict"] = verdict_rule
    metrics = {
        "validation": {"sources": sorted({f[0] for f in val_fields}), "fields": len(val_fields), "images": len(val),
                       "conditions": {k: CONDITIONS[k].describe() for k in CONDITIONS} | {k: {"pixelFactor": v} for k, v in PIXEL_CONDITIONS.items()}
                                     | {k: {"specimen": "training/specimen.py", "camera": camera} for k, (camera, _) in SPECIMEN_CONDITIONS.items()},
                       "aggregationWithin1": keys, "summary": val_summary,
                       "note": "validation sources: the aggregation and the verdict rule were chosen on these numbers"},
        "inDistribution": {"what": "BBBC006 a05/a06: the training plate's held-out fields (in-distribution, not a headline)",
                           "summary": held_summary},
        "realImages": {"what": "the 22 real BBBC006 images of the shared data (in-distribution: the training plate; 4 in-focus fields are training fields)",
                       "right": sum(r["right"] for r in real), "total": len(real), "rows": real},
        "size": {"parameters": count_parameters(model), "onnxBytes": Path(args.onnx).stat().st_size},
    }
    if Path(args.baseline).is_file():
        base = json.loads(Path(args.baseline).read_text())
        if base.get("perSource") == args.per_source and base.get("seed") == args.seed:
            b = base["summary"]
            metrics["validation"]["baseline110"] = {"within1": b["all"]["within1"], "worstSource": b["worstSource"]["within1"],
                                                    "spearman": b["all"]["spearman"], "source": args.baseline}
    if not args.no_bench:
        from training.report import bench
        speed = bench(args.onnx, args.paper_onnx)
        if speed:
            metrics["speed"] = speed
    test = test_report(args.test_report, card["sha256"])
    if test:
        metrics["test"] = {k: test[k] for k in ("summary", "plls", "protocol") if k in test}
    card["metrics"] = metrics
    write_card(card_path, card)
    out = Path(args.out_dir)
    plot(val_summary, val, level_key, levels, out)
    from training.report import markdown
    (out / "MODEL_CARD.md").write_text(markdown(card, test))
    if args.json:
        Path(args.json).write_text(json.dumps({"validation": val, "inDistribution": held_recs, "real": real}))
    print(f"wrote {card_path}, {out / 'MODEL_CARD.md'}; real images right {metrics['realImages']['right']}/{len(real)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
