"""
Born–Wolf defocus point spread function and the synthetic defocus of an in-focus image.

The PSF is the scalar-diffraction intensity of a point source defocused by z (Born & Wolf, Principles of Optics,
§8.8; as used by Yang et al. 2018, BMC Bioinformatics 19:77, doi:10.1186/s12859-018-2087-4, eq. 1):

    h(r, z) = | C ∫_0^1 J0(k·NA/n·r·ρ) · exp(−½·j·k·ρ²·z·(NA/n)²) · ρ dρ |²,   k = 2π/λ

evaluated on a square pixel grid (each pixel the mean of a 5×5 sub-sample, because the in-focus Airy core is
smaller than one 0.65 µm pixel) and normalised so that the kernel sums to 1 (blurring keeps the total light).
With the paper's optics (λ 500 nm, NA 0.5, n 1.0, 0.65 µm pixels) and 2 µm steps the blur diameter grows roughly
linearly from ~1 px (level 0) to ~30 px (level 10).

Example
-------
>>> k = born_wolf_psf(4.0)
>>> k.shape, round(float(k.sum()), 6)
((51, 51), 1.0)
"""
from __future__ import annotations

import functools

import numpy as np
from scipy.signal import fftconvolve
from scipy.special import j0

# Gauss–Legendre nodes for the pupil integral: the integrand oscillates at most ~25 times over ρ ∈ [0, 1]
# (J0 argument ≤ k·NA·r ≈ 160 at the kernel corner, defocus phase ≤ 32 rad at 20 µm), far below what 400 nodes resolve.
_RHO_NODES, _RHO_WEIGHTS = np.polynomial.legendre.leggauss(400)
_RHO = 0.5 * (_RHO_NODES + 1.0)
_RHO_W = 0.5 * _RHO_WEIGHTS
_SUBSAMPLE = 5


def _radial_intensity(r_um: np.ndarray, defocus_um: float, wavelength_um: float, na: float, n: float) -> np.ndarray:
    """|∫ J0(k·NA/n·r·ρ) exp(−½ j k ρ² z (NA/n)²) ρ dρ|² for every radius in r_um (unnormalised)."""
    k = 2.0 * np.pi / wavelength_um
    s = na / n
    bessel = j0(k * s * np.outer(r_um, _RHO))  # [R, nodes]
    phase = np.exp(-0.5j * k * _RHO**2 * defocus_um * s**2)  # [nodes]
    amplitude = bessel @ (phase * _RHO * _RHO_W)
    return np.abs(amplitude) ** 2


def born_wolf_psf(defocus_um: float, size: int = 51, wavelength_um: float = 0.5, na: float = 0.5, n: float = 1.0,
                  pixel_um: float = 0.65) -> np.ndarray:
    """Born–Wolf defocus PSF on a size×size pixel grid, float64, summing to 1.

    Parameters
    ----------
    defocus_um : distance from the focal plane in µm (the sign does not matter: h depends on |z| only up to phase).
    size : kernel side in pixels (odd, so that the PSF is centred on a pixel).
    wavelength_um, na, n : emission wavelength in µm, numerical aperture, refractive index of the medium.
    pixel_um : pixel pitch in the sample plane in µm.
    """
    if size % 2 != 1 or size < 1:
        raise ValueError(f"PSF size must be a positive odd number of pixels, got {size}")
    half = size // 2
    # Sub-pixel sample positions, symmetric about the centre pixel.
    sub = (np.arange(size * _SUBSAMPLE) - (size * _SUBSAMPLE - 1) / 2.0) / _SUBSAMPLE * pixel_um
    yy, xx = np.meshgrid(sub, sub, indexing="ij")
    r = np.hypot(xx, yy)
    # Evaluate the integral on a fine radial table and interpolate: the PSF is radially symmetric by construction.
    r_table = np.linspace(0.0, float(r.max()) + pixel_um, 4 * size * _SUBSAMPLE)
    h_table = _radial_intensity(r_table, float(defocus_um), wavelength_um, na, n)
    h = np.interp(r, r_table, h_table)
    h = h.reshape(size, _SUBSAMPLE, size, _SUBSAMPLE).mean(axis=(1, 3))
    assert h.shape == (2 * half + 1, 2 * half + 1)
    return h / h.sum()


@functools.lru_cache(maxsize=8)
def _level_psfs_cached(levels: int, step_um: float, size: int) -> tuple[np.ndarray, ...]:
    kernels = tuple(born_wolf_psf(level * step_um, size=size) for level in range(levels))
    for kernel in kernels:
        kernel.setflags(write=False)
    return kernels


def level_psfs(levels: int = 11, step_um: float = 2.0, size: int = 51) -> list[np.ndarray]:
    """The PSF of every defocus level: level L is defocused by L·step_um µm (level 0 = in focus). Cached, read-only."""
    return list(_level_psfs_cached(int(levels), float(step_um), int(size)))


def blur(img_counts: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolves an image with a PSF, mirroring the border so the output has the input's size and no dark rim."""
    pad = kernel.shape[0] // 2
    padded = np.pad(np.asarray(img_counts, dtype=np.float64), pad, mode="reflect")
    return np.clip(fftconvolve(padded, kernel, mode="valid"), 0.0, None)


def defocus_image(img_counts: np.ndarray, level: int, rng: np.random.Generator, gain: float = 1.0, offset: float = 0.0,
                  levels: int = 11, step_um: float = 2.0) -> np.ndarray:
    """Synthetic defocus of an in-focus image, in counts of a 16-bit camera (0…65535), float64.

    blur with the Born–Wolf PSF of `level` → multiply by `gain` → add `offset` → Poisson noise → clip to 16 bits.
    The training augmentation draws gain log-uniform in 0.2–5 and offset log-uniform in 1–1000 (Yang et al. 2018).
    """
    if not 0 <= level < levels:
        raise ValueError(f"level must be in 0…{levels - 1}, got {level}")
    blurred = blur(img_counts, level_psfs(levels, step_um)[level])
    expected = blurred * gain + offset
    noisy = rng.poisson(np.clip(expected, 0.0, None)).astype(np.float64)
    return np.clip(noisy, 0.0, 65535.0)
