"""Small deterministic test masks shared by the mask fixture generators (make-*-vectors.py).

Each mask is described in JSON either by `rows` (strings of '0'/'1', one per image row) or, for larger ones, by
`fillRects` ([x0, y0, x1, y1] half-open rectangles set to 1, in order), so the TypeScript tests rebuild exactly the
same pixels. Masks are numpy uint8 arrays of shape (height, width) with values 0/1.
"""
import numpy as np


def _rows(mask):
    return [''.join('1' if v else '0' for v in row) for row in mask]


def _from_rects(width, height, rects):
    mask = np.zeros((height, width), dtype=np.uint8)
    for x0, y0, x1, y1 in rects:
        mask[y0:y1, x0:x1] = 1
    return mask


def fixture_masks():
    """Returns a list of (description dict for JSON, mask array)."""
    cases = []

    def add_rows(name, mask):
        mask = np.asarray(mask, dtype=np.uint8)
        cases.append(({'name': name, 'width': int(mask.shape[1]), 'height': int(mask.shape[0]), 'rows': _rows(mask)}, mask))

    def add_rects(name, width, height, rects):
        cases.append(({'name': name, 'width': width, 'height': height, 'fillRects': rects}, _from_rects(width, height, rects)))

    add_rows('empty-4x3', np.zeros((3, 4)))
    add_rows('full-4x3', np.ones((3, 4)))
    add_rows('single-top-left-1x1', [[1]])
    add_rows('single-bottom-right-3x2', [[0, 0, 0], [0, 0, 1]])
    add_rows('hand-5x4', [[0, 1, 1, 0, 0], [1, 1, 0, 0, 1], [0, 0, 0, 1, 1], [1, 0, 0, 0, 0]])
    add_rows('column-wrap-4x4', [[0, 0, 1, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]])
    add_rows('ring-with-island-7x7', [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 1, 1, 1, 1, 1, 0],
        [0, 1, 0, 0, 0, 1, 0],
        [0, 1, 0, 1, 0, 1, 0],
        [0, 1, 0, 0, 0, 1, 0],
        [0, 1, 1, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 0],
    ])
    rng = np.random.default_rng(20240611)
    for width, height, density in [(7, 5, 0.5), (16, 9, 0.3), (33, 17, 0.7), (40, 40, 0.5)]:
        add_rows(f'random-{width}x{height}-p{int(density * 100)}', (rng.random((height, width)) < density).astype(np.uint8))
    # Larger masks with long runs: counts above 2^15 for COCO, byte runs above 2^16 for the brush RLE.
    add_rects('rects-300x260', 300, 260, [[10, 5, 290, 250], [100, 100, 200, 180]])
    add_rects('full-200x100', 200, 100, [[0, 0, 200, 100]])
    add_rects('stripes-130x600', 130, 600, [[0, 0, 130, 300], [0, 430, 64, 600]])
    return cases
