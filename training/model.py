"""
The networks: a compact defocus classifier of our design, and the paper's architecture as the reference.

Both map a [N,1,84,84] patch (counts / 65535) to logits over the ordered defocus levels; `WithSoftmax` puts the
softmax inside the exported graph. The ranked probability score (Murphy 1971) is the training loss.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

FULL_SCALE = 65535.0


class PoissonStabilise(nn.Module):
    """Anscombe transform of the counts, 2·sqrt(x + 3/8), scaled to ~unit range.

    Photon noise grows with brightness; after this transform its standard deviation is ~1 count-unit everywhere,
    so one set of filters can tell blur from noise across the 0.2–5× gain range. It is part of the graph, so the
    model's input contract stays "raw value / full scale".
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 2.0 * torch.sqrt(torch.clamp(x, min=0.0) * FULL_SCALE + 0.375) / 64.0


def conv_bn(cin: int, cout: int, k: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class CompactNet(nn.Module):
    """Four strided conv-BN-ReLU stages and a global average pool: ~16× fewer multiply-adds than the paper's net.

    84 → 42 (5×5) → 21 → 11 → 6 (3×3). The first layer is full-resolution 5×5 on the stabilised counts, since the
    difference between levels 0 and 1 lives in the finest detail; global pooling lets background regions of a patch
    average out instead of demanding a verdict of every location.
    """

    def __init__(self, levels: int = 11, width: int = 16, stabilise: bool = True):
        super().__init__()
        w = width
        # The Anscombe layer only makes sense when the input is counts (the "full-scale" rule); under the
        # "percentile" rule the input is already offset- and gain-free, and the first conv sees it directly.
        self.features = nn.Sequential(
            PoissonStabilise() if stabilise else nn.Identity(),
            conv_bn(1, w, 5, 2),
            conv_bn(w, 2 * w, 3, 2),
            conv_bn(2 * w, 4 * w, 3, 2),
            conv_bn(4 * w, 8 * w, 3, 2),
        )
        self.head = nn.Linear(8 * w, levels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))


class PaperNet(nn.Module):
    """Yang et al. 2018, Fig. 2a: conv32 5×5 → pool → conv64 5×5 → pool → fc1024 → dropout 0.5 → fc(levels). ~29M parameters."""

    def __init__(self, levels: int = 11, patch: int = 84):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        side = patch // 4
        self.fc1 = nn.Linear(64 * side * side, 1024)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(1024, levels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(self.drop(F.relu(self.fc1(x.flatten(1)))))


class WithSoftmax(nn.Module):
    """Export wrapper: probabilities, not logits, leave the graph."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, patches: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(patches), dim=1)


def build_model(arch: str, levels: int = 11, width: int = 16, rule: str = "full-scale") -> nn.Module:
    """`rule` is the intensity rule of the input (training/inputs.py): counts for "full-scale", normalised otherwise."""
    if arch == "compact":
        return CompactNet(levels, width, stabilise=(rule == "full-scale"))
    if arch == "paper":
        return PaperNet(levels)
    raise ValueError(f"unknown architecture {arch!r} (choose compact or paper)")


def rps_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Ranked probability score: mean over the batch of Σ_k (CDF_pred(k) − CDF_true(k))² / (levels − 1).

    0 for a certain correct answer; a wrong answer costs more the further its mass sits from the true level.
    """
    levels = logits.shape[1]
    cdf_pred = torch.cumsum(torch.softmax(logits, dim=1), dim=1)[:, :-1]
    ks = torch.arange(levels - 1, device=logits.device)
    cdf_true = (ks[None, :] >= target[:, None]).to(cdf_pred.dtype)
    return ((cdf_pred - cdf_true) ** 2).sum(dim=1).mean() / (levels - 1)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def save_checkpoint(path, model: nn.Module, config: dict, extra: dict | None = None) -> None:
    """Weights as plain float arrays in an .npz plus the training config as JSON: readable by any numpy/torch
    version (the GPU machine's torch is newer than Debian's), and the checkpoint alone rebuilds the model. Written to
    a temporary file and renamed, so an interruption never leaves a half-written checkpoint under `path`."""
    import json
    import os
    from pathlib import Path

    import numpy as np

    arrays = {k: v.detach().float().cpu().numpy() if v.is_floating_point() else v.detach().cpu().numpy()
              for k, v in model.state_dict().items()}
    arrays["__config__"] = np.array(json.dumps({"config": config, **(extra or {})}))
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)


def load_checkpoint(path) -> tuple[nn.Module, dict]:
    """The model (eval mode, CPU) and the metadata saved with it ({'config': …, …})."""
    import json
    from pathlib import Path

    import numpy as np

    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such checkpoint")
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["__config__"]))
        cfg = meta["config"]
        model = build_model(cfg["arch"], cfg["levels"], cfg.get("width", 16), cfg.get("rule", "full-scale"))
        state = {k: torch.from_numpy(np.array(z[k])) for k in z.files if k != "__config__"}
    model.load_state_dict(state)
    model.eval()
    return model, meta
