"""
What the specimen itself can add before any camera sees it: the evaluation conditions "bright-objects" and "haze".

In real screens a few objects are far brighter than the cells around them — mitotic or apoptotic nuclei in a Hoechst
stain, fluorescent debris, a dead cell — and they set the image's 99.9th percentile, so the intensity rule maps the
ordinary cells to a fraction of the input range. They sit in the specimen, so they are defocused with it: the
condition adds them to the in-focus field before the PSF, then the typical camera records the result.

    bright_objects(field, "dna-3")   # same objects for the same field name, every run

Objects: one per (250 px)² of the field at native scale, at least two; round Gaussian spots of σ 2–6 px (3–9 µm
across at 0.65 µm), peak 4–10× the field's bright reference (its 99.9th percentile above the 0.5th, as
sampler.signal_of reads it), at places drawn uniformly over the field. The seed comes from the field's name, so the
validation and the test set are made the same way each time.

    haze(field, "dna-3")             # out-of-focus glow: same for the same field name, every run

Haze: light from objects far from the focal plane (cells or debris above or below it, a floating cell, the glow
of a bright neighbour) reaches the image as broad, smooth blobs under the in-focus cells. One blob per (200 px)² of
the field, at least two, Gaussian σ 15–50 px, peak 0.3–1.5× the field's bright reference, at places drawn uniformly
(their own seed, so "haze" and "bright-objects" fields differ). Added before the defocus like the bright objects:
the level is that of the in-focus cells, and the glow, already smooth, hardly changes with it.
"""
from __future__ import annotations

import zlib

import numpy as np

AREA_PER_OBJECT = 250 * 250  # px² at native scale
SIGMA_PX = (2.0, 6.0)
PEAK = (4.0, 10.0)  # × the field's bright reference


HAZE_AREA_PER_BLOB = 200 * 200  # px² at native scale
HAZE_SIGMA_PX = (15.0, 50.0)
HAZE_PEAK = (0.3, 1.5)  # × the field's bright reference


def object_count(shape: tuple[int, int], area_per_object: int = AREA_PER_OBJECT) -> int:
    return max(2, round(shape[0] * shape[1] / area_per_object))


def _with_spots(field: np.ndarray, seed: str, count: int, sigma_px: tuple[float, float], peak: tuple[float, float]
                ) -> np.ndarray:
    """The field (float64, same shape) plus `count` round Gaussian spots, peaks in units of its bright reference."""
    f = np.asarray(field, dtype=np.float64)
    lo = np.percentile(f, 0.5)
    ref = max(np.percentile(f - lo, 99.9), 1e-9)
    rng = np.random.default_rng(zlib.crc32(seed.encode()))
    h, w = f.shape
    yy, xx = np.arange(h)[:, None], np.arange(w)[None, :]
    out = f.copy()
    for _ in range(count):
        y, x = rng.uniform(0, h), rng.uniform(0, w)
        sigma, height = rng.uniform(*sigma_px), rng.uniform(*peak)
        out += height * ref * np.exp(-((yy - y) ** 2 + (xx - x) ** 2) / (2 * sigma * sigma))
    return out


def bright_objects(field: np.ndarray, name: str) -> np.ndarray:
    """The field (float64, same shape) with `object_count` bright spots added, in the field's own units."""
    return _with_spots(field, name, object_count(np.shape(field)), SIGMA_PX, PEAK)


def haze(field: np.ndarray, name: str) -> np.ndarray:
    """The field (float64, same shape) with out-of-focus glow added, in the field's own units."""
    return _with_spots(field, "haze:" + name, object_count(np.shape(field), HAZE_AREA_PER_BLOB), HAZE_SIGMA_PX, HAZE_PEAK)
