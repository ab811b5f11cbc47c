#!/usr/bin/env python3
"""Runs the OFFICIAL SimpleClick v1.0 predictor code (BasePredictor + ZoomIn + AddHorizontalFlip + DistMaps, the
official Clicker and the evaluate_sample loop) with a small deterministic stand-in network on synthetic images,
and writes what it did per click to packages/core/src/predictor/__fixtures__/official-crosscheck.json.

Why: it checks our predictor against the official code itself (not our Python re-implementation). The stand-in network
produces masks that follow the synthetic objects, so the zoom-in picks real crops, keeps and recomputes them; the
TypeScript predictor must reproduce the official clicks, ROIs, masks and IoUs with the same stand-in network
written in JavaScript (float32 arithmetic step by step, so the logits are identical).

The official code is read from a git checkout at run time (never copied into this repository): it is extracted
to a temporary folder and imported from there. Missing third-party modules it imports but does not need here are
replaced by stubs (torchvision's ToTensor, written to torchvision's definition; the tensorboard logger).

Run from the repository root:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/core/scripts/make-official-crosscheck-fixture.py
Environment: SIMPLECLICK_OFFICIAL_GIT (default /work/.mirror/uncbiag+SimpleClick/repo), SIMPLECLICK_OFFICIAL_REF
(default v1.0).
"""
import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
import tarfile
import tempfile
import types

import numpy as np
import torch

torch.set_num_threads(1)

OFFICIAL_GIT = os.environ.get('SIMPLECLICK_OFFICIAL_GIT', '/work/.mirror/uncbiag+SimpleClick/repo')
OFFICIAL_REF = os.environ.get('SIMPLECLICK_OFFICIAL_REF', 'v1.0')
OUTPUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'predictor', '__fixtures__', 'official-crosscheck.json')
NET_SIZE = 448
MAX_CLICKS = 12
THRESHOLD = 0.49

# Synthetic samples: background texture, red ellipses (the first is the object), optional ignore band.
# colourWeight scales the stand-in network's colour evidence: at 0.2 the mask is mostly the click disks, so it
# grows click by click and the ROI is recomputed several times.
SAMPLES = [
    {'id': 'small-object-with-distractor', 'width': 640, 'height': 480,
     'ellipses': [[400, 260, 70, 50], [150, 120, 30, 30]], 'ignoreBandPx': 0, 'colourWeight': 1.5},
    {'id': 'large-object-ignore-band', 'width': 500, 'height': 420,
     'ellipses': [[180, 150, 120, 90]], 'ignoreBandPx': 2, 'colourWeight': 1.5},
    {'id': 'long-object-grown-by-clicks', 'width': 800, 'height': 600,
     'ellipses': [[420, 330, 260, 45]], 'ignoreBandPx': 0, 'colourWeight': 0.2},
]


def ellipse_value(x, y, ellipse):
    cx, cy, rx, ry = ellipse
    return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2


def synthesize(sample):
    """The image (uint8 H x W x 3 RGB) and the official-style gt array (1 object, 0 background, -1 ignore).
    packages/core/src/predictor/official-crosscheck.test.ts builds the same arrays."""
    width, height = sample['width'], sample['height']
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[..., 0] = 60 + (x * 7 + y * 3) % 50
    image[..., 1] = 90 + (x * 5 + y * 11) % 40
    image[..., 2] = 130 + (x * 3 + y * 7) % 60
    inside_any = np.zeros((height, width), dtype=bool)
    for ellipse in sample['ellipses']:
        inside_any |= ellipse_value(x.astype(np.float64), y.astype(np.float64), ellipse) <= 1.0
    image[inside_any, 0] = (190 + (x + y) % 30)[inside_any]
    image[inside_any, 1] = (40 + (x * 3) % 20)[inside_any]
    image[inside_any, 2] = (50 + (y * 5) % 20)[inside_any]
    value = ellipse_value(x.astype(np.float64), y.astype(np.float64), sample['ellipses'][0])
    gt = (value <= 1.0).astype(np.int32)
    band = sample['ignoreBandPx']
    if band > 0:
        cx, cy, rx, ry = sample['ellipses'][0]
        outer = ellipse_value(x.astype(np.float64), y.astype(np.float64), [cx, cy, rx + band, ry + band]) <= 1.0
        inner = ellipse_value(x.astype(np.float64), y.astype(np.float64), [cx, cy, rx - band, ry - band]) <= 1.0
        gt[outer & ~inner] = -1
    return image, gt


def load_official(root):
    sys.path.insert(0, root)
    torchvision = types.ModuleType('torchvision')
    transforms = types.ModuleType('torchvision.transforms')

    class ToTensor:  # torchvision's definition for a uint8 H x W x C array
        def __call__(self, pic):
            return torch.from_numpy(np.ascontiguousarray(pic.transpose((2, 0, 1)))).contiguous().to(
                dtype=torch.get_default_dtype()).div(255)

    transforms.ToTensor = ToTensor
    torchvision.transforms = transforms
    sys.modules['torchvision'] = torchvision
    sys.modules['torchvision.transforms'] = transforms
    log = types.ModuleType('isegm.utils.log')
    log.logger = logging.getLogger('official')
    sys.modules['isegm.utils.log'] = log

    spec = importlib.util.spec_from_file_location('official_base_predictor',
                                                  os.path.join(root, 'isegm/inference/predictors/base.py'))
    base = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(base)
    from isegm.inference.transforms import ZoomIn
    from isegm.inference.clicker import Clicker
    from isegm.model.is_model import ISModel
    return base.BasePredictor, ZoomIn, Clicker, ISModel


def make_stand_in_network(ISModel, colour_weight):
    class StandIn(ISModel):
        """logits = w * (Rn - Gn) - 1.5 + 6 * (pos - neg) + 3 * (prev - 0.5) + ramp, each op a float32 tensor op
        (Rn, Gn: the normalised channels, w: the sample's colourWeight); ramp[col] = (col - 223.5) / 224 breaks
        the left-right symmetry."""

        def __init__(self):
            super().__init__(with_prev_mask=True, use_disks=True, norm_radius=5)
            cols = torch.arange(NET_SIZE, dtype=torch.float32)
            self.ramp = ((cols - 223.5) / 224.0).reshape(1, 1, 1, NET_SIZE)

        def backbone_forward(self, image, coord_features=None):
            prev, pos, neg = coord_features[:, 0:1], coord_features[:, 1:2], coord_features[:, 2:3]
            colour = image[:, 0:1] - image[:, 1:2]
            logits = colour * colour_weight
            logits = logits - 1.5
            logits = logits + (pos - neg) * 6.0
            logits = logits + (prev - 0.5) * 3.0
            logits = logits + self.ramp
            return {'instances': logits}

    return StandIn().eval()


def official_iou(gt, pred_mask, ignore_label=-1):
    ignore_inv = gt != ignore_label
    obj = gt == 1
    intersection = np.logical_and(np.logical_and(pred_mask, obj), ignore_inv).sum()
    union = np.logical_and(np.logical_or(pred_mask, obj), ignore_inv).sum()
    return float(intersection / union)


def run(sample, flip, BasePredictor, ZoomIn, Clicker, ISModel):
    image, gt = synthesize(sample)
    net = make_stand_in_network(ISModel, sample['colourWeight'])
    zoom_in = ZoomIn(skip_clicks=-1, target_size=(NET_SIZE, NET_SIZE))
    predictor = BasePredictor(net, 'cpu', zoom_in=zoom_in, with_flip=flip)
    clicker = Clicker(gt_mask=gt)
    pred_mask = np.zeros_like(gt)
    steps = []
    with torch.no_grad():
        predictor.set_input_image(image)
        for _ in range(MAX_CLICKS):  # the official evaluate_sample loop, without early stop
            clicker.make_next_click(pred_mask)
            probs = predictor.get_prediction(clicker)
            pred_mask = probs > THRESHOLD
            rmin, rmax, cmin, cmax = (int(v) for v in zoom_in._object_roi)
            steps.append({
                'roi': {'rowMin': rmin, 'rowMax': rmax, 'colMin': cmin, 'colMax': cmax},
                'iou': official_iou(gt, pred_mask),
                'maskPixels': int(pred_mask.sum()),
                'probabilitySum': float(probs.astype(np.float64).sum()),
            })
    clicks = [{'xPx': int(c.coords[1]), 'yPx': int(c.coords[0]), 'isPositive': bool(c.is_positive)}
              for c in clicker.clicks_list]
    for step, click in zip(steps, clicks):
        step['click'] = click
    return {'sampleId': sample['id'], 'flip': flip, 'steps': steps}


def main():
    with tempfile.TemporaryDirectory() as root:
        archive = subprocess.run(['git', '-C', OFFICIAL_GIT, 'archive', OFFICIAL_REF, 'isegm'], check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(root)
        commit = subprocess.run(['git', '-C', OFFICIAL_GIT, 'rev-parse', OFFICIAL_REF], check=True,
                                capture_output=True, text=True).stdout.strip()
        BasePredictor, ZoomIn, Clicker, ISModel = load_official(root)
        runs = [run(sample, flip, BasePredictor, ZoomIn, Clicker, ISModel) for sample in SAMPLES for flip in (True, False)]
    fixture = {
        'generator': 'OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/core/scripts/make-official-crosscheck-fixture.py',
        'official': {'ref': OFFICIAL_REF, 'commit': commit},
        'torchVersion': torch.__version__,
        'netSizePx': NET_SIZE, 'threshold': THRESHOLD, 'maxClicks': MAX_CLICKS,
        'samples': SAMPLES, 'runs': runs,
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, 'w') as handle:
        json.dump(fixture, handle, indent=1)
        handle.write('\n')
    for r in runs:
        rois = {json.dumps(s['roi']) for s in r['steps']}
        print(f"{r['sampleId']} flip={r['flip']}: {len(rois)} distinct ROIs, final IoU {r['steps'][-1]['iou']:.4f}",
              file=sys.stderr)
    print(f'wrote {os.path.normpath(OUTPUT)}', file=sys.stderr)


if __name__ == '__main__':
    main()
