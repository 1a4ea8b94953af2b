"""
A through-focus series as a Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture): a real in-focus
field (BBBC006, 0.65 µm pixels, the optics the training simulator models) defocused to known levels with the training
pipeline's Born–Wolf PSF (training/psf.py), shown as a camera with fixed gain would (one 8-bit display range for all
frames), each level held for a number of frames. Rows 0–7 carry the frame index as a 12-bit barcode (32 px per bit,
black = 0, white = 1) above the measured region, so a test can tell which frame a reading came from.

usage: through-focus.py OUT.y4m --levels 0,3,6,9,6,3 --frames 10 --fps 10 [--png-dir DIR]
Frames are 448×392; the app's default region, the central 336×336, starts at (56, 28).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import tifffile

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))
from training.psf import blur, level_psfs  # noqa: E402

SOURCE = PROJECT / "test/fixtures/images/bbbc006-in-focus/BBBC006_a05_s1_w1_z10.tif"
WIDTH, HEIGHT = 448, 392
BITS, BIT_WIDTH, BAR_ROWS = 12, 32, 8


def frames_for(levels: list[int]) -> dict[int, np.ndarray]:
    """8-bit luma (16…235, video range) of the central 448×392 of the source at each level."""
    img = tifffile.imread(SOURCE).astype(np.float64)
    lo, hi = np.percentile(img, 0.35), np.percentile(img, 99.65)
    psfs = level_psfs(11)
    y0, x0 = (img.shape[0] - HEIGHT) // 2, (img.shape[1] - WIDTH) // 2
    out = {}
    for level in sorted(set(levels)):
        b = blur(img, psfs[level]) if level > 0 else img
        v = np.clip((b - lo) / (hi - lo), 0.0, 1.0)[y0:y0 + HEIGHT, x0:x0 + WIDTH]
        out[level] = np.round(16 + 219 * v).astype(np.uint8)
    return out


def with_barcode(luma: np.ndarray, index: int) -> np.ndarray:
    y = luma.copy()
    y[:BAR_ROWS, :] = 16
    for bit in range(BITS):
        if (index >> bit) & 1:
            y[:BAR_ROWS, BIT_WIDTH * (bit + 1):BIT_WIDTH * (bit + 2)] = 235
    return y


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--levels", default="0,2,4,6,8,6,4,2", help="defocus level of each segment, comma-separated")
    p.add_argument("--frames", type=int, default=10, help="frames per segment")
    p.add_argument("--fps", type=int, default=10)
    p.add_argument("--png-dir", help="also write each level's central 336×336 as an 8-bit PNG (full range) here")
    a = p.parse_args(argv)
    levels = [int(v) for v in a.levels.split(",")]
    luma = frames_for(levels)
    chroma = np.full((HEIGHT // 2) * (WIDTH // 2), 128, np.uint8).tobytes()
    with open(a.out, "wb") as f:
        f.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{a.fps}:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(len(levels) * a.frames):
            f.write(b"FRAME\n")
            f.write(with_barcode(luma[levels[i // a.frames]], i).tobytes())
            f.write(chroma)
            f.write(chroma)
    if a.png_dir:
        from PIL import Image
        for level, y in luma.items():
            roi = y[28:28 + 336, 56:56 + 336].astype(np.float64)
            Image.fromarray(np.round((roi - 16) * 255 / 219).clip(0, 255).astype(np.uint8)).save(Path(a.png_dir) / f"level-{level:02d}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
