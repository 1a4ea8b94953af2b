"""
What the specimen itself can add before any camera sees it: the evaluation condition "bright-objects".

In real screens a few objects are far brighter than the cells around them — mitotic or apoptotic nuclei in a Hoechst
stain, fluorescent debris, a dead cell — and they set the image's 99.9th percentile, so the intensity rule maps the
ordinary cells to a fraction of the input range. They sit in the specimen, so they are defocused with it: the
condition adds them to the in-focus field before the PSF, then the typical camera records the result.

    bright_objects(field, "dna-3")   # same objects for the same field name, every run

Objects: one per (250 px)² of the field at native scale, at least two; round Gaussian spots of σ 2–6 px (3–9 µm
across at 0.65 µm), peak 4–10× the field's bright reference (its 99.9th percentile above the 0.5th, as
sampler.signal_of reads it), at places drawn uniformly over the field. The seed comes from the field's name, so the
validation and the test set are made the same way each time.
"""
from __future__ import annotations

import zlib

import numpy as np

AREA_PER_OBJECT = 250 * 250  # px² at native scale
SIGMA_PX = (2.0, 6.0)
PEAK = (4.0, 10.0)  # × the field's bright reference


def object_count(shape: tuple[int, int]) -> int:
    return max(2, round(shape[0] * shape[1] / AREA_PER_OBJECT))


def bright_objects(field: np.ndarray, name: str) -> np.ndarray:
    """The field (float64, same shape) with `object_count` bright spots added, in the field's own units."""
    f = np.asarray(field, dtype=np.float64)
    lo = np.percentile(f, 0.5)
    ref = max(np.percentile(f - lo, 99.9), 1e-9)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    h, w = f.shape
    yy, xx = np.arange(h)[:, None], np.arange(w)[None, :]
    out = f.copy()
    for _ in range(object_count(f.shape)):
        y, x = rng.uniform(0, h), rng.uniform(0, w)
        sigma, peak = rng.uniform(*SIGMA_PX), rng.uniform(*PEAK)
        out += peak * ref * np.exp(-((yy - y) ** 2 + (xx - x) ** 2) / (2 * sigma * sigma))
    return out
