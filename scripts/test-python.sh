#!/usr/bin/env bash
# The Python reference suite (pytest), run by `npm test` after the TypeScript suite.
# On a machine with only Node it is skipped with one line naming the Debian packages that enable it; with
# SIMPLECLICK_REQUIRE_PYTHON=1 (set by CI) a missing dependency is a failure instead, so CI cannot skip it silently.
set -euo pipefail
cd "$(dirname "$0")/../python"
PACKAGES="python3-torch python3-onnx python3-numpy python3-scipy python3-pil python3-opencv python3-pytest"
PY=/usr/bin/python3
missing=""
if [ ! -x "$PY" ]; then
  missing="python3"
else
  missing="$("$PY" - <<'PYEOF'
import importlib.util
modules = {"torch": "python3-torch", "onnx": "python3-onnx", "numpy": "python3-numpy", "scipy": "python3-scipy",
           "PIL": "python3-pil", "cv2": "python3-opencv", "pytest": "python3-pytest"}
print(" ".join(package for module, package in modules.items() if importlib.util.find_spec(module) is None))
PYEOF
)"
fi
if [ -n "$missing" ]; then
  if [ "${SIMPLECLICK_REQUIRE_PYTHON:-0}" = "1" ]; then
    echo "Python reference suite cannot run: missing $missing (apt-get install $PACKAGES)" >&2
    exit 1
  fi
  echo "Python reference suite skipped: missing $missing (apt-get install $PACKAGES to run it)"
  exit 0
fi
export OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
exec "$PY" -m pytest -q tests "$@"
