"""IoU, NoC, NoF, SPC and mIoU of the official protocol (docs/evaluation-protocol.md, metrics)."""

import math

import numpy as np

from simpleclick.metrics import iou, iou_thresholds, number_of_clicks, summarize, threshold_key


def test_iou_excludes_ignore_pixels():
    gt = np.zeros((4, 4), dtype=bool)
    gt[0:2, 0:2] = True  # 4 object pixels
    pred = np.zeros_like(gt)
    pred[0:2, 0:3] = True  # 6 predicted: 4 right, 2 spill at (0,2), (1,2)
    ignore = np.zeros_like(gt)
    assert iou(gt, ignore, pred) == 4 / 6
    ignore[0, 2] = True  # one spill pixel is in the ignore band
    assert iou(gt, ignore, pred) == 4 / 5
    ignore[0, 0] = True  # an ignored object pixel leaves both intersection and union
    assert iou(gt, ignore, pred) == 3 / 4
    assert isinstance(iou(gt, ignore, pred), float)


def test_iou_empty_union_is_nan():
    empty = np.zeros((3, 3), dtype=bool)
    assert math.isnan(iou(empty, empty, empty))


def test_official_thresholds():
    assert iou_thresholds() == [0.8, 0.8500000000000001, 0.9000000000000001]
    assert iou_thresholds(0.85) == [0.8, 0.8500000000000001]
    assert iou_thresholds(1.01) == [0.8, 0.8500000000000001, 0.9000000000000001, 0.9500000000000002]
    assert threshold_key(0.8500000000000001) == "0.8500000000000001"


def test_noc_compares_in_float32():
    t85 = iou_thresholds()[1]
    just_below = 0.85 - 1e-12  # below t85 in float64 but float32 rounds it to float32(0.85) == float32(t85)
    assert just_below < t85
    assert number_of_clicks([0.5, just_below, 0.99], t85) == 2
    clearly_below = 0.8499  # float32(0.8499) < float32(0.85)
    assert number_of_clicks([0.5, clearly_below, 0.99], t85) == 3
    assert number_of_clicks([0.9], 0.9000000000000001) == 1  # float32 of both is the same number


def test_noc_not_reached_is_max_clicks():
    assert number_of_clicks([0.1] * 20, 0.8) == 20
    assert number_of_clicks([0.1] * 3, 0.8) == 20  # stopped early without reaching it still counts max


def test_nof_counts_objects_first_reaching_threshold_at_last_click():
    thresholds = iou_thresholds()
    reaches_at_20 = [0.1] * 19 + [0.95]
    never = [0.1] * 20
    early = [0.95]
    summary = summarize([reaches_at_20, never, early], elapsed_s=4.2)
    assert summary.thresholds == thresholds
    assert summary.nof == [2, 2, 2]
    assert summary.noc_mean == [(20 + 20 + 1) / 3] * 3
    assert summary.num_clicks == 41
    assert math.isclose(summary.seconds_per_click, 4.2 / 41)


def test_noc_means_and_std():
    summary = summarize([[0.81, 0.86, 0.91], [0.5, 0.5, 0.5, 0.9]], elapsed_s=1.0)
    # object 1: NoC@80 1, @85 2, @90 3; object 2: 4, 4, 4 (0.9 reaches float32(0.9000000000000001))
    assert summary.noc_mean == [2.5, 3.0, 3.5]
    assert summary.noc_std == [1.5, 1.0, 0.5]
    assert summary.nof == [0, 0, 0]


def test_miou_at_k_only_when_every_object_has_k_clicks():
    all_ious = [[0.2, 0.4, 0.6, 0.7, 0.8], [0.4, 0.6, 0.8]]
    summary = summarize(all_ious, elapsed_s=1.0)
    assert math.isclose(summary.miou_at[1], 0.3, rel_tol=1e-6)
    assert math.isclose(summary.miou_at[3], 0.7, rel_tol=1e-6)
    assert summary.miou_at[5] is None
    np.testing.assert_allclose(summary.miou_curve, [0.3, 0.5, 0.7], rtol=1e-6)
