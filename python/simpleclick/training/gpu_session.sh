#!/usr/bin/env bash
# One prepared fine-tuning stretch on a lent GPU machine, under 10 minutes, starting from the shipped weights.
#
# Prepare here (once; the pack must fit, with the tracked files (~31 MB), in the 64 MiB that travels):
#   cd python && /usr/bin/python3 -m simpleclick.training.pack_data --out ../build/gpu/train-pack-gpu.bin \
#       --max-side 448 --jpeg-quality 72 --ccp-limit 100 --extra-root ../data-extra --extra-limit 250
#   (30.3 MiB, 1,388 images with 236 PortraitFlickr portraits, 2026-12-08: fewer CCP photos make room for them)
# Then run it there with the device tool, from the repository root:
#   command: bash python/simpleclick/training/gpu_session.sh      carry: ["build/gpu"]      timeout_s: 580
# It trains for MINUTES (default 7) at S = SIZE (default 384, the best CPU size; 448 is the paper's) with batch 32
# and the source weights of the shipped recipe (the last stage of ledger.json) under fp16 autocast, 12 data workers, checkpoints every 2 minutes, and writes to $OUT:
#   weights.pth (network config + state dict, fp32, ~14 MB), train.log, metrics.csv.
# Back here: finish it like any run (export, evaluate, card, ledger):
#   mkdir -p runs/gpu/checkpoints && cp <files_at>/weights.pth runs/gpu/checkpoints/final.pth
#   cd python && /usr/bin/python3 -m simpleclick.training.finish --run ../runs/gpu
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../../.." && pwd)"
MINUTES="${MINUTES:-7}"
SIZE="${SIZE:-384}"
FROM="${FROM:-$(ls "$REPO"/models/simpleclick-*.onnx | grep -v -- '-fp16' | head -1)}"
PACK="${PACK:-$REPO/build/gpu/train-pack-gpu.bin}"
OUT="${OUT:-$REPO/build/gpu-out}"
DEVICE="${DEVICE:-cuda}"  # DEVICE=cpu MINUTES=0.5 smoke-tests the script here
RUN=/tmp/simpleclick-gpu-run
rm -rf "$RUN"
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true
cd "$REPO/python"
PY=python3; [ -x /usr/bin/python3 ] && [ "$DEVICE" = cpu ] && PY=/usr/bin/python3
export PYTHONUNBUFFERED=1
$PY -c "import sys, torch, cv2, onnx; assert sys.argv[1] != 'cuda' or torch.cuda.is_available(), 'no CUDA device'; print('torch', torch.__version__)" "$DEVICE"
HOURS="$($PY -c "print($MINUTES / 60)")"
SOURCES="$($PY -c "
import json
from simpleclick.training.finish import read_ledger
from simpleclick.training.replay import shipped_stages
print(json.dumps(shipped_stages(read_ledger())[-1]['train']['source_weights']))")"
$PY -m simpleclick.training.train --run "$RUN" --size "$SIZE" --device "$DEVICE" --batch-size 32 --workers "$([ "$DEVICE" = cuda ] && echo 12 || echo 0)" \
  --threads 4 --lr 1e-4 --warmup-steps 50 --time-budget-h "$HOURS" --seed "$(date +%s)" \
  --neck-dims 48,96,144,192 --head-channels 64 --model-name xtiny-narrow --center-click-prob 0.2 \
  --source-weights "$SOURCES" \
  --init-weights "$FROM" --pack "$PACK" --checkpoint-every-min 2 --log-every-s 30 || echo "training stopped early"
$PY - "$RUN" "$OUT/weights.pth" <<'EOF'
import os, sys, torch
run, out = sys.argv[1], sys.argv[2]
for name in ("final.pth", "last.pth"):
    path = os.path.join(run, "checkpoints", name)
    if os.path.exists(path):
        checkpoint = torch.load(path, map_location="cpu", weights_only=False)
        checkpoint.pop("optimizer", None)
        checkpoint.pop("scaler", None)
        torch.save(checkpoint, out)
        print(f"wrote {out} from {name}, step {checkpoint['step']}")
        break
else:
    sys.exit("no checkpoint was written")
EOF
cp "$RUN/train.log" "$RUN/metrics.csv" "$OUT/" 2>/dev/null || true
