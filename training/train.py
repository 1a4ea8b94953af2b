"""
Train a defocus-level classifier on synthetically defocused patches (Yang et al. 2018), nanoGPT style:
config → data → model → optimiser → loop. The schedule is counted in steps only (warm-up, cosine decay to
--max_steps, stop at --max_steps): a fixed seed and config give the same model whatever the machine's speed.
Checkpoints every --ckpt_interval steps (weights + config, and the optimiser and sampler state for --resume).

    /usr/bin/python3 -m training.train --max_steps 30000 --out_dir training/runs/main            # the recipe
    /usr/bin/python3 -m training.train --resume --out_dir training/runs/main                    # continue it
    /usr/bin/python3 -m training.train --data_dir test/fixtures/images/bbbc006-in-focus --max_steps 5 --out_dir /tmp/smoke
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

from training.data import HELD_OUT, DataError, list_images, load_fields, load_fine_fields, read_image
from training.inputs import FULL_SCALE_RULE, PERCENTILE
from training.model import build_model, count_parameters, load_checkpoint, rps_loss, save_checkpoint
from training.resample import shrink
from training.sampler import PATCH, FieldSampler

RULES = {"percentile": PERCENTILE, "full-scale": FULL_SCALE_RULE}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # data
    p.add_argument("--fields", default=".devdata/fields", help="folder written by fetch_data.py (index.json): train sources teach, val sources watch")
    p.add_argument("--sources", default="", help="comma list of training source ids to learn from (default: every train source of sources.py)")
    p.add_argument("--data_dir", default="", help="instead of --fields: one folder of in-focus images (one source; BBBC006_a05/a06 held out)")
    p.add_argument("--cache", default=".devdata/cache", help="where the defocused fields are cached ('' = memory only)")
    p.add_argument("--rule", default="percentile", choices=sorted(RULES), help="intensity rule: value → model input (inputs.py)")
    p.add_argument("--levels", type=int, default=11, help="ordered defocus levels (0 = in focus)")
    p.add_argument("--step_um", type=float, default=2.0, help="defocus distance between levels in µm")
    p.add_argument("--scale_aug", default="", help="comma list of shrink factors > 1 (e.g. 1.5,2): each training field is also seen with pixels so many times larger, defocused at the native PSF, so the model reads blur per pixel, not object size")
    p.add_argument("--fine_aug", default="", help="comma list of factors < 1 (e.g. 0.5,0.7): training fields of known pixel size also seen at 0.65·f µm pixels, where the file is fine enough to stay sharp there (fetch_data.py makes the copies), so large in-focus objects are not read as blur")
    p.add_argument("--haze_share", type=float, default=0.0, help="share of training patches with out-of-focus glow (broad smooth blobs, blurred with the level's PSF) added to the specimen before the camera, on the patch and on the rule's statistics (0: none)")
    p.add_argument("--coarse_share", type=float, default=0.0, help="share of training patches recorded by a camera with 1.24–2.47× larger pixels and resampled back to the native grid, as the product does with the pixel size given (0: none)")
    p.add_argument("--low_light_share", type=float, default=0.0, help="share of training cameras with 20–200 photons at the brightest pixel (0: the plain log-uniform 20–20,000)")
    p.add_argument("--bright_share", type=float, default=0.0, help="share of training patches whose field's percentile range is 1.5–8× wider than its cells give, as when a few very bright objects (mitotic nuclei, debris) set it (0: none)")
    p.add_argument("--stat_pixels", type=int, default=1024, help="field pixels per sample from which the rule's image statistics are read")
    # model
    p.add_argument("--arch", default="compact", choices=["compact", "paper"], help="network (model.py)")
    p.add_argument("--width", type=int, default=16, help="channels of the compact net's first stage (doubles per stage)")
    p.add_argument("--init", default="", help="start from this checkpoint's weights (fine-tuning; its arch, width and rule win)")
    # optimisation
    p.add_argument("--batch_size", type=int, default=64, help="patches per step")
    p.add_argument("--lr", type=float, default=2e-3, help="peak AdamW learning rate")
    p.add_argument("--min_lr", type=float, default=2e-5, help="learning rate at the end of the cosine decay")
    p.add_argument("--warmup", type=int, default=200, help="linear warm-up steps")
    p.add_argument("--weight_decay", type=float, default=1e-4, help="AdamW weight decay")
    p.add_argument("--max_steps", type=int, default=20000, help="length of the schedule; training stops here")
    # run
    p.add_argument("--seed", type=int, default=1337, help="seeds torch, numpy and the samplers")
    p.add_argument("--threads", type=int, default=1, help="torch threads (1: on a shared 2-core machine, 2 threads were 3–5× slower per step)")
    p.add_argument("--out_dir", default="training/runs/default", help="checkpoint and log folder")
    p.add_argument("--name", default="", help="checkpoint name (default: the architecture)")
    p.add_argument("--log_interval", type=int, default=100, help="steps between log lines")
    p.add_argument("--eval_interval", type=int, default=1000, help="steps between validations on the val sources' patches (0 = only at the end)")
    p.add_argument("--ckpt_interval", type=int, default=1000, help="steps between checkpoints (weights + resumable state)")
    p.add_argument("--val_patches", type=int, default=1024, help="fixed patches from the validation sources watched during training")
    p.add_argument("--resume", action="store_true", help="continue the run in --out_dir from its last checkpoint (same config)")
    p.add_argument("--stop_after", type=int, default=0, help="end this call after so many steps (checkpointed; --resume continues the same schedule)")
    return p.parse_args(argv)


def training_fields(args) -> tuple[list, list]:
    """(train fields, watch fields): from --fields by split, or from --data_dir (held-out BBBC006 fields watched)."""
    if args.data_dir:
        files = list_images(args.data_dir)
        keep = [(("folder", f.stem, read_image(f))) for f in files if not f.name.startswith(HELD_OUT)]
        watch = [(("folder", f.stem, read_image(f))) for f in files if f.name.startswith(HELD_OUT)]
        keep = [k for k in keep if min(k[2].shape) >= 200]  # small crops duplicate a field already present
        if not keep:
            raise DataError(f"{args.data_dir}: no training images left after excluding {', '.join(HELD_OUT)}")
        return keep, watch
    train = [f for f in load_fields(args.fields, "train") if not f[1].startswith(HELD_OUT)]
    # getattr: configs saved before --sources existed (bn_recalibrate.py rebuilds args from them) lack the key.
    wanted = set(filter(None, getattr(args, "sources", "").split(",")))
    if wanted:
        unknown = wanted - {s for s, _, _ in train}
        if unknown:
            raise DataError(f"--sources: {', '.join(sorted(unknown))} not among the training sources of {args.fields}")
        train = [f for f in train if f[0] in wanted]
    return train, load_fields(args.fields, "val")


def factor_list(text: str, flag: str, fits, example: str, meaning: str) -> list[float]:
    """A comma list of numbers given to `flag`; a clear error for anything else, or for a number that `fits` refuses."""
    try:
        factors = [float(t) for t in filter(None, (t.strip() for t in text.split(",")))]
    except ValueError:
        raise DataError(f"{flag} {text!r}: expected a comma list of numbers such as {example}") from None
    bad = [f for f in factors if not fits(f)]
    if bad:
        raise DataError(f"{flag}: every factor must be {meaning}, got {bad[0]:g}")
    return factors


def scale_factors(text: str) -> list[float]:
    """--scale_aug as shrink factors: numbers above 1."""
    return factor_list(text, "--scale_aug", lambda f: f > 1, "1.5,2", "above 1 (pixels that many times larger)")


def with_scales(fields: list, factors: list[float]) -> tuple[list, list[float]]:
    """The fields plus a shrunken copy per factor (named field@xF); each copy weighs as much as its original (its
    original's area), so every scale is drawn as often. Copies smaller than a patch are left out."""
    out, areas = list(fields), [float(img.size) for _, _, img in fields]
    for factor in factors:
        for src, name, img in fields:
            small = shrink(img, 1.0 / factor)
            if min(small.shape) >= PATCH:
                out.append((src, f"{name}@x{factor:g}", small))
                areas.append(float(img.size))
    return out, areas


def fine_factors(text: str) -> list[float]:
    """--fine_aug as factors of the native pixel size: numbers strictly between 0 and 1."""
    return factor_list(text, "--fine_aug", lambda f: 0 < f < 1, "0.5,0.7",
                       "between 0 and 1 (pixels that many times the native size)")


def with_fine(fields: list, areas: list[float], args) -> tuple[list, list[float]]:
    """The fields plus the finer-than-native copies of --fine_aug, each weighing as its original, for the same
    sources (--sources) and never a held-out field."""
    factors = fine_factors(getattr(args, "fine_aug", "") or "")
    if not factors or getattr(args, "data_dir", ""):
        return fields, areas
    present = {s for s, _, _ in fields}
    fine = [c for c in load_fine_fields(args.fields, factors) if c[0] in present and not c[1].startswith(HELD_OUT)]
    return fields + [(s, n, img) for s, n, img, _ in fine], areas + [a for *_, a in fine]


def learning_rate(step: int, args) -> float:
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    progress = min(1.0, (step - args.warmup) / max(1, args.max_steps - args.warmup))
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1.0 + math.cos(math.pi * progress))


@torch.no_grad()
def validate(model, val) -> dict:
    model.eval()
    x, y = val
    logits = torch.cat([model(x[i:i + 256]) for i in range(0, len(x), 256)])
    pred = logits.argmax(1)
    model.train()
    return {"val_rps": round(float(rps_loss(logits, y)), 5), "val_exact": round(float((pred == y).float().mean()), 4),
            "val_within1": round(float(((pred - y).abs() <= 1).float().mean()), 4)}


def save_state(out_dir: Path, name: str, model, optimizer, sampler, step: int, config: dict, extra: dict) -> None:
    """Weights (+config) and the resumable state, each written to a temporary file and renamed (save_checkpoint does
    so for the weights): an interruption leaves the previous checkpoint intact."""
    save_checkpoint(out_dir / f"{name}.ckpt.npz", model, config, {"steps": step, **extra})
    state = {"step": step, "optimizer": optimizer.state_dict(), "sampler": sampler.state(), "torch_rng": torch.get_rng_state()}
    torch.save(state, out_dir / f"{name}.state.tmp")
    os.replace(out_dir / f"{name}.state.tmp", out_dir / f"{name}.state.pt")


def main(argv=None) -> int:
    args = parse_args(argv)
    name = args.name or args.arch
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.resume:
        cfg_path = out_dir / f"{name}.config.json"
        if not cfg_path.is_file():
            print(f"error: {cfg_path}: no run to resume", file=sys.stderr)
            return 2
        saved = json.loads(cfg_path.read_text())
        args = argparse.Namespace(**{**saved, "resume": True, "stop_after": args.stop_after})
    config = vars(args).copy()
    config.pop("resume", None)
    config.pop("stop_after", None)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    # data
    t0 = time.time()
    try:
        train_fields, watch_fields = training_fields(args)
        rule = RULES[args.rule]
        cache = args.cache or None
        # getattr: configs saved before these flags (--resume, bn_recalibrate.py) lack the keys.
        shares = {flag: getattr(args, flag, 0.0) for flag in ("low_light_share", "coarse_share", "bright_share", "haze_share")}
        for flag, share in shares.items():
            if not 0 <= share <= 1:
                raise DataError(f"--{flag} {share}: a share, between 0 and 1")
        train_fields, areas = with_scales(train_fields, scale_factors(getattr(args, "scale_aug", "")))
        train_fields, areas = with_fine(train_fields, areas, args)
        sampler = FieldSampler(train_fields, rule, args.levels, args.step_um, seed=args.seed, cache=cache,
                               stat_pixels=args.stat_pixels, areas=areas, **shares)
        val = None
        if watch_fields and args.val_patches > 0:
            watcher = FieldSampler(watch_fields, rule, args.levels, args.step_um, seed=args.seed + 1, cache=cache, stat_pixels=args.stat_pixels)
            parts = [watcher.sample(min(256, args.val_patches)) for _ in range(math.ceil(args.val_patches / 256))]
            val = (torch.cat([p[0] for p in parts])[:args.val_patches], torch.cat([p[1] for p in parts])[:args.val_patches])
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sources = sorted({s for s, _, _ in train_fields})
    print(f"data: {len(train_fields)} training fields from {len(sources)} sources ({', '.join(sources)}), "
          f"{len(watch_fields)} watched, prepared in {time.time() - t0:.1f} s", flush=True)

    # model and optimiser
    if args.init:
        try:
            model, init_meta = load_checkpoint(args.init)
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        c = init_meta["config"]
        if c.get("rule", "full-scale") != args.rule:
            print(f"error: {args.init} was trained with the {c.get('rule', 'full-scale')!r} rule, not {args.rule!r}", file=sys.stderr)
            return 2
        args.arch, args.width = c["arch"], c.get("width", args.width)
        config.update(arch=args.arch, width=args.width)
    else:
        model = build_model(args.arch, args.levels, args.width, args.rule)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    step = 0
    if args.resume:
        state_path = out_dir / f"{name}.state.pt"
        if state_path.is_file():
            model, _ = load_checkpoint(out_dir / f"{name}.ckpt.npz")
            optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
            state = torch.load(state_path, weights_only=False)
            optimizer.load_state_dict(state["optimizer"])
            sampler.restore(state["sampler"])
            torch.set_rng_state(state["torch_rng"])
            step = state["step"]
            print(f"resume: step {step}", flush=True)
    else:
        (out_dir / f"{name}.config.json").write_text(json.dumps(config, indent=1))
    print(f"model: {args.arch}, {count_parameters(model):,} parameters, rule {args.rule}", flush=True)

    # loop
    log = open(out_dir / f"{name}.log.jsonl", "a" if args.resume else "w")
    start, running, done_before = time.time(), 0.0, step
    model.train()
    end = min(args.max_steps, step + args.stop_after) if args.stop_after else args.max_steps
    while step < end:
        lr = learning_rate(step, args)
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
            log.flush()
        if args.ckpt_interval and step % args.ckpt_interval == 0 and step < args.max_steps:
            model.eval()
            save_state(out_dir, name, model, optimizer, sampler, step, config, {"device": "cpu", "torch": torch.__version__})
            model.train()
    final = {"step": step, "time_s": round(time.time() - start, 1), "steps_this_call": step - done_before, "final": True}
    if val is not None:
        final.update(validate(model, val))
    print(json.dumps(final), flush=True)
    log.write(json.dumps(final) + "\n")
    log.close()
    model.eval()
    save_state(out_dir, name, model, optimizer, sampler, step, config,
               {"train_seconds_last_call": final["time_s"], "device": "cpu", "torch": torch.__version__, "sources": sources,
                "fields": [n for n in sampler.names], **{k: v for k, v in final.items() if k.startswith("val_")}})
    print(f"saved {out_dir / (name + '.ckpt.npz')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
