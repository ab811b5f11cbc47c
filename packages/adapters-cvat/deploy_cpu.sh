#!/bin/bash
# Deploys SimpleClick as a CVAT interactor on the CPU (nuclio/function.yaml), like CVAT's serverless/deploy_cpu.sh.
#   packages/adapters-cvat/deploy_cpu.sh [MODEL.onnx]      (default: the embedded model; run `npm run build` first)
set -eu
exec "$( cd "$( dirname "${BASH_SOURCE[0]}" )" >/dev/null 2>&1 && pwd )/scripts/deploy-function.sh" function.yaml "$@"
