"""Click encoding at network resolution: radius-5 binary disks, one raster for positives, one for negatives.

Literal to the official pipeline (docs/per-click-algorithm.md, steps 4-5):

* a full-image click (y, x) maps into the S x S crop as y' = S*(y-row_min)/(roi height), x' likewise, in float64
  (the official ZoomIn._transform_clicks; it is not the resize's own pixel mapping, and that is kept on purpose);
* the mirrored copy used for flip averaging takes x'' = (S - x') - 1 (the official AddHorizontalFlip), it does
  not mirror the raster;
* a pixel (row, col) is in the disk of (y', x') iff dy*dy + dx*dx <= 25 with dy = float32(row - y') and
  dx = float32(col - x'): the official DistMaps subtracts float64 click coordinates from a float32 index grid
  in place, so each difference is computed in float64 and stored as float32, then squared and summed in float32;
* a click whose mapped coordinates are both negative (max(y', x') < 0) is treated like the official padding
  entries (-1, -1) and skipped, even when its disk would reach into the crop. For the mirrored copy this is
  decided again on (y', x'').
"""

from __future__ import annotations

from typing import Iterable, Sequence, Tuple

import numpy as np

from .click import Click
from .zoom_in import Roi

CLICK_RADIUS_PX = 5

NetPoint = Tuple[float, float]


def map_click_to_net(click: Click, roi: Roi, net_size_px: int) -> NetPoint:
    """Full-image click -> float64 (y', x') in the S x S resized crop of `roi`."""
    y_net = net_size_px * (click.y_px - roi.row_min) / roi.height_px
    x_net = net_size_px * (click.x_px - roi.col_min) / roi.width_px
    return float(y_net), float(x_net)


def mirror_net_point(point: NetPoint, net_size_px: int) -> NetPoint:
    """Position of a net-resolution click in the horizontally mirrored crop: x'' = (S - x') - 1."""
    y_net, x_net = point
    return y_net, (net_size_px - x_net) - 1


def is_skipped(point: NetPoint) -> bool:
    """The official DistMaps treats a point with max(y, x) < 0 as padding and draws nothing for it."""
    return max(point[0], point[1]) < 0


def draw_disks(points: Iterable[NetPoint], net_size_px: int, radius_px: float = CLICK_RADIUS_PX) -> np.ndarray:
    """Union of the radius disks of `points` on an S x S float32 raster of 0/1."""
    raster = np.zeros((net_size_px, net_size_px), dtype=bool)
    indices = np.arange(net_size_px, dtype=np.float64)
    radius_squared = np.float32(radius_px * radius_px)
    for point in points:
        if is_skipped(point):
            continue
        dy = (indices - point[0]).astype(np.float32)
        dx = (indices - point[1]).astype(np.float32)
        dy_squared = dy * dy
        dx_squared = dx * dx
        raster |= (dy_squared[:, None] + dx_squared[None, :]) <= radius_squared
    return raster.astype(np.float32)


def net_points(clicks: Sequence[Click], roi: Roi, net_size_px: int, mirrored: bool = False) -> list:
    """(point, is_positive) pairs at net resolution, for the plain or the mirrored copy."""
    result = []
    for click in clicks:
        point = map_click_to_net(click, roi, net_size_px)
        if mirrored:
            point = mirror_net_point(point, net_size_px)
        result.append((point, bool(click.is_positive)))
    return result


def click_disk_maps(clicks: Sequence[Click], roi: Roi, net_size_px: int, mirrored: bool = False) -> np.ndarray:
    """float32 [2, S, S]: channel 0 the positive disks, channel 1 the negative disks."""
    points = net_points(clicks, roi, net_size_px, mirrored)
    positives = draw_disks((p for p, positive in points if positive), net_size_px)
    negatives = draw_disks((p for p, positive in points if not positive), net_size_px)
    return np.stack([positives, negatives])
