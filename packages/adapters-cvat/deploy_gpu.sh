#!/bin/bash
# Deploys SimpleClick as a CVAT interactor on an NVIDIA GPU (nuclio/function-gpu.yaml: onnxruntime-node's CUDA
# provider), like CVAT's serverless/deploy_gpu.sh. Needs the NVIDIA container toolkit on the Docker host.
#   packages/adapters-cvat/deploy_gpu.sh [MODEL.onnx]      (default: the embedded model; run `npm run build` first)
set -eu
exec "$( cd "$( dirname "${BASH_SOURCE[0]}" )" >/dev/null 2>&1 && pwd )/scripts/deploy-function.sh" function-gpu.yaml "$@"
