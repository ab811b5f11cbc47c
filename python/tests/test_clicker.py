"""Next-click simulator (docs/evaluation-protocol.md, the next click), on masks whose answers are known by hand."""

import numpy as np
import pytest
from scipy import ndimage

from simpleclick.click import Click
from simpleclick.clicker import ClickSimulator, distance_to_background, next_click


def _square(shape, rows, cols):
    mask = np.zeros(shape, dtype=bool)
    mask[rows[0]:rows[1] + 1, cols[0]:cols[1] + 1] = True
    return mask


def _click(gt, pred, ignore=None, not_clicked=None):
    ignore = np.zeros_like(gt) if ignore is None else ignore
    not_clicked = np.ones_like(gt) if not_clicked is None else not_clicked
    return next_click(gt, ignore, pred, not_clicked)


def test_single_missed_blob_gets_positive_click_at_centre():
    gt = _square((40, 40), (10, 16), (20, 26))  # 7 x 7, centre (13, 23) at distance 4
    assert _click(gt, np.zeros_like(gt)) == Click(13, 23, True)


def test_even_blob_first_maximum_in_row_major_order():
    gt = _square((40, 40), (10, 15), (20, 25))  # 6 x 6: four centre pixels at distance 3
    assert _click(gt, np.zeros_like(gt)) == Click(12, 22, True)


def test_two_equal_blobs_upper_left_wins():
    gt = _square((40, 40), (20, 26), (2, 8)) | _square((40, 40), (2, 8), (30, 36))
    assert _click(gt, np.zeros_like(gt)) == Click(5, 33, True)  # row 5 comes before row 23


def test_fn_fp_tie_is_negative():
    gt = _square((40, 40), (2, 6), (2, 6))  # missed 5 x 5: max distance 3
    pred = _square((40, 40), (30, 34), (30, 34))  # spurious 5 x 5: max distance 3
    assert _click(gt, pred) == Click(32, 32, False)


def test_larger_fn_wins():
    gt = _square((40, 40), (2, 8), (2, 8))  # 7 x 7: distance 4
    pred = _square((40, 40), (30, 34), (30, 34))  # 5 x 5: distance 3
    assert _click(gt, pred) == Click(5, 5, True)


def test_image_border_counts_as_background():
    # object = columns 0..3 of a 10 x 10 image: with the 1-pixel padding, column 0 is at distance 1, columns 1
    # and 2 at distance 2; the first pixel at distance 2 in row-major order is (1, 1)
    gt = _square((10, 10), (0, 9), (0, 3))
    assert _click(gt, np.zeros_like(gt)) == Click(1, 1, True)
    distances = distance_to_background(gt)
    assert distances[5, 0] == 1 and distances[5, 1] == 2 and distances[0, 5] == 0


def test_whole_image_object():
    gt = np.ones((5, 9), dtype=bool)
    # centre row 2 is 3 from the padded top and bottom, column 4 is 5 from the sides: distance 3,
    # first attained at (2, 2)
    assert _click(gt, np.zeros_like(gt)) == Click(2, 2, True)


def test_ignore_pixels_are_excluded():
    gt = _square((40, 40), (0, 19), (0, 39))  # big missed object...
    ignore = _square((40, 40), (0, 19), (0, 39))  # ...entirely inside the ignore region
    pred = _square((40, 40), (30, 32), (10, 12))  # small spill, distance 2
    assert _click(gt, pred, ignore) == Click(31, 11, False)


def test_ignore_band_splits_region():
    gt = _square((40, 40), (10, 20), (10, 20))
    ignore = np.zeros_like(gt)
    ignore[:, 10:13] = True  # the band eats the left 3 columns of the object: remaining cols 13..20, rows 10..20
    # rows 10..20 (11), cols 13..20 (8): max distance 4 (cols 16, 17), rows 13..17; first: (13, 16)
    assert _click(gt, np.zeros_like(gt), ignore) == Click(13, 16, True)


def test_already_clicked_pixels_are_zeroed():
    gt = _square((40, 40), (10, 16), (20, 26))
    not_clicked = np.ones_like(gt)
    not_clicked[13, 23] = False
    # the centre (distance 4) is gone; the first pixel at distance 3 is (12, 22)
    assert _click(gt, np.zeros_like(gt), not_clicked=not_clicked) == Click(12, 22, True)


def test_no_error_gives_negative_click_at_origin():
    gt = _square((20, 20), (5, 9), (5, 9))
    assert _click(gt, gt.copy()) == Click(0, 0, False)
    not_clicked = np.ones_like(gt)
    not_clicked[0, 0] = False
    assert _click(gt, gt.copy(), not_clicked=not_clicked) == Click(0, 0, False)


def test_simulator_tracks_clicks():
    gt = _square((40, 40), (10, 16), (20, 26))
    simulator = ClickSimulator(gt)
    first = simulator.make_next_click(np.zeros_like(gt))
    second = simulator.make_next_click(np.zeros_like(gt))
    assert first == Click(13, 23, True)
    assert second == Click(12, 22, True)
    assert simulator.clicks == [first, second]
    assert not simulator.not_clicked[13, 23] and not simulator.not_clicked[12, 22]
    assert isinstance(first.y_px, int) and isinstance(first.x_px, int)
    with pytest.raises(ValueError):
        simulator.make_next_click(np.zeros((3, 3), dtype=bool))


def test_distances_match_exact_edt():
    rng = np.random.default_rng(0)
    for _ in range(5):
        mask = ndimage.binary_opening(rng.random((60, 80)) > 0.35, iterations=1)
        ours = distance_to_background(mask)
        padded = np.pad(mask, 1)
        exact = ndimage.distance_transform_edt(padded)[1:-1, 1:-1].astype(np.float32)
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, exact, rtol=1e-6, atol=0)
        np.testing.assert_array_equal(np.argmax(ours), np.argmax(exact))
