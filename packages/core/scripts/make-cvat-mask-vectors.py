#!/usr/bin/python3
"""Fixture generator: CVAT mask RLE test vectors from cvat-sdk's `encode_mask` (cvat_sdk/masks.py).

Usage:
    /usr/bin/python3 packages/core/scripts/make-cvat-mask-vectors.py <cvat checkout | masks.py>

The argument is a checkout of github.com/cvat-ai/cvat (the script loads <checkout>/cvat-sdk/cvat_sdk/masks.py by
path; it needs only numpy) or the path of masks.py itself. Nothing from CVAT is copied into this repository; only
its outputs are written, to packages/core/src/formats/__fixtures__/cvat-mask-vectors.json.

For every non-empty mask, `encode_mask` is called with the tight box, with the whole image, and with a fractional
box (floored/ceiled by encode_mask). Boxes are recorded as cvat-sdk takes them: [x1, y1, x2, y2] with x2, y2
exclusive; the points end with the inclusive box.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_files import load_module_by_path, write_mask_fixture  # noqa: E402
from mask_fixture_masks import fixture_masks  # noqa: E402


def load_masks_module(path):
    if os.path.isdir(path):
        path = os.path.join(path, 'cvat-sdk', 'cvat_sdk', 'masks.py')
    return load_module_by_path(path, 'cvat_masks')


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cvat_masks, digest = load_masks_module(sys.argv[1])
    vectors = []
    for description, mask in fixture_masks():
        if not mask.any():
            continue
        height, width = mask.shape
        ys, xs = np.nonzero(mask)
        boxes = {
            'tight': [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1],
            'image': [0, 0, width, height],
        }
        if width >= 3 and height >= 3:
            boxes['fractional'] = [0.5, 1.25, width - 1.5, height - 0.75]
        encodings = []
        for kind, box in boxes.items():
            points = [int(v) for v in cvat_masks.encode_mask(mask.astype(bool), box)]
            encodings.append({'box': kind, 'bbox': box, 'points': points})
        vectors.append({**description, 'encodings': encodings})

    out = {
        'generator': 'python3 packages/core/scripts/make-cvat-mask-vectors.py <cvat checkout>',
        'reference': 'cvat-sdk cvat_sdk/masks.py: encode_mask',
        'masksPySha256': digest,
        'masks': vectors,
    }
    target = write_mask_fixture('cvat-mask-vectors.json', out)
    print(f'wrote {len(vectors)} masks to {target}')


if __name__ == '__main__':
    main()
