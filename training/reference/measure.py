"""Prints the reference metrics of one TIFF (optionally of a crop) as JSON, for the TypeScript parity tests.

Usage: /usr/bin/python3 training/reference/measure.py IMAGE.tif [--crop X,Y,W,H] [--page N]
       /usr/bin/python3 training/reference/measure.py PIXELS.f64 --raw W,H   (row-major little-endian float64)
"""
import argparse
import json
import os
import sys

import numpy as np
import tifffile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classic import brenner, focus_score, laplacian_variance, local_focus_score, tenengrad  # noqa: E402
from plls import plls  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image")
    ap.add_argument("--crop", help="X,Y,W,H in pixels")
    ap.add_argument("--page", type=int, default=0, help="page of a multi-page TIFF")
    ap.add_argument("--raw", help="W,H: read IMAGE as raw float64 samples instead of a TIFF (e.g. LZW files tifffile cannot decode here)")
    args = ap.parse_args()
    if args.raw:
        w, h = (int(v) for v in args.raw.split(","))
        img = np.fromfile(args.image, dtype="<f8")
        if img.size != w * h:
            sys.exit(f"{args.image}: {img.size} samples, expected {w}x{h}")
        img = img.reshape(h, w)
    else:
        img = tifffile.imread(args.image, key=args.page).astype(np.float64)
    if img.ndim != 2:
        sys.exit(f"{args.image}: expected a 2-D grayscale page, got shape {img.shape}")
    if args.crop:
        x, y, w, h = (int(v) for v in args.crop.split(","))
        img = img[y:y + h, x:x + w]
    out = {
        "width": img.shape[1], "height": img.shape[0],
        "plls": plls(img), "focus_score": focus_score(img), "local_focus_score": local_focus_score(img),
        "laplacian_variance": laplacian_variance(img), "brenner": brenner(img), "tenengrad": tenengrad(img),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
