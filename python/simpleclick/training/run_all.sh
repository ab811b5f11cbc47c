#!/usr/bin/env bash
# The whole recipe of the embedded default model in one command: pack the data, train from scratch, fine-tune,
# then export + evaluate + model card.
#   python/simpleclick/training/run_all.sh                                  (from the repository root)
#   FROM=models/<shipped>.onnx python/simpleclick/training/run_all.sh       (only a new fine-tuning stage, from the
#                                                                             shipped weights: the daily continuation)
# Stages (each resumes when re-run; a finished stage is skipped):
#   1. scratch: S=256, HOURS (default 3.6) on the pack at longest side 352 with the first run's source weights;
#   2. fine-tune: S=FT_SIZE (default 320), FT_HOURS (default 2.1) on the native-resolution pack, whole objects
#      weighted up, from stage 1's final.pth or from FROM.
# Settings (environment): RUN (folder prefix, default runs/main-xtiny-narrow), DEVICE (cpu|cuda), BATCH (default 8),
# SEED (fine-tuning seed, default 2), EXTRA (more train.py options for the fine-tuning stage), EXTRA_ROOT (a folder
# written by extra_data.py, e.g. data-extra: its sources join the fine-tuning pack, build/train-pack-extra.bin, with
# the source weights below).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../../.." && pwd)"
RUN="${RUN:-runs/main-xtiny-narrow}"
HOURS="${HOURS:-3.6}"
FT_SIZE="${FT_SIZE:-320}"
FT_HOURS="${FT_HOURS:-2.1}"
DEVICE="${DEVICE:-cpu}"
BATCH="${BATCH:-8}"
SEED="${SEED:-2}"
PY=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
case "$RUN" in /*) RUN_ABS="$RUN" ;; *) RUN_ABS="$REPO/$RUN" ;; esac
cd "$REPO/python"
LAYOUT=(--neck-dims 48,96,144,192 --head-channels 64 --model-name xtiny-narrow --center-click-prob 0.2
        --batch-size "$BATCH" --device "$DEVICE" --checkpoint-every-min 10)

# train RUN_DIR ARGS...: start the run, or resume it when it has a checkpoint and no final.pth yet.
train() {
  local run="$1"; shift
  if [ -f "$run/checkpoints/final.pth" ]; then return 0; fi
  if [ -f "$run/checkpoints/last.pth" ]; then
    $PY -m simpleclick.training.train --run "$run" --resume
  else
    $PY -m simpleclick.training.train --run "$run" "$@"
  fi
}

FT_SOURCES=()
if [ -n "${EXTRA_ROOT:-}" ]; then
  case "$EXTRA_ROOT" in /*) ;; *) EXTRA_ROOT="$REPO/$EXTRA_ROOT" ;; esac
  NATIVE_PACK="$REPO/build/train-pack-extra.bin"
  [ -f "$NATIVE_PACK" ] || $PY -m simpleclick.training.pack_data --out "$NATIVE_PACK" --max-side 1024 \
    --extra-root "$EXTRA_ROOT"
  # The built-in fine-tuning weights with a tenth for the portraits, taken mostly from BSDS regions and CCP parts.
  FT_SOURCES=(--source-weights '{"BSDS500": 0.17, "CCP": 0.12, "coco128-seg": 0.18, "WeizmannSED": 0.11,
    "WeizmannHorse": 0.07, "PortraitFlickr": 0.10, "copy-paste": 0.15, "synthetic": 0.10}')
else
  NATIVE_PACK="$REPO/build/train-pack-native.bin"
  [ -f "$NATIVE_PACK" ] || $PY -m simpleclick.training.pack_data --out "$NATIVE_PACK" --max-side 1024
fi

if [ -n "${FROM:-}" ]; then
  START="$(cd "$REPO" && realpath "$FROM")"
  FT_RUN="$RUN_ABS-ft-$(date -u +%Y%m%d)-s$SEED"
else
  SCRATCH_PACK="$REPO/build/train-pack.bin"
  [ -f "$SCRATCH_PACK" ] || $PY -m simpleclick.training.pack_data --out "$SCRATCH_PACK" --max-side 352
  SCRATCH_WEIGHTS='{"BSDS500": 0.30, "CCP": 0.15, "coco128-seg": 0.15, "WeizmannSED": 0.10, "WeizmannHorse": 0.07, "copy-paste": 0.13, "synthetic": 0.10}'
  train "$RUN_ABS-256" --size 256 --time-budget-h "$HOURS" --lr 2e-4 --warmup-steps 300 --pack "$SCRATCH_PACK" \
    --source-weights "$SCRATCH_WEIGHTS" --whole-layer-probs '{}' "${LAYOUT[@]}"
  START="$RUN_ABS-256/checkpoints/final.pth"
  FT_RUN="$RUN_ABS-ft-$FT_SIZE"
fi

train "$FT_RUN" --size "$FT_SIZE" --time-budget-h "$FT_HOURS" --lr 1e-4 --warmup-steps 100 --seed "$SEED" \
  --pack "$NATIVE_PACK" --init-weights "$START" "${LAYOUT[@]}" "${FT_SOURCES[@]}" ${EXTRA:-}

# Export, evaluate, card; says whether the run beats the shipped model (ship only then).
$PY -m simpleclick.training.finish --run "$FT_RUN"
