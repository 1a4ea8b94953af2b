"""
The evaluation protocol on whole sources (issue 10): every field of a split's sources, defocused to all 11 levels
(whole field, Born–Wolf PSF), seen through each named camera condition (acquisition.py) and at 0.5× / 2× the native
pixel size (resampled back with the pixel size given), then measured the way the product measures an image:
intensity rule → patch grid → model → certainty-weighted aggregate → level, score, certainty → verdict.

This is the Python twin of the product's path (src/core/{scaling,patches,aggregate}.ts and the engine's resampling)
used for the choices on validation sources; `npm run eval` measures the test sources through the TypeScript itself.

    /usr/bin/python3 -m training.sources_eval --ckpt training/runs/cmp/percentile.ckpt.npz --split val --out r.json
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy import ndimage as ndi

from training.acquisition import CONDITIONS, Acquisition, acquire
from training.data import load_fields
from training.inputs import FULL_SCALE_RULE, PERCENTILE, normalise
from training.metrics import aggregate, spearman, split_patches
from training.model import load_checkpoint
from training.resample import axis_weights
from training.sampler import defocused_levels
from training.sources import NATIVE_PIXEL_UM
from training.specimen import bright_objects, haze

PATCH = 84
LEVELS = 11  # default only: callers pass the checkpoint's / card's level count
IN_FOCUS_MAX = 2  # default only: callers pass the card's inFocusMaxLevel
PIXEL_CONDITIONS = {"pixel-0.5x": 0.5, "pixel-2x": 2.0}  # camera pixel = factor × native, pixel size given
# Conditions of the specimen (training/specimen.py): (the camera of CONDITIONS that records it, what it adds to a field).
SPECIMEN_CONDITIONS = {"bright-objects": ("typical", bright_objects), "haze": ("typical", haze)}


def all_conditions() -> list[str]:
    """Every named condition of the protocol, in report order."""
    return list(CONDITIONS) + list(PIXEL_CONDITIONS) + list(SPECIMEN_CONDITIONS)


def generators(seed: int, conditions: list[str]) -> dict:
    """{condition: noise generator}: one shared stream for the camera and pixel conditions (as before the specimen
    conditions existed, so their images stay the same), and a stream of its own for each specimen condition."""
    shared = torch.Generator().manual_seed(seed)
    return {c: torch.Generator().manual_seed(seed + 1000 + i) if c in SPECIMEN_CONDITIONS else shared
            for i, c in enumerate(conditions)}


def field_stacks(img: np.ndarray, name: str, conditions: list[str], levels: int, cache: str | None) -> dict:
    """{condition: [levels, H, W] defocused signal}: the field's own stack, and for a specimen condition the stack of
    the field with what that condition adds (defocused with it)."""
    folder = Path(cache) if cache else None
    plain = defocused_levels(img, levels, 2.0, folder)
    out = {}
    for cond in conditions:
        if cond in SPECIMEN_CONDITIONS:
            out[cond] = defocused_levels(SPECIMEN_CONDITIONS[cond][1](img, name), levels, 2.0, folder)
        else:
            out[cond] = plain
    return out


def camera_plane(signal: torch.Tensor, cond: str, gen: torch.Generator) -> tuple[np.ndarray, float, float | None]:
    """What the condition's camera stores for one defocused signal [1, H, W]: (plane at the camera's own pixels,
    full scale of the file, the camera's pixel size in µm when it is not the native one, else None)."""
    if cond in PIXEL_CONDITIONS:
        pixel = NATIVE_PIXEL_UM * PIXEL_CONDITIONS[cond]
        values, full = acquire(signal, [CONDITIONS["typical"]], gen)
        return np.clip(np.round(resample(values[0].numpy(), NATIVE_PIXEL_UM, pixel)), 0, 65535), float(full), pixel
    camera = SPECIMEN_CONDITIONS[cond][0] if cond in SPECIMEN_CONDITIONS else cond
    values, full = acquire(signal, [CONDITIONS[camera]], gen)
    return values[0].numpy(), float(full), None


def resample(image: np.ndarray, pixel_um: float, native_um: float = NATIVE_PIXEL_UM) -> np.ndarray:
    """An image of `pixel_um` pixels on the native grid (Python twin of the engine's core/native-scale.ts): size
    round(n · pixel_um / native_um) per axis, not resampled within 1 % of the native size."""
    r = pixel_um / native_um
    if abs(r - 1) <= 0.01:
        return image
    h, w = image.shape
    m_h, m_w = max(1, round(h * r)), max(1, round(w * r))
    return axis_weights(h, m_h) @ np.asarray(image, dtype=np.float64) @ axis_weights(w, m_w).T


def has_content(values: np.ndarray, bit_depth: int) -> bool:
    """The engine's core/content.ts: content unless at most 0.01 % of the pixels differ from the median by more than
    2 grey levels (integer files: 2.5 counts, i.e. more than 2)."""
    v = np.ravel(values)
    median = float(np.median(v)) if bit_depth != 32 else float(np.sort(v)[(v.size - 1) // 2])
    allowed = int(math.floor(1e-4 * v.size))
    return int(np.sum(np.abs(v - median) > 2.5)) > allowed


def predictor(model: torch.nn.Module, tta: bool = False):
    model.eval()

    @torch.no_grad()
    def predict(patches: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(patches, dtype=np.float32))[:, None]
        views = [x] if not tta else [torch.rot90(v, k, dims=(2, 3)) for v in (x, x.flip(3)) for k in range(4)]
        out = []
        for v in views:
            out.append(torch.cat([torch.softmax(model(v[i:i + 512]), 1) for i in range(0, len(v), 512)]))
        return (sum(out) / len(out)).numpy()
    return predict


def pick_fields(fields: list, per_source: int) -> list:
    """Up to `per_source` fields of each source, evenly spaced through its sorted list (deterministic)."""
    by: dict[str, list] = {}
    for f in fields:
        by.setdefault(f[0], []).append(f)
    out = []
    for src in sorted(by):
        fs = sorted(by[src], key=lambda f: f[1])
        step = max(1, len(fs) / per_source)
        out += [fs[int(i * step)] for i in range(min(per_source, len(fs)))]
    return out


def measure(values: np.ndarray, full: float, rule: dict, predict) -> dict:
    x = normalise(values, full, rule)
    patches, _ = split_patches(x, PATCH)
    out = aggregate(predict(patches))
    out["content"] = has_content(values, 8 if full == 255 else 16)
    return out


def records_for(fields: list, predict, rule: dict, conditions: list[str], seed: int, cache: str | None,
                levels: int = LEVELS) -> list[dict]:
    out = []
    gens = generators(seed, conditions)
    for src, name, img in fields:
        stacks = field_stacks(img, name, conditions, levels, cache)
        for level in range(levels):
            for cond in conditions:
                signal = torch.from_numpy(np.asarray(stacks[cond][level], dtype=np.float32))[None]
                camera, full, pixel = camera_plane(signal, cond, gens[cond])
                if min(camera.shape) < PATCH:
                    continue
                image = camera if pixel is None else resample(camera, pixel)  # the product, pixel size given
                if min(image.shape) < PATCH:
                    continue
                v = measure(image, full, rule, predict)
                out.append({"source": src, "field": name, "truth": level, "condition": cond, "median": v["median"],
                            "argmax": v["argmax"], "score": round(v["score"], 4), "certainty": round(v["certainty"], 4),
                            "meanCertainty": round(v["meanCertainty"], 4), "content": v["content"]})
    return out


def required_margin(rule: dict, certainty: float) -> float:
    """Levels the score must stand from the in/out boundary: minMargin + certaintyMargin / certainty (∞ at certainty
    0 when certaintyMargin > 0), as core/verdict.ts `requiredMargin`."""
    b = rule.get("certaintyMargin") or 0.0
    extra = 0.0 if not b else (b / certainty if certainty > 0 else float("inf"))
    return (rule.get("minMargin") or 0.0) + extra


def verdict(rec: dict, rule: dict, level_key: str = "median", in_focus_max: int = IN_FOCUS_MAX) -> str:
    """'in' / 'out' / 'uncertain' (the card's verdict rule; core/verdict.ts is the TypeScript one): uncertain for a
    plane without content, a certainty below minCertainty, or a score within minMargin + certaintyMargin / certainty
    of the in/out boundary."""
    if not rec.get("content", True):
        return "uncertain"
    if rule.get("minCertainty") is not None and rec["certainty"] < rule["minCertainty"]:
        return "uncertain"
    if (rule.get("minMargin") is not None or rule.get("certaintyMargin") is not None) \
            and abs(rec["score"] - (in_focus_max + 0.5)) < required_margin(rule, rec["certainty"]):
        return "uncertain"
    return "in" if rec[level_key] <= in_focus_max else "out"


def confident_wrong(truth: int, v: str, in_focus_max: int = IN_FOCUS_MAX) -> bool:
    """An `in` or `out` verdict on the wrong side of the in/out boundary (an `uncertain` one is never wrong)."""
    return v != "uncertain" and (v == "in") != (truth <= in_focus_max)


def summarise(recs: list[dict], verdict_rule: dict, level_key: str = "median", in_focus_max: int = IN_FOCUS_MAX) -> dict:
    """Within ±1 and Spearman (all, per source, worst source), and per condition the confident-wrong and uncertain
    rates of the verdict."""
    def block(rs):
        truth = np.array([r["truth"] for r in rs])
        pred = np.array([r[level_key] for r in rs])
        score = np.array([r["score"] for r in rs])
        v = [verdict(r, verdict_rule, level_key, in_focus_max) for r in rs]
        wrong = sum(1 for r, x in zip(rs, v) if confident_wrong(r["truth"], x, in_focus_max))
        unc = sum(1 for x in v if x == "uncertain")
        return {"n": len(rs), "within1": round(float(np.mean(np.abs(pred - truth) <= 1)), 4),
                "exact": round(float(np.mean(pred == truth)), 4), "spearman": round(spearman(score, truth), 4),
                "confidentWrong": round(wrong / len(rs), 4), "uncertain": round(unc / len(rs), 4)}
    out = {"all": block(recs), "sources": {}, "conditions": {}}
    for src in sorted({r["source"] for r in recs}):
        out["sources"][src] = block([r for r in recs if r["source"] == src])
    for cond in dict.fromkeys(r["condition"] for r in recs):
        out["conditions"][cond] = block([r for r in recs if r["condition"] == cond])
    srcs = out["sources"].values()
    out["worstSource"] = {"within1": min(s["within1"] for s in srcs), "spearman": min(s["spearman"] for s in srcs)}
    typical = [r for r in recs if r["condition"] == "typical"]
    if typical:
        out["typical"] = block(typical)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", action="append", required=True, help="checkpoint(s) to measure")
    p.add_argument("--split", default="val", choices=["train", "val", "test"], help="whose sources (test: only for the final report)")
    p.add_argument("--fields", default=".devdata/fields", help="folder written by fetch_data.py")
    p.add_argument("--cache", default=".devdata/cache", help="defocused-field cache")
    p.add_argument("--per_source", type=int, default=4, help="fields per source")
    p.add_argument("--conditions", default="all", help="comma list of condition names, or all")
    p.add_argument("--tta", action="store_true", help="average the 8 flips/rotations of every patch")
    p.add_argument("--seed", type=int, default=7, help="camera noise seed")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default="", help="JSON with every record and the summary")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    conditions = all_conditions() if args.conditions == "all" else args.conditions.split(",")
    fields = pick_fields(load_fields(args.fields, args.split), args.per_source)
    if args.split == "train":
        fields = [f for f in fields if f[1] in ("BBBC006_a05", "BBBC006_a06")]  # in-distribution check: held-out fields
    results = {}
    for ckpt in args.ckpt:
        model, meta = load_checkpoint(ckpt)
        rule = PERCENTILE if meta["config"].get("rule") == "percentile" else FULL_SCALE_RULE
        t = time.time()
        recs = records_for(fields, predictor(model, args.tta), rule, conditions, args.seed, args.cache, meta["config"]["levels"])
        s = summarise(recs, {})
        results[ckpt] = {"records": recs, "summary": s, "seconds": round(time.time() - t, 1)}
        print(f"{ckpt}: {len(recs)} images in {time.time() - t:.0f} s; within±1 {s['all']['within1']}, "
              f"worst source {s['worstSource']['within1']}, Spearman {s['all']['spearman']}", flush=True)
        for src, b in s["sources"].items():
            print(f"   {src:28s} within±1 {b['within1']:.3f}  Spearman {b['spearman']:.3f}  n={b['n']}")
        for cond, b in s["conditions"].items():
            print(f"   {cond:28s} within±1 {b['within1']:.3f}  wrong in/out (no rule) {b['confidentWrong']:.3f}")
    if args.out:
        Path(args.out).write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
