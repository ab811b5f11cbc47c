#!/usr/bin/python3
"""Fixture generator: Label Studio brush RLE test vectors from label-studio-converter's encoder (brush.py).

Usage:
    /usr/bin/python3 packages/core/scripts/make-brush-rle-vectors.py <label-studio-converter checkout | brush.py>

The argument is a checkout of github.com/HumanSignal/label-studio-converter (the script loads
<checkout>/label_studio_converter/brush.py by path, so the package's other dependencies are not needed; brush.py
itself needs numpy and PIL) or the path of brush.py itself. From a bare mirror, extract the file first, e.g.
    git -C <mirror> show HEAD:label_studio_converter/brush.py > /tmp/lsc/label_studio_converter/brush.py
Nothing from label-studio-converter is copied into this repository; only its outputs are written, to
packages/core/src/formats/__fixtures__/brush-rle-vectors.json.

Each mask is encoded as LS stores it: the W*H*4 RGBA buffer with every channel equal to the pixel's alpha
(255 for foreground; `mask2rle` repeats the value 4 times). Extra vectors encode RGBA buffers whose colour
channels differ from alpha and whose alpha is partial, to check that decoders read only alpha.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_files import load_module_by_path, write_mask_fixture  # noqa: E402
from mask_fixture_masks import fixture_masks  # noqa: E402


def load_brush(path):
    if os.path.isdir(path):
        path = os.path.join(path, 'label_studio_converter', 'brush.py')
    return load_module_by_path(path, 'ls_brush')


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    brush, digest = load_brush(sys.argv[1])
    masks = []
    for description, mask in fixture_masks():
        if mask.size == 0:
            continue
        rle = [int(v) for v in brush.mask2rle((mask * 255).astype(np.uint8))]
        decoded = brush.decode_rle(bytes(rle))
        assert np.array_equal(decoded.reshape(mask.shape[0], mask.shape[1], 4)[:, :, 3], mask * 255), description['name']
        masks.append({**description, 'rle': rle})

    rgba_cases = []
    rng = np.random.default_rng(7)
    for name, width, height in [('coloured-partial-alpha-6x4', 6, 4), ('coloured-partial-alpha-19x11', 19, 11)]:
        alpha = rng.choice(np.array([0, 0, 0, 1, 64, 128, 200, 255], dtype=np.uint8), size=(height, width))
        rgba = np.zeros((height, width, 4), dtype=np.uint8)
        rgba[:, :, 0] = 10
        rgba[:, :, 1] = rng.integers(0, 256, size=(height, width))
        rgba[:, :, 2] = 30
        rgba[:, :, 3] = alpha
        rle = [int(v) for v in brush.encode_rle(rgba.ravel())]
        assert np.array_equal(brush.decode_rle(bytes(rle)), rgba.ravel()), name
        rgba_cases.append({'name': name, 'width': width, 'height': height,
                           'alphaRows': [[int(v) for v in row] for row in alpha], 'rle': rle})

    out = {
        'generator': 'python3 packages/core/scripts/make-brush-rle-vectors.py <label-studio-converter checkout>',
        'reference': 'label-studio-converter label_studio_converter/brush.py: mask2rle / encode_rle',
        'brushPySha256': digest,
        'masks': masks,
        'rgba': rgba_cases,
    }
    target = write_mask_fixture('brush-rle-vectors.json', out)
    print(f'wrote {len(masks)} masks and {len(rgba_cases)} RGBA buffers to {target}')


if __name__ == '__main__':
    main()
