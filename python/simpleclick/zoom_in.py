"""Zoom-in: the region of interest (ROI) the predictor crops around the object before each forward pass.

Reproduces the official evaluation behaviour (SimpleClick v1.0, `ZoomIn(skip_clicks=-1, target_size=(S, S))`,
see docs/per-click-algorithm.md, zoom-in):

* candidate ROI: if the previous probabilities have any pixel > 0.5, the inclusive bounding box of that mask with
  every positive click pixel set, expanded to max(1.4 * side, 200) around its centre, edges rounded half-to-even in
  float64 (Python's `round`), clamped to the image; otherwise the whole image, whatever the clicks;
* the old ROI is kept unless there is none yet, a positive click lies outside it (note the half-open test
  `y >= row_max`, literal from the official code although the ROI is inclusive), or the box IoU of candidate and
  old ROI is < 0.5.

Because the official transform runs with skip_clicks=-1, an ROI exists from the first click on, so its
`check_possible_recalculation` never triggers (it returns False whenever an ROI is set); nothing here models it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

import numpy as np

from .click import Click

EXPANSION_RATIO = 1.4
MIN_CROP_SIZE_PX = 200
RECOMPUTE_IOU_THRESHOLD = 0.5
# The ROI mask threshold (0.5) is not the output mask threshold (0.49): both are official values.
ROI_PROBABILITY_THRESHOLD = 0.5


@dataclass(frozen=True)
class Roi:
    """Inclusive pixel box: rows row_min..row_max, columns col_min..col_max."""

    row_min: int
    row_max: int
    col_min: int
    col_max: int

    @property
    def height_px(self) -> int:
        return self.row_max - self.row_min + 1

    @property
    def width_px(self) -> int:
        return self.col_max - self.col_min + 1

    @staticmethod
    def whole_image(height_px: int, width_px: int) -> "Roi":
        return Roi(0, height_px - 1, 0, width_px - 1)

    def to_json(self) -> dict:
        return {"rowMin": int(self.row_min), "rowMax": int(self.row_max),
                "colMin": int(self.col_min), "colMax": int(self.col_max)}

    @staticmethod
    def from_json(data: dict) -> "Roi":
        return Roi(data["rowMin"], data["rowMax"], data["colMin"], data["colMax"])


def round_half_even(value: float) -> int:
    """Python's round() on a float64: ties go to the even integer (0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0)."""
    return int(round(float(value)))


def mask_bounding_box(mask: np.ndarray) -> Roi:
    """Inclusive bounding box of the True pixels of a non-empty 2-D mask."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise ValueError("mask_bounding_box: the mask is empty")
    return Roi(int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1]))


def expand_box(box: Roi, ratio: float = EXPANSION_RATIO, min_size_px: float = MIN_CROP_SIZE_PX) -> Roi:
    """Grow a box around its centre to max(ratio * side, min_size_px) per axis (not clamped: may leave the image).

    All arithmetic in float64, then round half to even, exactly as the official expand_bbox.
    """
    def expand_axis(low: int, high: int) -> Tuple[int, int]:
        centre = 0.5 * (low + high)
        size = max(ratio * (high - low + 1), min_size_px)
        return round_half_even(centre - 0.5 * size), round_half_even(centre + 0.5 * size)

    row_min, row_max = expand_axis(box.row_min, box.row_max)
    col_min, col_max = expand_axis(box.col_min, box.col_max)
    return Roi(row_min, row_max, col_min, col_max)


def clamp_box(box: Roi, height_px: int, width_px: int) -> Roi:
    return Roi(max(0, box.row_min), min(height_px - 1, box.row_max),
               max(0, box.col_min), min(width_px - 1, box.col_max))


def _segment_iou(a: int, b: int, c: int, d: int) -> float:
    intersection = max(0, min(b, d) - max(a, c) + 1)
    union = max(b, d) - min(a, c) + 1
    return intersection / union


def box_iou(first: Roi, second: Roi) -> float:
    """Separable box IoU of the official code: IoU of the row spans times IoU of the column spans."""
    return (_segment_iou(first.row_min, first.row_max, second.row_min, second.row_max)
            * _segment_iou(first.col_min, first.col_max, second.col_min, second.col_max))


def positive_clicks_inside(roi: Roi, clicks: Iterable[Click]) -> bool:
    """Official check_object_roi: every positive click satisfies row_min <= y < row_max, col_min <= x < col_max."""
    for click in clicks:
        if not click.is_positive:
            continue
        if click.y_px < roi.row_min or click.y_px >= roi.row_max:
            return False
        if click.x_px < roi.col_min or click.x_px >= roi.col_max:
            return False
    return True


def candidate_roi(prev_probs: Optional[np.ndarray], clicks: Sequence[Click],
                  height_px: int, width_px: int) -> Roi:
    """The ROI the current state asks for (before the keep-or-update rule)."""
    if prev_probs is None:
        return Roi.whole_image(height_px, width_px)
    mask = np.asarray(prev_probs) > ROI_PROBABILITY_THRESHOLD
    if not mask.any():
        return Roi.whole_image(height_px, width_px)
    mask = mask.copy()
    for click in clicks:
        if click.is_positive:
            mask[int(click.y_px), int(click.x_px)] = True
    box = expand_box(mask_bounding_box(mask))
    return clamp_box(box, height_px, width_px)


def next_roi(current: Optional[Roi], prev_probs: Optional[np.ndarray], clicks: Sequence[Click],
             height_px: int, width_px: int) -> Tuple[Roi, bool]:
    """The ROI for the next forward pass and whether it changed.

    `prev_probs` is the full-size probability map left by the previous prediction (None or zeros at start),
    `clicks` all clicks so far including the new one.
    """
    candidate = candidate_roi(prev_probs, clicks, height_px, width_px)
    if current is None:
        return candidate, True
    if not positive_clicks_inside(current, clicks):
        return candidate, True
    if box_iou(candidate, current) < RECOMPUTE_IOU_THRESHOLD:
        return candidate, True
    return current, False
