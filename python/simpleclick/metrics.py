"""Evaluation metrics of the official protocol (docs/evaluation-protocol.md, metrics; isegm/inference/utils.py,
evaluate_model.py).

* IoU per click: |pred & gt & ~ignore| / |(pred | gt) & ~ignore| in float64 (0/0 gives nan, as in the official
  code, which never reaches a threshold).
* The official code stores each object's IoU list as float32 and compares it with Python-float thresholds, which
  numpy does in float32: NoC@t = 1-based index of the first click with float32(IoU) >= float32(t), else max_clicks.
* The thresholds are numpy.arange(0.8, min(0.95, target) + 0.001, 0.05): 0.8, 0.8500000000000001,
  0.9000000000000001 for the default target 0.9.
* NoF@t counts objects whose NoC@t equals max_clicks, which includes objects that first reach t at the last click.
* SPC = wall time of the whole loop / number of clicks made; mIoU@k = mean IoU after click k over all objects,
  defined only when every object has at least k clicks (as the official --print-ious, which runs all clicks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np

DEFAULT_MAX_CLICKS = 20
DEFAULT_TARGET_IOU = 0.9


def iou(gt_mask: np.ndarray, ignore_mask: np.ndarray, pred_mask: np.ndarray) -> float:
    """float64 IoU with ignore pixels excluded from both intersection and union."""
    gt = np.asarray(gt_mask, dtype=bool)
    valid = ~np.asarray(ignore_mask, dtype=bool)
    pred = np.asarray(pred_mask, dtype=bool)
    intersection = int(np.count_nonzero(pred & gt & valid))
    union = int(np.count_nonzero((pred | gt) & valid))
    if union == 0:
        return float("nan")
    return intersection / union


def iou_thresholds(target_iou: float = DEFAULT_TARGET_IOU) -> List[float]:
    """The official NoC thresholds: numpy.arange(0.8, min(0.95, target) + 0.001, 0.05) as Python floats."""
    return np.arange(0.8, min(0.95, target_iou) + 0.001, 0.05).tolist()


def threshold_key(threshold: float) -> str:
    """JSON key of a threshold: Python's repr, e.g. '0.8500000000000001'."""
    return repr(float(threshold))


def number_of_clicks(ious: Sequence[float], threshold: float, max_clicks: int = DEFAULT_MAX_CLICKS) -> int:
    """NoC of one object: first 1-based click with float32(IoU) >= float32(threshold), else max_clicks."""
    reached = np.asarray(ious, dtype=np.float32) >= np.float32(threshold)
    if not reached.any():
        return max_clicks
    return int(np.argmax(reached)) + 1


@dataclass
class EvaluationSummary:
    thresholds: List[float]
    noc_mean: List[float]
    noc_std: List[float]
    nof: List[int]
    num_objects: int
    num_clicks: int
    elapsed_s: float
    seconds_per_click: float
    miou_at: Dict[int, Optional[float]] = field(default_factory=dict)
    miou_curve: List[float] = field(default_factory=list)  # mean IoU after clicks 1..min clicks of any object


def summarize(all_ious: Sequence[Sequence[float]], elapsed_s: float, max_clicks: int = DEFAULT_MAX_CLICKS,
              target_iou: float = DEFAULT_TARGET_IOU, miou_clicks: Sequence[int] = (1, 3, 5)) -> EvaluationSummary:
    """NoC means and standard deviations, NoF, SPC and mIoU@k over a dataset's per-object IoU lists."""
    thresholds = iou_thresholds(target_iou)
    noc_mean, noc_std, nof = [], [], []
    for threshold in thresholds:
        nocs = np.array([number_of_clicks(ious, threshold, max_clicks) for ious in all_ious], dtype=np.int64)
        noc_mean.append(float(nocs.mean()) if nocs.size else float("nan"))
        noc_std.append(float(nocs.std()) if nocs.size else float("nan"))
        nof.append(int((nocs == max_clicks).sum()))
    num_clicks = int(sum(len(ious) for ious in all_ious))
    min_clicks = min((len(ious) for ious in all_ious), default=0)
    # The official code averages the float32 IoU arrays cut to the shortest one.
    curve = (np.array([ious[:min_clicks] for ious in all_ious], dtype=np.float32).mean(axis=0).tolist()
             if min_clicks else [])
    miou_at: Dict[int, Optional[float]] = {k: (curve[k - 1] if 1 <= k <= min_clicks else None) for k in miou_clicks}
    return EvaluationSummary(
        thresholds=thresholds, noc_mean=noc_mean, noc_std=noc_std, nof=nof, num_objects=len(all_ious),
        num_clicks=num_clicks, elapsed_s=float(elapsed_s),
        seconds_per_click=float(elapsed_s) / num_clicks if num_clicks else float("nan"), miou_at=miou_at,
        miou_curve=[float(v) for v in curve])
