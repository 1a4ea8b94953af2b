"""
Training patches from in-focus fields: every field is defocused once per level with the Born–Wolf PSF (whole field,
FFT, cached on disk as float16), then each sample is an 84×84 crop of one level seen through a random camera
(acquisition.py) and turned into model input by the card's intensity rule (inputs.py).

The rule's image statistics (percentiles, and the min/max of an ImageJ 8-bit conversion) belong to the whole field,
not to the patch: each sample also draws `stat_pixels` random pixels of the same defocused field through the same
camera, and the statistics are read from those, as the product reads them from the whole image.

Sources are drawn evenly (then fields by area), so a source with 72 fields does not drown one with 2.
"""
from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import numpy as np
import torch

from training.acquisition import Acquisition, acquire, illumination_at, illumination_field, sample_settings
from training.psf import blur, level_psfs
from training.resample import coarse_camera
from training.specimen import HAZE_PEAK, HAZE_SIGMA_PX

PATCH = 84


def signal_of(field: np.ndarray) -> np.ndarray:
    """The specimen as seen in focus, scaled so that 1 is the field's bright reference: the field minus its
    0.5th percentile (the camera's offset and most of the background), divided by its 99.9th percentile."""
    lo = np.percentile(field, 0.5)
    s = np.clip(field - lo, 0, None)
    ref = np.percentile(s, 99.9)
    return s / max(ref, 1e-9)


def defocused_levels(field: np.ndarray, levels: int, step_um: float, cache: Path | None) -> np.ndarray:
    """[levels, H, W] float16: the field's signal blurred by the PSF of every level; cached by content hash."""
    key = hashlib.sha256(field.astype(np.float32).tobytes()).hexdigest()[:20] + f"-{levels}-{step_um}"
    path = cache / f"{key}.npy" if cache else None
    if path and path.is_file():
        return np.load(path, mmap_mode="r")
    s = signal_of(field)
    out = np.stack([blur(s, k) for k in level_psfs(levels, step_um)]).astype(np.float16)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        # one temporary name per process: two runs sharing the cache (seeds trained side by side) may write the same
        # field at once, and the rename must find its own file; either's rename leaves a whole file in place
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, out)
        tmp.replace(path)  # never leave a half-written cache file
        return np.load(path, mmap_mode="r")
    return out


def psf_variance(kernel: np.ndarray) -> float:
    """Variance (px²) of a normalised 2-D kernel along one axis: its second moment about the centre, halved."""
    n = kernel.shape[0]
    yy, xx = np.mgrid[:n, :n] - n // 2
    k = kernel / kernel.sum()
    return float((k * (yy ** 2 + xx ** 2)).sum() / 2)


def dihedral(a: np.ndarray, k: int) -> np.ndarray:
    """One of the 8 flips/rotations of a square array (k in 0…7)."""
    v = np.rot90(a, k % 4)
    return v[:, ::-1] if k >= 4 else v


class FieldSampler:
    def __init__(self, fields: list[tuple[str, str, np.ndarray]], rule: dict, levels: int = 11, step_um: float = 2.0,
                 seed: int = 0, cache: str | Path | None = None, stat_pixels: int = 1024, busy_share: float = 0.5,
                 areas: list[float] | None = None, low_light_share: float = 0.0, coarse_share: float = 0.0,
                 bright_share: float = 0.0, haze_share: float = 0.0):
        if not fields:
            raise ValueError("no fields to sample from")
        self.rule, self.levels, self.stat_pixels, self.busy_share = rule, levels, stat_pixels, busy_share
        self.low_light_share, self.coarse_share, self.bright_share = low_light_share, coarse_share, bright_share
        self.haze_share = haze_share
        # per level, the PSF's variance along one axis (px²): a broad smooth blob blurred by it stays a Gaussian whose
        # variance grows by that much, whatever the PSF's shape
        self.psf_var = [psf_variance(k) for k in level_psfs(levels, step_um)]
        self.names = [f"{src}/{name}" for src, name, _ in fields]
        self.stacks = [defocused_levels(img, levels, step_um, Path(cache) if cache else None) for _, _, img in fields]
        sources = sorted({src for src, _, _ in fields})
        # fields by area within a source (`areas` overrides a field's own, e.g. for shrunken copies of a field)
        area = np.array(areas if areas is not None else [img.size for _, _, img in fields], dtype=np.float64)
        if len(area) != len(fields):
            raise ValueError(f"{len(area)} areas for {len(fields)} fields")
        weights = np.zeros(len(fields))
        for src in sources:
            idx = [i for i, (s, _, _) in enumerate(fields) if s == src]
            weights[idx] = area[idx] / area[idx].sum() / len(sources)
        self.weights = weights / weights.sum()
        self.generator = torch.Generator().manual_seed(seed)
        self.rng = np.random.default_rng(seed)

    def state(self) -> dict:
        """Everything needed to continue the same random stream after a resume."""
        return {"torch": self.generator.get_state().numpy().tolist(), "numpy": self.rng.bit_generator.state}

    def restore(self, state: dict) -> None:
        self.generator.set_state(torch.tensor(state["torch"], dtype=torch.uint8))
        self.rng.bit_generator.state = state["numpy"]

    def _crop(self, i: int, level: int) -> tuple[np.ndarray, int, int]:
        stack = self.stacks[i]
        h, w = stack.shape[1:]
        y = int(self.rng.integers(0, h - PATCH + 1))
        x = int(self.rng.integers(0, w - PATCH + 1))
        return np.asarray(stack[level, y:y + PATCH, x:x + PATCH], dtype=np.float32), y, x

    def sample(self, batch: int, settings: list[Acquisition] | None = None, levels: np.ndarray | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs [B,1,84,84] float32 (after the intensity rule) and levels [B] int64."""
        idx = self.rng.choice(len(self.stacks), size=batch, p=self.weights)
        lv = levels if levels is not None else self.rng.integers(0, self.levels, size=batch)
        settings = settings or sample_settings(batch, self.generator, self.low_light_share)
        n = PATCH * PATCH + self.stat_pixels
        signal = np.empty((batch, 1, n), np.float32)
        illum = np.empty((batch, 1, n), np.float32)
        for b in range(batch):
            i, level = int(idx[b]), int(lv[b])
            crop, y, x = self._crop(i, level)
            if self.rng.random() < self.busy_share:  # the busier of two crops: most of a field is background
                other = self._crop(i, level)
                if other[0].std() > crop.std():
                    crop, y, x = other
            stack = self.stacks[i]
            h, w = stack.shape[1:]
            k = int(self.rng.integers(0, 8))  # dihedral: the PSF is symmetric, so flips/rotations commute with blur
            ys = self.rng.integers(0, h, size=self.stat_pixels)
            xs = self.rng.integers(0, w, size=self.stat_pixels)
            signal[b, 0, :PATCH * PATCH] = dihedral(crop, k).ravel()
            signal[b, 0, PATCH * PATCH:] = np.asarray(stack[level][ys, xs], dtype=np.float32)
            if self.haze_share > 0 and self.rng.random() < self.haze_share:  # no draw at 0: older runs keep their stream
                self._add_haze(signal[b, 0], (h, w), (y, x), k, ys, xs, self.psf_var[level])
            fall = settings[b].illumination
            if fall > 0:
                centre = tuple(self.rng.uniform(0.3, 0.7, size=2))
                patch = illumination_field(PATCH, PATCH, fall, centre, (h, w), (y, x)).numpy()
                illum[b, 0, :PATCH * PATCH] = dihedral(patch, k).ravel()
                illum[b, 0, PATCH * PATCH:] = illumination_at(torch.from_numpy(ys), torch.from_numpy(xs), (h, w), fall, centre).numpy()
            else:
                illum[b] = 1.0
        values, full = acquire(torch.from_numpy(signal), settings, self.generator, torch.from_numpy(illum))
        if self.coarse_share > 0:  # no draw at 0, so runs without the flag keep their random stream
            self._coarse_cameras(values)
        x = self._apply_rule(values[:, 0], full)
        return x[:, :PATCH * PATCH].reshape(batch, 1, PATCH, PATCH).contiguous(), torch.from_numpy(np.asarray(lv, dtype=np.int64))

    def _add_haze(self, values: np.ndarray, shape: tuple[int, int], corner: tuple[int, int], k: int, ys: np.ndarray,
                  xs: np.ndarray, psf_var: float) -> None:
        """In place, before the camera: out-of-focus glow over the field (1–4 broad Gaussian blobs of the `haze`
        condition's σ and peak ranges, σ log-uniform, peaks in units of the bright reference, the first one near the
        patch so that it shows there), blurred with the level's PSF, on the patch's pixels and on the statistics pixels
        alike. Why: light from objects far from the focal plane
        lies under the in-focus cells of many real fields (training/specimen.py, "haze"); a model that has only seen
        glow-free fields reads the smooth light as defocus."""
        h, w = shape
        y0, x0 = corner
        py, px = np.mgrid[y0:y0 + PATCH, x0:x0 + PATCH]
        patch = np.zeros((PATCH, PATCH))
        stats = np.zeros(len(ys))
        for j in range(int(self.rng.integers(1, 5))):
            if j == 0:
                cy, cx = self.rng.uniform(y0 - 40, y0 + PATCH + 40), self.rng.uniform(x0 - 40, x0 + PATCH + 40)
            else:
                cy, cx = self.rng.uniform(0, h), self.rng.uniform(0, w)
            sigma2 = float(np.exp(self.rng.uniform(*np.log(HAZE_SIGMA_PX)))) ** 2
            peak = float(self.rng.uniform(*HAZE_PEAK))
            var = sigma2 + psf_var
            amp = peak * sigma2 / var  # the blur spreads the blob's light, its total stays
            patch += amp * np.exp(-((py - cy) ** 2 + (px - cx) ** 2) / (2 * var))
            stats += amp * np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * var))
        values[:PATCH * PATCH] += dihedral(patch, k).ravel().astype(np.float32)
        values[PATCH * PATCH:] += stats.astype(np.float32)

    def _coarse_cameras(self, values: torch.Tensor) -> None:
        """In place: a `coarse_share` of the patches recorded by a camera with 1.24–2.47× larger pixels and put back on
        the native grid as the product does when the pixel size is given. The optics (defocus in µm) stay those of
        the level; only the sampling changes. The rule's statistics stay the native camera's: the engine reads them
        from the resampled whole image, whose percentiles differ from these by the averaged-out noise only."""
        pick = self.rng.random(values.shape[0]) < self.coarse_share
        for b in np.flatnonzero(pick):
            m = int(self.rng.integers(34, 68))  # camera pixel = 84/m native pixels: 1.24–2.47×
            patch = values[b, 0, :PATCH * PATCH].reshape(PATCH, PATCH).numpy()
            values[b, 0, :PATCH * PATCH] = torch.from_numpy(coarse_camera(patch, m).astype(np.float32).ravel())

    def bright_elsewhere(self, n: int) -> np.ndarray:
        """Per sample, how many times the field's percentile range exceeds the one its own cells give: 1, or for a
        `bright_share` of the samples 1.5–8 (log-uniform). Why: a few objects far brighter than the rest (mitotic or
        apoptotic nuclei, debris, a saturated cell) set the image's 99.9th percentile in real screens, so the product
        sees the in-focus cells of such a field at a fraction of the input range; a model that has only seen fields
        spanning it reads low contrast as defocus. Shot and read noise keep their size relative to the cells."""
        if self.bright_share <= 0:  # no draw at 0, so runs without the flag keep their random stream
            return np.ones(n)
        pick = self.rng.random(n) < self.bright_share
        return np.where(pick, np.exp(self.rng.uniform(math.log(1.5), math.log(8.0), size=n)), 1.0)

    def _apply_rule(self, values: torch.Tensor, full) -> torch.Tensor:
        full_t = full if torch.is_tensor(full) else torch.full((values.shape[0],), float(full))
        if self.rule["rule"] == "full-scale":
            return values / full_t[:, None]
        if self.rule["rule"] == "percentile":
            stats = values[:, PATCH * PATCH:]
            s, _ = torch.sort(stats, dim=1)
            m = s.shape[1]
            lo = s[:, int(math.floor(self.rule["low"] / 100 * (m - 1)))]
            hi = s[:, int(math.floor(self.rule["high"] / 100 * (m - 1)))]
            spread = torch.from_numpy(self.bright_elsewhere(values.shape[0]).astype(np.float32))
            return (values - lo[:, None]) / ((hi - lo) * spread).clamp_min(1.0)[:, None]
        raise ValueError(f"unknown intensity rule {self.rule['rule']!r}")
