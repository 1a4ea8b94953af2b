"""
Inputs and PyTorch outputs for the ONNX parity test (test/training/onnx-parity.test.ts), which runs the same ONNX
file in onnxruntime-web and compares. Writes into --out: inputs.bin (float32 [N,1,84,84], little-endian),
expected.bin (float32 [N,levels]) and fixture.json ({"onnx": path, "n": N, "levels": L}).

    /usr/bin/python3 -m training.parity_fixture --out /tmp/p --smoke      # run the smoke pipeline into /tmp/p first
    /usr/bin/python3 -m training.parity_fixture --out /tmp/p              # the shipped model (models/)

The patches are real: a held-out field defocused to several levels and gains, plus a blank, a saturated and a
dim noisy patch, so both confident and uncertain outputs are compared.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from training.data import FULL_SCALE, PATCH, read_image
from training.inputs import FULL_SCALE_RULE, PERCENTILE, normalise
from training.model import load_checkpoint
from training.psf import defocus_image


def smoke_pipeline(out: Path, data_dir: str) -> tuple[Path, Path]:
    """The real pipeline on tiny settings: train a few steps, export ONNX + card."""
    from training import export_onnx, train

    rc = train.main(["--data_dir", data_dir, "--max_steps", "4", "--batch_size", "8", "--val_patches", "16", "--log_interval", "2",
                     "--cache", "", "--out_dir", str(out), "--name", "smoke"])
    if rc != 0:
        raise SystemExit(f"smoke training failed with exit status {rc}")
    ckpt, onnx_path = out / "smoke.ckpt.npz", out / "smoke.onnx"
    rc = export_onnx.main(["--ckpt", str(ckpt), "--out", str(onnx_path), "--version", "0.0.0-smoke"])
    if rc != 0:
        raise SystemExit(f"smoke export failed with exit status {rc}")
    return ckpt, onnx_path


def patches(data_dir: str, rule: dict) -> np.ndarray:
    """Model inputs under the model's intensity rule: whole defocused images mapped by the rule, then cropped."""
    img = read_image(Path(data_dir) / "BBBC006_a05_s1_w1_z10.tif")
    rng = np.random.default_rng(7)
    out = []
    for level, gain, offset in ((0, 1.0, 10.0), (2, 0.3, 500.0), (5, 3.0, 1.0), (10, 1.0, 100.0)):
        noisy = normalise(defocus_image(img, level, rng, gain, offset), FULL_SCALE, rule)
        for y, x in ((200, 300), (400, 600), (0, 0)):
            out.append(noisy[y:y + PATCH, x:x + PATCH])
    out.append(np.zeros((PATCH, PATCH)))
    out.append(np.ones((PATCH, PATCH)))
    out.append(normalise(rng.poisson(20.0, size=(300, 300)).astype(np.float64), FULL_SCALE, rule)[:PATCH, :PATCH])
    return np.stack(out).astype(np.float32)[:, None]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="folder for the fixture files")
    p.add_argument("--smoke", action="store_true", help="run the smoke pipeline and use its model")
    p.add_argument("--ckpt", default="training/checkpoints/focus-quality.ckpt.npz", help="checkpoint (without --smoke)")
    p.add_argument("--onnx", default="models/focus-quality.onnx", help="its ONNX export (without --smoke)")
    p.add_argument("--data_dir", default="test/fixtures/images/bbbc006-in-focus", help="real in-focus images")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt, onnx_path = smoke_pipeline(out, args.data_dir) if args.smoke else (Path(args.ckpt), Path(args.onnx))
    model, meta = load_checkpoint(ckpt)
    x = patches(args.data_dir, PERCENTILE if meta["config"].get("rule") == "percentile" else FULL_SCALE_RULE)
    with torch.no_grad():
        probs = torch.softmax(model(torch.from_numpy(x)), dim=1).numpy().astype(np.float32)
    x.astype("<f4").tofile(out / "inputs.bin")
    probs.astype("<f4").tofile(out / "expected.bin")
    (out / "fixture.json").write_text(json.dumps({"onnx": str(onnx_path.resolve()), "n": int(len(x)), "levels": int(probs.shape[1]),
                                                  "patchSize": PATCH, "arch": meta["config"]["arch"]}))
    print(f"wrote {len(x)} patches and PyTorch outputs to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
