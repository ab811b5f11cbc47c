"""Training click sampler, iterative next click and click rasters on known masks."""

import numpy as np
import pytest

from simpleclick.click_maps import draw_disks
from simpleclick.training.click_raster import draw_disks_local
from simpleclick.training.click_sampler import (ClickSamplerOptions, InitialClickSampler, border_band,
                                                geometric_probs, next_error_click)


def square_mask(size=64, top=20, left=16, side=24):
    mask = np.zeros((size, size), dtype=bool)
    mask[top:top + side, left:left + side] = True
    return mask


def test_geometric_probs_follow_gamma():
    probs = geometric_probs(4, 0.5)
    assert probs == pytest.approx(np.array([8, 4, 2, 1]) / 15)


def test_positives_inside_negatives_outside_and_counts():
    target = square_mask()
    others = np.zeros_like(target)
    others[0:10, 40:60] = True  # another object away from the target
    sampler = InitialClickSampler(ClickSamplerOptions(max_points=24))
    total_pos = total_neg = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        positives, negatives = sampler.sample([target], others, rng)
        assert 1 <= len(positives) <= 24
        assert 0 <= len(negatives) <= 24
        for row, col in positives:
            assert target[row, col]
        for row, col in negatives:
            assert not target[row, col]
        total_pos += len(positives)
        total_neg += len(negatives)
    # gamma 0.8 over 24 slots: mean positives 1 + ~3.7, mean negatives ~3.7
    assert 3.0 < total_pos / 200 < 6.5
    assert 2.0 < total_neg / 200 < 5.5


def test_eroded_positives_keep_off_the_boundary():
    target = square_mask()
    sampler = InitialClickSampler(ClickSamplerOptions(positive_erode_prob=1.0, positive_erode_iters=3))
    rng = np.random.default_rng(0)
    for _ in range(50):
        positives, _ = sampler.sample([target], None, rng)
        for row, col in positives:
            # 3 erosions of a 3x3 kernel remove 3 pixels on each side of the 24 px square (rows 20..43)
            assert 23 <= row <= 40 and 19 <= col <= 36


def test_negative_regions_border_other_background():
    target = square_mask()
    others = np.zeros_like(target)
    others[0:6, 50:64] = True
    band = border_band(target, 0.1)
    # radius ceil(0.1 * sqrt(576)) = 3 pixels around the square, excluding it
    assert band[17, 30] and band[20 - 3, 16 - 3] and not band[16, 30] and not band[30, 30]
    only_border = InitialClickSampler(ClickSamplerOptions(negative_bg_prob=0.0, negative_other_prob=0.0,
                                                          negative_border_prob=1.0))
    only_other = InitialClickSampler(ClickSamplerOptions(negative_bg_prob=0.0, negative_other_prob=1.0,
                                                         negative_border_prob=0.0))
    rng = np.random.default_rng(1)
    for _ in range(50):
        _, negatives = only_border.sample([target], others, rng)
        assert all(band[r, c] for r, c in negatives)
        _, negatives = only_other.sample([target], others, rng)
        assert all(others[r, c] for r, c in negatives)


def test_merged_parts_each_get_a_positive():
    a = np.zeros((40, 40), dtype=bool)
    b = np.zeros((40, 40), dtype=bool)
    a[2:12, 2:12] = True
    b[25:38, 25:38] = True
    sampler = InitialClickSampler()
    for seed in range(30):
        positives, _ = sampler.sample([a, b], None, np.random.default_rng(seed))
        assert any(a[r, c] for r, c in positives) and any(b[r, c] for r, c in positives)
        assert all(a[r, c] or b[r, c] for r, c in positives)


def test_next_error_click_goes_to_the_deeper_error():
    gt = square_mask()
    prob = np.zeros(gt.shape, dtype=np.float32)  # nothing predicted: the whole object is a false negative
    prob[0:3, 0:3] = 0.9  # a small false positive in a corner
    click = next_error_click(prob, gt, np.random.default_rng(0))
    assert click is not None
    row, col, positive = click
    assert positive and gt[row, col]
    # deeper than half the maximum depth (12.x for a 24 px square): near the centre
    assert 26 <= row <= 37 and 22 <= col <= 33

    prob = gt.astype(np.float32).copy()
    prob[40:64, 40:64] = 0.8  # a large false positive
    row, col, positive = next_error_click(prob, gt, np.random.default_rng(0))
    assert not positive and not gt[row, col] and prob[row, col] > 0.49


def test_next_error_click_none_when_perfect():
    gt = square_mask()
    assert next_error_click(gt.astype(np.float32), gt, np.random.default_rng(0)) is None


def test_local_disks_equal_the_sdk_raster():
    rng = np.random.default_rng(3)
    points = [(float(y), float(x)) for y, x in rng.uniform(-6, 70, size=(40, 2))]
    points += [(10.0, 10.0), (0.0, 63.0), (-1.0, -1.0), (-3.0, 5.0)]
    expected = draw_disks(points, 64)
    assert np.array_equal(draw_disks_local(points, 64), expected)
    assert draw_disks_local([(32.0, 32.0)], 64).sum() == 81  # integer centre, radius 5: 81 pixels


def test_center_click_option_gives_one_interior_positive():
    target = square_mask()
    sampler = InitialClickSampler(ClickSamplerOptions(center_click_prob=1.0))
    for seed in range(20):
        positives, negatives = sampler.sample([target], None, np.random.default_rng(seed))
        assert len(positives) == 1 and negatives == []
        row, col = positives[0]
        # depth > max/1.7 (max 12 for the 24 px square): at least 8 px from every side
        assert 27 <= row <= 36 and 23 <= col <= 32
