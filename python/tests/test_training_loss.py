"""Normalized focal loss against hand-computed values and the literal official formula."""

import math

import numpy as np
import pytest
import torch

from simpleclick.training.loss import NormalizedFocalLoss, normalized_focal_loss


def test_hand_computed_two_pixels():
    # Two pixels: logit 0 on an object pixel (p = 0.5) and logit ln 3 on a background pixel (p = 0.75).
    logits = torch.tensor([[[[0.0, math.log(3.0)]]]])
    labels = torch.tensor([[[[1.0, 0.0]]]])
    # pt = 0.5 and 0.25; beta = 0.25 and 0.5625; mult = 2 / 0.8125
    # loss = [0.5 * 0.25 * mult * ln 2 + 0.5 * 0.5625 * mult * ln 4] / 2
    mult = 2 / 0.8125
    expected = (0.5 * 0.25 * mult * math.log(2) + 0.5 * 0.5625 * mult * math.log(4)) / 2
    assert expected == pytest.approx(0.5865, abs=1e-4)
    value = normalized_focal_loss(logits, labels).item()
    assert value == pytest.approx(expected, rel=1e-6)


def test_ignored_pixels_do_not_count():
    logits = torch.tensor([[[[0.0, math.log(3.0), 5.0]]]])
    labels = torch.tensor([[[[1.0, 0.0, -1.0]]]])
    two = normalized_focal_loss(logits[..., :2], labels[..., :2])
    assert normalized_focal_loss(logits, labels).item() == pytest.approx(two.item(), rel=1e-6)


def official_formula(logits, labels, alpha=0.5, gamma=2.0, eps=1e-12):
    """The published definition written out literally (log(min(pt + eps, 1)), per-sample mean)."""
    pred = torch.sigmoid(logits)
    one_hot = labels > 0.5
    weight = (labels != -1).float()
    alpha_t = torch.where(one_hot, alpha * weight, (1 - alpha) * weight)
    pt = torch.where(weight > 0, 1.0 - torch.abs(labels - pred), torch.ones_like(pred))
    beta = (1 - pt) ** gamma
    mult = weight.sum(dim=(-2, -1), keepdim=True) / (beta.sum(dim=(-2, -1), keepdim=True) + eps)
    beta = beta * mult
    loss = -alpha_t * beta * torch.log(torch.clamp(pt + eps, max=1.0)) * weight
    return loss.sum(dim=(1, 2, 3)) / (weight.sum(dim=(1, 2, 3)) + eps)


def test_matches_literal_formula_on_random_batch():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 1, 9, 7, generator=generator, dtype=torch.float64) * 3
    labels = (torch.rand(3, 1, 9, 7, generator=generator, dtype=torch.float64) > 0.6).double()
    labels[0, 0, 0, :3] = -1
    ours = normalized_focal_loss(logits.double(), labels).double()
    reference = official_formula(logits.float().double(), labels)
    assert torch.allclose(ours, reference, rtol=1e-5)


def test_normaliser_is_detached_and_gradient_points_the_right_way():
    logits = torch.zeros(1, 1, 2, 2, requires_grad=True)
    labels = torch.tensor([[[[1.0, 1.0], [0.0, 0.0]]]])
    NormalizedFocalLoss()(logits, labels).backward()
    grad = logits.grad[0, 0]
    assert (grad[0] < 0).all() and (grad[1] > 0).all()  # raise object logits, lower background logits


def test_stays_finite_for_saturated_logits():
    logits = torch.tensor([[[[-200.0, 200.0]]]])
    labels = torch.tensor([[[[1.0, 0.0]]]])
    value = normalized_focal_loss(logits, labels)
    assert torch.isfinite(value).all() and value.item() > 50
    assert np.isfinite(value.item())
