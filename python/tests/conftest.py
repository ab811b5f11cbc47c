"""Shared test setup: one thread per op (the machine has 2 shared cores), paths, fake official checkpoints."""

import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

PYTHON_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = PYTHON_DIR.parent
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

#: Keys and shapes of the official state dicts: a copy of the project's shared reference
#: (../shared/reference/simpleclick-state-dict-shapes.json, read off the released checkpoints), kept in the repo so the
#: tests run where ../shared is absent; test_reference_copy.py checks the copy against the original when it is there.
REFERENCE_SHAPES = Path(os.environ.get(
    "SIMPLECLICK_REFERENCE_SHAPES", PYTHON_DIR / "tests" / "fixtures" / "simpleclick-state-dict-shapes.json"))
SHARED_REFERENCE_SHAPES = REPO_ROOT.parent / "shared" / "reference" / "simpleclick-state-dict-shapes.json"

#: The embedded default model (trained; fp32 weights), as the SDK's tests name it in test/support/default-model.ts.
DEFAULT_MODEL = REPO_ROOT / "models" / "simpleclick-xtiny-narrow-finetuned-384.onnx"
#: Its network input size S in pixels (the `simpleclick.input_size` metadata).
DEFAULT_MODEL_SIZE_PX = 384

SLOW = os.environ.get("SIMPLECLICK_SLOW") == "1"
slow = pytest.mark.skipif(not SLOW, reason="slow test: set SIMPLECLICK_SLOW=1 to run")


def node_available() -> bool:
    from simpleclick.export import NODE_SCRIPT

    import shutil

    ort = REPO_ROOT / "node_modules" / "onnxruntime-node"
    return shutil.which("node") is not None and ort.is_dir() and NODE_SCRIPT.is_file()


needs_node = pytest.mark.skipif(not node_available(),
                                reason="needs node and onnxruntime-node (npm ci in the repo root)")
