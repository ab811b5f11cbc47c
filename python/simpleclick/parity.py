"""When two runs of the same network agree: the exporter's parity criterion (ONNX graph vs PyTorch).

float32 rounding differs between runtimes (onnxruntime's InstanceNormalization for the neck's GroupNorm(1, C) over
1-2 M elements sums in another order than PyTorch), and the difference grows with the size of the logits: about
1e-5 of max |logit|. Trained checkpoints have logits of +-20 to +-30, so a fixed 1e-4 refuses correct graphs of real
models (issue 13: 2.4e-4 at +-24). Measured here (onnxruntime-node 1.30 vs PyTorch 1.13, CPU): up to 1.9e-5 x
max |logit| on xTiny with random weights and a classifier scaled to logits of +-30 (tests/test_export_parity.py),
0.9e-5 x on an official-code checkpoint (issue 13). The criterion therefore has two parts:

1. logits: max |candidate - reference| <= ABS_TOLERANCE + REL_TOLERANCE * max |reference|
   (1e-4 + 5e-5 x 30 = 1.6e-3 for a model with logits of +-30, 2.5x the worst rounding measured; 1e-4-ish for
   small logits);
2. masks: thresholded at every threshold in MASK_THRESHOLDS_LOGIT, the masks may differ only where the reference
   logit lies within the tolerance of that threshold (a sign flip of a near-zero logit is rounding; a flip of a
   confident pixel is a wrong graph). Part 1 implies part 2; part 2 is checked and reported on its own because it
   is what a user sees (changed mask pixels), and it stays a hard rule if the logit tolerance is ever loosened.

A wrong graph moves logits far more: align_corners=False in the final upsample 9.6, one neck GroupNorm weight
0.5 % off 0.07 (45x the limit) at logits of +-25, and it flips confident pixels: it fails both parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

#: Absolute part of the logit tolerance: float32 noise of a network with small logits.
ABS_TOLERANCE = 1e-4
#: Relative part: float32 rounding grows with the logit scale (up to 1.9e-5 x max |logit| measured; 2.5x margin).
REL_TOLERANCE = 5e-5
#: Logit thresholds at which masks must agree: 0 (probability 0.5) and logit(0.49), the official evaluation's
#: probability threshold that the SDK's parity preset uses.
MASK_THRESHOLDS_LOGIT = (0.0, math.log(0.49 / 0.51))


class ParityError(Exception):
    """Two runs that should agree do not; the message is one line with the numbers."""


def logit_tolerance(max_abs_logit: float) -> float:
    """The allowed max |logit diff| for a reference whose largest |logit| is ``max_abs_logit``."""
    return ABS_TOLERANCE + REL_TOLERANCE * float(max_abs_logit)


@dataclass(frozen=True)
class ParityReport:
    """The numbers of one comparison."""

    max_abs_diff: float
    max_abs_logit: float
    tolerance: float
    #: pixels whose mask differs at some threshold (summed over thresholds)
    mask_flips: int
    #: of those, pixels whose reference logit is farther than the tolerance from the threshold (must be 0)
    confident_mask_flips: int
    pixels: int

    @property
    def ok(self) -> bool:
        return (math.isfinite(self.max_abs_diff) and self.max_abs_diff <= self.tolerance
                and self.confident_mask_flips == 0)

    def describe(self) -> str:
        return (f"max |logit diff| {self.max_abs_diff:.3g} (limit {self.tolerance:.3g} = {ABS_TOLERANCE:g} + "
                f"{REL_TOLERANCE:g} x max |logit| {self.max_abs_logit:.3g}); mask flips {self.mask_flips} of "
                f"{self.pixels} px, {self.confident_mask_flips} outside the rounding band")


def compare_logits(reference: np.ndarray, candidate: np.ndarray,
                   thresholds: Sequence[float] = MASK_THRESHOLDS_LOGIT) -> ParityReport:
    """Compare ``candidate`` logits with ``reference`` logits (same shape) by the criterion above."""
    reference = np.asarray(reference, dtype=np.float64)
    candidate = np.asarray(candidate, dtype=np.float64)
    if reference.shape != candidate.shape:
        raise ParityError(f"logit shapes differ: {candidate.shape} vs reference {reference.shape}")
    finite = bool(np.all(np.isfinite(candidate))) and bool(np.all(np.isfinite(reference)))
    max_abs_logit = float(np.abs(reference).max()) if reference.size else 0.0
    tolerance = logit_tolerance(max_abs_logit if finite else 0.0)
    max_abs_diff = float(np.abs(candidate - reference).max()) if finite and reference.size else (
        0.0 if finite else math.inf)
    flips = confident = 0
    for threshold in thresholds:
        differs = (candidate > threshold) != (reference > threshold)
        flips += int(differs.sum())
        confident += int((differs & (np.abs(reference - threshold) > tolerance)).sum())
    return ParityReport(max_abs_diff=max_abs_diff, max_abs_logit=max_abs_logit, tolerance=tolerance,
                        mask_flips=flips, confident_mask_flips=confident, pixels=int(reference.size))


def check_logits(reference: np.ndarray, candidate: np.ndarray, what: str = "logits") -> ParityReport:
    """:func:`compare_logits`, raising :class:`ParityError` (``what`` names the candidate) when it fails."""
    report = compare_logits(reference, candidate)
    if not report.ok:
        raise ParityError(f"{what} do not reproduce the reference: {report.describe()}")
    return report
