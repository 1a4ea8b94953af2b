"""
Train a defocus-level classifier on synthetically defocused patches (Yang et al. 2018), nanoGPT style:
config → data → model → optimiser → loop. Every default below is what the shipped model used unless the
README says otherwise; override any of them from the command line.

    /usr/bin/python3 -m training.train --device cpu --minutes 45          # the from-scratch CPU recipe
    /usr/bin/python3 -m training.train --max_steps 5 --procedural 2 --real_limit 1 --out_dir /tmp/smoke   # smoke
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from training.data import DataError, PatchSampler, build_pool, list_images, load_training_images, read_image, HELD_OUT
from training.model import build_model, count_parameters, load_checkpoint, rps_loss, save_checkpoint


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # data
    p.add_argument("--data_dir", default="../shared/data/bbbc006-in-focus", help="folder of real in-focus images")
    p.add_argument("--real_limit", type=int, default=0, help="use at most this many real training images (0 = all)")
    p.add_argument("--scales", default="0.5,0.7", help="downscaled copies of every real image (comma list, '' = none)")
    p.add_argument("--procedural", type=int, default=48, help="number of procedural nuclei fields added to the pool")
    p.add_argument("--procedural_frac", type=float, default=0.3, help="share of patches drawn from procedural fields")
    p.add_argument("--eight_bit", type=float, default=0.25, help="share of patches converted to 8 bits the ImageJ way (min..max stretch, rounded)")
    p.add_argument("--levels", type=int, default=11, help="ordered defocus levels (0 = in focus)")
    p.add_argument("--step_um", type=float, default=2.0, help="defocus distance between levels in µm")
    # model
    p.add_argument("--arch", default="compact", choices=["compact", "paper"], help="network (model.py)")
    p.add_argument("--init", default="", help="start from this checkpoint's weights (fine-tuning; its arch and width win)")
    p.add_argument("--width", type=int, default=16, help="channels of the compact net's first stage (doubles per stage)")
    # optimisation
    p.add_argument("--batch_size", type=int, default=64, help="patches per step")
    p.add_argument("--lr", type=float, default=2e-3, help="peak Adam learning rate")
    p.add_argument("--min_lr", type=float, default=2e-5, help="learning rate at the end of the cosine decay")
    p.add_argument("--warmup", type=int, default=100, help="linear warm-up steps")
    p.add_argument("--weight_decay", type=float, default=1e-4, help="AdamW weight decay")
    p.add_argument("--max_steps", type=int, default=100000, help="stop after this many steps …")
    p.add_argument("--minutes", type=float, default=45.0, help="… or after this much wall-clock time (the schedule follows whichever ends first)")
    # run
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="where to train")
    p.add_argument("--seed", type=int, default=1337, help="seeds numpy, torch and the patch sampler")
    p.add_argument("--out_dir", default="training/runs/default", help="checkpoint and log folder")
    p.add_argument("--name", default="", help="checkpoint name (default: the architecture)")
    p.add_argument("--log_interval", type=int, default=100, help="steps between log lines")
    p.add_argument("--eval_interval", type=int, default=1000, help="steps between held-out validations (0 = only at the end)")
    p.add_argument("--val_patches", type=int, default=1024, help="held-out validation patches (from BBBC006_a05/a06 when present)")
    return p.parse_args(argv)


def validation_set(args, device: str):
    """Fixed defocused patches from the held-out fields (never trained on) to watch generalisation during training."""
    files = [f for f in list_images(args.data_dir) if f.name.startswith(HELD_OUT)]
    if not files or args.val_patches <= 0:
        return None
    pool = [(f.name, read_image(f)) for f in files]
    sampler = PatchSampler(pool, device=device, levels=args.levels, step_um=args.step_um, seed=args.seed + 1)
    xs, ys = [], []
    per = min(256, args.val_patches)
    for _ in range(math.ceil(args.val_patches / per)):
        x, y = sampler.sample(per)
        xs.append(x)
        ys.append(y)
    return torch.cat(xs), torch.cat(ys)


@torch.no_grad()
def validate(model, val) -> dict:
    model.eval()
    x, y = val
    logits = torch.cat([model(x[i:i + 256]) for i in range(0, len(x), 256)])
    pred = logits.argmax(1)
    model.train()
    return {"val_rps": round(float(rps_loss(logits, y)), 5),
            "val_exact": round(float((pred == y).float().mean()), 4),
            "val_within1": round(float(((pred - y).abs() <= 1).float().mean()), 4)}


def main(argv=None) -> int:
    args = parse_args(argv)
    config = vars(args).copy()
    name = args.name or args.arch
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    if args.device == "cpu":
        torch.set_num_threads(2)  # the CPU recipe shares a 2-core machine
    elif not torch.cuda.is_available():
        print("error: --device cuda but no CUDA device is visible", file=sys.stderr)
        return 2
    else:
        torch.backends.cudnn.benchmark = True  # fixed shapes: let cuDNN pick the fastest kernels once

    # data
    t0 = time.time()
    try:
        real = load_training_images(args.data_dir, limit=args.real_limit)
        scales = tuple(float(s) for s in args.scales.split(",") if s.strip())
        pool = build_pool(real, args.procedural, scales, args.seed)
        sampler = PatchSampler(pool, device=args.device, levels=args.levels, step_um=args.step_um,
                               procedural_frac=args.procedural_frac, eight_bit=args.eight_bit, seed=args.seed)
        val = validation_set(args, args.device)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"data: {len(real)} real fields ({', '.join(n for n, _ in real)}), {len(pool)} images in the pool, "
          f"prepared in {time.time() - t0:.1f} s")

    # model and optimiser
    if args.init:
        try:
            model, init_meta = load_checkpoint(args.init)
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        args.arch, args.width = init_meta["config"]["arch"], init_meta["config"].get("width", args.width)
        config.update(arch=args.arch, width=args.width)
        model = model.to(args.device)
        print(f"init: {args.init} ({init_meta.get('steps')} steps)")
    else:
        model = build_model(args.arch, args.levels, args.width).to(args.device)
    print(f"model: {args.arch}, {count_parameters(model):,} parameters")
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    budget_s = args.minutes * 60.0

    def learning_rate(step: int, progress: float) -> float:
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1.0 + math.cos(math.pi * min(1.0, progress)))

    # loop
    log = open(out_dir / f"{name}.log.jsonl", "w")
    start = time.time()
    step, running, record = 0, 0.0, {}
    model.train()
    while True:
        elapsed = time.time() - start
        progress = max(step / args.max_steps, elapsed / budget_s)
        if progress >= 1.0:
            break
        lr = learning_rate(step, progress)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = sampler.sample(args.batch_size)
        loss = rps_loss(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        running += loss.item()
        step += 1
        if step % args.log_interval == 0:
            record = {"step": step, "time_s": round(time.time() - start, 1), "lr": lr, "train_rps": round(running / args.log_interval, 5)}
            running = 0.0
            if val is not None and args.eval_interval and step % args.eval_interval == 0:
                record.update(validate(model, val))
            print(json.dumps(record), flush=True)
            log.write(json.dumps(record) + "\n")
    final = {"step": step, "time_s": round(time.time() - start, 1), "final": True}
    if val is not None:
        final.update(validate(model, val))
    print(json.dumps(final), flush=True)
    log.write(json.dumps(final) + "\n")
    log.close()
    model.eval()
    ckpt = out_dir / f"{name}.ckpt.npz"
    save_checkpoint(ckpt, model, config, {"steps": step, "train_seconds": final["time_s"], "device": args.device,
                                          "torch": torch.__version__, "real_images": [n for n, _ in real],
                                          "pool_images": len(pool), **{k: v for k, v in final.items() if k.startswith("val_")}})
    print(f"saved {ckpt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
