"""The other classic focus metrics in numpy/scipy, as independent references for parity tests only.

Definitions match the docstrings in src/core/metrics/*.ts (raw counts, valid-region filters, population variance).
"""
import numpy as np
from scipy import ndimage


def focus_score(img):
    img = np.asarray(img, dtype=np.float64)
    mu = img.mean()
    return float(((img - mu) ** 2).sum() / (img.size * mu)) if mu > 0 else 0.0


def local_focus_score(img, tile=20):
    img = np.asarray(img, dtype=np.float64)
    h, w = img.shape
    m, n = -(-h // tile), -(-w // tile)
    rows = (np.arange(h) * m) // h
    cols = (np.arange(w) * n) // w
    grid = rows[:, None] * n + cols[None, :]
    idx = np.arange(m * n)
    counts = ndimage.sum(np.ones_like(img), grid, idx)
    means = ndimage.sum(img, grid, idx) / counts
    sq = ndimage.sum((img - means[grid]) ** 2, grid, idx)
    ok = means != 0
    v = sq[ok] / (counts[ok] * means[ok])
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0
    med = np.median(v)
    return float(np.var(v) / med) if np.isfinite(med) and med > 0 else 0.0


def laplacian_variance(img):
    img = np.asarray(img, dtype=np.float64)
    lap = img[:-2, 1:-1] + img[2:, 1:-1] + img[1:-1, :-2] + img[1:-1, 2:] - 4 * img[1:-1, 1:-1]
    return float(lap.var())


def brenner(img):
    img = np.asarray(img, dtype=np.float64)
    return float(((img[:, 2:] - img[:, :-2]) ** 2).mean() + ((img[2:, :] - img[:-2, :]) ** 2).mean())


def tenengrad(img, threshold=0.0):
    img = np.asarray(img, dtype=np.float64)
    gx = ndimage.sobel(img, axis=1)[1:-1, 1:-1]
    gy = ndimage.sobel(img, axis=0)[1:-1, 1:-1]
    s = gx ** 2 + gy ** 2
    return float(np.where(s > threshold ** 2, s, 0).mean())
