#!/usr/bin/env sh
# Starts the ML backend in an assembled folder (assemble.sh): the container's command. It listens on all
# interfaces, given explicitly, because inside a container loopback is the container itself; without
# BASIC_AUTH_USER / BASIC_AUTH_PASS the backend says in its log that anyone who can reach the port can use it.
#
# Environment (docker-compose.yml sets these): PORT (9090), HOST (0.0.0.0), SIMPLECLICK_MODEL (the model baked in),
# LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY, BASIC_AUTH_USER, BASIC_AUTH_PASS, LOCAL_FILES_DOCUMENT_ROOT,
# SIMPLECLICK_ALLOWED_HOSTS, SIMPLECLICK_DEVICE (cpu or cuda), SIMPLECLICK_BOUNDARY_REFINEMENT (on, off or
# r=<px>,eps=<x>,guide=rgb|gray,s=<n>); more flags may follow on the command line.
set -eu
app_dir="$(cd "$(dirname "$0")" && pwd)"
if [ -z "${SIMPLECLICK_MODEL:-}" ]; then
  SIMPLECLICK_MODEL="$(ls "$app_dir"/models/*.onnx | head -n 1)"
  export SIMPLECLICK_MODEL
fi
exec node "$app_dir/node_modules/@simpleclick/adapters-labelstudio/dist/cli.mjs" \
  --host "${HOST:-0.0.0.0}" --port "${PORT:-9090}" "$@"
