#!/bin/bash
# Shared by deploy_cpu.sh and deploy_gpu.sh: prepares the nuclio function folder (scripts/prepare-nuclio.mjs:
# main.py, install.sh, both function files, the packed SDK packages, the model) and deploys it to CVAT's nuclio,
# in the shape of CVAT's serverless/deploy_cpu.sh.
#   deploy-function.sh FUNCTION_FILE [MODEL.onnx]
# Environment: NUCTL (default nuctl, of the version CVAT's nuclio dashboard runs), SIMPLECLICK_FUNCTION_DIR
# (default packages/adapters-cvat/build/nuclio-function), CVAT_NETWORK (default cvat_cvat).
set -eu

SCRIPT_DIR="$( cd "$( dirname "${BASH_SOURCE[0]}" )" >/dev/null 2>&1 && pwd )"
PACKAGE_DIR="$(dirname "$SCRIPT_DIR")"
REPO_ROOT="$(dirname "$(dirname "$PACKAGE_DIR")")"
FUNCTION_FILE=$1
MODEL=${2:-$REPO_ROOT/models/simpleclick-xtiny-narrow-finetuned-384.onnx}
FUNCTION_DIR=${SIMPLECLICK_FUNCTION_DIR:-$PACKAGE_DIR/build/nuclio-function}
NUCTL=${NUCTL:-nuctl}
NETWORK=${CVAT_NETWORK:-cvat_cvat}

export DOCKER_BUILDKIT=1

node "$SCRIPT_DIR/prepare-nuclio.mjs" --model "$MODEL" --out "$FUNCTION_DIR"

# CVAT lists the functions of the nuclio project "cvat".
"$NUCTL" get project cvat --platform local >/dev/null 2>&1 || "$NUCTL" create project cvat --platform local

echo "Deploying SimpleClick ($FUNCTION_FILE)..."
"$NUCTL" deploy --project-name cvat --path "$FUNCTION_DIR" \
    --file "$FUNCTION_DIR/$FUNCTION_FILE" --platform local \
    --platform-config "{\"attributes\": {\"network\": \"$NETWORK\"}}"

"$NUCTL" get function --platform local
