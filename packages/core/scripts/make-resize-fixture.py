#!/usr/bin/env python3
"""Writes packages/core/src/image/__fixtures__/resize-bilinear.json: reference outputs of
torch.nn.functional.interpolate(mode='bilinear') on the CPU, so that the TypeScript resize is checked against
PyTorch and not against itself.

Run from the repository root:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/core/scripts/make-resize-fixture.py

Float32 arrays are stored as base64 of their little-endian bytes (exact and compact).
"""
import base64
import json
import os
import sys

import numpy as np
import torch

torch.set_num_threads(1)

OUTPUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'image', '__fixtures__', 'resize-bilinear.json')

# (input height, input width, output height, output width): up- and downsampling, single rows and columns,
# an axis whose size does not change, 1 x 1 in and out, and one larger case for statistics of the rounding.
FLOAT_CASES = [
    (7, 9, 13, 11), (17, 23, 12, 12), (9, 13, 24, 20), (24, 18, 7, 9), (1, 6, 5, 4), (6, 1, 4, 5),
    (10, 12, 10, 20), (1, 1, 3, 3), (5, 7, 1, 1), (3, 4, 1, 6), (15, 19, 27, 25),
]


def encode_f32(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype='<f4').tobytes()).decode('ascii')


def encode_u8(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.uint8).tobytes()).decode('ascii')


def interpolate(tensor, height, width, align_corners):
    with torch.no_grad():
        return torch.nn.functional.interpolate(tensor, size=(height, width), mode='bilinear',
                                               align_corners=align_corners)


def main():
    rng = np.random.default_rng(20240607)
    # PyTorch picks its CPU kernel by memory layout, and the two kernels round differently: a contiguous
    # [1, 1, H, W] tensor counts as channels-last ("channels-last" cases: one plane), a [1, C, H, W] tensor
    # with C > 1 goes through the generic separable kernel ("generic" cases: two planes resized together).
    float_cases = []
    for (in_h, in_w, out_h, out_w) in FLOAT_CASES:
        for kernel, planes in (('channels-last', 1), ('generic', 2)):
            source = rng.random((planes, in_h, in_w), dtype=np.float32)
            for align_corners in (True, False):
                output = interpolate(torch.from_numpy(source)[None], out_h, out_w, align_corners)[0].numpy()
                float_cases.append({
                    'torchKernel': kernel, 'planes': planes,
                    'inputHeight': in_h, 'inputWidth': in_w, 'outputHeight': out_h, 'outputWidth': out_w,
                    'alignCorners': align_corners, 'input': encode_f32(source), 'output': encode_f32(output),
                })

    # An 8-bit RGB image, a crop of it converted like torchvision's ToTensor (float32 division by 255), resized:
    # the predictor's image path (a 3-channel non-contiguous view: generic kernel).
    image = rng.integers(0, 256, size=(23, 31, 3), dtype=np.uint8)
    rgb_cases = []
    for (row_min, row_max, col_min, col_max, out_h, out_w) in [(2, 20, 3, 29, 29, 27), (0, 22, 0, 30, 24, 26),
                                                                (5, 9, 7, 8, 16, 12)]:
        tensor = torch.from_numpy(image).permute(2, 0, 1).contiguous().float().div(255)[None]
        crop = tensor[:, :, row_min:row_max + 1, col_min:col_max + 1]
        output = interpolate(crop, out_h, out_w, True)[0].numpy()
        rgb_cases.append({
            'roi': {'rowMin': row_min, 'rowMax': row_max, 'colMin': col_min, 'colMax': col_max},
            'outputHeight': out_h, 'outputWidth': out_w, 'output': encode_f32(output),
        })

    fixture = {
        'generator': 'OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/core/scripts/make-resize-fixture.py',
        'torchVersion': torch.__version__,
        'floatCases': float_cases,
        'rgbImage': {'width': image.shape[1], 'height': image.shape[0], 'data': encode_u8(image)},
        'rgbCases': rgb_cases,
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, 'w') as handle:
        json.dump(fixture, handle, indent=1)
        handle.write('\n')
    print(f'wrote {os.path.normpath(OUTPUT)} (torch {torch.__version__})', file=sys.stderr)


if __name__ == '__main__':
    main()
