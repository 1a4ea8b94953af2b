"""
A uniform weight average ("soup") of checkpoints fine-tuned from the same weights:
    python3 -m training.soup --ckpts A.ckpt.npz B.ckpt.npz --out C.ckpt.npz

Why: two fine-tunes of one model that learnt different things (2.2.0 is best on native cameras, the coarse-camera
run on cameras with larger pixels) sit in one basin of the loss, so the average of their weights keeps most of each,
with no extra cost at inference (same architecture, same ONNX size and speed). Batch-norm statistics are averaged
like the weights. Only checkpoints of one architecture, width, level count and intensity rule can be averaged.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from training.model import load_checkpoint, save_checkpoint

SAME = ("arch", "width", "levels", "rule")  # what makes two checkpoints the same network with the same inputs


def soup(paths: list[str]) -> tuple[torch.nn.Module, dict]:
    """The averaged model and its metadata: the first checkpoint's config, sources and fields (the same for fine-tunes
    of one model), and the ingredients with their own steps and training time instead of one run's."""
    if len(paths) < 2:
        raise ValueError("a soup needs at least two checkpoints")
    models, metas = zip(*(load_checkpoint(p) for p in paths))
    first = metas[0]["config"]
    for path, meta in zip(paths[1:], metas[1:]):
        diff = [k for k in SAME if meta["config"].get(k) != first.get(k)]
        if diff:
            raise ValueError(f"{path}: not the same network as {paths[0]} ({', '.join(diff)} differ)")
    states = [m.state_dict() for m in models]
    avg = {}
    for key, value in states[0].items():
        # integer buffers (batch-norm step counters) are not weights: keep the first one's
        avg[key] = torch.stack([s[key] for s in states]).mean(0) if value.is_floating_point() else value
    out = models[0]
    out.load_state_dict(avg)
    own = ("steps", "train_seconds_last_call")  # one run's figures: they belong to each ingredient, not the soup
    # An ingredient that is an average itself has no steps of its own: keep its ingredients, so the record stays whole.
    ingredients = [{"ckpt": str(p), "steps": m.get("steps"), "trainSeconds": m.get("train_seconds_last_call"),
                    **({"soup": m["soup"]} if m.get("soup") else {})}
                   for p, m in zip(paths, metas)]
    return out, {**{k: v for k, v in metas[0].items() if k not in own}, "soup": ingredients}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("--ckpts", nargs="+", required=True, help="two or more .ckpt.npz fine-tuned from the same weights")
    p.add_argument("--out", required=True, help="the averaged .ckpt.npz (written whole or not at all)")
    args = p.parse_args(argv)
    try:
        model, meta = soup(args.ckpts)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    config = meta.pop("config")
    save_checkpoint(out, model, config, meta)  # written whole or not at all
    print(f"saved {out} (average of {len(args.ckpts)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
