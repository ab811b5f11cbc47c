"""Per-click timing of the PyTorch reference predictor, for `simpleclick bench` (packages/cli) to compare with the
TypeScript predictor on onnxruntime-node.

The TypeScript side hands over exactly what it runs: the decoded image as raw RGB bytes, the clicks in order and
the ONNX file, whose weights are loaded back into the PyTorch network (`load_network_from_onnx`). Each round
starts a fresh object and predicts after every click with all clicks so far, as a user session does; one click
before the rounds warms up. Printed on stdout: one JSON object with per-round lists of milliseconds per click
(whole `predict` + threshold) and of the network forward alone.

    python3 -m simpleclick.bench --model ../models/simpleclick-xtiny-narrow-finetuned-384.onnx --rgb image.rgb \
        --width 1920 --height 1080 --clicks '[{"xPx": 960, "yPx": 540, "isPositive": true}]' --threads 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np
import torch

from .click import Click
from .predictor import Predictor, PredictorOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, required=True, help="SimpleClick ONNX export (weights are read from it)")
    parser.add_argument("--rgb", type=Path, required=True, help="raw interleaved uint8 RGB pixels, row-major")
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--clicks", required=True,
                        help='JSON list of {"xPx", "yPx", "isPositive"} in order, or @FILE holding it')
    parser.add_argument("--net-size", type=int, default=None,
                        help="network input size S (default: the size the ONNX file was exported at)")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--flip", action="store_true", help="horizontal-flip averaging (the parity preset)")
    parser.add_argument("--threshold", type=float, default=0.49)
    parser.add_argument("--rounds", type=int, default=1, help="click sequences to time (default 1)")
    parser.add_argument("--mask-out", type=Path,
                        help="write the final mask of the last round here (uint8 0/1, row-major)")


def _read_clicks(text: str) -> List[Click]:
    if text.startswith("@"):
        text = Path(text[1:]).read_text()
    items = json.loads(text)
    if not isinstance(items, list) or not items:
        raise ValueError("--clicks must be a non-empty JSON list")
    return [Click.from_json(item) for item in items]


def _read_image(path: Path, width: int, height: int) -> np.ndarray:
    data = np.fromfile(path, dtype=np.uint8)
    if data.size != width * height * 3:
        raise ValueError(f"{path} holds {data.size} bytes, expected {width * height * 3} for {width} x {height} RGB")
    return data.reshape(height, width, 3)


def run(args) -> int:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    torch.set_num_threads(max(1, args.threads))
    if args.rounds < 1:
        raise ValueError("--rounds must be >= 1")
    # Cheap checks first: a bad image or click list fails before the network is built.
    image = _read_image(args.rgb, args.width, args.height)
    clicks = _read_clicks(args.clicks)
    from .export import exported_input_size, load_network_from_onnx, read_onnx_metadata

    network = load_network_from_onnx(args.model)
    net_size = args.net_size or exported_input_size(read_onnx_metadata(args.model)) or network.config.img_size

    forward_ms: List[float] = []

    def timed_forward(image_batch: torch.Tensor, click_maps: torch.Tensor) -> torch.Tensor:
        start = time.perf_counter()
        logits = network(image_batch, click_maps)
        forward_ms.append((time.perf_counter() - start) * 1000)
        return logits

    options = PredictorOptions(net_size_px=net_size, flip=args.flip, threshold=args.threshold)
    predictor = Predictor(timed_forward, options)
    predictor.set_image(image)

    # Warm-up: one click (first-run allocations, thread pool start).
    predictor.predict(clicks[:1])

    per_click: List[List[float]] = []
    model: List[List[float]] = []
    mask = None
    for _ in range(args.rounds):
        predictor.reset()
        round_total: List[float] = []
        round_model: List[float] = []
        for count in range(1, len(clicks) + 1):
            forward_ms.clear()
            start = time.perf_counter()
            probs = predictor.predict(clicks[:count])
            mask = predictor.mask(probs)
            round_total.append((time.perf_counter() - start) * 1000)
            round_model.append(sum(forward_ms))
        per_click.append(round_total)
        model.append(round_model)

    if args.mask_out is not None and mask is not None:
        np.ascontiguousarray(mask, dtype=np.uint8).tofile(args.mask_out)
    print(json.dumps({
        "torchVersion": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "netSizePx": net_size,
        "flip": args.flip,
        "perClickMs": per_click,
        "modelMs": model,
    }))
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m simpleclick.bench", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    from .export import ExportError

    try:
        return run(args)
    except (ExportError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
