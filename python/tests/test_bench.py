"""simpleclick.bench: the PyTorch side of `simpleclick bench` (packages/cli) prints per-click timings as JSON."""

import json

import numpy as np
import pytest

from conftest import DEFAULT_MODEL as MODEL, DEFAULT_MODEL_SIZE_PX
from simpleclick import bench


@pytest.mark.skipif(not MODEL.is_file(), reason=f"{MODEL} is absent")
def test_bench_reports_timings_and_the_final_mask(tmp_path, capsys):
    width, height = 40, 30
    rgb = tmp_path / "image.rgb"
    np.random.default_rng(0).integers(0, 256, size=(height, width, 3), dtype=np.uint8).tofile(rgb)
    clicks = [{"xPx": 10, "yPx": 12, "isPositive": True}, {"xPx": 30, "yPx": 20, "isPositive": False}]
    mask_path = tmp_path / "mask.u8"
    status = bench.main(["--model", str(MODEL), "--rgb", str(rgb), "--width", str(width), "--height", str(height),
                         "--clicks", json.dumps(clicks), "--threads", "1", "--mask-out", str(mask_path)])
    assert status == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["threads"] == 1 and report["flip"] is False and report["netSizePx"] == DEFAULT_MODEL_SIZE_PX
    assert len(report["perClickMs"]) == 1 and len(report["perClickMs"][0]) == 2
    for total, model in zip(report["perClickMs"][0], report["modelMs"][0]):
        assert 0 < model <= total
    mask = np.fromfile(mask_path, dtype=np.uint8)
    assert mask.size == width * height and set(np.unique(mask)) <= {0, 1}


def test_bench_refuses_an_image_of_the_wrong_size(tmp_path, capsys):
    rgb = tmp_path / "image.rgb"
    np.zeros(10, dtype=np.uint8).tofile(rgb)
    status = bench.main(["--model", str(MODEL), "--rgb", str(rgb), "--width", "4", "--height", "4",
                         "--clicks", '[{"xPx": 1, "yPx": 1, "isPositive": true}]'])
    assert status == 1
    assert "error:" in capsys.readouterr().err
