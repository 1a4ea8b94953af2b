"""Writes TIFF variants with tifffile from a crop of a real image, plus expected.json (shape, dtype, sum, pixels).
Usage: make_tiffs.py SOURCE_TIFF OUT_DIR"""
import json
import sys
from pathlib import Path

import numpy as np
import tifffile

# One PackBits encoder for both fixture writers (this folder is on sys.path when run as a script).
from make_codec_tiffs import packbits


def write_packbits_u8(path, arr):
    """A one-strip little-endian PackBits TIFF, written by hand (tifffile needs imagecodecs to encode PackBits)."""
    h, w = arr.shape
    strip = packbits(arr.tobytes())
    tags = [(256, 4, w), (257, 4, h), (258, 3, 8), (259, 3, 32773), (262, 3, 1), (273, 4, 0), (277, 3, 1), (278, 4, h), (279, 4, len(strip))]
    ifd_size = 2 + 12 * len(tags) + 4
    offset = 8 + ifd_size
    b = bytearray(b"II*\x00" + (8).to_bytes(4, "little") + len(tags).to_bytes(2, "little"))
    for tag, typ, val in tags:
        val = offset if tag == 273 else val
        b += tag.to_bytes(2, "little") + typ.to_bytes(2, "little") + (1).to_bytes(4, "little")
        b += val.to_bytes(2, "little") + b"\x00\x00" if typ == 3 else val.to_bytes(4, "little")
    b += (0).to_bytes(4, "little") + strip
    Path(path).write_bytes(bytes(b))


def main(src, out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    img = tifffile.imread(src)[100:250, 150:350].astype(np.uint16)  # 150 x 200 real pixels
    f32 = img.astype(np.float32)
    variants = {
        "be16.tif": (img, dict(byteorder=">")),
        "deflate16.tif": (img, dict(compression="zlib")),
        "deflate_pred16.tif": (img, dict(compression="zlib", predictor=True)),
        "tiled16.tif": (img, dict(tile=(64, 64))),
        "float32.tif": (f32, {}),
        "float32_unit.tif": (f32 / 65535.0, {}),
        "be_float32.tif": (f32, dict(byteorder=">")),
        "int16.tif": (img.astype(np.int16), {}),
        "float64.tif": (img.astype(np.float64), {}),
        "stack16.tif": (np.stack([img, img // 2, img // 4]), dict(photometric="minisblack")),
    }
    expected = {}
    for name, (arr, kw) in variants.items():
        tifffile.imwrite(out / name, arr, **kw)
        first = arr[0] if arr.ndim == 3 else arr
        expected[name] = {"shape": list(arr.shape), "sum": float(first.astype(np.float64).sum()), "pixel_10_20": float(first[20, 10])}
    u8 = (img >> 4).astype(np.uint8)
    u8[:, :40] = 0  # long runs, so both PackBits block kinds occur
    write_packbits_u8(out / "packbits8.tif", u8)
    expected["packbits8.tif"] = {"shape": list(u8.shape), "sum": float(u8.astype(np.float64).sum()), "pixel_10_20": float(u8[20, 10]), "pixel_100_20": float(u8[20, 100])}
    nan = f32.copy()
    nan[0, :5] = np.nan
    nan[1, 0] = np.inf
    tifffile.imwrite(out / "nan32.tif", nan)
    rgb = np.stack([(img >> 4).astype(np.uint8), (img >> 5).astype(np.uint8), (img >> 6).astype(np.uint8)], axis=-1)
    tifffile.imwrite(out / "rgb8.tif", rgb, photometric="rgb")
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    expected["rgb8.tif"] = {"shape": list(rgb.shape), "luma_10_20": float(np.round(0.299 * r + 0.587 * g + 0.114 * b)[20, 10])}
    (out / "expected.json").write_text(json.dumps(expected))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
