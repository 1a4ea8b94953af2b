"""
The machine-readable model card (`models/*.card.json`, schema "focus-quality-model-card/1", read by
src/core/model-card.ts). export_onnx.py writes it with the I/O contract; evaluate.py adds the measured metrics.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

SCHEMA = "focus-quality-model-card/1"
# The card's `scaling` for each intensity rule of training/inputs.py (src/core/scaling.ts reads `rule` and the numbers).
SCALINGS = {
    "full-scale": {
        "rule": "full-scale",
        "text": "raw value / full scale of the bit depth; no per-image normalisation",
        "uint8": 255,
        "uint16": 65535,
        "float32": "as is when every value lies in [0, 1], else / 65535",
    },
    "percentile": {
        "rule": "percentile",
        "low": 1.0,
        "high": 99.9,
        "maxSamples": 65536,
        "text": "(value − P1) / (P99.9 − P1) of the image's own values (every k-th pixel, k = ceil(n / 65536)); a range below one count is one count",
    },
}
SCALING = SCALINGS["full-scale"]
NATIVE_PIXEL_UM = 0.65  # the pixel size of the training defocus (training/psf.py, training/sources.py)


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_card(onnx_path: Path, name: str, version: str, patch: int, levels: int, in_focus_max: int,
              training: dict, metrics: dict | None = None, aggregation: str = "median", rule: str = "full-scale") -> dict:
    card = {
        "schema": SCHEMA,
        "name": name,
        "version": version,
        "file": onnx_path.name,
        "sha256": sha256(onnx_path),
        "input": {"name": "patches", "shape": ["N", 1, patch, patch], "dtype": "float32"},
        "output": {"name": "probabilities", "shape": ["N", levels], "dtype": "float32"},
        "patchSize": patch,
        "levels": levels,
        "inFocusMaxLevel": in_focus_max,
        "aggregation": aggregation,
        "scaling": SCALINGS[rule],
        "training": training,
        "metrics": metrics or {},
        "licence": "Apache-2.0",
    }
    if rule == "percentile":  # model 2 on: trained at a known pixel size, which the code resamples to
        card["pixelSizeUm"] = NATIVE_PIXEL_UM
    return card


def write_card(path: str | Path, card: dict) -> None:
    Path(path).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
