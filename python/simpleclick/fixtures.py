"""Parity fixtures: what the reference predictor + evaluator does on a few real objects, for the TypeScript tests.

Writes `manifest.json` and gzip'd probability maps (format: the team brief, "Parity fixtures") to the output folder.
Eight objects (four GrabCut, four Berkeley, of different sizes and shapes, with and without an ignore band), all 20
clicks each (no early stop), flip on, S from the model's metadata, and the probability maps after clicks 1, 2 and 5 of
two objects. One command regenerates everything (run from the repository root):

    PYTHONPATH=python /usr/bin/python3 -m simpleclick fixtures \\
        --model models/simpleclick-xtiny-narrow-finetuned-384.onnx --out test/fixtures/parity

With the trained default model the zoom-in moves between 2 and 6 ROIs per object. A second set made with the toy
disk-memory network (simpleclick.toy_net, exported as a tiny ONNX graph next to its fixtures) walks the zoom-in
through ROI changes on a graph whose output depends on the clicks in a known way, at S = 448:

    PYTHONPATH=python /usr/bin/python3 -m simpleclick fixtures --toy-net --out test/fixtures/parity-toy
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from . import metrics
from .datasets import REPO_ROOT, default_data_root, load_dataset
from .evaluate import evaluate_object
from .predictor import Predictor, PredictorOptions

# (object id, why it is in the set)
FIXTURE_OBJECTS = [
    ("GrabCut/teddy", "small image (284 x 398), no ignore band"),
    ("GrabCut/sheep", "small object (5 percent) with an ignore band"),
    ("GrabCut/banana1", "BMP image 640 x 480, ignore band"),
    ("GrabCut/124080", "large object (43 percent), ignore band"),
    ("Berkeley/271031", "tiny object (0.7 percent)"),
    ("Berkeley/118035", "large object (53 percent)"),
    ("Berkeley/8023", "mask with values 197 and 243 (> 128: object)"),
    ("Berkeley/101087", "portrait image; mask channels differ (channel 0 = blue is read)"),
]
PROB_MAP_OBJECTS = ("GrabCut/teddy", "Berkeley/271031")
PROB_MAP_CLICKS = (1, 2, 5)
MAX_CLICKS = 20
FLIP = True
THRESHOLD = 0.49
DEFAULT_OUT = "test/fixtures/parity"
DEFAULT_TOY_OUT = "test/fixtures/parity-toy"
TOY_MODEL_FILE = "toy-disk-memory-448.onnx"


def encode_probs(probs: np.ndarray) -> bytes:
    """gzip of little-endian uint16 round(p * 65535) (round half to even, computed in float64), H*W row-major.

    mtime=0 keeps the bytes identical between regenerations with identical maps."""
    quantised = np.rint(np.asarray(probs, dtype=np.float64) * 65535.0).clip(0, 65535).astype("<u2")
    return gzip.compress(quantised.tobytes(), compresslevel=9, mtime=0)


def decode_probs(data: bytes, width_px: int, height_px: int) -> np.ndarray:
    values = np.frombuffer(gzip.decompress(data), dtype="<u2")
    return (values.astype(np.float64) / 65535.0).reshape(height_px, width_px)


def _repo_relative(path: Path) -> str:
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(resolved)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_object(object_id: str, data_root: Path):
    dataset_name, key = object_id.split("/", 1)
    dataset = load_dataset(dataset_name, data_root)
    for index, image_name in enumerate(dataset.image_names):
        if dataset.pair_key(image_name) == key:
            sample = dataset.load(index)
            (obj,) = [o for o in sample.objects if o.object_id == object_id]
            return dataset, sample, obj
    raise FileNotFoundError(f"fixture object {object_id} not found under {data_root}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="ONNX model, e.g. models/simpleclick-xtiny-narrow-finetuned-384.onnx")
    source.add_argument("--toy-net", action="store_true",
                        help=f"use the toy disk-memory network (simpleclick.toy_net), exported next to the fixtures "
                             f"as {TOY_MODEL_FILE}: a zoom-in parity probe (suggested --out {DEFAULT_TOY_OUT})")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--data-root", default=None, help="data folder (default: $SIMPLECLICK_DATA, else ../shared/data)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", type=str, default="cpu")


def generate(network, model_path: Path, out_dir: Path, data_root: Path, net_size_px: int,
             generator_command: str, device: str = "cpu") -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.u16.gz"):
        stale.unlink()
    predictor = Predictor(network, PredictorOptions(net_size_px=net_size_px, flip=FLIP, threshold=THRESHOLD),
                          device=torch.device(device))
    thresholds = metrics.iou_thresholds(metrics.DEFAULT_TARGET_IOU)
    objects = []
    for object_id, reason in FIXTURE_OBJECTS:
        dataset, sample, obj = _load_object(object_id, data_root)
        predictor.set_image(sample.image)
        keep = PROB_MAP_CLICKS if object_id in PROB_MAP_OBJECTS else ()
        result = evaluate_object(predictor, obj, dataset=dataset.name, image=dataset.relative(sample.image_path),
                                 mask=dataset.relative(sample.mask_path), max_clicks=MAX_CLICKS,
                                 early_stop=False, keep_probs_after=keep)
        entry = result.to_json(thresholds, MAX_CLICKS)
        entry["note"] = reason
        entry["probMaps"] = []
        for click_index in sorted(result.probs_after):
            file_name = f"{object_id.replace('/', '-')}-c{click_index}.u16.gz"
            (out_dir / file_name).write_bytes(encode_probs(result.probs_after[click_index]))
            entry["probMaps"].append({"afterClick": click_index, "file": file_name})
        objects.append(entry)
        print(f"{object_id}: IoU after clicks 1/5/20 = {result.ious[0]:.4f}/{result.ious[4]:.4f}/"
              f"{result.ious[-1]:.4f}", file=sys.stderr)
    manifest = {
        "generator": generator_command,
        "generatorCwd": "repository root",
        "model": {"path": _repo_relative(model_path), "sha256": _sha256(model_path)},
        "predictor": {"flip": FLIP, "netSizePx": net_size_px, "threshold": THRESHOLD},
        "protocol": {"maxClicks": MAX_CLICKS, "earlyStop": False, "iouThresholds": thresholds},
        "dataRoot": "../shared/data relative to the repository root, or $SIMPLECLICK_DATA",
        "probMapEncoding": "gzip of little-endian uint16 round(p*65535), H*W row-major",
        "torch": torch.__version__,
        "objects": objects,
    }
    with open(out_dir / "manifest.json", "w") as handle:
        json.dump(manifest, handle, indent=1)
        handle.write("\n")
    return manifest


def run(args) -> int:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    torch.set_num_threads(max(1, args.threads))
    out_dir = Path(args.out)
    data_root = Path(args.data_root) if args.data_root else default_data_root()
    if args.toy_net:
        from .toy_net import ToyDiskMemoryNet, export_toy_net

        model_path = export_toy_net(out_dir / TOY_MODEL_FILE, 448)
        network, model_size = ToyDiskMemoryNet().eval(), 448
        source = "--toy-net"
    else:
        from .evaluate import load_forward

        network, _, model_size = load_forward(argparse.Namespace(model=args.model, random_variant=None, seed=0))
        model_path = Path(args.model)
        source = f"--model {shlex.quote(_repo_relative(model_path))}"
    if hasattr(network, "to"):
        network = network.to(torch.device(args.device))
    command = (f"PYTHONPATH=python /usr/bin/python3 -m simpleclick fixtures {source} "
               f"--out {shlex.quote(_repo_relative(out_dir))}")
    generate(network, model_path, out_dir, data_root, model_size or 448, command, device=args.device)
    total = sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file())
    print(f"wrote {out_dir} ({total / 1e6:.2f} MB)", file=sys.stderr)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="simpleclick fixtures", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
