"""Quick NoC check of a training checkpoint with the reference predictor and evaluator (no ONNX export).

    /usr/bin/python3 -m simpleclick.training.quick_eval --checkpoint ../runs/pilot-a/checkpoints/last.pth \
        --datasets GrabCut --n-clicks 10 --no-flip

Runs the official protocol (simpleclick.evaluate) on the PyTorch network at its training size: used to compare
pilot runs quickly (flip off and 10 clicks by default: NoC is then capped at 10). The final numbers come from
``finish`` (exported ONNX, flip on, 20 clicks).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Optional, Sequence

import torch

from .. import metrics
from ..datasets import load_dataset
from ..evaluate import evaluate_dataset
from ..predictor import Predictor, PredictorOptions
from .runtime import reexec_with_passive_openmp
from .bench import inference_ms
from .trainer import network_from_checkpoint


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--datasets", default="GrabCut")
    parser.add_argument("--n-clicks", type=int, default=10)
    parser.add_argument("--flip", action="store_true", help="flip averaging on (default off)")
    parser.add_argument("--net-size", type=int, default=None, help="default: the training size")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit-images", type=int, default=None)
    parser.add_argument("--json", default=None, help="append one JSON line with the results to this file")
    reexec_with_passive_openmp("simpleclick.training.quick_eval", argv)
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    torch.set_num_threads(args.threads)

    net, checkpoint = network_from_checkpoint(args.checkpoint)
    size = args.net_size or net.config.img_size
    predictor = Predictor(net, PredictorOptions(net_size_px=size, flip=args.flip))
    ms = inference_ms(net, size, 2 if args.flip else 1, 10)
    record = {"checkpoint": args.checkpoint, "step": checkpoint["step"], "samples": checkpoint.get("samples"),
              "train_hours": checkpoint["train_seconds"] / 3600, "layout": net.config.to_dict(), "size": size,
              "flip": args.flip, "n_clicks": args.n_clicks, "forward_ms": ms, "datasets": {}}
    print(f"{args.checkpoint}: step {checkpoint['step']}, {record['train_hours']:.2f} h, S={size}, "
          f"flip={args.flip}, forward {ms:.0f} ms/click")
    for name in args.datasets.split(","):
        dataset = load_dataset(name)
        start = time.time()
        run = evaluate_dataset(predictor, dataset, max_clicks=args.n_clicks, early_stop=False,
                               limit_images=args.limit_images)
        summary = metrics.summarize([r.ious for r in run.results], run.elapsed_s, args.n_clicks,
                                    miou_clicks=(1, 3, 5, args.n_clicks))
        record["datasets"][name] = {"noc": summary.noc_mean, "nof": summary.nof,
                                    "miou": {str(k): v for k, v in summary.miou_at.items()},
                                    "objects": summary.num_objects}
        miou = " ".join(f"mIoU@{k} {100 * v:.1f}" for k, v in summary.miou_at.items() if v is not None)
        print(f"  {name} ({summary.num_objects} objects, {time.time() - start:.0f} s): NoC@80/85/90 "
              f"{summary.noc_mean[0]:.2f}/{summary.noc_mean[1]:.2f}/{summary.noc_mean[2]:.2f} "
              f"(cap {args.n_clicks}), NoF@85/90 {summary.nof[1]}/{summary.nof[2]}, {miou}", flush=True)
    if args.json:
        with open(args.json, "a") as handle:
            handle.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
