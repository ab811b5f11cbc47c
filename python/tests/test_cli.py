"""The command line, run as users run it: python3 -m simpleclick ..."""

import os
import subprocess
import sys
from importlib.util import find_spec

import pytest
import torch

from conftest import DEFAULT_MODEL, DEFAULT_MODEL_SIZE_PX, PYTHON_DIR, needs_node
from official_files import write_official_checkpoint
from simpleclick.network import build_network


def _cli(*args, cwd=None):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", SIMPLECLICK_THREADS="1",
               PYTHONPATH=str(PYTHON_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "simpleclick", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd or PYTHON_DIR, timeout=600)


def _one_error_line(done) -> str:
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@needs_node
def test_export_from_official_checkpoint(tmp_path):
    net = build_network("xtiny", seed=4)
    checkpoint = write_official_checkpoint(tmp_path / "cocolvis_vit_xtiny.pth", net.state_dict(), net.config)
    out = tmp_path / "models" / "x.onnx"
    done = _cli("export", "--checkpoint", checkpoint, "--out", out, "--verify-batch", "1")
    assert done.returncode == 0, done.stderr
    assert "max |logit diff|" in done.stdout
    from simpleclick.export import read_onnx_metadata

    metadata = read_onnx_metadata(out)
    assert metadata["simpleclick.source"] == "cocolvis_vit_xtiny.pth"
    assert metadata["simpleclick.training_data"] == "COCO+LVIS (guessed from the file name)"
    assert metadata["simpleclick.trained"] == "true"  # a released official name: trained, by the same guess
    assert metadata["simpleclick.trained_basis"] == metadata["simpleclick.training_data_basis"] == "file-name guess"


def test_bad_inputs_give_one_line_and_no_file(tmp_path):
    out = tmp_path / "out.onnx"
    net = build_network("xtiny", seed=0)
    good = write_official_checkpoint(tmp_path / "sbd_vit_xtiny.pth", net.state_dict(), net.config)
    truncated = tmp_path / "truncated.pth"
    truncated.write_bytes(good.read_bytes()[:5000])
    other = tmp_path / "other.pth"
    torch.save({"state_dict": {"conv.weight": torch.zeros(1)}, "config": {"class": "isegm.model.is_hrnet_model."
                                                                                   "HRNetModel", "params": {}}},
               other)
    cases = [
        (("--checkpoint", truncated), "truncated or corrupt"),
        (("--checkpoint", other), "not a SimpleClick checkpoint"),
        (("--checkpoint", tmp_path / "missing.pth"), "checkpoint not found"),
        (("--random-init", "giant"), "unknown variant 'giant'"),
        (("--random-init", "xtiny", "--size", "450"), "not a multiple of the patch size 16"),
        (("--checkpoint", good, "--size", "500"), "not a multiple of the patch size 16"),
    ]
    for args, expected in cases:
        line = _one_error_line(_cli("export", *args, "--out", out))
        assert expected in line, line
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["sbd_vit_xtiny.pth", "truncated.pth", "other.pth"]), args


@pytest.mark.parametrize("command", ["evaluate", "fixtures"])
def test_delegated_commands(command):
    if find_spec(f"simpleclick.{command}") is None:
        line = _one_error_line(_cli(command))
        assert f"command {command} is not available" in line
    else:
        done = _cli(command, "--help")
        assert done.returncode == 0 and "usage" in done.stdout


def test_inspect_onnx_metadata():
    if not DEFAULT_MODEL.is_file():
        pytest.skip(f"{DEFAULT_MODEL} is absent")
    done = _cli("inspect", DEFAULT_MODEL)
    assert done.returncode == 0 and '"simpleclick.trained": "true"' in done.stdout
    assert f'"simpleclick.input_size": "{DEFAULT_MODEL_SIZE_PX}"' in done.stdout
