"""
Resampling rules of training and evaluation, one place each:
- `shrink`, anti-aliased downsampling of a field: one rule for putting sources on the native pixel grid
  (fetch_data.py) and for the scale augmentation of training (train.py --scale_aug), so both shrink content alike;
- `axis_weights`, the engine's own resampling (core/resample.ts), for the pixel-size conditions of the evaluation
  (sources_eval.py) and the coarse-camera augmentation of training (`coarse_camera`), so both see what the product
  makes of a camera with larger pixels.
"""
from __future__ import annotations

import math
from functools import lru_cache

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


def axis_weights(n: int, m: int) -> np.ndarray:
    """[m, n] matrix taking n samples to m along one axis, as the engine's core/resample.ts does: area averaging when
    shrinking (fractional pixels by their covered fraction), linear interpolation between pixel centres when
    enlarging (output centre j at input position (j + ½)·n/m − ½, clamped to the first and last centre)."""
    w = np.zeros((m, n))
    step = n / m
    for j in range(m):
        if m <= n:
            a, b = j * step, (j + 1) * step
            for i in range(int(math.floor(a)), min(n, int(math.ceil(b)))):
                w[j, i] = (min(b, i + 1) - max(a, i)) / step
        elif n == 1:
            w[j, 0] = 1.0
        else:
            u = min(n - 1, max(0.0, (j + 0.5) * step - 0.5))
            i0 = min(n - 2, int(math.floor(u)))
            t = u - i0
            w[j, i0], w[j, i0 + 1] = 1 - t, t
    return w


@lru_cache(maxsize=None)
def _camera_weights(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(down, up) for coarse_camera, built once per size: training asks for the same few dozen sizes every batch."""
    down, up = axis_weights(n, m), axis_weights(m, n)
    down.setflags(write=False)
    up.setflags(write=False)
    return down, up


def coarse_camera(patch: np.ndarray, m: int) -> np.ndarray:
    """A square native-grid patch as a camera with n/m times larger pixels records it (area average, whole counts),
    then put back on the native grid by the product's own resampling (pixel size given): the soft, correlated look
    of an upsampled image that the engine feeds the model for binned or low-magnification cameras."""
    down, up = _camera_weights(patch.shape[0], m)
    camera = np.round(down @ np.asarray(patch, dtype=np.float64) @ down.T)
    return up @ camera @ up.T
