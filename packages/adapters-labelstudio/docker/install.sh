#!/usr/bin/env bash
# Builds the ML backend from a checkout of this repository and assembles it in DEST: the build step of the
# container images (Dockerfile, Dockerfile.gpu), run from the repository root. The assembling half is
# assemble.sh, which the tests run on every CI run against the repository's own build.
#
#   packages/adapters-labelstudio/docker/install.sh DEST [MODEL_FILE]
#
# Environment: ONNXRUNTIME_NODE_INSTALL (default "skip": the CPU binaries ship inside onnxruntime-node's npm
# package; "cuda12" downloads its CUDA provider for the GPU image).
set -euo pipefail
dest="${1:?usage: install.sh DEST [MODEL_FILE]}"
model="${2:-models/simpleclick-xtiny-narrow-finetuned-384.onnx}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
npm ci --no-audit --no-fund
npm run build
"$here/assemble.sh" "$dest" "$model"
