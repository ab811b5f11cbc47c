#!/usr/bin/env python3
"""Writes reference values for the click encoding and the zoom-in rules, computed the way the official
SimpleClick code computes them (PyTorch float32 tensors for the disks, Python float64 and round() for the
boxes), so the TypeScript is checked against that arithmetic and not against itself:

    packages/core/src/clicks/__fixtures__/click-maps.json
    packages/core/src/predictor/__fixtures__/zoom-in.json

Run from the repository root:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/core/scripts/make-predictor-fixtures.py
"""
import json
import os
import random

import numpy as np
import torch

torch.set_num_threads(1)
HERE = os.path.dirname(__file__)
SIZE = 48
RADIUS = 5


def disks(clicks, size):
    """Disk maps with the arithmetic of the official DistMaps(use_disks=True) in the official evaluation: the
    points tensor is float64 (the mapped click coordinates are numpy float64 there) and shaped [N, 2, 1, 1], the
    coordinate grid is float32 [N, 2, S, S]; the in-place grid - point promotes to float64 and rounds once into
    the float32 grid, then squares and the sum are float32, then <= radius^2. Points whose max(y, x) < 0 are
    invalid. (A 0-dim point would not promote: the shape matters.) Returns (positive, negative)."""
    rows = torch.arange(size, dtype=torch.float32)
    cols = torch.arange(size, dtype=torch.float32)
    grid_rows, grid_cols = torch.meshgrid(rows, cols, indexing='ij')
    maps = []
    for sign in (True, False):
        union = torch.zeros(size, size, dtype=torch.bool)
        for (y, x, positive) in clicks:
            if positive != sign:
                continue
            point = torch.tensor([[np.float64(y), np.float64(x)]])
            assert point.dtype == torch.float64
            if torch.max(point) < 0:
                continue
            coords = torch.stack((grid_rows, grid_cols), dim=0).unsqueeze(0)
            coords.add_(-point.view(1, 2, 1, 1))
            coords.mul_(coords)
            coords[:, 0] += coords[:, 1]
            union |= coords[0, 0] <= float(RADIUS * RADIUS)
        maps.append(union.numpy())
    return maps


def click_map_cases(rng):
    cases = []
    # Clicks mapped from random ROIs as the zoom-in does (float64), some outside the crop, plus their mirrors.
    for _ in range(14):
        height, width = rng.randint(150, 900), rng.randint(150, 900)
        row_min, col_min = rng.randint(-50, 400), rng.randint(-50, 400)
        clicks = []
        for _ in range(rng.randint(1, 6)):
            y = row_min + rng.uniform(-30, height + 30)
            x = col_min + rng.uniform(-30, width + 30)
            if rng.random() < 0.5:
                y, x = float(int(y)), float(int(x))
            y_net = SIZE * (y - row_min) / height
            x_net = SIZE * (x - col_min) / width
            clicks.append((y_net, x_net, rng.random() < 0.6))
        cases.append(clicks)
        cases.append([(y, SIZE - x - 1, positive) for (y, x, positive) in clicks])
    # The rim: coordinates a few float64 ulps or float32 ulps away from distance exactly 5.
    rim = []
    for base in (10.0, 20.5, 33.25):
        for offset in (5.0, 5.0 + 1e-7, 5.0 - 1e-7, 5.0 + 2e-6, 4.9999995, 3.0, 4.0):
            rim.append((base, base + offset, True))
            rim.append((base + offset, base, False))
            rim.append((base + 0.1 * offset, base - offset, True))
    cases.append(rim)
    # Mapped clicks whose disk rim depends on keeping the coordinates in float64 (rounding them to float32 first
    # moves one rim pixel), found by search: S * Y / H, S * X / W.
    cases.append([(SIZE * 98 / 847, SIZE * 331 / 786, True), (SIZE * 408 / 583, SIZE * 62 / 356, False),
                  (SIZE * 125 / 156, SIZE * 100 / 624, True), (SIZE * 46 / 160, SIZE * 209 / 220, False)])
    # Negative coordinates: skipped only when both are negative.
    cases.append([(-1.0, 3.0, True), (3.0, -1.0, False), (-0.5, -0.5, True), (-1e-9, 2.0, False), (-4.0, -1.0, True)])
    return cases


def encode_case(clicks):
    positive, negative = disks(clicks, SIZE)
    return {
        'clicks': [{'yNet': y, 'xNet': x, 'isPositive': p} for (y, x, p) in clicks],
        'positive': np.flatnonzero(positive).tolist(),
        'negative': np.flatnonzero(negative).tolist(),
    }


def expand_box(box, ratio, min_size):
    row_min, row_max, col_min, col_max = box
    row_centre = 0.5 * (row_min + row_max)
    col_centre = 0.5 * (col_min + col_max)
    height = max(ratio * (row_max - row_min + 1), min_size)
    width = max(ratio * (col_max - col_min + 1), min_size)
    return [int(round(row_centre - 0.5 * height)), int(round(row_centre + 0.5 * height)),
            int(round(col_centre - 0.5 * width)), int(round(col_centre + 0.5 * width))]


def segment_iou(a, b, c, d):
    return max(0, min(b, d) - max(a, c) + 1) / max(1e-6, max(b, d) - min(a, c) + 1)


def zoom_in_cases(rng):
    expand = []
    for _ in range(300):
        row_min = rng.randint(0, 1500)
        col_min = rng.randint(0, 1500)
        box = [row_min, row_min + rng.randint(0, 600), col_min, col_min + rng.randint(0, 600)]
        expand.append({'box': box, 'expanded': expand_box(box, 1.4, 200)})
    # Sizes where 1.4 * size or the centre make .5 ties.
    for size in (5, 10, 15, 25, 145, 150, 155, 165, 175):
        for start in (0, 1, 2, 3):
            box = [start, start + size - 1, start + 7, start + 7 + size]
            expand.append({'box': box, 'expanded': expand_box(box, 1.4, 200)})
    iou = []
    for _ in range(100):
        boxes = []
        for _ in range(2):
            a = rng.randint(0, 300)
            c = rng.randint(0, 300)
            boxes.append([a, a + rng.randint(0, 300), c, c + rng.randint(0, 300)])
        first, second = boxes
        value = segment_iou(first[0], first[1], second[0], second[1]) * segment_iou(first[2], first[3], second[2], second[3])
        iou.append({'first': first, 'second': second, 'iou': value})
    rounding = [{'value': v, 'rounded': int(round(v))} for v in
                [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 2.5000000000000004, 100.5, 101.5, -100.5, 3.0,
                 1e15 + 0.5, 4503599627370495.5, 7.0000000001, -7.49999]]
    return {'expand': expand, 'iou': iou, 'rounding': rounding}


def main():
    rng = random.Random(1234)
    click_maps = {
        'generator': 'OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/core/scripts/make-predictor-fixtures.py',
        'torchVersion': torch.__version__, 'sizePx': SIZE, 'radiusPx': RADIUS,
        'cases': [encode_case(clicks) for clicks in click_map_cases(rng)],
    }
    zoom = {'generator': click_maps['generator'], **zoom_in_cases(rng)}
    outputs = [(os.path.join(HERE, '..', 'src', 'clicks', '__fixtures__', 'click-maps.json'), click_maps),
               (os.path.join(HERE, '..', 'src', 'predictor', '__fixtures__', 'zoom-in.json'), zoom)]
    for path, content in outputs:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as handle:
            json.dump(content, handle)
            handle.write('\n')
        print(f'wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
