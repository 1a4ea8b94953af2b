"""
Power log-log slope (PLLS), the classic single-image focus metric (Bray et al. 2012, J Biomol Screen 17:266,
doi:10.1177/1087057111420292; CellProfiler MeasureImageQuality "PowerLogLogSlope").

Slope of log(radial power) against log(spatial frequency radius); always negative in practice and lower (steeper)
when blur removes high frequencies. Definition as in CellProfiler: the image is mean-subtracted and divided by its
mean absolute deviation from the mean (so gain does not matter), its 2-D FFT power is summed over integer
frequency radii r = 2 … ⌊min(h, w)/8⌋ − 1 (radius measured to the nearest corner of the unshifted spectrum, +1),
and a least-squares line is fitted to (log r, log power). Radii with zero power are skipped; a flat image gives 0.

Higher (less negative) = sharper. It needs a dataset-specific threshold to separate in from out of focus.
"""
from __future__ import annotations

import numpy as np


def plls(img: np.ndarray) -> float:
    """Power log-log slope of a 2-D image (see the module docstring); 0.0 for a constant image."""
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"plls needs a 2-D image, got shape {img.shape}")
    h, w = img.shape
    centred = img - img.mean()
    spread = np.median(np.abs(centred))
    if np.ptp(img) == 0 or spread == 0:
        return 0.0
    power = np.abs(np.fft.fft2(centred / spread)) ** 2
    fy = np.minimum(np.arange(h), h - np.arange(h))
    fx = np.minimum(np.arange(w), w - np.arange(w))
    radius = np.floor(np.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)).astype(int) + 1
    top = int(np.floor(min(h, w) / 8.0))
    radii = np.arange(2, top)
    if len(radii) < 2:
        return 0.0
    sums = np.bincount(radius.ravel(), weights=power.ravel(), minlength=top + 1)[radii]
    keep = sums > 0
    if keep.sum() < 2:
        return 0.0
    slope, _ = np.polyfit(np.log(radii[keep]), np.log(sums[keep]), 1)
    return float(slope)
