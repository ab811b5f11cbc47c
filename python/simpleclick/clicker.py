"""The next-click simulator of the automatic evaluation (docs/evaluation-protocol.md, the next click; official
isegm/inference/clicker.py).

Given the ground truth, the ignore region and the current predicted mask:

* fn = gt & ~pred & ~ignore (missed object), fp = ~gt & pred & ~ignore (spill);
* each is padded by one pixel of zeros (so the image border counts as background: a border pixel is at distance 1),
  run through an exact Euclidean distance transform (float32 output, OpenCV's DIST_L2 with the precise mask, as the
  official code), and unpadded;
* distances of already-clicked pixels are zeroed;
* the click is positive iff max(fn distance) > max(fp distance) (ties are negative), at the first pixel in
  row-major order that attains the maximum of the chosen map. With no error pixel left both maxima are 0 and this
  gives a negative click at (0, 0).
"""

from __future__ import annotations

from typing import List, Optional

import cv2
import numpy as np

from .click import Click


def distance_to_background(mask: np.ndarray) -> np.ndarray:
    """float32 exact Euclidean distance of each True pixel to the nearest False pixel or to the image edge
    (the 1-pixel zero padding makes outside pixels background)."""
    padded = np.pad(np.asarray(mask, dtype=np.uint8), ((1, 1), (1, 1)), mode="constant")
    distances = cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return distances[1:-1, 1:-1].astype(np.float32, copy=False)


def next_click(gt_mask: np.ndarray, ignore_mask: np.ndarray, pred_mask: np.ndarray,
               not_clicked: np.ndarray) -> Click:
    """The simulated user's next click (integer row/column)."""
    gt = np.asarray(gt_mask, dtype=bool)
    valid = ~np.asarray(ignore_mask, dtype=bool)
    pred = np.asarray(pred_mask, dtype=bool)
    fn_mask = gt & ~pred & valid
    fp_mask = ~gt & pred & valid

    keep = np.asarray(not_clicked, dtype=np.float32)
    fn_distance = distance_to_background(fn_mask) * keep
    fp_distance = distance_to_background(fp_mask) * keep

    fn_max = fn_distance.max()
    fp_max = fp_distance.max()
    is_positive = bool(fn_max > fp_max)
    chosen, chosen_max = (fn_distance, fn_max) if is_positive else (fp_distance, fp_max)
    # argmax over the flattened C-order array is the first maximum in row-major order.
    flat_index = int(np.argmax(chosen == chosen_max))
    row, col = divmod(flat_index, chosen.shape[1])
    return Click(y_px=row, x_px=col, is_positive=is_positive)


class ClickSimulator:
    """Holds one object's ground truth and the clicks made so far; `make_next_click(pred_mask)` adds one."""

    def __init__(self, gt_mask: np.ndarray, ignore_mask: Optional[np.ndarray] = None):
        self.gt_mask = np.asarray(gt_mask, dtype=bool)
        if ignore_mask is None:
            ignore_mask = np.zeros_like(self.gt_mask)
        self.ignore_mask = np.asarray(ignore_mask, dtype=bool)
        if self.ignore_mask.shape != self.gt_mask.shape:
            raise ValueError(f"ignore mask shape {self.ignore_mask.shape} != gt shape {self.gt_mask.shape}")
        self.not_clicked = np.ones(self.gt_mask.shape, dtype=bool)
        self.clicks: List[Click] = []

    def make_next_click(self, pred_mask: np.ndarray) -> Click:
        pred = np.asarray(pred_mask, dtype=bool)
        if pred.shape != self.gt_mask.shape:
            raise ValueError(f"prediction shape {pred.shape} != gt shape {self.gt_mask.shape}")
        click = next_click(self.gt_mask, self.ignore_mask, pred, self.not_clicked)
        self.clicks.append(click)
        self.not_clicked[click.y_px, click.x_px] = False
        return click
