"""
Real images of other labs with documented focus (training/sources.py REAL_IMAGES), for `npm run eval` only: each is
taken from its repository snapshot, its pixels written unchanged as an ImageJ-calibrated TIFF (the product reads
the calibration and resamples to the native pixel size itself) into `.devdata/real/`, with an index.json for eval.

They are never used for training or any choice; the model card quotes them apart from the in-distribution images.

    /usr/bin/python3 -m training.real_images            # → .devdata/real/ (needs the mirrors, see fetch_data.py)
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import zlib
from pathlib import Path

import numpy as np
import tifffile

from training.fetch_data import FetchError, git, mirror_of
from training.sources import REAL_IMAGES

OUT = Path(".devdata/real")
_DTYPES = {("integer", "unsigned", 8): np.uint8, ("integer", "unsigned", 16): np.uint16}


def decode_ics(blob: bytes, name: str) -> tuple[np.ndarray, float | None]:
    """A single-file ICS 2.0 image (text header, then the raw or gzip payload) → (2-D array, µm per pixel or None).
    Only what these files use: one 8/16-bit unsigned plane, x fastest; anything else is refused by name."""
    start = blob.find(b"\nend\t")
    if b"ics_version" not in blob[:64] or start < 0:
        raise FetchError(f"{name}: not a single-file ICS image (no 'ics_version' header ending in 'end')")
    header = blob[:start].decode("latin1")
    payload = blob[blob.index(b"\n", start + 1) + 1:]
    keys: dict[str, list[str]] = {}  # "category key" → values (the keys read here are all two words)
    for line in header.splitlines():
        tokens = line.split()
        if len(tokens) >= 3:
            keys.setdefault(f"{tokens[0]} {tokens[1]}", tokens[2:])
    try:
        order, sizes = keys["layout order"], [int(v) for v in keys["layout sizes"]]
        fmt = (keys["representation format"][0], keys["representation sign"][0], sizes[0])
        compression = keys.get("representation compression", ["uncompressed"])[0]
    except (KeyError, ValueError, IndexError) as error:
        raise FetchError(f"{name}: ICS header lacks {error}") from None
    if order != ["bits", "x", "y"] or len(sizes) != 3 or fmt not in _DTYPES:
        raise FetchError(f"{name}: ICS layout {' '.join(order)} / {' '.join(map(str, fmt))} is not one 8/16-bit unsigned plane")
    try:
        data = gzip.decompress(payload) if compression == "gzip" else payload
    except (OSError, EOFError, zlib.error) as error:
        raise FetchError(f"{name}: ICS gzip payload is corrupt ({error})") from None
    width, height = sizes[1], sizes[2]
    dtype = np.dtype(_DTYPES[fmt]).newbyteorder("<" if keys.get("representation byte_order", ["1"])[0] == "1" else ">")
    if len(data) != width * height * dtype.itemsize:
        raise FetchError(f"{name}: ICS payload has {len(data)} bytes, {width}×{height} {dtype} needs {width * height * dtype.itemsize}")
    img = np.frombuffer(data, dtype).reshape(height, width).astype(dtype.newbyteorder("="))
    pixel = None
    extents, units = keys.get("history extents"), keys.get("history units")
    if extents and units and units[0] == "m":  # the whole field's extent in metres
        pixel = float(extents[0]) / width * 1e6
    return img, pixel


def build(mirrors: Path, out: Path) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    commits: dict[str, str] = {}  # one snapshot per repository: its HEAD is read once
    for real in REAL_IMAGES:
        where = f"{real.repo}:{real.path}"
        if not real.path.endswith(".ics"):
            raise FetchError(f"{where}: only ICS real images are supported here")
        mirror = mirror_of(real.repo, mirrors)
        if real.repo not in commits:
            commits[real.repo] = git(mirror, "rev-parse", "HEAD").decode().strip()
        blob = git(mirror, "show", f"HEAD:{real.path}")
        img, pixel = decode_ics(blob, where)
        dst = out / f"{real.id}.tif"
        meta = {"unit": "micron"} if pixel else {}
        tifffile.imwrite(dst, img, imagej=True, resolution=(1 / pixel, 1 / pixel) if pixel else None, metadata=meta)
        rows.append({"id": real.id, "repo": real.repo, "path": real.path, "commit": commits[real.repo],
                     "sha256": hashlib.sha256(blob).hexdigest(), "truth": real.truth, "pixel_um": pixel,
                     "shape": list(img.shape), "file": str(dst)})
        print(f"real {real.id:22s} {img.shape[1]}×{img.shape[0]} {img.dtype} pixel {pixel} µm → {dst}", flush=True)
    (out / "index.json").write_text(json.dumps(rows, indent=1))
    return rows


def doc_lines(rows: list[dict]) -> list[str]:
    """The DATA.md section: every real image, its documentation and checksum."""
    by_id = {r.id: r for r in REAL_IMAGES}
    lines = ["## Real images of other labs (never used for any choice)", "",
             "Measured as they are by `npm run eval` (no simulation) and reported apart; built into `.devdata/real/` by",
             "`python3 -m training.real_images` (pixels unchanged, written as ImageJ-calibrated TIFF).", "",
             "| image | truth | repository path | commit | licence | what | why this truth | sha256 of the file |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        d = by_id[r["id"]]
        lines.append(f"| {r['id']} | {r['truth']} | {r['repo']}: `{r['path']}` | {r['commit'][:12]} | {d.licence} | {d.what} | {d.why} | `{r['sha256']}` |")
    return lines


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mirrors", default="/work/.mirror", help="folder of bare git mirrors, <owner>+<name>/repo")
    p.add_argument("--out", default=str(OUT), help="where the images go")
    args = p.parse_args(argv)
    try:
        build(Path(args.mirrors), Path(args.out))
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
