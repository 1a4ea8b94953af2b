"""Synthetic defocus stacks of held-out in-focus images, written as 16-bit TIFFs for `npm run eval`.

Uses the training pipeline's own Born–Wolf defocus (training/psf.py: blur → gain → offset → Poisson noise) so the
evaluation measures what the model was trained to see, on fields it never saw (BBBC006 a05, a06 are held out).

Two sets, listed in DIR/manifest.json:
- protocol:   every level, `--draws` random gain (log-uniform 0.2–5) / offset (log-uniform 1–1000) draws, as in training;
- robustness: every level at each gain of `--gains`, offset fixed at 100 counts, for the gain-robustness heatmap.

Usage: /usr/bin/python3 eval/synthesize.py --out DIR [--draws 3] [--gains 0.25,0.5,1,2,4] [--seed 7]
"""
import argparse
import json
import os
import sys

import numpy as np
import tifffile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from training.psf import defocus_image  # noqa: E402

DATA = os.path.join(ROOT, "..", "shared", "data", "bbbc006-in-focus")
HELD_OUT = ["BBBC006_a05_s1_w1_z10.tif", "BBBC006_a06_s1_w1_z10.tif"]
LEVELS = 11


def log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for the TIFFs and manifest.json (created)")
    ap.add_argument("--draws", type=int, default=3, help="random gain/offset draws per image and level (protocol set)")
    ap.add_argument("--gains", default="0.25,0.5,1,2,4", help="gains of the robustness set")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    gains = [float(g) for g in args.gains.split(",")]
    items = []

    def write(img, name, **meta):
        path = os.path.join(args.out, name)
        tifffile.imwrite(path, np.round(img).astype(np.uint16))
        items.append({"file": name, **meta})

    for source in HELD_OUT:
        src = tifffile.imread(os.path.join(DATA, source)).astype(np.float64)
        stem = source.split("_s1")[0]
        for level in range(LEVELS):
            for d in range(args.draws):
                gain, offset = log_uniform(rng, 0.2, 5.0), log_uniform(rng, 1.0, 1000.0)
                img = defocus_image(src, level, rng, gain=gain, offset=offset)
                write(img, f"{stem}_L{level:02d}_d{d}.tif", set="protocol", source=source, level=level, gain=gain, offset=offset)
            for gain in gains:
                img = defocus_image(src, level, rng, gain=gain, offset=100.0)
                write(img, f"{stem}_L{level:02d}_g{gain:g}.tif", set="robustness", source=source, level=level, gain=gain, offset=100.0)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"seed": args.seed, "levels": LEVELS, "items": items}, f, indent=1)
    print(f"wrote {len(items)} images to {args.out}")


if __name__ == "__main__":
    main()
