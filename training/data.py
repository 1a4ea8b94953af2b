"""
Training images: real in-focus fields, their downscaled copies, procedural nuclei fields, and the patch sampler
that defocuses random crops on the fly (torch, so it runs on the GPU when training does).

Intensities are counts of a 16-bit camera throughout; the model sees counts / 65535 (no per-image normalisation).
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import tifffile
import torch
import torch.nn.functional as F
from scipy import ndimage as ndi

from training.psf import level_psfs

PATCH = 84  # model input side in pixels (Yang et al. 2018)
KERNEL = 51  # PSF side in pixels
FULL_SCALE = 65535.0
HELD_OUT = ("BBBC006_a05", "BBBC006_a06")  # the real held-out in-focus fields: never trained on


class DataError(Exception):
    """Bad input data: the message names the file or folder and the problem."""


def read_image(path: str | os.PathLike) -> np.ndarray:
    """One single-channel image as float64 counts. Trusts the file's content, not its extension."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        import tifffile
        try:
            img = tifffile.imread(str(path))
        except (ValueError, tifffile.TiffFileError) as tiff_error:
            # LZW-compressed TIFFs need imagecodecs, which Debian's tifffile lacks; Pillow decodes them.
            from PIL import Image
            try:
                with Image.open(path) as im:
                    img = np.array(im)
            except Exception as pil_error:
                raise DataError(f"{path}: unreadable image ({tiff_error}; {pil_error})") from pil_error
    except DataError:
        raise
    except Exception as error:
        raise DataError(f"{path}: unreadable image ({error})") from error
    img = np.squeeze(np.asarray(img))
    if img.size == 0:
        raise DataError(f"{path}: unreadable image (no pixel data: truncated or not an image)")
    if img.ndim != 2:
        raise DataError(f"{path}: expected one grayscale plane, got an array of shape {img.shape}")
    if img.shape[0] < PATCH or img.shape[1] < PATCH:
        raise DataError(f"{path}: image is {img.shape[1]}×{img.shape[0]} pixels, smaller than one {PATCH}×{PATCH} patch")
    if img.dtype == np.uint8:
        # 8-bit data is scaled to the 16-bit range the model was trained on.
        return img.astype(np.float64) * (FULL_SCALE / 255.0)
    return img.astype(np.float64)


def load_fields(folder: str | os.PathLike, split: str) -> list[tuple[str, str, np.ndarray]]:
    """(source, field, image) of every field of one split in a folder made by fetch_data.py (its index.json).

    A row whose split disagrees with training/sources.py is refused, so a stale index can never leak a validation
    or test source into training."""
    from training.sources import split_of

    index = Path(folder) / "index.json"
    if not index.is_file():
        raise DataError(f"{index}: no such file (run python3 -m training.fetch_data first)")
    out = []
    for row in json.loads(index.read_text()):
        try:
            expected = split_of(row["source"])
        except KeyError as error:
            raise DataError(f"{index}: {error.args[0]}") from error
        if row["split"] != expected:
            raise DataError(f"{index}: {row['source']} is listed as {row['split']} but sources.py puts it in {expected}")
        if row["split"] == split:
            out.append((row["source"], row["field"], read_field(row["file"])))
    if not out:
        raise DataError(f"{index}: no {split} fields")
    return out


def read_field(path: str | os.PathLike) -> np.ndarray:
    """A field written by fetch_data.py (float32 TIFF), as float64."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file (rerun python3 -m training.fetch_data)")
    try:
        return tifffile.imread(str(path)).astype(np.float64)
    except Exception as error:
        raise DataError(f"{path}: unreadable field ({error})") from error


def list_images(folder: str | os.PathLike) -> list[Path]:
    """The image files (.tif/.tiff/.png) of a folder, sorted; a missing or empty folder is an error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".tif", ".tiff", ".png") and p.is_file())
    if not files:
        raise DataError(f"{folder}: no .tif/.tiff/.png images in this folder")
    return files


def load_training_images(folder: str | os.PathLike, exclude: tuple[str, ...] = HELD_OUT, min_side: int = 200,
                         limit: int = 0) -> list[tuple[str, np.ndarray]]:
    """Real in-focus fields for training: every image in `folder` except the held-out ones and small crops."""
    out = []
    for path in list_images(folder):
        if any(path.name.startswith(prefix) for prefix in exclude):
            continue
        img = read_image(path)
        if min(img.shape) < min_side:
            continue  # e.g. crop_100x100.tif: a crop of a field already present
        out.append((path.name, img))
        if limit and len(out) >= limit:
            break
    if not out:
        raise DataError(f"{folder}: no training images left after excluding {', '.join(exclude)}")
    return out


def downscale(img: np.ndarray, factor: float) -> np.ndarray:
    """Area-like downscaling (anti-aliased), to show the model smaller nuclei as at a lower magnification."""
    sigma = 0.5 * (1.0 / factor - 1.0) + 1e-6
    return ndi.zoom(ndi.gaussian_filter(img, sigma), factor, order=1)


def procedural_field(rng: np.random.Generator, height: int = 520, width: int = 696) -> np.ndarray:
    """A synthetic in-focus field of Hoechst-stained nuclei at 0.65 µm/pixel, in counts.

    Matched to the real BBBC006 fields (see prepare_data.py for the comparison): equivalent diameters ~26 px
    (log-normal), smooth dome profiles with soft ~1 px edges, weak chromatin texture, 5–150 nuclei per field,
    a camera offset of ~100–150 counts and peaks of a few hundred to a few thousand counts. Earlier
    trials with small, strongly textured ellipses made a model call real in-focus nuclei blurred.
    """
    background = rng.uniform(95.0, 150.0)
    field = np.zeros((height, width))
    count = int(np.exp(rng.uniform(np.log(5), np.log(150))))
    brightness = np.exp(rng.normal(np.log(650.0), 0.35))  # the field's typical nucleus peak above background
    yy, xx = np.mgrid[0:height, 0:width]
    # Clustered placement: nuclei gather around a few centres, as cells in culture do.
    centres = rng.uniform((0, 0), (height, width), size=(max(1, count // 12), 2))
    for _ in range(count):
        small_bright = rng.random() < 0.08  # mitotic / apoptotic: compact and bright
        diameter = np.exp(rng.normal(np.log(15.0 if small_bright else 26.0), 0.18))
        aspect = rng.uniform(1.0, 1.7)
        a, b = diameter / 2 * np.sqrt(aspect), diameter / 2 / np.sqrt(aspect)
        theta = rng.uniform(0, np.pi)
        if rng.random() < 0.6:
            cy, cx = centres[rng.integers(len(centres))] + rng.normal(0, 45, size=2)
        else:
            cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        r = int(np.ceil(a)) + 4
        y0, y1 = max(0, int(cy) - r), min(height, int(cy) + r + 1)
        x0, x1 = max(0, int(cx) - r), min(width, int(cx) + r + 1)
        if y0 >= y1 or x0 >= x1:
            continue
        dy, dx = yy[y0:y1, x0:x1] - cy, xx[y0:y1, x0:x1] - cx
        u = (dx * np.cos(theta) + dy * np.sin(theta)) / a
        v = (-dx * np.sin(theta) + dy * np.cos(theta)) / b
        rho = np.sqrt(u**2 + v**2)
        # Soft edge about one pixel wide, dome (projected ellipsoid) inside.
        edge = 1.0 / (1.0 + np.exp((rho - 1.0) * min(a, b) / 0.8))
        dome = np.sqrt(np.clip(1.0 - 0.7 * rho**2, 0.05, 1.0))
        peak = brightness * np.exp(rng.normal(0.0, 0.3)) * (2.5 if small_bright else 1.0)
        field[y0:y1, x0:x1] += peak * edge * dome
    # Chromatin texture: weak multiplicative noise at 1.5–3 px, only where there is nuclear signal.
    texture = ndi.gaussian_filter(rng.normal(size=(height, width)), rng.uniform(1.5, 3.0))
    texture /= texture.std() + 1e-12
    field *= np.clip(1.0 + rng.uniform(0.1, 0.25) * texture, 0.3, None)
    # In-focus optics are not perfectly sharp either: real fields come from the sharpest of 2 µm-spaced slices.
    field = ndi.gaussian_filter(field, rng.uniform(0.3, 0.7))
    # Slowly varying background (uneven illumination, out-of-plane haze).
    haze = ndi.gaussian_filter(rng.normal(size=(height // 8, width // 8)), 4)
    haze = ndi.zoom(haze / (haze.std() + 1e-12), 8, order=1)[:height, :width]
    field += background * (1.0 + 0.03 * haze)
    return np.clip(field, 0.0, FULL_SCALE)


def build_pool(real: list[tuple[str, np.ndarray]], procedural: int, scales: tuple[float, ...], seed: int
               ) -> list[tuple[str, np.ndarray]]:
    """Every in-focus image the sampler draws from: real fields, their downscaled copies, procedural fields."""
    rng = np.random.default_rng(seed)
    pool = list(real)
    for name, img in real:
        for s in scales:
            pool.append((f"{name}@{s}", downscale(img, s)))
    for i in range(procedural):
        pool.append((f"procedural-{i}", procedural_field(rng)))
    return pool


class PatchSampler:
    """Random 84×84 training patches: crop → flip/rotate → Born–Wolf blur of a random level → gain, offset → Poisson.

    All images are stored once, mirror-padded by the PSF radius, in one [M, H, W] tensor on `device`, so a batch is
    a single gather plus one grouped convolution (one PSF per sample).
    """

    def __init__(self, pool: list[tuple[str, np.ndarray]], device: str = "cpu", levels: int = 11, step_um: float = 2.0,
                 procedural_frac: float = 0.3, gain_range=(0.2, 5.0), offset_range=(1.0, 1000.0), eight_bit: float = 0.0,
                 seed: int = 0):
        self.eight_bit = eight_bit
        self.device = torch.device(device)
        self.levels = levels
        self.pad = KERNEL // 2
        self.crop = PATCH + 2 * self.pad
        padded = [np.pad(img, self.pad, mode="reflect") for _, img in pool]
        h = max(p.shape[0] for p in padded)
        w = max(p.shape[1] for p in padded)
        canvas = np.zeros((len(padded), h, w), dtype=np.float32)
        for i, p in enumerate(padded):
            canvas[i, : p.shape[0], : p.shape[1]] = p
        self.canvas = torch.from_numpy(canvas).to(self.device)
        self.sizes = torch.tensor([p.shape for p in padded], device=self.device)
        is_proc = np.array([name.startswith("procedural") for name, _ in pool])
        weights = np.where(is_proc, procedural_frac / max(1, is_proc.sum()), (1 - procedural_frac) / max(1, (~is_proc).sum()))
        if not is_proc.any() or is_proc.all():
            weights = np.ones(len(pool))
        self.weights = torch.tensor(weights / weights.sum(), device=self.device, dtype=torch.float32)
        self.psfs = torch.tensor(np.stack(level_psfs(levels, step_um, KERNEL)), dtype=torch.float32, device=self.device)
        self.log_gain = torch.log(torch.tensor(gain_range, dtype=torch.float32))
        self.log_offset = torch.log(torch.tensor(offset_range, dtype=torch.float32))
        self.generator = torch.Generator(device=self.device).manual_seed(seed)
        self._ar = torch.arange(self.crop, device=self.device)

    def _uniform(self, n: int) -> torch.Tensor:
        return torch.rand(n, generator=self.generator, device=self.device)

    def _crops(self, n: int) -> torch.Tensor:
        idx = torch.multinomial(self.weights, n, replacement=True, generator=self.generator)
        hs, ws = self.sizes[idx, 0], self.sizes[idx, 1]
        y0 = (self._uniform(n) * (hs - self.crop + 1)).long()
        x0 = (self._uniform(n) * (ws - self.crop + 1)).long()
        rows = (y0[:, None] + self._ar[None, :])[:, :, None]
        cols = (x0[:, None] + self._ar[None, :])[:, None, :]
        return self.canvas[idx[:, None, None], rows, cols]

    def sample(self, batch: int, levels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch: inputs [B,1,84,84] float32 (counts / 65535) and levels [B] int64."""
        # Half the batch picks the busier of two candidate crops: fields are mostly background, and background
        # patches teach nothing about focus (the paper kept them; we keep half of the draws unbiased).
        a, b = self._crops(batch), self._crops(batch)
        centre = slice(self.pad, self.pad + PATCH)
        busier = a[:, centre, centre].std(dim=(1, 2)) < b[:, centre, centre].std(dim=(1, 2))
        pick = busier & (self._uniform(batch) < 0.5)
        crops = torch.where(pick[:, None, None], b, a)
        # Dihedral augmentation: one random flip/rotation per sample via 8 masked variants.
        k = (self._uniform(batch) * 8).long()
        out = crops.clone()
        for t in range(1, 8):
            m = k == t
            if m.any():
                v = crops[m]
                if t >= 4:
                    v = v.flip(-1)
                out[m] = torch.rot90(v, t % 4, dims=(1, 2))
        if levels is None:
            levels = (self._uniform(batch) * self.levels).long()
        kernels = self.psfs[levels][:, None]  # [B,1,K,K]
        blurred = F.conv2d(out[None], kernels.flip(-1, -2), groups=batch)[0]  # [B,84,84]
        gain = torch.exp(self.log_gain[0] + (self.log_gain[1] - self.log_gain[0]) * self._uniform(batch).cpu()).to(self.device)
        offset = torch.exp(self.log_offset[0] + (self.log_offset[1] - self.log_offset[0]) * self._uniform(batch).cpu()).to(self.device)
        expected = blurred.clamp_min(0) * gain[:, None, None] + offset[:, None, None]
        noisy = torch.poisson(expected, generator=self.generator).clamp(0, FULL_SCALE)
        x = noisy / FULL_SCALE
        if self.eight_bit > 0:
            x = torch.where((self._uniform(batch) < self.eight_bit)[:, None, None], self._to_eight_bit(noisy), x)
        return x[:, None].float(), levels

    def _to_eight_bit(self, counts: torch.Tensor) -> torch.Tensor:
        """ImageJ's 16→8-bit conversion of the whole image, seen through one patch: a linear stretch of the image's
        display range to 0..255, rounded. That range is the image's min..max (or an auto-contrast one saturating
        ~0.35 %), so its low end sits at or a little below the patch's darkest pixel and its high end anywhere from a
        little below the patch's brightest pixel (saturated nuclei) to several times above it (a brighter nucleus
        elsewhere, or a background patch of a busy image). The result is a gain of tens to hundreds with rounding."""
        n = counts.shape[0]
        lo_p = counts.amin(dim=(1, 2))
        span = (counts.amax(dim=(1, 2)) - lo_p).clamp_min(1.0)
        lo = lo_p - span * 0.1 * self._uniform(n) ** 2
        hi = lo_p + span * torch.exp(math.log(0.8) + (math.log(10.0) - math.log(0.8)) * self._uniform(n))
        scaled = (counts - lo[:, None, None]) / (hi - lo)[:, None, None] * 255.0
        return torch.round(scaled).clamp(0.0, 255.0) / 255.0
