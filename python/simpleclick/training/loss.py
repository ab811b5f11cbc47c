"""Normalized focal loss (NFL), the instance loss of SimpleClick and RITM (alpha 0.5, gamma 2).

Definition (facts of isegm/model/losses.py NormalizedFocalLossSigmoid, written out), per sample over its pixels,
with p = sigmoid(logit), y in {0, 1} and ignored pixels (label -1) removed:

    pt     = p where y = 1, 1 - p where y = 0          (1 on ignored pixels)
    alpha_t = alpha where y = 1, 1 - alpha where y = 0
    beta   = (1 - pt)^gamma
    mult   = (number of valid pixels) / (sum of beta + eps), detached: no gradient flows through it
    loss   = sum over valid pixels of [ -alpha_t * mult * beta * log(pt) ] / (number of valid pixels + eps)

so the focal weights of every sample are rescaled to average 1 over its valid pixels: hard pixels dominate, but
the loss does not vanish as the prediction improves. The batch loss is the mean over samples.

log(pt) is computed as logsigmoid(+-logit) instead of log(min(pt + eps, 1)): the same value for binary targets
(within eps = 1e-12) that stays finite and exact where float32 sigmoid saturates, and is safe under fp16 autocast
(the loss always runs in float32).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

IGNORE_LABEL = -1


def normalized_focal_loss(logits: torch.Tensor, labels: torch.Tensor, alpha: float = 0.5, gamma: float = 2.0,
                          eps: float = 1e-12, ignore_label: float = IGNORE_LABEL) -> torch.Tensor:
    """Per-sample NFL, shape [B]. `logits` and `labels` are [B, 1, H, W] (labels 0/1, `ignore_label` ignored)."""
    if logits.shape != labels.shape:
        raise ValueError(f"logits {tuple(logits.shape)} and labels {tuple(labels.shape)} differ in shape")
    logits = logits.float()
    labels = labels.float()
    valid = labels != ignore_label
    positive = labels > 0.5
    prob = torch.sigmoid(logits)
    pt = torch.where(positive, prob, 1.0 - prob)
    pt = torch.where(valid, pt, torch.ones_like(pt))
    log_pt = torch.where(positive, F.logsigmoid(logits), F.logsigmoid(-logits))
    alpha_t = torch.where(positive, torch.full_like(pt, alpha), torch.full_like(pt, 1.0 - alpha))
    beta = (1.0 - pt) ** gamma

    reduce_dims = tuple(range(1, logits.dim()))
    valid_f = valid.float()
    valid_count = valid_f.sum(dim=reduce_dims[-2:], keepdim=True)
    beta_sum = beta.sum(dim=reduce_dims[-2:], keepdim=True)
    mult = (valid_count / (beta_sum + eps)).detach()

    pixel_loss = -alpha_t * (beta * mult) * log_pt * valid_f
    return pixel_loss.sum(dim=reduce_dims) / (valid_f.sum(dim=reduce_dims) + eps)


class NormalizedFocalLoss(torch.nn.Module):
    """Module form; returns the batch mean of :func:`normalized_focal_loss`."""

    def __init__(self, alpha: float = 0.5, gamma: float = 2.0):
        super().__init__()
        self.alpha = alpha
        self.gamma = gamma

    def forward(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return normalized_focal_loss(logits, labels, self.alpha, self.gamma).mean()
