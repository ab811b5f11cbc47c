"""Click disks at network resolution for training batches.

The rule is the SDK's (docs/per-click-algorithm.md, click maps; `simpleclick.click_maps.draw_disks`): pixel
(row, col) is in the disk of (y, x) iff dy*dy + dx*dx <= 25 with dy = float32(row - y), dx = float32(col - x),
squared and summed in float32. Training draws tens of clicks per sample, so only an 11 x 11 window around each click
is evaluated instead of the full raster (tests check both give the same pixels).
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence, Tuple

import numpy as np

CLICK_RADIUS_PX = 5


def draw_disks_local(points: Iterable[Tuple[float, float]], size_px: int, radius_px: float = CLICK_RADIUS_PX,
                     out: np.ndarray = None) -> np.ndarray:
    """Union of the disks of `points` ((row, col), may be fractional) on a size x size float32 0/1 raster.

    Points with max(row, col) < 0 are skipped (the padding convention of the official DistMaps)."""
    raster = np.zeros((size_px, size_px), dtype=np.float32) if out is None else out
    radius_squared = np.float32(radius_px * radius_px)
    reach = int(math.ceil(radius_px)) + 1
    for y, x in points:
        if max(y, x) < 0:
            continue
        row0 = max(0, int(math.floor(y)) - reach)
        row1 = min(size_px, int(math.floor(y)) + reach + 1)
        col0 = max(0, int(math.floor(x)) - reach)
        col1 = min(size_px, int(math.floor(x)) + reach + 1)
        if row0 >= row1 or col0 >= col1:
            continue
        dy = (np.arange(row0, row1, dtype=np.float64) - y).astype(np.float32)
        dx = (np.arange(col0, col1, dtype=np.float64) - x).astype(np.float32)
        inside = (dy * dy)[:, None] + (dx * dx)[None, :] <= radius_squared
        window = raster[row0:row1, col0:col1]
        window[inside] = 1.0
    return raster


def click_maps_for(positives: Sequence[Tuple[float, float]], negatives: Sequence[Tuple[float, float]],
                   size_px: int) -> np.ndarray:
    """float32 [2, S, S]: positive disks, negative disks."""
    maps = np.zeros((2, size_px, size_px), dtype=np.float32)
    draw_disks_local(positives, size_px, out=maps[0])
    draw_disks_local(negatives, size_px, out=maps[1])
    return maps
