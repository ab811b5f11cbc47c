#!/usr/bin/env bash
# The whole training run in one command: pack the data, train, export + evaluate + model card.
#   python/simpleclick/training/run_all.sh                  (from the repository root)
# Settings (environment): RUN (run folder, default runs/main-xtiny-narrow-256), HOURS (training budget, default 3.6),
# SIZE (S, default 256), LAYOUT (narrow|official, default narrow), DEVICE (cpu|cuda), BATCH (default 8),
# EXTRA (more train.py options). Re-running resumes an unfinished run in RUN.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../../.." && pwd)"
RUN="${RUN:-runs/main-xtiny-narrow-256}"
HOURS="${HOURS:-3.6}"
SIZE="${SIZE:-256}"
LAYOUT="${LAYOUT:-narrow}"
DEVICE="${DEVICE:-cpu}"
BATCH="${BATCH:-8}"
PY=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
case "$RUN" in /*) RUN_ABS="$RUN" ;; *) RUN_ABS="$REPO/$RUN" ;; esac
cd "$REPO/python"

if [ ! -f "$REPO/build/train-pack.bin" ]; then
  $PY -m simpleclick.training.pack_data --out "$REPO/build/train-pack.bin"
fi

LAYOUT_ARGS=()
if [ "$LAYOUT" = "narrow" ]; then
  LAYOUT_ARGS=(--neck-dims 48,96,144,192 --head-channels 64 --model-name xtiny-narrow)
fi
if [ -f "$RUN_ABS/checkpoints/last.pth" ]; then
  if [ ! -f "$RUN_ABS/checkpoints/final.pth" ]; then
    $PY -m simpleclick.training.train --run "$RUN_ABS" --resume
  fi
else
  $PY -m simpleclick.training.train --run "$RUN_ABS" --size "$SIZE" --time-budget-h "$HOURS" \
    --batch-size "$BATCH" --device "$DEVICE" --lr 2e-4 --warmup-steps 300 --center-click-prob 0.2 \
    --checkpoint-every-min 15 --snapshot-every-min 60 "${LAYOUT_ARGS[@]}" ${EXTRA:-}
fi

$PY -m simpleclick.training.finish --run "$RUN_ABS"
