"""Power log-log slope in numpy: an independent reference for parity tests of src/core/metrics/plls.ts.

Follows CellProfiler's MeasureImageQuality (centrosome.radial_power_spectrum.rps + a least-squares fit),
written from its definition with numpy's own FFT, so the TypeScript FFT and folding are checked against
code that shares nothing with them. Not used at run time.
"""
import numpy as np


def radial_power_sums(img):
    """Labels 2 .. floor(min(H, W)/8) - 1 and the summed |FFT2|^2 per label."""
    img = np.asarray(img, dtype=np.float64)
    h, w = img.shape
    r2 = np.arange(h)[:, None] ** 2 + np.arange(w)[None, :] ** 2
    # CellProfiler folds with flipud/fliplr, i.e. min(u, H-1-u): one off from the usual min(u, H-u), kept on purpose.
    r2 = np.minimum(r2, np.flipud(r2))
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


def plls(img):
    """Slope of log(power sum) against log(radius); 0 when undefined (constant image, < 2 radii)."""
    img = np.asarray(img, dtype=np.float64)
    if np.ptp(img) == 0:
        return 0.0
    radii, power = radial_power_sums(img)
    keep = power > 0
    if keep.sum() < 2:
        return 0.0
    x = np.log(radii[keep].astype(np.float64))
    y = np.log(power[keep])
    slope, _ = np.polyfit(x, y, 1)
    return float(slope)
