"""Simulated clicks for training.

Two kinds, following the facts of the official training code (isegm/data/points_sampler.py MultiPointSampler
and isegm/engine/trainer.py get_next_points, SimpleClick v1.0):

* **Initial clicks** (:class:`InitialClickSampler`), drawn independently for every training sample:
  - positives: 1 + k clicks with P(k) proportional to gamma^k (k = 0..max_points-1, gamma 0.8), uniform over the
    object, which is first eroded by 3 iterations of a 3x3 kernel with probability 0.9 (kept only if more than
    10 pixels survive), so that positives keep away from the boundary;
  - negatives: k clicks with P(k) proportional to gamma^k (k = 0..max_points, so none is possible); each one first
    draws a region - the background (0.1), the other objects (0.4) or the border band around the object (0.5) -
    then a pixel of it. The border band is the object dilated by ceil(0.1 * sqrt(area)) iterations of a 3x3 kernel,
    minus the object; "other objects" falls back to the background when the image has none;
  - for a merged target (several objects as one), each part gets one positive first and the remaining positives
    are spread over the parts;
  - optionally (``center_click_prob``, off in the official recipe) a single positive deep inside the object and
    no negative, like the first click of the evaluation protocol.
* **Next click of an iterative round** (:func:`next_error_click`): false negatives = object & prob < 0.49, false
  positives = background & prob > 0.49; the side whose error region is deeper (larger exact Euclidean distance to
  its border, the image edge counting as border) gets the click, placed at a random pixel whose depth is more
  than half the maximum. No click when there is no error.

Clicks are (row, col) integer pixel positions on the training crop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

Point = Tuple[int, int]

#: Threshold of the iterative-training error maps (the official get_next_points uses 0.49).
ERROR_THRESHOLD = 0.49


@dataclass(frozen=True)
class ClickSamplerOptions:
    max_points: int = 24
    prob_gamma: float = 0.8
    expand_ratio: float = 0.1
    positive_erode_prob: float = 0.9
    positive_erode_iters: int = 3
    negative_bg_prob: float = 0.1
    negative_other_prob: float = 0.4
    negative_border_prob: float = 0.5
    #: Probability of a sample with a single positive click in the object's interior (distance to the border more
    #: than max/1.7, the official sampler's first_click_center rule) and no negative: the situation of every
    #: evaluation's first click, rare under the geometric counts (P = 0.2 * 0.2). 0 in the official recipe.
    center_click_prob: float = 0.0

    def __post_init__(self) -> None:
        total = self.negative_bg_prob + self.negative_other_prob + self.negative_border_prob
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(f"negative strategy probabilities must sum to 1, got {total}")
        if self.max_points < 1:
            raise ValueError("max_points must be >= 1")


DEFAULT_CLICK_SAMPLER_OPTIONS = ClickSamplerOptions()


def geometric_probs(count: int, gamma: float) -> np.ndarray:
    """P(k) proportional to gamma^k for k = 0..count-1."""
    probs = gamma ** np.arange(count, dtype=np.float64)
    return probs / probs.sum()


def border_band(mask: np.ndarray, expand_ratio: float) -> np.ndarray:
    """Pixels within ceil(expand_ratio * sqrt(area)) 3x3 dilations of the mask, outside it."""
    area = int(mask.sum())
    radius = int(math.ceil(expand_ratio * math.sqrt(area)))
    if radius == 0:
        return np.zeros_like(mask, dtype=bool)
    dilated = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=radius).astype(bool)
    return dilated & ~mask


class InitialClickSampler:
    """Draws the random initial clicks of one training sample (see module docstring)."""

    def __init__(self, options: ClickSamplerOptions = DEFAULT_CLICK_SAMPLER_OPTIONS):
        self.options = options
        self._pos_probs = geometric_probs(options.max_points, options.prob_gamma)
        self._neg_probs = geometric_probs(options.max_points + 1, options.prob_gamma)

    def positive_region(self, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if rng.random() >= self.options.positive_erode_prob:
            return mask
        eroded = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8),
                           iterations=self.options.positive_erode_iters).astype(bool)
        return eroded if eroded.sum() > 10 else mask

    def sample(self, parts: Sequence[np.ndarray], other_objects: Optional[np.ndarray],
               rng: np.random.Generator) -> Tuple[List[Point], List[Point]]:
        """Positive and negative clicks for a target made of `parts` (bool masks; usually one).

        `other_objects`: bool mask of the other objects of the image (None or empty: none known).
        """
        target = np.zeros_like(parts[0], dtype=bool)
        for part in parts:
            target |= part
        if not target.any():
            raise ValueError("the target object is empty")

        if self.options.center_click_prob > 0 and rng.random() < self.options.center_click_prob:
            return random_pixels(interior(target), 1, rng), []

        positive_regions = [self.positive_region(part, rng) for part in parts if part.any()]
        num_positive = 1 + int(rng.choice(self.options.max_points, p=self._pos_probs))
        positives: List[Point] = []
        if len(positive_regions) == 1:
            positives = random_pixels(positive_regions[0], num_positive, rng)
        else:
            # One click in every part first, then the rest anywhere on the merged target.
            for region in positive_regions:
                positives.extend(random_pixels(region, 1, rng))
            union = np.zeros_like(target)
            for region in positive_regions:
                union |= region
            extra = max(0, min(num_positive, self.options.max_points) - len(positives))
            positives.extend(random_pixels(union, extra, rng))

        background = ~target
        others = other_objects & background if other_objects is not None else None
        if others is None or not others.any():
            others = background
        regions = (background, others, border_band(target, self.options.expand_ratio))
        region_probs = (self.options.negative_bg_prob, self.options.negative_other_prob,
                        self.options.negative_border_prob)
        region_pixels = [None, None, None]
        num_negative = int(rng.choice(self.options.max_points + 1, p=self._neg_probs))
        negatives: List[Point] = []
        for _ in range(num_negative):
            which = int(rng.choice(3, p=region_probs))
            if region_pixels[which] is None:
                region_pixels[which] = np.argwhere(regions[which])
            pixels = region_pixels[which]
            if len(pixels):  # an empty region gives no click (the official sampler skips it too)
                row, col = pixels[rng.integers(len(pixels))]
                negatives.append((int(row), int(col)))
        return positives, negatives


def interior(mask: np.ndarray, k: float = 1.7) -> np.ndarray:
    """Pixels whose distance to the mask border (image edge included) exceeds max / k."""
    depth = error_depth(mask)
    return depth > depth.max() / k


def random_pixels(mask: np.ndarray, count: int, rng: np.random.Generator) -> List[Point]:
    """`count` pixels of `mask` drawn uniformly with replacement (none when the mask is empty)."""
    pixels = np.argwhere(mask)
    if len(pixels) == 0 or count <= 0:
        return []
    chosen = pixels[rng.integers(len(pixels), size=count)]
    return [(int(r), int(c)) for r, c in chosen]


def error_depth(error: np.ndarray) -> np.ndarray:
    """Exact Euclidean distance of each error pixel to the nearest non-error pixel, the image edge counting as
    non-error (the mask is padded by one zero pixel)."""
    padded = np.pad(error.astype(np.uint8), 1)
    return cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]


def next_error_click(prob: np.ndarray, gt: np.ndarray, rng: np.random.Generator,
                     threshold: float = ERROR_THRESHOLD) -> Optional[Tuple[int, int, bool]]:
    """(row, col, is_positive) of the next iterative-training click, or None when the prediction has no error."""
    gt = gt.astype(bool)
    false_negative = gt & (prob < threshold)
    false_positive = ~gt & (prob > threshold)
    fn_depth = error_depth(false_negative)
    fp_depth = error_depth(false_positive)
    fn_max = float(fn_depth.max(initial=0.0))
    fp_max = float(fp_depth.max(initial=0.0))
    if fn_max == 0.0 and fp_max == 0.0:
        return None
    is_positive = fn_max > fp_max
    depth = fn_depth if is_positive else fp_depth
    candidates = np.argwhere(depth > max(fn_max, fp_max) / 2.0)
    row, col = candidates[rng.integers(len(candidates))]
    return int(row), int(col), bool(is_positive)
