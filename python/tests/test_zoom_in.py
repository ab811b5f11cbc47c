"""Zoom-in ROI rules (docs/per-click-algorithm.md, zoom-in), on boxes whose answers were worked out by hand."""

import math

import numpy as np
import pytest

from simpleclick.click import Click
from simpleclick.zoom_in import (Roi, box_iou, candidate_roi, clamp_box, expand_box, mask_bounding_box, next_roi,
                                 positive_clicks_inside, round_half_even)


def test_round_half_even_ties_go_to_even():
    assert [round_half_even(v) for v in (0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -85.5, 114.5)] == [0, 2, 2, 4, 0, -2, -86, 114]
    assert round_half_even(2.5000000001) == 3
    assert round_half_even(-0.4) == 0


def test_expand_box_minimum_size_with_ties():
    # rows 100..101: centre 100.5, 1.4 * 2 < 200 so size 200: edges 0.5 -> 0 and 200.5 -> 200.
    # cols 102..103: centre 102.5: edges 2.5 -> 2 and 202.5 -> 202 (JavaScript's Math.round would give 3 and 203).
    assert expand_box(Roi(100, 101, 102, 103)) == Roi(0, 200, 2, 202)


def test_expand_box_integer_centre_and_negative_edges():
    # rows 10..19: centre 14.5, edges -85.5 -> -86 and 114.5 -> 114 (201 pixels, before clamping).
    # cols 40..40: centre 40, edges -60 and 140.
    assert expand_box(Roi(10, 19, 40, 40)) == Roi(-86, 114, -60, 140)


def test_expand_box_ratio_above_minimum():
    # rows 0..199: 1.4 * 200 = 280 (exact in float64), centre 99.5: -40.5 -> -40, 239.5 -> 240.
    # cols 0..142: 1.4 * 143 = 200.2 > 200, centre 71: -29.1 -> -29, 171.1 -> 171.
    assert expand_box(Roi(0, 199, 0, 142)) == Roi(-40, 240, -29, 171)


def test_clamp_box():
    assert clamp_box(Roi(-86, 114, -60, 140), 100, 300) == Roi(0, 99, 0, 140)
    assert clamp_box(Roi(5, 10, 5, 10), 100, 300) == Roi(5, 10, 5, 10)


def test_box_iou_is_separable():
    # rows 0..9 vs 5..14: inter 5, union 15; cols identical.
    assert math.isclose(box_iou(Roi(0, 9, 0, 9), Roi(5, 14, 0, 9)), 1 / 3)
    # both axes overlap by half: (5/15) * (5/15)
    assert math.isclose(box_iou(Roi(0, 9, 0, 9), Roi(5, 14, 5, 14)), 1 / 9)
    assert box_iou(Roi(0, 9, 0, 9), Roi(20, 29, 0, 9)) == 0.0
    assert box_iou(Roi(3, 7, 1, 2), Roi(3, 7, 1, 2)) == 1.0


def test_mask_bounding_box_inclusive():
    mask = np.zeros((20, 30), dtype=bool)
    mask[3, 4] = mask[10, 25] = True
    assert mask_bounding_box(mask) == Roi(3, 10, 4, 25)


def test_candidate_is_whole_image_when_nothing_above_half():
    probs = np.full((300, 400), 0.5, dtype=np.float32)  # exactly 0.5 is not > 0.5
    clicks = [Click(10, 10, True), Click(250, 350, True)]
    assert candidate_roi(probs, clicks, 300, 400) == Roi(0, 299, 0, 399)
    assert candidate_roi(None, clicks, 300, 400) == Roi(0, 299, 0, 399)


def test_candidate_includes_positive_click_pixels_only():
    probs = np.zeros((400, 400), dtype=np.float32)
    probs[100:110, 200:210] = 0.9  # bbox rows 100..109, cols 200..209
    negative_far = [Click(390, 390, False)]
    # centre 104.5 -> -> 4.5 -> 4 and 204.5 -> 204; cols centre 204.5 -> 104.5 -> 104, 304.5 -> 304
    assert candidate_roi(probs, negative_far, 400, 400) == Roi(4, 204, 104, 304)
    # a positive click at (300, 205) stretches the rows to 100..300: 1.4 * 201 = 281.4, centre 200: 59.3 -> 59,
    # 340.7 -> 341
    assert candidate_roi(probs, [Click(300, 205, True)], 400, 400) == Roi(59, 341, 104, 304)


def test_positive_click_inside_is_half_open():
    roi = Roi(10, 20, 30, 40)
    assert positive_clicks_inside(roi, [Click(10, 30, True), Click(19, 39, True)])
    assert not positive_clicks_inside(roi, [Click(20, 35, True)])  # y == row_max counts as outside
    assert not positive_clicks_inside(roi, [Click(15, 40, True)])  # x == col_max counts as outside
    assert not positive_clicks_inside(roi, [Click(9, 35, True)])
    assert positive_clicks_inside(roi, [Click(0, 0, False)])  # negative clicks never force an update


def test_next_roi_first_click_takes_candidate():
    roi, changed = next_roi(None, np.zeros((50, 60), np.float32), [Click(5, 5, True)], 50, 60)
    assert roi == Roi(0, 49, 0, 59) and changed


def _blob_probs(height, width, rows, cols):
    probs = np.zeros((height, width), dtype=np.float32)
    probs[rows[0]:rows[1] + 1, cols[0]:cols[1] + 1] = 0.8
    return probs


def test_next_roi_keeps_old_when_iou_at_least_half():
    probs = _blob_probs(600, 600, (100, 109), (200, 209))  # candidate Roi(4, 204, 104, 304)
    old = Roi(4, 204, 104, 254)  # IoU = 1 * (151 / 201) >= 0.5
    roi, changed = next_roi(old, probs, [Click(105, 205, True)], 600, 600)
    assert roi == old and not changed


def test_next_roi_updates_when_iou_below_half():
    probs = _blob_probs(600, 600, (100, 109), (200, 209))
    old = Roi(4, 204, 104, 200)  # IoU = 97 / 201 < 0.5 (candidate Roi(4, 204, 104, 304))
    # the click (105, 199) lies inside both boxes and inside the blob's column span 199..209: candidate unchanged
    roi, changed = next_roi(old, probs, [Click(105, 199, True)], 600, 600)
    assert roi == Roi(4, 204, 104, 304) and changed


def test_next_roi_updates_when_positive_click_outside():
    probs = _blob_probs(600, 600, (100, 109), (200, 209))
    old = Roi(4, 204, 104, 304)  # same as the candidate: IoU 1
    clicks = [Click(105, 205, True), Click(204, 205, True)]  # second click on row_max: outside (half-open)
    roi, changed = next_roi(old, probs, clicks, 600, 600)
    assert changed
    # rows 100..204 (105 rows): 1.4 * 105 = 147 < 200, centre 152: edges 52 and 252
    assert roi == Roi(52, 252, 104, 304)


def test_next_roi_negative_click_outside_does_not_update():
    probs = _blob_probs(600, 600, (100, 109), (200, 209))
    old = Roi(4, 204, 104, 304)
    roi, changed = next_roi(old, probs, [Click(105, 205, True), Click(500, 500, False)], 600, 600)
    assert roi == old and not changed


def test_next_roi_whole_image_candidate_when_prediction_vanishes():
    probs = np.full((600, 600), 0.1, dtype=np.float32)
    old = Roi(4, 204, 104, 304)  # IoU with the whole image = (201/600) * (201/600) < 0.5
    roi, changed = next_roi(old, probs, [Click(105, 205, True)], 600, 600)
    assert roi == Roi(0, 599, 0, 599) and changed


def test_next_roi_small_image_clamped():
    probs = _blob_probs(120, 150, (50, 59), (60, 69))
    roi, _ = next_roi(None, probs, [Click(55, 65, True)], 120, 150)
    assert roi == Roi(0, 119, 0, 149)


def test_bad_mask_raises():
    with pytest.raises(ValueError):
        mask_bounding_box(np.zeros((3, 3), dtype=bool))
