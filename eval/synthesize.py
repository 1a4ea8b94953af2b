"""Defocus stacks of the TEST sources' in-focus fields for `npm run eval`, one multi-page TIFF per field and camera.

Every test field (training/sources.py, rebuilt by training/fetch_data.py into .devdata/fields) is defocused to all
11 levels with the training pipeline's Born–Wolf PSF and seen through each named camera condition of
training/acquisition.py; page k of a file is level k. Files are stored as the camera would store them: uint8 for
8-bit files, uint16 otherwise. The two pixel-size conditions (a camera with 0.5× or 2× the native pixel) are written
as that camera records them, at its own resolution, with the pixel size in the manifest: the product resamples them to
the card's native pixel size when it is given that pixel size (evaluate.ts passes it). A specimen condition
(training/specimen.py: "bright-objects", "haze") adds to the field before the defocus and is recorded by the typical
camera.

Usage: /usr/bin/python3 eval/synthesize.py --out DIR [--per_source 4] [--seed 11]
Writes DIR/manifest.json: [{file, source, field, condition, levels, pixelSizeUm}] (pixelSizeUm null: native, not given).
"""
import argparse
import json
import os
import sys

import numpy as np
import tifffile
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from training.data import DataError, load_fields  # noqa: E402
from training.sources import NATIVE_PIXEL_UM  # noqa: E402
from training.sources_eval import PATCH, all_conditions, camera_plane, field_stacks, generators, pick_fields  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for the TIFFs and manifest.json (created)")
    ap.add_argument("--fields", default=os.path.join(ROOT, ".devdata/fields"), help="folder written by training/fetch_data.py")
    ap.add_argument("--cache", default=os.path.join(ROOT, ".devdata/cache"), help="defocused-field cache")
    ap.add_argument("--per_source", type=int, default=4, help="fields per test source")
    ap.add_argument("--split", default="test", choices=["val", "test"], help="test for the report; val only to check this script")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--levels", type=int, required=True, help="the model card's level count")
    args = ap.parse_args()
    torch.set_num_threads(1)
    try:
        fields = pick_fields(load_fields(args.fields, args.split), args.per_source)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    conditions = all_conditions()
    gens = generators(args.seed, conditions)
    manifest = []
    for src, name, img in fields:
        stacks = field_stacks(img, name, conditions, args.levels, args.cache or None)
        for cond in conditions:
            planes, full, pixel = [], 65535, None
            for level in range(args.levels):
                signal = torch.from_numpy(np.asarray(stacks[cond][level], dtype=np.float32))[None]
                plane, full, pixel = camera_plane(signal, cond, gens[cond])
                planes.append(plane)
            if min(planes[0].shape) < PATCH or (pixel and min(planes[0].shape) * pixel / NATIVE_PIXEL_UM < PATCH):
                continue
            dtype = np.uint8 if int(full) == 255 else np.uint16
            file = f"{src}__{name}__{cond}.tif"
            tifffile.imwrite(os.path.join(args.out, file), np.stack(planes).astype(dtype))
            manifest.append({"file": file, "source": src, "field": name, "condition": cond, "levels": args.levels, "pixelSizeUm": pixel})
        print(f"  {src}/{name}: {len(conditions)} stacks", file=sys.stderr, flush=True)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"split": args.split, "seed": args.seed, "perSource": args.per_source, "stacks": manifest}, f)
    print(f"wrote {len(manifest)} stacks of {args.levels} levels to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
