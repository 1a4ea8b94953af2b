"""
Rebuild `.devdata/fields/` (git-ignored) from the repository snapshots listed in training/sources.py, and write
training/DATA.md. Nothing fetched is committed: the images stay under .devdata/, the table records where they came from.

    /usr/bin/python3 -m training.fetch_data --mirrors /work/.mirror          # → .devdata/fields/<source>/<field>.tif + index.json
    /usr/bin/python3 -m training.fetch_data --mirrors /work/.mirror --doc    # … and training/DATA.md

A mirror is a bare git directory per repository, `<mirrors>/<owner>+<name>/repo` (what the `fetch` tool of this
project's machines gives; `git clone --bare https://github.com/<owner>/<name> <mirrors>/<owner>+<name>/repo` makes one
anywhere else). BBBC006 comes from `--shared` (default ../shared/data). Each field is read from its blob at the
mirror's HEAD (the commit goes into the table), one channel is taken where the source names one, the field is
downsampled to the native 0.65 µm when its pixel size is known and smaller (sources.py), and written as float32 counts.

In focus is checked per field: `sharpness` is how much fine detail a 2 µm (level 1) Born–Wolf defocus removes
(ratio of the mean absolute Laplacian-of-Gaussian before and after; 1 = nothing to lose, i.e. already blurred).
Fields below 1.15 are listed as doubtful; the by-eye check is `--contact DIR` (one PNG per source).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image
from scipy import ndimage as ndi

from training.psf import blur, level_psfs
from training.resample import shrink
from training.sources import IGOSHIN, IGOSHIN_DIRS, NATIVE_PIXEL_UM, SOURCES, Item, Source, shared_data

OUT = Path(".devdata/fields")
DOUBTFUL = 1.15
MIN_SIDE = 84
# Copies with pixels finer than native, for train.py --fine_aug: at 0.65·f µm, made from the original file, and only
# where the file's pixels are at least 1.5× finer still (FINE_HEADROOM), so the copy is as sharp at its grid as the
# optics made it. Training sources only: the copies teach that large objects can be in focus.
FINE_FACTORS = (0.5, 0.7)
FINE_HEADROOM = 1.5


class FetchError(Exception):
    """A source cannot be rebuilt: the message names the repository/file and the cause."""


def git(mirror: Path, *args: str) -> bytes:
    r = subprocess.run(["git", f"--git-dir={mirror}", *args], capture_output=True)
    if r.returncode != 0:
        raise FetchError(f"{mirror}: git {' '.join(args)}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def mirror_of(repo: str, mirrors: Path) -> Path:
    path = mirrors / repo.replace("/", "+") / "repo"
    if not path.is_dir():
        raise FetchError(f"{repo}: no mirror at {path} (fetch the repository first)")
    return path


def decode(blob: bytes, name: str) -> tuple[np.ndarray, float | None]:
    """The image array and the pixel size in µm from the TIFF resolution tags (None when absent)."""
    try:
        with tifffile.TiffFile(io.BytesIO(blob)) as tif:
            arr = tif.asarray()
            page = tif.pages[0]
            pixel = None
            xres, unit = page.tags.get("XResolution"), page.tags.get("ResolutionUnit")
            if xres and unit and unit.value == 1 and xres.value[0]:  # ImageJ: unit none, µm per pixel = 1 / resolution
                pixel = xres.value[1] / xres.value[0]
            return arr, pixel
    except Exception as tiff_error:  # LZW/JPEG TIFFs and PNGs: Pillow
        try:
            with Image.open(io.BytesIO(blob)) as im:
                return np.array(im), None
        except Exception as pil_error:
            raise FetchError(f"{name}: unreadable image ({tiff_error}; {pil_error})") from pil_error


def pick_plane(arr: np.ndarray, item: Item, name: str) -> np.ndarray:
    arr = np.squeeze(arr)
    if item.channel is not None and arr.ndim == 3:
        arr = arr[..., item.channel] if arr.shape[-1] <= 4 else arr[item.channel]
    if arr.ndim != 2:
        raise FetchError(f"{name}: expected one plane after picking channel {item.channel}, got shape {arr.shape}")
    return arr.astype(np.float64)


def to_native(img: np.ndarray, pixel_um: float | None) -> tuple[np.ndarray, float]:
    """Anti-aliased downsampling to NATIVE_PIXEL_UM when the field's pixels are smaller; returns (image, factor)."""
    if pixel_um is None or pixel_um >= 0.92 * NATIVE_PIXEL_UM:
        return img, 1.0
    factor = pixel_um / NATIVE_PIXEL_UM
    return shrink(img, factor), factor


def fine_copies(img: np.ndarray, pixel_um: float | None) -> dict[float, np.ndarray]:
    """{f: the field at 0.65·f µm} for each FINE_FACTORS f the file's known pixel size allows (none when unknown)."""
    out = {}
    for f in FINE_FACTORS:
        target = NATIVE_PIXEL_UM * f
        if pixel_um is not None and pixel_um * FINE_HEADROOM <= target:
            copy = shrink(img, pixel_um / target)
            if min(copy.shape) >= MIN_SIDE:
                out[f] = copy
    return out


def sharpness(img: np.ndarray) -> float:
    """Mean |LoG| of the field over that of its level-1 (2 µm) Born–Wolf defocus; ~1 when there is no detail to lose."""
    lo, hi = np.percentile(img, [1, 99.9])
    x = np.clip((img - lo) / max(hi - lo, 1e-9), 0, 1)
    before = np.abs(ndi.gaussian_laplace(x, 1.0)).mean()
    after = np.abs(ndi.gaussian_laplace(blur(x, level_psfs()[1]), 1.0)).mean()
    return float(before / max(after, 1e-12))


def items_of(source: Source, mirror: Path | None) -> tuple[Item, ...]:
    if source.repo != IGOSHIN:
        return source.items
    names = git(mirror, "ls-tree", "-r", "-z", "--name-only", "HEAD").decode().split("\0")
    paths = sorted(n for n in names if n.startswith(IGOSHIN_DIRS) and n.lower().endswith((".tif", ".tiff")))
    return tuple(Item(p, p.split("/images/", 1)[1].replace("/", "_").replace(" ", "").rsplit(".", 1)[0]) for p in paths)


def build(mirrors: Path, shared: Path, out: Path, only: set[str] | None = None) -> list[dict]:
    rows = []
    for source in SOURCES:
        if only and source.id not in only:
            continue
        mirror = None if source.repo == "shared" else mirror_of(source.repo, mirrors)
        commit = "" if mirror is None else git(mirror, "rev-parse", "HEAD").decode().strip()
        (out / source.id).mkdir(parents=True, exist_ok=True)
        for item in items_of(source, mirror):
            where = f"{source.repo}:{item.path}"
            if mirror is None:
                path = shared / item.path
                if not path.is_file():
                    raise FetchError(f"{path}: no such file (give --shared, the folder of the project's shared data)")
                blob = path.read_bytes()
            else:
                blob = git(mirror, "show", f"HEAD:{item.path}")
            arr, file_pixel = decode(blob, where)
            img = pick_plane(arr, item, where)
            native, factor = to_native(img, source.pixel_um)
            if min(native.shape) < MIN_SIDE:
                raise FetchError(f"{where}: {native.shape[1]}×{native.shape[0]} at native scale, smaller than one patch")
            dst = out / source.id / f"{item.name}.tif"
            tifffile.imwrite(dst, native.astype(np.float32))
            fine = {}
            if source.split == "train":
                for f, copy in fine_copies(img, source.pixel_um).items():
                    fine[f"{f:g}"] = str(out / source.id / f"{item.name}@fine{f:g}.tif")
                    tifffile.imwrite(fine[f"{f:g}"], copy.astype(np.float32))
            rows.append({"source": source.id, "split": source.split, "field": item.name, "repo": source.repo,
                         "path": item.path, "channel": item.channel, "commit": commit,
                         "sha256": hashlib.sha256(blob).hexdigest(), "dtype": str(arr.dtype),
                         "shape": list(img.shape), "native_shape": list(native.shape), "file_pixel_um": file_pixel,
                         "pixel_um": source.pixel_um, "factor": round(factor, 5),
                         "sharpness": round(sharpness(native), 3), "file": str(dst), "fine": fine})
            print(f"{source.split:5s} {source.id:26s} {item.name:40s} {img.shape[1]}×{img.shape[0]} → "
                  f"{native.shape[1]}×{native.shape[0]}  sharpness {rows[-1]['sharpness']}", flush=True)
    return rows


def contact_sheets(rows: list[dict], folder: Path) -> None:
    """One PNG per source: the busiest 192×192 crop of up to 8 fields, contrast-stretched, for the by-eye check."""
    folder.mkdir(parents=True, exist_ok=True)
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r)
    for source, rs in by_source.items():
        tiles = []
        for r in rs[:: max(1, len(rs) // 8)][:8]:
            img = tifffile.imread(r["file"]).astype(np.float64)
            s = min(192, *img.shape)
            energy = ndi.uniform_filter(ndi.gaussian_laplace(img, 1.5) ** 2, s)
            h, w = img.shape
            valid = energy[s // 2:s // 2 + h - s + 1, s // 2:s // 2 + w - s + 1]  # centres of crops that fit
            y, x = np.unravel_index(np.argmax(valid), valid.shape)
            c = img[y:y + s, x:x + s]
            lo, hi = np.percentile(c, [0.5, 99.8])
            tile = np.zeros((192, 192), np.uint8)
            tile[:s, :s] = np.clip((c - lo) / max(hi - lo, 1e-9) * 255, 0, 255)
            tiles.append(tile)
        Image.fromarray(np.hstack(tiles)).save(folder / f"{source}.png")


def write_doc(rows: list[dict], path: Path, real: list[str] = ()) -> None:
    """DATA.md from the fields' rows; `real` = the section on real images of other labs (real_images.doc_lines)."""
    lines = ["# Training, validation and test data", "",
             "Written by `python3 -m training.fetch_data --doc` from `training/sources.py`; do not edit by hand.",
             "Every image below is an in-focus field from a public repository (or the project's shared BBBC006 images),",
             "rebuilt into the git-ignored `.devdata/fields/` by `training/fetch_data.py`; none is committed. The split is by",
             "**source** (lab × microscope × cell type): training sources teach the model, validation sources make every",
             "choice, test sources are measured once by `npm run eval`. Pixel sizes are those of the file, or estimated where",
             "the source says so; fields with a known pixel size below 0.65 µm are downsampled to the native 0.65 µm.",
             "`sharpness` is how much fine detail a 2 µm defocus removes (1 = none, i.e. blurred already; see fetch_data.py).",
             "", "## Sources", "",
             "| source | split | repository | licence | what | pixel size | fields |", "| --- | --- | --- | --- | --- | --- | --- |"]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["source"]] = counts.get(r["source"], 0) + 1
    for s in SOURCES:
        if s.id in counts:
            lines.append(f"| {s.id} | {s.split} | {s.repo} | {s.licence} | {s.what} | {s.pixel_note} | {counts[s.id]} |")
    commits = sorted({(r['repo'], r['commit']) for r in rows if r['commit']})
    lines += ["", "Commits: " + "; ".join(f"{repo} @ `{c}`" for repo, c in commits), "",
              "## Images", "", "| split | source | field | repository path | commit | channel | sha256 of the file | size | at native scale | sharpness |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        ch = "" if r["channel"] is None else str(r["channel"])
        commit = r["commit"][:12] or "(shared data)"
        lines.append(f"| {r['split']} | {r['source']} | {r['field']} | `{r['path']}` | {commit} | {ch} | `{r['sha256']}` | "
                     f"{r['shape'][1]}×{r['shape'][0]} | {r['native_shape'][1]}×{r['native_shape'][0]} | {r['sharpness']} |")
    lines += ["", "## Real through-focus stacks", "",
              "Wanted: a public real z-stack whose focal plane is documented by its makers (issue 10.6). **Used** (a test and",
              "`npm run eval`; never for training or any choice):",
              "- ZJUOPTKuangLab/DFNN @459cfa4 `data/test/mitochondria/stack` (MIT): 34 planes of live-cell mitochondria, 488 nm,",
              "  lattice-pattern light sheet, 0.05 µm apart; the makers' ReadMe: defocus = (51 − order) · dz, so order 51 is in focus.",
              "  In the repository as test/fixtures/images/dfnn-mito-stack (pixels unchanged; provenance and sha256 in its README).",
              "  Their microtubule stack (`data/test/microtubules/stack`, 31 planes, same focus rule) is not in the repository (25 MB).",
              "  Caveats: a light sheet with patterned illumination, not widefield; ±0.95 µm in all, less than this model's level",
              "  step at NA 0.5, but high-NA detection blurs it visibly; pixel size not stated.",
              "Checked, not usable:",
              "- BBBC006 (Broad): 34 planes 2 µm apart, focus documented near z16 — the ideal, but no reachable repository holds the",
              "  stacks (they are downloaded from the Broad's server, which these machines cannot reach); the shared data holds 2 planes per site.",
              "- elgw/deconwolf `demo/dapi_001.tif`: a widefield DAPI stack, GPL-3 and no documented focal plane (a thick 3-D sample).",
              "- NEUBIAS/training-resources `xyzc_16bit__dna_conf_wf.tif`, `xyz_8bit__nucleus.tif`, `xyz_8bit__nuclei_autothresh.tif`,",
              "  `xyz_calibrated_16bit__golgi_bfa.tif`: real stacks, no documented focal plane (defining one ourselves would be \"made by us\").",
              "- bobbyali/sephace `Data/Set */*.ics` (MIT): real through-focus sets whose in-focus plane is documented (the operator's",
              "  focus, ±10 and ±25 µm around it), but **brightfield**, which this fluorescence model does not cover: model 2.3.0 calls",
              "  the ±10 µm frames in focus (scores 1.0–1.3) and scores the ±25 µm ones 2.1–3.6, so `--slices best` cannot find the",
              "  focus there. Each set's DAPI image, taken at the in-focus stage position, is one of the real images below.",
              "- Also searched (2026-11-29), nothing usable: autofocus/deep-focus repositories (BioinfoTongLI/BFAutofocus: a",
              "  brightfield stack without a documented focus; idiap/deepfocus, czbiohub-sf/ulc-malaria-autofocus, casus/deepfocus,",
              "  Waller-Lab/DeepAutofocus, chenli38/Defocus_classification and others: code only, data on Drive/figshare/Zenodo or",
              "  simulated), delmic/odemis (single bead frames), copies of BBBC006 stacks (every hit downloads at run time or holds",
              "  one plane).",
              "`npm run eval` reports the DFNN stack in reports/evaluation.md (\"Real through-focus stacks\")."]
    lines += ["", *real]
    doubtful = [r for r in rows if r["sharpness"] < DOUBTFUL]
    lines += ["", f"Fields with sharpness below {DOUBTFUL} (checked by eye on the contact sheets): "
              + (", ".join(f"{r['source']}/{r['field']} ({r['sharpness']})" for r in doubtful) or "none"), ""]
    path.write_text("\n".join(lines))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mirrors", default="/work/.mirror", help="folder of bare git mirrors, <owner>+<name>/repo")
    p.add_argument("--shared", default=shared_data(), help="the project's shared data folder (BBBC006)")
    p.add_argument("--out", default=str(OUT), help="where the fields go")
    p.add_argument("--only", default="", help="comma list of source ids (default: all)")
    p.add_argument("--doc", action="store_true", help="also write training/DATA.md (and build the real images of other labs, real_images.py)")
    p.add_argument("--doc_only", action="store_true", help="write training/DATA.md from the fields already in --out (index.json), rebuilding nothing but the real images")
    p.add_argument("--contact", default="", help="write one contact-sheet PNG per source into this folder")
    args = p.parse_args(argv)
    from training.real_images import OUT as REAL_OUT, build as build_real, doc_lines  # it uses this module's git helpers

    index = Path(args.out) / "index.json"
    try:
        if args.doc_only:
            if not index.is_file():
                raise FetchError(f"{index}: no such file (run without --doc_only first)")
            write_doc(json.loads(index.read_text()), Path("training/DATA.md"), doc_lines(build_real(Path(args.mirrors), REAL_OUT)))
            print("wrote training/DATA.md")
            return 0
        rows = build(Path(args.mirrors), Path(args.shared), Path(args.out), set(filter(None, args.only.split(","))) or None)
        real = doc_lines(build_real(Path(args.mirrors), REAL_OUT)) if args.doc else []
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.only and index.is_file():  # keep the other sources' rows
        old = [r for r in json.loads(index.read_text()) if r["source"] not in {r["source"] for r in rows}]
        rows = old + rows
        rows.sort(key=lambda r: [s.id for s in SOURCES].index(r["source"]))
    index.write_text(json.dumps(rows, indent=1))
    if args.doc:
        write_doc(rows, Path("training/DATA.md"), real)
        print("wrote training/DATA.md")
    if args.contact:
        contact_sheets(rows, Path(args.contact))
    return 0


if __name__ == "__main__":
    sys.exit(main())
