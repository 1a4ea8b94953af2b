"""
Anti-aliased downsampling of a field: one rule for putting sources on the native pixel grid (fetch_data.py) and for
the scale augmentation of training (train.py --scale_aug), so both shrink content the same way.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi


def shrink(img: np.ndarray, factor: float) -> np.ndarray:
    """The image zoomed by `factor` (< 1): a Gaussian low-pass first (σ = ½(1/factor − 1) px, so detail finer than the
    new pixel does not alias into false sharpness), then linear interpolation."""
    if not 0 < factor <= 1:
        raise ValueError(f"shrink factor must be in (0, 1], got {factor}")
    if factor == 1:
        return img
    sigma = 0.5 * (1.0 / factor - 1.0)
    return ndi.zoom(ndi.gaussian_filter(np.asarray(img, dtype=np.float64), sigma), factor, order=1)
