"""The evaluation loop and the `evaluate` command, with a fake network whose mask is the union of the positive
click disks (kept through the previous-probability channel) minus the negative ones."""

import argparse
import json

import cv2
import numpy as np
import pytest
import torch

from simpleclick import evaluate, metrics
from simpleclick.click import Click
from simpleclick.datasets import ObjectSample
from simpleclick.predictor import Predictor, PredictorOptions

torch.set_num_threads(1)
S = 32


def disk_memory_net(image, click_maps):
    return 20.0 * click_maps[:, 1:2] - 60.0 * click_maps[:, 2:3] + 20.0 * (click_maps[:, 0:1] - 0.5)


def _square_object(height=60, width=80, rows=(15, 44), cols=(20, 49), band=False):
    gt = np.zeros((height, width), dtype=bool)
    gt[rows[0]:rows[1] + 1, cols[0]:cols[1] + 1] = True
    ignore = np.zeros_like(gt)
    if band:
        ignore[rows[0] - 1:rows[1] + 2, cols[0] - 1:cols[1] + 2] = True
        ignore[rows[0] + 1:rows[1], cols[0] + 1:cols[1]] = False
        gt &= ~ignore
    return ObjectSample("test/square", gt, ignore)


def _predictor(height=60, width=80):
    predictor = Predictor(disk_memory_net, PredictorOptions(net_size_px=S, flip=True))
    predictor.set_image(np.random.default_rng(1).integers(0, 256, (height, width, 3), dtype=np.uint8))
    return predictor


def test_all_clicks_without_early_stop():
    obj = _square_object()
    predictor = _predictor()
    result = evaluate.evaluate_object(predictor, obj, early_stop=False, keep_probs_after=(1, 2, 5))
    assert len(result.clicks) == len(result.ious) == len(result.rois) == 20
    assert result.clicks[0] == Click(29, 34, True)  # centre of the 30 x 30 square (first of the 4 centre pixels)
    for k, probs in result.probs_after.items():
        assert result.ious[k - 1] == metrics.iou(obj.gt_mask, obj.ignore_mask, probs > np.float32(0.49))
    assert sorted(result.probs_after) == [1, 2, 5]
    assert all(isinstance(v, float) for v in result.ious)
    assert max(result.ious) > 0.5  # the disks do cover the square progressively


def test_early_stop_at_target():
    obj = _square_object()
    full = evaluate.evaluate_object(_predictor(), obj, early_stop=False)
    target = max(full.ious)
    first_reached = min(i for i, v in enumerate(full.ious) if v >= target)
    assert first_reached > 0
    stopped = evaluate.evaluate_object(_predictor(), obj, early_stop=True, target_iou=target)
    assert len(stopped.ious) == first_reached + 1
    assert stopped.ious == full.ious[:len(stopped.ious)]
    assert stopped.clicks == full.clicks[:len(stopped.ious)]


def test_ignore_band_never_clicked():
    obj = _square_object(band=True)
    result = evaluate.evaluate_object(_predictor(), obj, early_stop=False, max_clicks=8)
    for click in result.clicks:
        assert not obj.ignore_mask[click.y_px, click.x_px] or (click.y_px, click.x_px) == (0, 0)


def test_object_shape_mismatch_raises():
    with pytest.raises(ValueError):
        evaluate.evaluate_object(_predictor(), _square_object(height=61))


def test_table_layout():
    summary = metrics.summarize([[0.5, 0.95], [0.81] * 20], elapsed_s=3.0)
    header = evaluate.table_header()
    row = evaluate.table_row("GrabCut", summary)
    assert "NoC@80%" in header and ">=20@85%" in header and "SPC,s" in header and "mIoU@5" in header
    assert len(row) == len(header.splitlines()[1])
    cells = [c.strip() for c in row.strip("|").split("|")]
    # NoC@80: (2 + 1) / 2; NoC@85 and @90: (2 + 20) / 2; the second object is counted in NoF
    assert cells[:7] == ["NoBRS", "GrabCut", "1.50", "11.00", "11.00", "1", "1"]
    assert cells[7] == f"{3.0 / 22:.3f}"
    assert cells[9] == "65.50%" and cells[10] == "-"


def test_command_on_folder_dataset(tmp_path, monkeypatch, capsys):
    images, masks = tmp_path / "images", tmp_path / "masks"
    images.mkdir()
    masks.mkdir()
    rng = np.random.default_rng(2)
    for name, (r0, c0) in {"one": (10, 12), "two": (20, 30)}.items():
        cv2.imwrite(str(images / f"{name}.png"), rng.integers(0, 256, (50, 70, 3), dtype=np.uint8))
        mask = np.zeros((50, 70), np.uint8)
        mask[r0:r0 + 20, c0:c0 + 25] = 255
        cv2.imwrite(str(masks / f"{name}.png"), mask)
    monkeypatch.setattr(evaluate, "load_forward", lambda args: (disk_memory_net, "fake disk net", S))
    parser = argparse.ArgumentParser()
    evaluate.add_arguments(parser)
    out_json = tmp_path / "report.json"
    args = parser.parse_args(["--datasets", "Folder", "--images-dir", str(images), "--masks-dir", str(masks),
                              "--no-early-stop", "--n-clicks", "6", "--threads", "1", "--json", str(out_json)])
    assert evaluate.run(args) == 0
    printed = capsys.readouterr().out
    assert "NoC@90%" in printed and "|    NoBRS    |  Folder   |" in printed
    report = json.loads(out_json.read_text())
    folder = report["datasets"]["Folder"]
    assert folder["numObjects"] == 2 and folder["numClicks"] == 12
    first = folder["objects"][0]
    assert first["id"] == "Folder/one" and len(first["clicks"]) == 6 and len(first["rois"]) == 6
    # rows 10..29, cols 12..36: distance 10 first reached at row 19, column 21
    assert first["clicks"][0] == {"xPx": 21, "yPx": 19, "isPositive": True}
    assert set(first["noc"]) == {"0.8", "0.8500000000000001", "0.9000000000000001"}


def test_probability_map_encoding_round_trip():
    from simpleclick.fixtures import decode_probs, encode_probs

    probs = np.array([[0.0, 1.0, 0.5], [0.49, 1e-6, 0.99999]], dtype=np.float32)
    data = encode_probs(probs)
    assert data[:2] == b"\x1f\x8b"  # gzip
    import gzip

    raw = np.frombuffer(gzip.decompress(data), dtype="<u2")
    assert raw.tolist() == [0, 65535, 32768, 32112, 0, 65534]  # round(p * 65535), half to even
    np.testing.assert_allclose(decode_probs(data, 3, 2), probs, atol=0.5 / 65535 + 1e-9)
    assert encode_probs(probs) == data  # no timestamp in the gzip header


def test_fixture_manifest_format(tmp_path):
    from simpleclick import fixtures
    from simpleclick.datasets import default_data_root

    data_root = default_data_root()
    if not (data_root / "GrabCut").is_dir() or not (data_root / "Berkeley").is_dir():
        pytest.skip(f"evaluation data not found at {data_root} (set SIMPLECLICK_DATA)")
    model = tmp_path / "fake.onnx"
    model.write_bytes(b"not a real model")
    manifest = fixtures.generate(disk_memory_net, model, tmp_path / "parity", data_root, S, "the command")
    assert manifest["generator"] == "the command"
    assert manifest["predictor"] == {"flip": True, "netSizePx": S, "threshold": 0.49}
    assert manifest["protocol"] == {"maxClicks": 20, "earlyStop": False,
                                    "iouThresholds": [0.8, 0.8500000000000001, 0.9000000000000001]}
    import hashlib

    assert manifest["model"]["sha256"] == hashlib.sha256(b"not a real model").hexdigest()
    objects = manifest["objects"]
    assert [o["id"] for o in objects] == [object_id for object_id, _ in fixtures.FIXTURE_OBJECTS]
    teddy = objects[0]
    assert teddy["image"] == "GrabCut/data_GT/teddy.jpg" and teddy["mask"] == "GrabCut/boundary_GT/teddy.bmp"
    assert (teddy["width"], teddy["height"]) == (284, 398)
    for entry in objects:
        assert len(entry["clicks"]) == len(entry["rois"]) == len(entry["ious"]) == 20
        assert set(entry["noc"]) == {"0.8", "0.8500000000000001", "0.9000000000000001"}
    assert [p["afterClick"] for p in teddy["probMaps"]] == [1, 2, 5]
    stored = json.loads((tmp_path / "parity" / "manifest.json").read_text())
    assert stored["objects"][0]["clicks"] == teddy["clicks"]
    probs = fixtures.decode_probs((tmp_path / "parity" / teddy["probMaps"][0]["file"]).read_bytes(), 284, 398)
    assert probs.shape == (398, 284)
