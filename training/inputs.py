"""
The intensity rule: stored pixel value → model input. One rule per language; this is the Python one, src/core/scaling.ts
the TypeScript one, tested against each other (test/training/scaling-parity.test.ts). The rule a model was trained
with is written into its card (`scaling`), and the code reads it from there.

- "full-scale" (models ≤ 1.1): value / full scale of the file (255 for 8-bit, 65535 for 16-bit). Brightness is
  information, so a new camera (offset, gain, 12-bit data in a 16-bit file) moves the input far from training.
- "percentile" (model 2): (value − P_low) / (P_high − P_low) with the image's own percentiles (defaults 1 and 99.9),
  so camera offset, gain and bit depth drop out while the noise relative to the contrast — the cue that tells
  blur from noise — stays. P is read from a deterministic subsample (every k-th pixel in memory order,
  k = ceil(n / maxSamples)) and is the element at index floor(q/100 · (m − 1)) of the sorted m samples: cheap for any
  image size, and exactly the same in both languages. A range below one count of the file (a flat image) is taken
  as one count, so a blank image gives zeros, not a division by zero.

Example
-------
>>> import numpy as np
>>> img = np.array([[100, 100], [100, 1100]], dtype=np.uint16)
>>> normalise(img, 65535, PERCENTILE).round(3).tolist()
[[0.0, 0.0], [0.0, 1.0]]
"""
from __future__ import annotations

import math

import numpy as np

FULL_SCALE_RULE = {"rule": "full-scale"}
PERCENTILE = {"rule": "percentile", "low": 1.0, "high": 99.9, "maxSamples": 65536}


def subsample(values: np.ndarray, max_samples: int) -> np.ndarray:
    flat = np.ravel(values)
    step = max(1, math.ceil(flat.size / max_samples))
    return flat[::step]


def percentiles(values: np.ndarray, low: float, high: float, max_samples: int) -> tuple[float, float]:
    s = np.sort(subsample(values, max_samples).astype(np.float64))
    pick = lambda q: float(s[int(math.floor(q / 100.0 * (s.size - 1)))])
    return pick(low), pick(high)


def normalise(image: np.ndarray, full_scale: float, rule: dict) -> np.ndarray:
    """Model input (float32, same shape) for one image or slice stored with the given full scale (255 or 65535)."""
    if rule["rule"] == "full-scale":
        return (np.asarray(image, dtype=np.float64) / full_scale).astype(np.float32)
    if rule["rule"] == "percentile":
        lo, hi = percentiles(image, rule["low"], rule["high"], rule["maxSamples"])
        return ((np.asarray(image, dtype=np.float64) - lo) / max(hi - lo, full_scale / 65535.0 if full_scale <= 1 else 1.0)).astype(np.float32)
    raise ValueError(f"unknown intensity rule {rule['rule']!r}")
