"""
Recomputes a checkpoint's batch-norm running statistics as a plain average over source-balanced training batches
(no gradient, weights unchanged) and writes a new checkpoint. An experiment tool: it checks whether a model's
validation figures depend on which sources the last training batches came from (training/README.md, "After 2.0.0").

    /usr/bin/python3 -m training.bn_recalibrate --ckpt training/checkpoints/focus-quality.ckpt.npz --out /tmp/bn.ckpt.npz
    /usr/bin/python3 -m training.sources_eval --ckpt /tmp/bn.ckpt.npz --split val --per_source 3 --seed 7 --threads 2
"""
from __future__ import annotations

import argparse
import sys

import torch

from training import train
from training.inputs import FULL_SCALE_RULE, PERCENTILE
from training.model import load_checkpoint, save_checkpoint
from training.sampler import FieldSampler


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True, help="checkpoint whose statistics are recomputed (its config names the data)")
    p.add_argument("--out", required=True, help="where the new checkpoint goes")
    p.add_argument("--batches", type=int, default=80, help="batches of --batch_size training patches to average over")
    p.add_argument("--batch_size", type=int, default=256)
    p.add_argument("--seed", type=int, default=4242, help="sampler seed (not the training seed: other patches)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    try:
        model, meta = load_checkpoint(args.ckpt)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    cfg = meta["config"]
    fields, _ = train.training_fields(argparse.Namespace(**cfg))
    rule = PERCENTILE if cfg.get("rule") == "percentile" else FULL_SCALE_RULE
    sampler = FieldSampler(fields, rule, cfg["levels"], cfg["step_um"], seed=args.seed, cache=cfg.get("cache") or None, stat_pixels=cfg["stat_pixels"])
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        print(f"error: {args.ckpt} has no batch-norm layers", file=sys.stderr)
        return 2
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average over every batch, not an exponential one that favours the last
    model.train()
    with torch.no_grad():
        for _ in range(args.batches):
            model(sampler.sample(args.batch_size)[0])
    model.eval()
    save_checkpoint(args.out, model, cfg, {k: v for k, v in meta.items() if k != "config"})
    print(f"wrote {args.out}: statistics of {len(norms)} batch-norm layers from {args.batches * args.batch_size} patches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
