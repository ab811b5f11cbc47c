"""Training samples made here: synthetic shapes on textures, and copy-paste composites.

Both add objects whose boundary is defined only by colour or texture changes, with no semantic prior, which
pushes the small network to follow image edges from the clicks instead of memorising object classes of a few
thousand photos (the generalisation we need for unseen domains such as ssTEM).
"""

from __future__ import annotations

from typing import Optional, Tuple

import cv2
import numpy as np

cv2.setNumThreads(1)


def random_color(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 256, size=3).astype(np.float32)


def random_texture(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """uint8 H x W x 3: flat, gradient, stripes, checker or smooth-noise blobs, with pixel noise."""
    kind = int(rng.integers(5))
    c0, c1 = random_color(rng), random_color(rng)
    if kind == 0:
        out = np.broadcast_to(c0, (height, width, 3)).astype(np.float32)
    elif kind == 1:
        angle = rng.uniform(0, np.pi)
        rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
        t = rows * np.sin(angle) + cols * np.cos(angle)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
        out = c0 * (1 - t[..., None]) + c1 * t[..., None]
    elif kind == 2:
        angle = rng.uniform(0, np.pi)
        period = rng.uniform(4, 40)
        rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
        t = 0.5 + 0.5 * np.sin((rows * np.sin(angle) + cols * np.cos(angle)) * 2 * np.pi / period)
        out = c0 * (1 - t[..., None]) + c1 * t[..., None]
    elif kind == 3:
        cell = int(rng.integers(4, 32))
        rows, cols = np.mgrid[0:height, 0:width]
        t = (((rows // cell) + (cols // cell)) % 2).astype(np.float32)
        out = c0 * (1 - t[..., None]) + c1 * t[..., None]
    else:
        grid = int(rng.integers(3, 12))
        noise = rng.random((grid, grid, 3)).astype(np.float32)
        noise = cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC)
        out = c0 + (c1 - c0) * np.clip(noise, 0, 1)
    sigma = rng.uniform(0, 18)
    out = out + rng.normal(0, sigma, size=(height, width, 1)).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def random_shape_mask(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """bool mask of an ellipse, a rotated rectangle, or a random (possibly star-like) polygon."""
    mask = np.zeros((height, width), dtype=np.uint8)
    size = min(height, width)
    cx, cy = rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.85) * height
    radius = rng.uniform(0.08, 0.35) * size
    kind = int(rng.integers(3))
    if kind == 0:
        axes = (int(radius), int(radius * rng.uniform(0.3, 1.0)))
        cv2.ellipse(mask, (int(cx), int(cy)), axes, rng.uniform(0, 180), 0, 360, 1, -1)
    elif kind == 1:
        rect = ((cx, cy), (radius * 2, radius * 2 * rng.uniform(0.2, 1.0)), rng.uniform(0, 180))
        cv2.fillPoly(mask, [cv2.boxPoints(rect).astype(np.int32)], 1)
    else:
        count = int(rng.integers(3, 12))
        angles = np.sort(rng.uniform(0, 2 * np.pi, size=count))
        radii = radius * rng.uniform(0.35, 1.0, size=count)
        points = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1)
        cv2.fillPoly(mask, [points.astype(np.int32)], 1)
    return mask.astype(bool)


def synthetic_shapes(size_px: int, rng: np.random.Generator, min_area_px: int = 200
                     ) -> Optional[Tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(image, target, others): 1-5 textured shapes painted in order over a textured background."""
    image = random_texture(size_px, size_px, rng)
    labels = np.zeros((size_px, size_px), dtype=np.int32)
    count = int(rng.integers(1, 6))
    for label in range(1, count + 1):
        mask = random_shape_mask(size_px, size_px, rng)
        texture = random_texture(size_px, size_px, rng)
        image[mask] = texture[mask]
        labels[mask] = label
    if rng.random() < 0.5:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.5))
    areas = np.bincount(labels.ravel(), minlength=count + 1)
    candidates = [label for label in range(1, count + 1) if min_area_px <= areas[label] < 0.8 * size_px * size_px]
    if not candidates:
        return None
    target_label = candidates[int(rng.integers(len(candidates)))]
    target = labels == target_label
    return image, target, (labels > 0) & ~target


def copy_paste(object_image: np.ndarray, object_mask: np.ndarray, background: np.ndarray,
               background_objects: Optional[np.ndarray], rng: np.random.Generator
               ) -> Optional[Tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Paste the object (its bounding-box crop, rescaled to 20-70% of the background's shorter side) at a random
    place of another image. Returns (image, target, others), `others` being the background's objects minus the
    pasted one, or None when the object is empty."""
    rows = np.flatnonzero(object_mask.any(axis=1))
    cols = np.flatnonzero(object_mask.any(axis=0))
    if len(rows) == 0:
        return None
    crop_mask = object_mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    crop_image = object_image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height, width = background.shape[:2]
    scale = rng.uniform(0.2, 0.7) * min(height, width) / max(crop_mask.shape)
    new_w = max(4, min(width, int(round(crop_mask.shape[1] * scale))))
    new_h = max(4, min(height, int(round(crop_mask.shape[0] * scale))))
    crop_image = cv2.resize(crop_image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    crop_mask = cv2.resize(crop_mask.astype(np.float32), (new_w, new_h), interpolation=cv2.INTER_LINEAR) > 0.5
    if crop_mask.sum() < 16:
        return None
    top = int(rng.integers(0, height - new_h + 1))
    left = int(rng.integers(0, width - new_w + 1))
    image = background.copy()
    region = image[top:top + new_h, left:left + new_w]
    region[crop_mask] = crop_image[crop_mask]
    target = np.zeros((height, width), dtype=bool)
    target[top:top + new_h, left:left + new_w] = crop_mask
    others = None
    if background_objects is not None:
        others = background_objects & ~target
    return image, target, others
