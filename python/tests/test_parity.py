"""The parity criterion itself (simpleclick/parity.py), on synthetic logits with known differences."""

import math

import numpy as np
import pytest

from simpleclick.parity import (ABS_TOLERANCE, REL_TOLERANCE, ParityError, check_logits, compare_logits,
                                logit_tolerance)


def _logits(max_abs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.uniform(-1, 1, size=(2, 1, 64, 64)) * max_abs).astype(np.float32)


def test_tolerance_grows_with_the_logit_scale():
    assert logit_tolerance(0.0) == ABS_TOLERANCE
    assert logit_tolerance(30.0) == pytest.approx(1e-4 + 5e-5 * 30)  # 1.6e-3
    assert (ABS_TOLERANCE, REL_TOLERANCE) == (1e-4, 5e-5)


def test_float32_rounding_of_a_large_logit_model_passes():
    # Issue 13's measurement: 2.2e-4 at logits of +-24 with a correct graph (a fixed 1e-4 refused it).
    reference = _logits(24.0)
    rng = np.random.default_rng(1)
    candidate = reference + rng.uniform(-2.2e-4, 2.2e-4, size=reference.shape)
    report = check_logits(reference, candidate)
    assert report.max_abs_diff > 1e-4 and report.tolerance == pytest.approx(1e-4 + 5e-5 * report.max_abs_logit)
    assert report.confident_mask_flips == 0


def test_the_same_difference_on_small_logits_fails():
    reference = _logits(1.0)
    candidate = reference + 2.2e-4
    with pytest.raises(ParityError, match="max \\|logit diff\\| 0.00022"):
        check_logits(reference, candidate)


def test_sign_flips_near_the_threshold_are_rounding():
    reference = np.array([[5e-5, -5e-5, 20.0, -20.0]], dtype=np.float32)
    candidate = np.array([[-5e-5, 5e-5, 20.0, -20.0]], dtype=np.float32)
    report = check_logits(reference, candidate)
    assert report.mask_flips == 2 and report.confident_mask_flips == 0


def test_flips_outside_the_rounding_band_are_counted(monkeypatch):
    import simpleclick.parity as parity_module

    monkeypatch.setattr(parity_module, "ABS_TOLERANCE", 1.0)  # a band of 1.0 around each threshold
    reference = np.array([[0.5, 3.0]], dtype=np.float32)
    candidate = np.array([[0.5, 3.0]], dtype=np.float32)
    candidate[0, 0] = -0.4
    report = compare_logits(reference, candidate)
    assert report.max_abs_diff <= report.tolerance and report.confident_mask_flips == 0  # 0.5 is within 1.0
    monkeypatch.setattr(parity_module, "ABS_TOLERANCE", 0.45)
    report = compare_logits(reference, candidate)
    assert not report.ok and report.confident_mask_flips == 2  # flipped at threshold 0 and at logit(0.49)


def test_the_official_probability_threshold_is_checked():
    threshold = math.log(0.49 / 0.51)  # -0.04: between 0 and it, masks at 0.5 agree but at 0.49 they differ
    reference = np.array([[-0.02]], dtype=np.float32)
    candidate = np.array([[-0.06]], dtype=np.float32)
    report = compare_logits(reference, candidate)
    assert report.mask_flips == 1 and report.confident_mask_flips == 1 and threshold < -0.02


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_logits_fail(bad):
    reference = _logits(3.0)
    candidate = reference.copy()
    candidate[0, 0, 0, 0] = bad
    assert not compare_logits(reference, candidate).ok


def test_shape_mismatch_is_an_error():
    with pytest.raises(ParityError, match="shapes differ"):
        compare_logits(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 4, 5)))
