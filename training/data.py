"""
Reading in-focus images: single files with clear errors (read_image), folders (list_images) and the fields that
fetch_data.py prepared, by split (load_fields). The sampler that turns them into training patches is sampler.py.

The procedural nuclei generator of models ≤ 1.1 is gone: with 9 real training sources of nuclear, cytoplasmic and
cytoskeletal stains it no longer adds content the real fields lack, and it had to be tuned not to hurt.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import tifffile


PATCH = 84  # model input side in pixels (Yang et al. 2018)
FULL_SCALE = 65535.0
HELD_OUT = ("BBBC006_a05", "BBBC006_a06")  # the real held-out in-focus fields: never trained on


class DataError(Exception):
    """Bad input data: the message names the file or folder and the problem."""


def read_image(path: str | os.PathLike) -> np.ndarray:
    """One single-channel image as float64 counts. Trusts the file's content, not its extension."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        import tifffile
        try:
            img = tifffile.imread(str(path))
        except (ValueError, tifffile.TiffFileError) as tiff_error:
            # LZW-compressed TIFFs need imagecodecs, which Debian's tifffile lacks; Pillow decodes them.
            from PIL import Image
            try:
                with Image.open(path) as im:
                    img = np.array(im)
            except Exception as pil_error:
                raise DataError(f"{path}: unreadable image ({tiff_error}; {pil_error})") from pil_error
    except DataError:
        raise
    except Exception as error:
        raise DataError(f"{path}: unreadable image ({error})") from error
    img = np.squeeze(np.asarray(img))
    if img.size == 0:
        raise DataError(f"{path}: unreadable image (no pixel data: truncated or not an image)")
    if img.ndim != 2:
        raise DataError(f"{path}: expected one grayscale plane, got an array of shape {img.shape}")
    if img.shape[0] < PATCH or img.shape[1] < PATCH:
        raise DataError(f"{path}: image is {img.shape[1]}×{img.shape[0]} pixels, smaller than one {PATCH}×{PATCH} patch")
    if img.dtype == np.uint8:
        # 8-bit data is scaled to the 16-bit range the model was trained on.
        return img.astype(np.float64) * (FULL_SCALE / 255.0)
    return img.astype(np.float64)


def index_rows(folder: str | os.PathLike) -> tuple[Path, list[dict]]:
    """(path, rows) of the index.json of a folder made by fetch_data.py. A row whose split disagrees with
    training/sources.py is refused, so a stale index can never leak a validation or test source into training."""
    from training.sources import split_of

    index = Path(folder) / "index.json"
    if not index.is_file():
        raise DataError(f"{index}: no such file (run python3 -m training.fetch_data first)")
    rows = json.loads(index.read_text())
    for row in rows:
        try:
            expected = split_of(row["source"])
        except KeyError as error:
            raise DataError(f"{index}: {error.args[0]}") from error
        if row["split"] != expected:
            raise DataError(f"{index}: {row['source']} is listed as {row['split']} but sources.py puts it in {expected}")
    return index, rows


def load_fields(folder: str | os.PathLike, split: str) -> list[tuple[str, str, np.ndarray]]:
    """(source, field, image) of every field of one split in a folder made by fetch_data.py (its index.json)."""
    index, rows = index_rows(folder)
    out = [(row["source"], row["field"], read_field(row["file"])) for row in rows if row["split"] == split]
    if not out:
        raise DataError(f"{index}: no {split} fields")
    return out


def load_fine_fields(folder: str | os.PathLike, factors: list[float]) -> list[tuple[str, str, np.ndarray, float]]:
    """(source, field@fineF, image, area of the original) of the training fields' finer-than-native copies (index.json
    "fine", written by fetch_data.py), for each factor asked; fields whose pixel size does not allow one have none."""
    index, rows = index_rows(folder)
    rows = [r for r in rows if r["split"] == "train"]
    out = []
    for f in factors:
        for row in rows:
            path = row.get("fine", {}).get(f"{f:g}")
            if path:
                area = float(np.prod(row["native_shape"]))
                out.append((row["source"], f"{row['field']}@fine{f:g}", read_field(path), area))
    if factors and not out:
        raise DataError(f"{index}: no finer-than-native copies for {factors} (rerun python3 -m training.fetch_data)")
    return out


def read_field(path: str | os.PathLike) -> np.ndarray:
    """A field written by fetch_data.py (float32 TIFF), as float64."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file (rerun python3 -m training.fetch_data)")
    try:
        return tifffile.imread(str(path)).astype(np.float64)
    except Exception as error:
        raise DataError(f"{path}: unreadable field ({error})") from error


def list_images(folder: str | os.PathLike) -> list[Path]:
    """The image files (.tif/.tiff/.png) of a folder, sorted; a missing or empty folder is an error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".tif", ".tiff", ".png") and p.is_file())
    if not files:
        raise DataError(f"{folder}: no .tif/.tiff/.png images in this folder")
    return files
