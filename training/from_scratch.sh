#!/usr/bin/env bash
# Train, export and evaluate the focus-quality model from scratch on the CPU (2 cores, under an hour in all):
#   bash training/from_scratch.sh      # → models/focus-quality.{onnx,card.json}, MODEL_CARD.md, plots; training/checkpoints/focus-quality.ckpt.npz
#   MINUTES=40 RUN=training/runs/cpu MODELS=/tmp/m CKPTS=/tmp/m bash training/from_scratch.sh   # somewhere else, e.g. to compare
# Run from the repository root; reads ../shared/data. Uses Debian's /usr/bin/python3 (torch, onnx, scipy, tifffile, matplotlib).
set -eu
MINUTES=${MINUTES:-40}
RUN=${RUN:-training/runs/cpu}
MODELS=${MODELS:-models}
CKPTS=${CKPTS:-training/checkpoints}
PY=/usr/bin/python3
mkdir -p "$RUN" "$MODELS" "$CKPTS"
$PY -m training.train --device cpu --minutes "$MINUTES" --out_dir "$RUN" --name compact16
cp "$RUN/compact16.ckpt.npz" "$CKPTS/focus-quality.ckpt.npz"
$PY -m training.export_onnx --ckpt "$CKPTS/focus-quality.ckpt.npz" --out "$MODELS/focus-quality.onnx"
$PY -m training.evaluate --ckpt "$CKPTS/focus-quality.ckpt.npz" --onnx "$MODELS/focus-quality.onnx" --out_dir "$MODELS" \
  ${PAPER_METRICS:+--paper_metrics "$PAPER_METRICS"} --json "$RUN/evaluation.json"
