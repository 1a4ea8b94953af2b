"""
Check the training data before training: read every real in-focus image (bad files stop with their name), then
compare procedural nuclei fields with the real ones on the statistics that matter for focus — nucleus size,
edge sharpness and the power spectrum slope of nuclear patches — and save a side-by-side picture.

    /usr/bin/python3 -m training.prepare_data                       # table + training/runs/procedural-vs-real.png

A procedural field that is sharper than real in-focus nuclei teaches the model that real in-focus images are
slightly blurred (the design notes saw levels 1–5 over-estimated by 1–2 with small, strongly textured ellipses),
so the procedural medians must fall inside the spread of the real fields.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

from training.data import PATCH, DataError, list_images, procedural_field, read_image
from training.plls import plls


def field_stats(img: np.ndarray) -> dict:
    """Nucleus equivalent diameter (px), edge sharpness and PLLS of nuclear patches, for one in-focus field."""
    med = np.median(img)
    thr = med + 0.3 * (np.percentile(img, 99.5) - med)
    labels, _ = ndi.label(img > thr)
    areas = np.bincount(labels.ravel())[1:]
    areas = areas[areas > 20]
    slopes, sharp = [], []
    for y in range(0, img.shape[0] - PATCH + 1, PATCH):
        for x in range(0, img.shape[1] - PATCH + 1, PATCH):
            p = img[y:y + PATCH, x:x + PATCH]
            if (p > thr).mean() > 0.08:
                slopes.append(plls(p))
                # 99th percentile of the gradient relative to the patch's contrast: how steep the nuclear edges are.
                sharp.append(np.percentile(np.hypot(*np.gradient(p)), 99) / (np.percentile(p, 99) - med))
    return {"nuclei": int(len(areas)),
            "diameter": float(2 * np.sqrt(np.median(areas) / np.pi)) if len(areas) else float("nan"),
            "sharpness": float(np.median(sharp)) if sharp else float("nan"),
            "plls": float(np.median(slopes)) if slopes else float("nan"),
            "background": float(med), "peak": float(np.percentile(img, 99.5))}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data_dir", default="../shared/data/bbbc006-in-focus", help="real in-focus images")
    p.add_argument("--procedural", type=int, default=12, help="procedural fields to compare")
    p.add_argument("--seed", type=int, default=1337, help="seed of the procedural fields")
    p.add_argument("--png", default="training/runs/procedural-vs-real.png", help="side-by-side picture ('' = none)")
    args = p.parse_args(argv)
    try:
        real = [(f.name, read_image(f)) for f in list_images(args.data_dir)]
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rng = np.random.default_rng(args.seed)
    fake = [(f"procedural-{i}", procedural_field(rng)) for i in range(args.procedural)]
    print(f"{'image':32} {'nuclei':>6} {'diam px':>8} {'sharpness':>9} {'PLLS':>7} {'bg':>6} {'p99.5':>7}")
    table = {}
    for name, img in real + fake:
        if min(img.shape) < 200:
            continue
        s = table[name] = field_stats(img)
        print(f"{name:32} {s['nuclei']:6d} {s['diameter']:8.1f} {s['sharpness']:9.3f} {s['plls']:7.2f} {s['background']:6.0f} {s['peak']:7.0f}")
    for key in ("diameter", "sharpness", "plls"):
        r = [s[key] for n, s in table.items() if not n.startswith("procedural")]
        f = [s[key] for n, s in table.items() if n.startswith("procedural") and np.isfinite(s[key])]
        print(f"{key:10} real {min(r):.3g}…{max(r):.3g} (median {np.median(r):.3g})   procedural median {np.median(f):.3g}")
    if args.png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        Path(args.png).parent.mkdir(parents=True, exist_ok=True)
        fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
        for ax, (name, img) in zip(axes.ravel(), real[:3] + fake[:3]):
            crop = img[100:268, 100:352]
            ax.imshow(crop, cmap="gray", vmin=np.percentile(crop, 1), vmax=np.percentile(crop, 99.8))
            ax.set_title(name, fontsize=8)
            ax.axis("off")
        fig.tight_layout()
        fig.savefig(args.png, dpi=90)
        print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
