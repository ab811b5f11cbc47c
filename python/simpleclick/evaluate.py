"""Automatic NoC evaluation (docs/evaluation-protocol.md), the official loop of isegm/inference/evaluation.py.

Per object: start from an empty prediction; for up to `max_clicks` clicks, let the simulator click on the largest
error, predict, threshold at 0.49 (float32), record the float64 IoU; stop early when IoU >= target (0.90, compared
in float64) unless early stop is off. SPC is the wall time of the whole loop (image loading included) divided by
the number of clicks made.

Command line (dispatched by `python3 -m simpleclick evaluate`):

    python3 -m simpleclick evaluate --model models/simpleclick-xtiny-narrow-finetuned-384.onnx --datasets GrabCut,Berkeley
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch

from . import metrics
from .click import Click
from .clicker import ClickSimulator
from .datasets import ImageSample, ObjectSample, default_data_root, folder_dataset, load_dataset
from .predictor import DEFAULT_PREDICTOR_OPTIONS, Predictor, PredictorOptions
from .zoom_in import Roi


@dataclass
class ObjectResult:
    """Everything the evaluation saw for one object."""

    object_id: str
    dataset: str
    image: str
    mask: str
    width_px: int
    height_px: int
    clicks: List[Click] = field(default_factory=list)
    rois: List[Roi] = field(default_factory=list)
    ious: List[float] = field(default_factory=list)
    probs_after: Dict[int, np.ndarray] = field(default_factory=dict)  # 1-based click index -> H x W float32

    def noc(self, thresholds: Sequence[float], max_clicks: int) -> Dict[str, int]:
        return {metrics.threshold_key(t): metrics.number_of_clicks(self.ious, t, max_clicks) for t in thresholds}

    def to_json(self, thresholds: Sequence[float], max_clicks: int) -> dict:
        return {
            "id": self.object_id, "dataset": self.dataset, "image": self.image, "mask": self.mask,
            "width": self.width_px, "height": self.height_px,
            "clicks": [c.to_json() for c in self.clicks],
            "rois": [r.to_json() for r in self.rois],
            "ious": [float(v) for v in self.ious],
            "noc": self.noc(thresholds, max_clicks),
        }


def evaluate_object(predictor: Predictor, obj: ObjectSample, *, dataset: str = "", image: str = "", mask: str = "",
                    max_clicks: int = metrics.DEFAULT_MAX_CLICKS, target_iou: float = metrics.DEFAULT_TARGET_IOU,
                    early_stop: bool = True, keep_probs_after: Sequence[int] = ()) -> ObjectResult:
    """Run the click loop for one object on the predictor's current image (the predictor is reset first)."""
    predictor.reset()
    height_px, width_px = predictor.image_size
    if obj.gt_mask.shape != (height_px, width_px):
        raise ValueError(f"{obj.object_id}: mask {obj.gt_mask.shape} does not match image {(height_px, width_px)}")
    simulator = ClickSimulator(obj.gt_mask, obj.ignore_mask)
    result = ObjectResult(obj.object_id, dataset, image, mask, width_px, height_px)
    pred_mask = np.zeros((height_px, width_px), dtype=bool)
    for click_index in range(1, max_clicks + 1):
        simulator.make_next_click(pred_mask)
        probs = predictor.predict(simulator.clicks)
        pred_mask = predictor.mask(probs)
        value = metrics.iou(obj.gt_mask, obj.ignore_mask, pred_mask)
        result.rois.append(predictor.roi)
        result.ious.append(value)
        if click_index in keep_probs_after:
            result.probs_after[click_index] = probs
        if early_stop and value >= target_iou:
            break
    result.clicks = list(simulator.clicks)
    return result


@dataclass
class DatasetRun:
    name: str
    results: List[ObjectResult]
    elapsed_s: float


def evaluate_dataset(predictor: Predictor, dataset, *, max_clicks: int = metrics.DEFAULT_MAX_CLICKS,
                     target_iou: float = metrics.DEFAULT_TARGET_IOU, early_stop: bool = True,
                     limit_images: Optional[int] = None,
                     on_object: Optional[Callable[[ObjectResult], None]] = None) -> DatasetRun:
    """All objects of a dataset; the timer covers image loading as the official loop does."""
    count = len(dataset) if limit_images is None else min(limit_images, len(dataset))
    results: List[ObjectResult] = []
    start = time.perf_counter()
    for index in range(count):
        sample: ImageSample = dataset.load(index)
        predictor.set_image(sample.image)
        for obj in sample.objects:
            result = evaluate_object(predictor, obj, dataset=dataset.name, image=dataset.relative(sample.image_path),
                                     mask=dataset.relative(sample.mask_path), max_clicks=max_clicks,
                                     target_iou=target_iou, early_stop=early_stop)
            results.append(result)
            if on_object is not None:
                on_object(result)
    return DatasetRun(dataset.name, results, time.perf_counter() - start)


# ----- the results table (official layout plus mIoU columns) -----

def table_header(max_clicks: int = metrics.DEFAULT_MAX_CLICKS) -> str:
    header = (f'|{"BRS Type":^13}|{"Dataset":^11}|'
              f'{"NoC@80%":^9}|{"NoC@85%":^9}|{"NoC@90%":^9}|'
              f'{">=" + str(max_clicks) + "@85%":^9}|{">=" + str(max_clicks) + "@90%":^9}|'
              f'{"SPC,s":^7}|{"Time":^9}|'
              f'{"mIoU@1":^8}|{"mIoU@3":^8}|{"mIoU@5":^8}|')
    line = "-" * len(header)
    return f"{line}\n{header}\n{line}"


def table_row(name: str, summary: metrics.EvaluationSummary, mode: str = "NoBRS") -> str:
    def noc(i: int) -> str:
        return f"{summary.noc_mean[i]:^9.2f}|" if i < len(summary.noc_mean) else f'{"?":^9}|'

    def nof(i: int) -> str:
        return f"{summary.nof[i]:^9}|" if i < len(summary.nof) else f'{"?":^9}|'

    def miou(k: int) -> str:
        value = summary.miou_at.get(k)
        return f'{"-" if value is None else f"{value:.2%}":^8}|'

    row = f"|{mode:^13}|{name:^11}|" + noc(0) + noc(1) + noc(2) + nof(1) + nof(2)
    row += f"{summary.seconds_per_click:^7.3f}|{str(timedelta(seconds=int(summary.elapsed_s))):^9}|"
    row += miou(1) + miou(3) + miou(5)
    return row


# ----- command line -----

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=str, help="ONNX model file (weights are rebuilt into the PyTorch network)")
    parser.add_argument("--random-variant", type=str, default=None,
                        help="instead of --model: a randomly initialised network of this variant (smoke tests)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --random-variant")
    parser.add_argument("--datasets", type=str, default="GrabCut",
                        help="comma-separated: GrabCut, Berkeley, DAVIS, COCO_MVal, ssTEM, Folder")
    parser.add_argument("--data-root", type=str, default=None,
                        help="data folder (default: $SIMPLECLICK_DATA, else ../shared/data)")
    parser.add_argument("--images-dir", type=str, default=None, help="Folder dataset: images folder")
    parser.add_argument("--masks-dir", type=str, default=None, help="Folder dataset: masks folder")
    parser.add_argument("--mask-rule", choices=["nonzero", "grabcut"], default="nonzero",
                        help="Folder dataset: nonzero = any non-zero channel is object; grabcut = 128 ignore, >128")
    parser.add_argument("--sstem-min-area", type=int, default=0, help="drop ssTEM components smaller than this")
    parser.add_argument("--n-clicks", type=int, default=metrics.DEFAULT_MAX_CLICKS)
    parser.add_argument("--target-iou", type=float, default=metrics.DEFAULT_TARGET_IOU)
    parser.add_argument("--no-early-stop", action="store_true",
                        help="run all clicks for every object (mIoU-per-click curves); NoC is unchanged, SPC is not")
    parser.add_argument("--net-size", type=int, default=None,
                        help="S of the network input (default: the model's input size, else 448)")
    parser.add_argument("--no-flip", action="store_true", help="turn off horizontal-flip averaging")
    parser.add_argument("--thresh", type=float, default=DEFAULT_PREDICTOR_OPTIONS.threshold)
    parser.add_argument("--limit-images", type=int, default=None, help="evaluate only the first N images")
    parser.add_argument("--device", type=str, default="cpu")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    parser.add_argument("--json", type=str, default=None, help="write per-object results (clicks, ROIs, IoUs, NoC)")
    parser.add_argument("--progress", action="store_true", help="print one line per object to stderr")


def load_forward(args) -> tuple:
    """(network module, description, input size S or None) from --model or --random-variant."""
    input_size = None
    if args.model:
        from .export import exported_input_size, load_network_from_onnx, read_onnx_metadata  # owned by the network engineer

        network = load_network_from_onnx(args.model)
        metadata = read_onnx_metadata(args.model)
        input_size = exported_input_size(metadata)
        description = (f"{args.model} (variant {metadata.get('simpleclick.variant', '?')}, "
                       f"trained {metadata.get('simpleclick.trained', '?')}, "
                       f"training data {metadata.get('simpleclick.training_data', '?')})")
    elif args.random_variant:
        from .network import build_network

        network = build_network(args.random_variant, seed=args.seed)
        description = f"random {args.random_variant} seed {args.seed}"
        input_size = getattr(getattr(network, "config", None), "img_size", None)
    else:
        raise SystemExit("evaluate: pass --model <file.onnx> or --random-variant <name>")
    if hasattr(network, "eval"):
        network.eval()
    return network, description, input_size


def machine_description(device: str) -> str:
    if device.startswith("cuda") and torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} (torch {torch.__version__})"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {torch.get_num_threads()} torch threads (torch {torch.__version__})"


def _datasets(args) -> list:
    data_root = Path(args.data_root) if args.data_root else default_data_root()
    result = []
    for name in [n.strip() for n in args.datasets.split(",") if n.strip()]:
        if name == "Folder":
            if not args.images_dir or not args.masks_dir:
                raise SystemExit("evaluate: the Folder dataset needs --images-dir and --masks-dir")
            result.append(folder_dataset(Path(args.images_dir), Path(args.masks_dir), args.mask_rule))
        else:
            result.append(load_dataset(name, data_root, min_area_px=args.sstem_min_area))
    return result


def run(args) -> int:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    torch.set_num_threads(max(1, args.threads))
    network, description, model_size = load_forward(args)
    device = torch.device(args.device)
    if hasattr(network, "to"):
        network = network.to(device)
    net_size = args.net_size or model_size or DEFAULT_PREDICTOR_OPTIONS.net_size_px
    options = PredictorOptions(net_size_px=net_size, flip=not args.no_flip, threshold=args.thresh)
    predictor = Predictor(network, options, device=device)
    datasets = _datasets(args)
    thresholds = metrics.iou_thresholds(args.target_iou)

    print(f"Eval results for model: {description}")
    print(f"S={net_size} flip={options.flip} thresh={options.threshold} max_clicks={args.n_clicks} "
          f"early_stop={not args.no_early_stop} machine: {machine_description(args.device)}")
    print(table_header(args.n_clicks))
    report = {"model": description, "netSizePx": net_size, "flip": options.flip, "threshold": options.threshold,
              "maxClicks": args.n_clicks, "earlyStop": not args.no_early_stop, "targetIou": args.target_iou,
              "iouThresholds": thresholds, "machine": machine_description(args.device), "datasets": {}}

    def progress(result: ObjectResult) -> None:
        if args.progress:
            print(f"{result.object_id}: {len(result.ious)} clicks, IoU {result.ious[-1]:.4f}", file=sys.stderr)

    for dataset in datasets:
        dataset_run = evaluate_dataset(predictor, dataset, max_clicks=args.n_clicks, target_iou=args.target_iou,
                                       early_stop=not args.no_early_stop, limit_images=args.limit_images,
                                       on_object=progress)
        summary = metrics.summarize([r.ious for r in dataset_run.results], dataset_run.elapsed_s,
                                    args.n_clicks, args.target_iou)
        print(table_row(dataset.name, summary), flush=True)
        report["datasets"][dataset.name] = {
            "nocMean": dict(zip(map(metrics.threshold_key, thresholds), summary.noc_mean)),
            "nof": dict(zip(map(metrics.threshold_key, thresholds), summary.nof)),
            "numObjects": summary.num_objects, "numClicks": summary.num_clicks, "elapsedS": summary.elapsed_s,
            "secondsPerClick": summary.seconds_per_click,
            "miouAt": {str(k): v for k, v in summary.miou_at.items()},
            "miouCurve": summary.miou_curve,
            "objects": [r.to_json(thresholds, args.n_clicks) for r in dataset_run.results],
        }
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=1)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="simpleclick evaluate", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
