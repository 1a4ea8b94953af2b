"""
Measure a trained model and write its model card (JSON + MODEL_CARD.md + PNG plots).

    /usr/bin/python3 -m training.evaluate --ckpt training/checkpoints/focus-quality.ckpt.npz            # full card, shipped model
    python3 -m training.evaluate --synthetic_only --device cuda --ckpt a.npz --ckpt b.npz --json m.json   # GPU side

Synthetic: the held-out in-focus fields (BBBC006_a05, a06) defocused to all 11 levels with several gain/offset
draws, cut into the same patch grid as the TypeScript code; image-level (certainty-weighted aggregate) and
foreground-patch-level accuracy, within ±1, Spearman; binary in/out-of-focus F-score fitted on 10 %, measured on
90 % (Yang et al. 2018 after Bray et al. 2012), next to PLLS on the same patches; a (gain, offset) robustness grid.
Real: every image of the in-focus and defocused folders, whole-image level by argmax and by median.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from training.data import FULL_SCALE, HELD_OUT, PATCH, DataError, list_images, read_image
from training.metrics import aggregate, f_score, fitted_f_score, spearman, split_patches
from training.model import count_parameters, load_checkpoint
from training.plls import plls
from training.psf import defocus_image

LEVELS = 11
IN_FOCUS_MAX = 2
GRID_GAINS = (0.2, 0.5, 1.0, 2.0, 5.0)
GRID_OFFSETS = (1.0, 10.0, 100.0, 1000.0)


def make_predictor(model: torch.nn.Module, device: str):
    model = model.to(device).eval()

    @torch.no_grad()
    def predict(patches: np.ndarray) -> np.ndarray:
        out = []
        for i in range(0, len(patches), 512):
            x = torch.from_numpy(np.ascontiguousarray(patches[i:i + 512], dtype=np.float32))[:, None].to(device)
            out.append(torch.softmax(model(x), dim=1).float().cpu().numpy())
        return np.concatenate(out)
    return predict


def held_out_images(folder: str) -> list[tuple[str, np.ndarray]]:
    files = [f for f in list_images(folder) if f.name.startswith(HELD_OUT)]
    if not files:
        raise DataError(f"{folder}: none of the held-out images ({', '.join(HELD_OUT)}) is in this folder")
    return [(f.name, read_image(f)) for f in files]


def foreground_mask(img: np.ndarray, patches: np.ndarray) -> np.ndarray:
    """Patches whose in-focus source shows nuclei: ≥ 5 % of pixels above a threshold 30 % of the way from the
    median to the 99.5th percentile. Background patches have no defined focus, so patch metrics skip them."""
    med = np.median(img)
    thr = med + 0.3 * (np.percentile(img, 99.5) - med)
    return (patches > thr).mean(axis=(1, 2)) >= 0.05


def synthetic_predictions(predicts: dict, images, draws, seed: int, with_plls: bool) -> dict:
    """Defocus every image at every level under every (gain, offset) draw; predict with every model."""
    rng = np.random.default_rng(seed)
    rec = {"level": [], "stack": [], "fg": [], "plls": [], "probs": {k: [] for k in predicts}}
    stacks = []
    for name, img in images:
        _, corners = split_patches(img, PATCH)
        fg = foreground_mask(img, split_patches(img, PATCH)[0])
        for gain, offset in draws:
            for level in range(LEVELS):
                noisy = defocus_image(img, level, rng, gain, offset)
                patches, _ = split_patches(noisy / FULL_SCALE, PATCH)
                for key, predict in predicts.items():
                    rec["probs"][key].append(predict(patches))
                rec["level"] += [level] * len(patches)
                rec["stack"] += [len(stacks)] * len(patches)
                rec["fg"] += list(fg)
                if with_plls:
                    rec["plls"] += [plls(p) for p in patches]
                stacks.append({"image": name, "level": level, "gain": gain, "offset": offset})
    out = {k: np.asarray(v) for k, v in rec.items() if k != "probs"}
    out["probs"] = {k: np.concatenate(v) for k, v in rec["probs"].items()}
    out["stacks"] = stacks
    return out


def image_verdicts(probs: np.ndarray, stack: np.ndarray, n: int) -> list[dict]:
    return [aggregate(probs[stack == s]) for s in range(n)]


def accuracy(pred: np.ndarray, truth: np.ndarray) -> dict:
    return {"exact": round(float(np.mean(pred == truth)), 4), "within1": round(float(np.mean(np.abs(pred - truth) <= 1)), 4)}


def synthetic_metrics(sp: dict, key: str, seed: int) -> dict:
    probs, levels, fg = sp["probs"][key], sp["level"], sp["fg"].astype(bool)
    truth_img = np.array([s["level"] for s in sp["stacks"]])
    verdicts = image_verdicts(probs, sp["stack"], len(sp["stacks"]))
    score_img = np.array([v["score"] for v in verdicts])
    expected = probs @ np.arange(LEVELS)
    patch_pred = probs.argmax(1)
    m = {
        "images": len(verdicts), "foregroundPatches": int(fg.sum()),
        "imageMedian": accuracy(np.array([v["median"] for v in verdicts]), truth_img),
        "imageArgmax": accuracy(np.array([v["argmax"] for v in verdicts]), truth_img),
        "imageSpearman": round(spearman(score_img, truth_img), 4),
        "patch": accuracy(patch_pred[fg], levels[fg]),
        "patchSpearman": round(spearman(expected[fg], levels[fg]), 4),
    }
    out_truth = levels[fg] > IN_FOCUS_MAX  # positive class: out of focus (what a QC step flags)
    # Same patches and the same 10 %/90 % split for the model and for PLLS.
    m["binaryOutOfFocus"] = {
        "model": fitted_f_score(expected[fg], out_truth, np.random.default_rng(seed)),
        "modelFixedRule": round(f_score(out_truth, patch_pred[fg] > IN_FOCUS_MAX), 4),
    }
    if len(sp["plls"]):
        m["binaryOutOfFocus"]["plls"] = fitted_f_score(-sp["plls"][fg], out_truth, np.random.default_rng(seed))
    m["confusionPatch"] = confusion(patch_pred[fg], levels[fg]).tolist()
    m["confusionImageMedian"] = confusion(np.array([v["median"] for v in verdicts]), truth_img).tolist()
    return m


def confusion(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    c = np.zeros((LEVELS, LEVELS), dtype=int)
    np.add.at(c, (truth, pred), 1)
    return c


def robustness_grid(predict, images, seed: int) -> dict:
    """Within-±1 per (gain, offset) cell, image level (median and argmax) and foreground patches."""
    cells = {"gains": list(GRID_GAINS), "offsets": list(GRID_OFFSETS), "imageMedianWithin1": [], "imageArgmaxWithin1": [], "patchWithin1": []}
    for gain in GRID_GAINS:
        rows = ([], [], [])
        for offset in GRID_OFFSETS:
            sp = synthetic_predictions({"m": predict}, images, [(gain, offset)], seed, with_plls=False)
            m = synthetic_metrics(sp, "m", seed)
            rows[0].append(m["imageMedian"]["within1"])
            rows[1].append(m["imageArgmax"]["within1"])
            rows[2].append(m["patch"]["within1"])
        cells["imageMedianWithin1"].append(rows[0])
        cells["imageArgmaxWithin1"].append(rows[1])
        cells["patchWithin1"].append(rows[2])
    return cells


def load_real(in_focus_dir: str, defocused_dir: str) -> list[tuple[str, bool, np.ndarray]]:
    """Every real image with its truth (True = in focus); read up front so a bad file stops the run before the slow part."""
    return [(path.name, want_in, read_image(path))
            for folder, want_in in ((in_focus_dir, True), (defocused_dir, False)) for path in list_images(folder)]


def real_images(predict, real: list[tuple[str, bool, np.ndarray]]) -> list[dict]:
    rows = []
    for name, want_in, img in real:
        patches, _ = split_patches(img / FULL_SCALE, PATCH)
        v = aggregate(predict(patches))
        rows.append({"file": name, "truth": "in focus" if want_in else "defocused",
                     "heldOut": name.startswith(HELD_OUT) or not want_in,
                     "patches": len(patches), "levelArgmax": v["argmax"], "levelMedian": v["median"],
                     "score": round(v["score"], 3), "certainty": round(v["certainty"], 3), "meanCertainty": round(v["meanCertainty"], 3),
                     "rightArgmax": (v["argmax"] <= IN_FOCUS_MAX) == want_in, "rightMedian": (v["median"] <= IN_FOCUS_MAX) == want_in})
    return rows


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", action="append", default=[], help="checkpoint(s); the first is the model the card describes")
    p.add_argument("--held_out_dir", default="../shared/data/bbbc006-in-focus", help="folder with BBBC006_a05/a06 (and the other in-focus images)")
    p.add_argument("--defocused_dir", default="../shared/data/mcf7-defocused", help="real out-of-focus images")
    p.add_argument("--draws", type=int, default=5, help="random gain/offset draws per held-out image and level")
    p.add_argument("--seed", type=int, default=2018, help="seed of the synthetic stacks and of the 10 %/90 %% split")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--synthetic_only", action="store_true", help="only the synthetic metrics of every --ckpt, to --json")
    p.add_argument("--json", default="", help="write the metrics JSON here")
    p.add_argument("--onnx", default="models/focus-quality.onnx", help="the shipped ONNX file (card, size, speed)")
    p.add_argument("--paper_onnx", default="build/models/paper-arch.onnx", help="paper-architecture ONNX for the speed comparison")
    p.add_argument("--paper_metrics", default="", help="metrics JSON of the paper architecture trained the same way (from the GPU run)")
    p.add_argument("--out_dir", default="models", help="where MODEL_CARD.md and the PNG plots go")
    p.add_argument("--no_bench", action="store_true", help="skip the onnxruntime-web speed measurement")
    p.add_argument("--from_json", default="", help="re-write the card from a metrics JSON of an earlier full run (no re-measuring but the speed)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.device == "cpu":
        torch.set_num_threads(2)
    if args.from_json:
        from training.report import write_report
        result = json.loads(Path(args.from_json).read_text())
        return write_report(result, next(iter(result["models"])), args)
    if not args.ckpt:
        print("error: give at least one --ckpt", file=sys.stderr)
        return 2
    try:
        models = {}
        for path in args.ckpt:
            model, meta = load_checkpoint(path)
            models[Path(path).name.split(".")[0]] = (model, meta)
        images = held_out_images(args.held_out_dir)
        real = [] if args.synthetic_only else load_real(args.held_out_dir, args.defocused_dir)
    except (DataError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.synthetic_only and not Path(args.onnx).is_file():
        print(f"error: {args.onnx}: no such ONNX file (export the checkpoint first, or pass --onnx)", file=sys.stderr)
        return 2
    predicts = {k: make_predictor(m, args.device) for k, (m, _) in models.items()}
    draw_rng = np.random.default_rng(args.seed + 7)
    draws = [(float(np.exp(draw_rng.uniform(np.log(0.2), np.log(5.0)))), float(np.exp(draw_rng.uniform(0.0, np.log(1000.0)))))
             for _ in range(args.draws)]
    t0 = time.time()
    sp = synthetic_predictions(predicts, images, draws, args.seed, with_plls=not args.synthetic_only)
    result = {"draws": draws, "heldOut": [n for n, _ in images], "models": {}}
    for key, (model, meta) in models.items():
        result["models"][key] = {"parameters": count_parameters(model), "arch": meta["config"]["arch"],
                                 "width": meta["config"].get("width"), "steps": meta.get("steps"),
                                 "trainSeconds": meta.get("train_seconds"), "device": meta.get("device"),
                                 "synthetic": synthetic_metrics(sp, key, args.seed)}
        s = result["models"][key]["synthetic"]
        print(f"{key}: image within±1 median {s['imageMedian']['within1']} argmax {s['imageArgmax']['within1']}, "
              f"patch within±1 {s['patch']['within1']}, F(out) {s['binaryOutOfFocus']['model']['F']}", flush=True)
    print(f"synthetic evaluation: {time.time() - t0:.1f} s")
    if args.synthetic_only:
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=1))
        return 0
    from training.report import write_report  # matplotlib only where the full card is written
    first = next(iter(models))
    result["robustness"] = robustness_grid(predicts[first], images, args.seed)
    result["real"] = real_images(predicts[first], real)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=float))
    return write_report(result, first, args)


if __name__ == "__main__":
    sys.exit(main())
