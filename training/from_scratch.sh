#!/usr/bin/env bash
# Rebuild the data, train, export and evaluate the focus-quality model from scratch on the CPU:
#   bash training/from_scratch.sh      # → models/focus-quality.{onnx,card.json}, .b64 copy, MODEL_CARD.md, plots;
#                                      #   training/checkpoints/focus-quality.ckpt.npz
#   STEPS=2000 TUNE_STEPS=1000 DIM_STEPS=1000 COARSE_STEPS=1000 BRIGHT_STEPS=1000 RUN=/tmp/run MODELS=/tmp/m CKPTS=/tmp/m bash training/from_scratch.sh   # a shorter one elsewhere
# Seven stages and three averages (the shipped 2.5.0): STEPS from scratch (2.0.0's recipe), TUNE_STEPS from those weights
# with scale augmentation (every field also with 1.5× and 2× larger pixels: 2.1.0), DIM_STEPS more with 30 % of the
# cameras at 20–200 photons (2.2.0), COARSE_STEPS more with 20 % of the patches from cameras with 1.24–2.47× larger
# pixels put back on the native grid, then the weight average of the last two (training/soup.py: 2.3.0), BRIGHT_STEPS
# more from that average with 25 % of the patches' percentile range widened 1.5–8× (a bright object elsewhere in the
# field: --bright_share), then the average of 2.3.0 and that run (2.4.0), then two HAZE_STEPS runs from 2.4.0 with 25 %
# of the patches under out-of-focus glow (--haze_share; seeds 103 and 104) and the average of the three (2.5.0). On the
# 2-core machine: ~97 min (1 thread, busy machine) + ~27 + ~28 + ~31 min (2 threads, idle) + ~15 min (1 thread) + 2 × ~15
# min (1 thread each; run one after the other here); a stage of 0 steps ends the chain there (TUNE_STEPS=0 stops after
# the first stage, COARSE_STEPS=0 gives 2.2.0, BRIGHT_STEPS=0 gives 2.3.0, HAZE_STEPS=0 gives 2.4.0).
# Run from the repository root. Needs the bare git mirrors of the data sources (MIRRORS, default /work/.mirror; see
# training/fetch_data.py for how to make them anywhere) and the shared BBBC006 images (../shared/data). Uses Debian's
# /usr/bin/python3 (torch, onnx, scipy, tifffile, PIL, matplotlib). A killed run continues with RESUME=1.
set -eu
STEPS=${STEPS:-10000}
RUN=${RUN:-training/runs/main}
MODELS=${MODELS:-models}
CKPTS=${CKPTS:-training/checkpoints}
MIRRORS=${MIRRORS:-/work/.mirror}
TUNE_STEPS=${TUNE_STEPS:-12000}
DIM_STEPS=${DIM_STEPS:-12000}
COARSE_STEPS=${COARSE_STEPS:-12000}
BRIGHT_STEPS=${BRIGHT_STEPS:-12000}
HAZE_STEPS=${HAZE_STEPS:-12000}
VERSION=${VERSION:-2.5.0}
PY=${PY:-/usr/bin/python3}
mkdir -p "$RUN" "$MODELS" "$CKPTS"
[ -f .devdata/fields/index.json ] || $PY -m training.fetch_data --mirrors "$MIRRORS"
# stage NAME STEPS [train.py flags…]: one run in $RUN, continued by RESUME=1 where its config exists; a stage
# of 0 steps ends the chain there (the later stages fine-tune the earlier ones' weights). A failed run stops the
# script (`|| exit`: set -e does not reach into an && chain).
FINAL=""
stage() {
  local name=$1 steps=$2
  shift 2
  if [ "$steps" -le 0 ]; then return 1; fi
  if [ "${RESUME:-0}" = 1 ] && [ -f "$RUN/$name.config.json" ]; then
    $PY -m training.train --resume --out_dir "$RUN" --name "$name" || exit $?
  else
    $PY -m training.train ${FINAL:+--init "$FINAL"} "$@" --max_steps "$steps" --out_dir "$RUN" --name "$name" || exit $?
  fi
  FINAL="$RUN/$name.ckpt.npz"
}
NOTES="bash training/from_scratch.sh: $STEPS steps from scratch"
stage compact16 "$STEPS" --rule percentile &&
  stage scale "$TUNE_STEPS" --scale_aug 1.5,2 --lr 1e-3 --seed 31 --threads 2 &&
  NOTES="$NOTES, $TUNE_STEPS with scale augmentation (--scale_aug 1.5,2)" &&
  stage lowlight "$DIM_STEPS" --scale_aug 1.5,2 --low_light_share 0.3 --lr 5e-4 --seed 41 --threads 2 &&
  NOTES="$NOTES, $DIM_STEPS adding --low_light_share 0.3" &&
  stage coarse "$COARSE_STEPS" --scale_aug 1.5,2 --low_light_share 0.3 --coarse_share 0.2 --lr 5e-4 --seed 51 --threads 2 &&
  { $PY -m training.soup --ckpts "$RUN/lowlight.ckpt.npz" "$RUN/coarse.ckpt.npz" --out "$RUN/soup.ckpt.npz" || exit $?; } &&
  FINAL="$RUN/soup.ckpt.npz" &&
  NOTES="$NOTES; from those weights $COARSE_STEPS more adding --coarse_share 0.2, and the weight average of the last two (training/soup.py)" &&
  stage bright "$BRIGHT_STEPS" --scale_aug 1.5,2 --low_light_share 0.3 --coarse_share 0.2 --bright_share 0.25 --lr 5e-4 --seed 83 --threads 1 &&
  { $PY -m training.soup --ckpts "$RUN/soup.ckpt.npz" "$RUN/bright.ckpt.npz" --out "$RUN/soup2.ckpt.npz" || exit $?; } &&
  FINAL="$RUN/soup2.ckpt.npz" &&
  NOTES="$NOTES; from that average $BRIGHT_STEPS more adding --bright_share 0.25, and the weight average of the two" &&
  BASE="$FINAL" &&
  stage haze "$HAZE_STEPS" --scale_aug 1.5,2 --low_light_share 0.3 --coarse_share 0.2 --bright_share 0.25 --haze_share 0.25 --lr 5e-4 --seed 103 --threads 1 &&
  FINAL="$BASE" &&
  stage haze2 "$HAZE_STEPS" --scale_aug 1.5,2 --low_light_share 0.3 --coarse_share 0.2 --bright_share 0.25 --haze_share 0.25 --lr 5e-4 --seed 104 --threads 1 &&
  { $PY -m training.soup --ckpts "$BASE" "$RUN/haze.ckpt.npz" "$RUN/haze2.ckpt.npz" --out "$RUN/soup3.ckpt.npz" || exit $?; } &&
  FINAL="$RUN/soup3.ckpt.npz" &&
  NOTES="$NOTES; from that average two runs of $HAZE_STEPS more adding --haze_share 0.25 (seeds 103, 104), and the weight average of the three" || true
[ -n "$FINAL" ] || { echo "error: STEPS=$STEPS: the first stage needs steps" >&2; exit 2; }
cp "$FINAL" "$CKPTS/focus-quality.ckpt.npz"
$PY -m training.export_onnx --ckpt "$CKPTS/focus-quality.ckpt.npz" --out "$MODELS/focus-quality.onnx" --version "$VERSION" --notes "$NOTES"
$PY -m training.evaluate --ckpt "$CKPTS/focus-quality.ckpt.npz" --onnx "$MODELS/focus-quality.onnx" --out_dir "$MODELS"
# evaluate.py writes the card's aggregation and verdict rule: copy them into the fixed-batch model's card.
$PY -m training.export_onnx --out "$MODELS/focus-quality.onnx" --fixed_batch 64
