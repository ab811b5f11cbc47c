"""Geometry and colour augmentation of one training sample (image + target mask + other-objects mask).

Every sample is cut out of its image by a box in image coordinates and warped to S x S (bilinear; masks warped as
floats and thresholded at 0.5; outside the image is black, as the official PadIfNeeded with border 0). The box
comes from one of three modes, chosen to cover what the network sees at evaluation time (docs/per-click-algorithm.md:
the predictor squashes the whole image, and later a zoom-in ROI 1.4x the object's box and at least 200 px, to
S x S without keeping the aspect ratio):

* ``whole``  - the whole image with a little scale and shift jitter (the first click of every evaluation);
* ``zoom``   - the object's bounding box enlarged 1.2-2.2x per side (independently, so the aspect ratio changes),
  at least about 40% of the longest image side, with its centre jittered (the zoom-in ROI of later clicks);
* ``crop``   - the official recipe: a square crop of a randomly rescaled image (longest side 0.75-1.4 x S), placed
  so that it contains a random pixel of the object.

Then a horizontal flip (p 0.5) and the official colour jitter: brightness +-0.25 and contrast -0.15..+0.4 (p 0.75),
per-channel shift up to +-10 levels (p 0.75).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np

cv2.setNumThreads(1)

Box = Tuple[float, float, float, float]  # x0, y0, x1, y1 in continuous pixel coordinates (pixel i spans [i, i+1))


@dataclass(frozen=True)
class AugmentOptions:
    size_px: int = 256
    whole_prob: float = 0.3
    zoom_prob: float = 0.4  # the rest is 'crop'
    zoom_expand: Tuple[float, float] = (1.2, 2.2)
    zoom_min_side: float = 0.42  # fraction of the longest image side (200 px of a 480 px evaluation image)
    zoom_shift: float = 0.12  # centre jitter, fraction of the box side
    crop_scale: Tuple[float, float] = (0.75, 1.4)  # longest image side after rescaling, in units of S
    whole_jitter: float = 0.08
    flip_prob: float = 0.5
    color_prob: float = 0.75
    brightness: Tuple[float, float] = (-0.25, 0.25)
    contrast: Tuple[float, float] = (-0.15, 0.4)
    rgb_shift: float = 10.0
    min_object_px: int = 64  # a warped target smaller than this is rejected (the official min_object_area is 80)


DEFAULT_AUGMENT_OPTIONS = AugmentOptions()


def mask_box(mask: np.ndarray) -> Box:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)


def choose_box(mode: str, image_hw: Tuple[int, int], target: np.ndarray, options: AugmentOptions,
               rng: np.random.Generator) -> Box:
    height, width = image_hw
    longest = float(max(height, width))
    if mode == "whole":
        scale = 1.0 + rng.uniform(-options.whole_jitter, options.whole_jitter)
        box_w, box_h = width * scale, height * scale
        cx = width / 2 + rng.uniform(-1, 1) * options.whole_jitter * width
        cy = height / 2 + rng.uniform(-1, 1) * options.whole_jitter * height
    elif mode == "zoom":
        x0, y0, x1, y1 = mask_box(target)
        min_side = options.zoom_min_side * longest * rng.uniform(0.8, 1.25)
        box_w = max((x1 - x0) * rng.uniform(*options.zoom_expand), min_side)
        box_h = max((y1 - y0) * rng.uniform(*options.zoom_expand), min_side)
        cx = (x0 + x1) / 2 + rng.uniform(-1, 1) * options.zoom_shift * box_w
        cy = (y0 + y1) / 2 + rng.uniform(-1, 1) * options.zoom_shift * box_h
    elif mode == "crop":
        # Rescale so that the longest side is u * S, then cut S x S: in source pixels the square's side is L / u.
        side = longest / rng.uniform(*options.crop_scale)
        pixels = np.argwhere(target)
        row, col = pixels[rng.integers(len(pixels))]
        # Place the square so that the chosen object pixel falls uniformly inside it.
        cx = col + 0.5 + rng.uniform(-0.5, 0.5) * side
        cy = row + 0.5 + rng.uniform(-0.5, 0.5) * side
        box_w = box_h = side
    else:
        raise ValueError(f"unknown box mode {mode!r}")
    return cx - box_w / 2, cy - box_h / 2, cx + box_w / 2, cy + box_h / 2


def box_transform(box: Box, size_px: int, flip: bool) -> np.ndarray:
    """2x3 affine matrix taking source pixel centres to output pixel centres."""
    x0, y0, x1, y1 = box
    sx = size_px / (x1 - x0)
    sy = size_px / (y1 - y0)
    # out + 0.5 = (src + 0.5 - x0) * s
    matrix = np.array([[sx, 0.0, (0.5 - x0) * sx - 0.5],
                       [0.0, sy, (0.5 - y0) * sy - 0.5]], dtype=np.float64)
    if flip:
        matrix[0] = -matrix[0]
        matrix[0, 2] += size_px - 1
    return matrix


def warp(image: np.ndarray, masks, box: Box, size_px: int, flip: bool):
    matrix = box_transform(box, size_px, flip)
    out_image = cv2.warpAffine(image, matrix, (size_px, size_px), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    out_masks = []
    for mask in masks:
        if mask is None:
            out_masks.append(None)
            continue
        warped = cv2.warpAffine(mask.astype(np.float32), matrix, (size_px, size_px), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        out_masks.append(warped > 0.5)
    return out_image, out_masks


def color_jitter(image: np.ndarray, options: AugmentOptions, rng: np.random.Generator) -> np.ndarray:
    """uint8 RGB -> uint8 RGB with the official brightness/contrast and RGB-shift jitter."""
    out = image.astype(np.float32)
    changed = False
    if rng.random() < options.color_prob:
        # albumentations' RandomBrightnessContrast (brightness_by_max): alpha * x + beta * 255
        alpha = 1.0 + rng.uniform(*options.contrast)
        beta = rng.uniform(*options.brightness) * 255.0
        out = out * alpha + beta
        changed = True
    if rng.random() < options.color_prob:
        out = out + rng.uniform(-options.rgb_shift, options.rgb_shift, size=3).astype(np.float32)
        changed = True
    if not changed:
        return image
    return np.clip(out, 0, 255).astype(np.uint8)


def augment(image: np.ndarray, target: np.ndarray, others: Optional[np.ndarray], options: AugmentOptions,
            rng: np.random.Generator, mode: Optional[str] = None, tries: int = 6, parts: Sequence[np.ndarray] = ()):
    """(image S x S x 3 uint8, target bool, others bool or None, parts, mode), or None when no valid crop was
    found. `parts` (the pieces of a merged target) follow the same warp."""
    for attempt in range(tries):
        chosen = mode
        if chosen is None:
            u = rng.random()
            chosen = "whole" if u < options.whole_prob else ("zoom" if u < options.whole_prob + options.zoom_prob
                                                             else "crop")
        if attempt == tries - 1:
            chosen = "zoom"  # the most reliable way to keep a small object
        box = choose_box(chosen, target.shape, target, options, rng)
        flip = rng.random() < options.flip_prob
        out_image, out_masks = warp(image, [target, others, *parts], box, options.size_px, flip)
        out_target, out_others, out_parts = out_masks[0], out_masks[1], out_masks[2:]
        if out_target.sum() >= options.min_object_px and not out_target.all():
            return color_jitter(out_image, options, rng), out_target, out_others, out_parts, chosen
    return None
