"""
Power log-log slope (PLLS), the classic single-image focus metric (Bray et al. 2012, J Biomol Screen 17:266,
doi:10.1177/1087057111420292; CellProfiler MeasureImageQuality "PowerLogLogSlope"). The one Python implementation:
training/reference/plls.py (the parity reference of src/core/metrics/plls.ts) imports it.

Slope of log(radial power) against log(spatial frequency radius); always negative in practice and lower (steeper)
when blur removes high frequencies. Definition as in CellProfiler (centrosome.radial_power_spectrum.rps + a
least-squares fit): the image is divided by its median absolute deviation from the mean (so gain does not matter;
skipped when that is 0), mean-subtracted, its 2-D FFT power summed over integer radius labels
⌊√(fy² + fx²)⌋ + 1 with frequencies folded as CellProfiler folds them — min(u, H−1−u), one off from the usual
min(u, H−u), kept on purpose so the numbers match CellProfiler's — over labels 2 … ⌊min(H, W)/8⌋ − 1, and a line
fitted to (log label, log power). Labels with zero power are skipped; a flat image, or fewer than 2 labels, gives 0.

Higher (less negative) = sharper. It needs a dataset-specific threshold to separate in from out of focus.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> sharp = rng.random((84, 84))
>>> from scipy.ndimage import gaussian_filter
>>> plls(gaussian_filter(sharp, 3)) < plls(sharp)
True
"""
from __future__ import annotations

import numpy as np


def radial_power_sums(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Radius labels 2 … ⌊min(H, W)/8⌋ − 1 and the summed |FFT2|² per label (CellProfiler's normalisation and fold)."""
    img = np.asarray(img, dtype=np.float64)
    h, w = img.shape
    r2 = np.arange(h)[:, None] ** 2 + np.arange(w)[None, :] ** 2
    r2 = np.minimum(r2, np.flipud(r2))  # min(u, H−1−u), as CellProfiler's flipud/fliplr folding does
    r2 = np.minimum(r2, np.fliplr(r2))
    if np.ptp(img) > 0:
        mad = np.median(np.abs(img - img.mean()))
        if mad > 0:
            img = img / mad
    power = np.abs(np.fft.fft2(img - img.mean())) ** 2
    labels = np.floor(np.sqrt(r2)).astype(np.int64) + 1
    wanted = np.arange(2, int(np.floor(min(h, w) / 8.0)))
    sums = np.bincount(labels.ravel(), weights=power.ravel(), minlength=int(wanted.max(initial=1)) + 1)
    return wanted, sums[wanted]


def plls(img: np.ndarray) -> float:
    """Power log-log slope of a 2-D image (see the module docstring); 0.0 when undefined."""
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"plls needs a 2-D image, got shape {img.shape}")
    if np.ptp(img) == 0:
        return 0.0
    radii, power = radial_power_sums(img)
    keep = power > 0
    if keep.sum() < 2:
        return 0.0
    slope, _ = np.polyfit(np.log(radii[keep].astype(np.float64)), np.log(power[keep]), 1)
    return float(slope)
