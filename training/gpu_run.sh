#!/usr/bin/env bash
# The one GPU call that made the shipped model: trains three compact widths and the paper architecture (two learning
# rates) side by side on one GPU with the same data, loss and schedule, then evaluates all of them on the same
# held-out synthetic stacks. Needs the BBBC006 images in .devdata/ (carried to the device machine).
#   OUT=/tmp/o DEVICE=cpu MINUTES=0.1 PY=/usr/bin/python3 bash training/gpu_run.sh     # rehearsal on the CPU
set -u
DEVICE=${DEVICE:-cuda}
MINUTES=${MINUTES:-6}
PY=${PY:-python3}
OUT=${OUT:?set OUT to the output folder}
LOGS=$(mktemp -d)
export PYTHONUNBUFFERED=1
mkdir -p "$OUT"
nvidia-smi -L 2>/dev/null || true
$PY -c "import torch, numpy; print('torch', torch.__version__, 'numpy', numpy.__version__, 'cuda', torch.cuda.is_available())"

# Rehearsal: a few steps of both architectures and the evaluation, so a broken call fails in seconds, not minutes.
dry=(--device "$DEVICE" --data_dir .devdata --procedural 2 --max_steps 3 --batch_size 256 --val_patches 256 --out_dir /tmp/fq_dry)
$PY -m training.train "${dry[@]}" --arch compact --name c >/tmp/fq_dry.txt 2>&1 &&
  $PY -m training.train "${dry[@]}" --arch paper --name p >>/tmp/fq_dry.txt 2>&1 &&
  $PY -m training.evaluate --synthetic_only --device "$DEVICE" --held_out_dir .devdata --draws 1 --ckpt /tmp/fq_dry/c.ckpt.npz \
    --ckpt /tmp/fq_dry/p.ckpt.npz --json /tmp/fq_dry/m.json >>/tmp/fq_dry.txt 2>&1 || { tail -30 /tmp/fq_dry.txt; echo "REHEARSAL FAILED"; exit 1; }
echo "rehearsal ok"

common=(--device "$DEVICE" --data_dir .devdata --procedural 96 --batch_size 256 --minutes "$MINUTES" --log_interval 1000 --eval_interval 2000)
train() { # name out_dir args...
  local name=$1 dir=$2; shift 2
  $PY -m training.train "${common[@]}" --name "$name" --out_dir "$dir" "$@" 2>&1 | sed -u "s/^/[$name] /" | grep -v '"step": [0-9]*[1-9]000,' &
}
train compact16 "$OUT" --arch compact --width 16 --lr 2e-3
train compact8 "$OUT" --arch compact --width 8 --lr 3e-3
train compact24 "$OUT" --arch compact --width 24 --lr 2e-3
train paper_lr1e-4 "$LOGS" --arch paper --lr 1e-4
train paper_lr3e-5 "$LOGS" --arch paper --lr 3e-5
wait
mv "$OUT"/*.log.jsonl "$LOGS"/ 2>/dev/null
ckpts=()
for f in "$OUT"/compact16.ckpt.npz "$OUT"/compact8.ckpt.npz "$OUT"/compact24.ckpt.npz "$LOGS"/paper_lr1e-4.ckpt.npz "$LOGS"/paper_lr3e-5.ckpt.npz; do
  [ -f "$f" ] && ckpts+=(--ckpt "$f")
done
$PY -m training.evaluate --synthetic_only --device "$DEVICE" --held_out_dir .devdata "${ckpts[@]}" --json "$OUT/gpu_metrics.json"
tar czf "$OUT/logs.tgz" -C "$LOGS" $(cd "$LOGS" && ls *.jsonl)
ls -la "$OUT"
