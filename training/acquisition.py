"""
The camera between the (defocused) specimen and the file: uneven illumination, photon shot noise, read noise, gain,
offset, the ADC's bit depth with clipping, and how the numbers are stored (8- or 12-bit data in 16-bit files, 8-bit
files, ImageJ's 16→8-bit conversion). Issue 10, item 3.

Model, per pixel, for a specimen `s` scaled so that 1 is the field's bright reference (its 99.9th percentile in focus):

    photons  ~ Poisson(peak · illumination(x, y) · (s + background))
    electrons = photons + Normal(0, read_noise²)                       (read noise in e⁻ rms)
    value     = clip(round(gain · electrons + offset), 0, 2^bits − 1)    (gain in ADU per e⁻)

so, before clipping and rounding, E[value] = gain·λ + offset and Var[value] = gain²·(λ + read_noise²) with
λ = peak·illumination·(s + background) (the test checks these). `eight_bit` then maps the image's min…max to 0…255 and
rounds, as ImageJ's "8-bit" command does with the default display range. Everything runs in torch on [B, H, W]
tensors with one setting per image, so the training sampler and the evaluation use the same code.

Example
-------
>>> import torch
>>> cam = Acquisition(peak=200, read_noise=2, gain=1.0, offset=100)
>>> img, full = acquire(torch.full((1, 64, 64), 0.5), [cam], torch.Generator().manual_seed(0))
>>> full, round(float(img.mean()) / 10) * 10
(65535, 200)
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import torch


@dataclass(frozen=True)
class Acquisition:
    peak: float = 2000.0  # expected photons at the field's bright reference (in focus); 20 = very dim
    background: float = 0.02  # uniform extra fluorescence, as a fraction of the reference
    read_noise: float = 2.0  # e⁻ rms
    gain: float = 1.0  # ADU per e⁻
    offset: float = 100.0  # ADU added by the camera
    bits: int = 16  # ADC bit depth: values clip at 2^bits − 1
    stored_bits: int = 16  # 16: a 16-bit file whatever the ADC gave (8/12-bit data in 16-bit files); 8: an 8-bit file
    eight_bit: bool = False  # ImageJ's 16→8-bit conversion (min…max → 0…255, rounded) into an 8-bit file
    illumination: float = 0.0  # fall-off of the illumination from the field centre to its corners (0 = even, 0.5 = half)

    def full_scale(self) -> int:
        """The full scale of the stored file: 255 for 8-bit files, 65535 for 16-bit ones."""
        return 255 if (self.stored_bits == 8 or self.eight_bit) else 65535

    def describe(self) -> dict:
        return asdict(self)


# Named conditions of the evaluation (issue 10's table, plus the storage cases of item 3).
CONDITIONS: dict[str, Acquisition] = {
    "typical": Acquisition(),
    "dim-high-offset": Acquisition(peak=500, gain=0.1, offset=1000),
    "50-photons-10e": Acquisition(peak=50, read_noise=10, background=0.05),
    "20-photons-2e": Acquisition(peak=20, read_noise=2, background=0.05),
    "bright-saturated": Acquisition(peak=20000, gain=6.0, offset=200),
    "uneven-illumination": Acquisition(illumination=0.6, background=0.1),
    "12-bit-in-16-bit": Acquisition(peak=1500, gain=2.0, bits=12),
    "8-bit-in-16-bit": Acquisition(peak=1000, gain=0.2, offset=5, bits=8),
    "8-bit-file": Acquisition(peak=1000, gain=0.2, offset=5, bits=8, stored_bits=8),
    "8-bit-conversion": Acquisition(eight_bit=True),
}


def illumination_at(ys: torch.Tensor, xs: torch.Tensor, size: tuple[int, int], falloff: float,
                    centre: tuple[float, float] = (0.5, 0.5)) -> torch.Tensor:
    """Multiplicative illumination at pixel coordinates (ys, xs) of a field of `size` (H, W): 1 at `centre`
    (fractions of the field), falling off as a Gaussian to 1 − falloff at the field's farthest corner."""
    if falloff <= 0:
        return torch.ones(torch.broadcast_shapes(ys.shape, xs.shape))
    H, W = size
    dy = ys.float() / max(H - 1, 1) - centre[0]
    dx = xs.float() / max(W - 1, 1) - centre[1]
    corner = max(centre[0], 1 - centre[0]) ** 2 + max(centre[1], 1 - centre[1]) ** 2
    k = -math.log(max(1.0 - falloff, 1e-3)) / corner
    return torch.exp(-k * (dy ** 2 + dx ** 2))


def illumination_field(h: int, w: int, falloff: float, centre: tuple[float, float] = (0.5, 0.5),
                       size: tuple[int, int] | None = None, origin: tuple[int, int] = (0, 0)) -> torch.Tensor:
    """illumination_at over an [h, w] crop whose corner sits at `origin` in the full field `size` (default: the crop)."""
    ys = torch.arange(h)[:, None] + origin[0]
    xs = torch.arange(w)[None, :] + origin[1]
    return illumination_at(ys, xs, size or (h, w), falloff, centre)


def acquire(signal: torch.Tensor, settings: list[Acquisition], generator: torch.Generator,
            illumination: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | int]:
    """Camera values of `signal` [B, H, W] (1 = bright reference) under one setting per image.

    Returns (values [B, H, W] float32 as stored in the file, full scale of the file: an int when all files share it,
    else a [B] tensor). `illumination` [B, H, W] overrides the centred fall-off field (the sampler passes the crop's
    part of a whole field)."""
    b, h, w = signal.shape
    if len(settings) != b:
        raise ValueError(f"{b} images but {len(settings)} settings")
    dev = signal.device
    col = lambda name: torch.tensor([getattr(s, name) for s in settings], dtype=torch.float32, device=dev)[:, None, None]
    if illumination is None:
        illumination = torch.stack([illumination_field(h, w, s.illumination) for s in settings]).to(dev)
    lam = (col("peak") * illumination * (signal.clamp_min(0) + col("background"))).clamp_min(0)
    electrons = torch.poisson(lam, generator=generator)
    electrons = electrons + col("read_noise") * torch.randn(lam.shape, generator=generator, device=dev)
    top = torch.tensor([2.0 ** s.bits - 1 for s in settings], device=dev)[:, None, None]
    values = torch.minimum(torch.round(col("gain") * electrons + col("offset")).clamp_min(0), top)
    conv = torch.tensor([s.eight_bit for s in settings], device=dev)
    if conv.any():
        lo = values.amin(dim=(1, 2), keepdim=True)
        hi = values.amax(dim=(1, 2), keepdim=True)
        eight = torch.round((values - lo) / (hi - lo).clamp_min(1.0) * 255.0)
        values = torch.where(conv[:, None, None], eight, values)
    full = [s.full_scale() for s in settings]
    return values.float(), full[0] if len(set(full)) == 1 else torch.tensor(full, dtype=torch.float32, device=dev)


def sample_settings(n: int, generator: torch.Generator, low_light_share: float = 0.0) -> list[Acquisition]:
    """Random camera settings for training, drawn wide (issue 10, item 3): peak 20–20,000 photons (log-uniform),
    read noise 1–10 e⁻, background 0.1–50 % of the reference, offsets 1–2,000 ADU (a few at 32,768, as some cameras
    store signed data), gains that range from sub-ADU steps to saturation, 16/12/8-bit ADCs and 8-bit files, ImageJ
    8-bit conversions and uneven illumination. A `low_light_share` of the settings draw their peak from 20–200 photons
    instead (the hardest cameras, where noise can pass for detail); 0 keeps the draw as it always was."""
    u = torch.rand(n, 12, generator=generator).tolist()
    out = []
    for r in u:
        top = 200 if r[10] < low_light_share else 20000
        peak = math.exp(math.log(20) + r[0] * (math.log(top) - math.log(20)))
        background = math.exp(math.log(0.001) + r[1] * (math.log(0.5) - math.log(0.001)))
        read_noise = 1 + 9 * r[2]
        bits, stored = (16, 16) if r[3] < 0.55 else (12, 16) if r[3] < 0.75 else (8, 16) if r[3] < 0.85 else (8, 8)
        full = 2.0 ** bits - 1
        offset = 32768.0 if (bits == 16 and r[4] < 0.04) else math.exp(r[5] * math.log(0.1 * full if bits < 16 else 2000))
        # How far up the ADC range the bright reference lands: 0.2 % (deep quantisation) … 200 % (saturated).
        fill = math.exp(math.log(0.002) + r[6] * (math.log(2.0) - math.log(0.002)))
        gain = min(max(max(fill * (full - offset), 0.5) / (peak * (1 + background)), 0.01), 200.0)
        out.append(Acquisition(peak=peak, background=background, read_noise=read_noise, gain=gain, offset=offset,
                               bits=bits, stored_bits=stored, eight_bit=(stored == 16 and r[7] < 0.15),
                               illumination=0.7 * r[8] if r[9] < 0.4 else 0.0))
    return out


def with_peak(setting: Acquisition, peak: float) -> Acquisition:
    return replace(setting, peak=peak)
