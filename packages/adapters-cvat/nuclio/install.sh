#!/bin/sh
# Installs the SimpleClick service into a prepared nuclio function folder (scripts/prepare-nuclio.mjs made it):
# the packed @simpleclick packages in vendor/ and their dependencies (onnxruntime-node, sharp) from package.json.
# The function's image build runs this script (function.yaml, postCopy), and so does the test that installs a
# prepared folder, so the two cannot drift apart. Extra arguments go to npm (the test passes --offline).
#
# SIMPLECLICK_ONNXRUNTIME_INSTALL=cuda12 (function-gpu.yaml) also fetches onnxruntime-node's CUDA provider,
# which its install script downloads; otherwise scripts are skipped: the CPU binaries ship in the npm package.
set -eu
cd "$(dirname "$0")"
npm install --omit=dev --no-audit --no-fund --ignore-scripts "$@"
if [ -n "${SIMPLECLICK_ONNXRUNTIME_INSTALL:-}" ]; then
  ONNXRUNTIME_NODE_INSTALL="$SIMPLECLICK_ONNXRUNTIME_INSTALL" npm rebuild onnxruntime-node
fi
test -f node_modules/@simpleclick/adapters-cvat/dist/cli.mjs
node -e "require('onnxruntime-node'); require('sharp')"
echo "simpleclick: service installed in $(pwd)"
