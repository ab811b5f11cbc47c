"""Training throughput and per-click inference time of candidate layouts and sizes on this machine.

    /usr/bin/python3 -m simpleclick.training.bench --sizes 224,256,320,448 --layouts official,narrow
    /usr/bin/python3 -m simpleclick.training.bench --sizes 320 --layouts narrow --precisions fp32,mixed

Training: real batches from the pack, the full step (initial clicks, iterative rounds cycling 0,1,2,3 so the mean
matches the random 0-3 of training, NFL, backward, Adam) -> samples per second. Inference: one forward of the
network in eval mode without gradient, batch 1 (flip off) and batch 2 (flip on) -> median milliseconds per click.
The CPU is shared, so the load average is printed next to the numbers. ``--precisions fp32,mixed`` times each layout
twice, side by side, without and with the trainer's mixed precision (bf16 backbone on a CPU with bf16 matrix units),
and prints the ratio of training throughput to fp32's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from .batches import SampleDataset
from .runtime import reexec_with_passive_openmp
from .pack_data import REPO_ROOT
from .trainer import StepRunner, TrainConfig, make_optimizer
from ..network import build_network

LAYOUTS = {
    "official": {"neck_dims": None, "head_channels": None},
    "narrow": {"neck_dims": [48, 96, 144, 192], "head_channels": 64},
}


def collate(samples: List[Dict[str, np.ndarray]]) -> Dict[str, torch.Tensor]:
    return {key: torch.from_numpy(np.stack([s[key] for s in samples])) for key in samples[0]}


def inference_ms(net: torch.nn.Module, size_px: int, batch: int, repeats: int) -> float:
    image = torch.rand(batch, 3, size_px, size_px)
    maps = torch.zeros(batch, 3, size_px, size_px)
    maps[:, 1, size_px // 2 - 5:size_px // 2 + 5, size_px // 2 - 5:size_px // 2 + 5] = 1
    times = []
    with torch.no_grad():
        net(image, maps)
        for _ in range(repeats):
            start = time.perf_counter()
            net(image, maps)
            times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def bench_one(layout: str, size_px: int, pack: str, batch_size: int, steps: int, repeats: int,
              mixed_precision: bool = False) -> Dict:
    config = TrainConfig(pack=pack, size_px=size_px, batch_size=batch_size, warmup_steps=1, amp=mixed_precision,
                         **LAYOUTS[layout])
    net = build_network(config.network_config(), seed=0)
    params = sum(p.numel() for p in net.parameters())
    ms1 = inference_ms(net, size_px, 1, repeats)
    ms2 = inference_ms(net, size_px, 2, repeats)
    optimizer = make_optimizer(net, config)
    runner = StepRunner(net, optimizer, config, torch.device("cpu"))
    dataset = SampleDataset(pack, config.sample_options(), seed=123)
    rng = np.random.default_rng(0)
    batches = [collate([dataset[i * batch_size + j] for j in range(batch_size)]) for i in range(steps + 1)]
    runner.step(batches[0], 1, rng, 1e-4)  # warm-up
    start = time.perf_counter()
    for i in range(steps):
        runner.step(batches[i + 1], i % 4, rng, 1e-4)
    compute_s = time.perf_counter() - start
    # Data preparation is timed separately (it runs in the same process during training).
    start = time.perf_counter()
    for j in range(batch_size * 2):
        dataset[10 ** 6 + j]
    data_s_per_sample = (time.perf_counter() - start) / (batch_size * 2)
    samples_per_s = steps * batch_size / (compute_s + steps * batch_size * data_s_per_sample)
    return {"layout": layout, "size": size_px, "precision": runner.precision, "params_m": params / 1e6,
            "samples_per_s": samples_per_s,
            "data_ms_per_sample": 1000 * data_s_per_sample, "infer_ms_b1": ms1, "infer_ms_b2": ms2}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", default=os.path.join(REPO_ROOT, "build", "train-pack.bin"))
    parser.add_argument("--sizes", default="224,256,320,448")
    parser.add_argument("--layouts", default="official,narrow")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--precisions", default="fp32",
                        help="fp32, mixed, or both (fp32,mixed): mixed is the trainer's default (--no-amp off)")
    reexec_with_passive_openmp("simpleclick.training.bench", argv)
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {args.batch_size}, "
          f"{args.steps} timed steps (rounds 0-3)")
    precisions = args.precisions.split(",")
    unknown = sorted(set(precisions) - {"fp32", "mixed"})
    if unknown:
        parser.error(f"unknown precision {unknown[0]!r} (fp32 or mixed)")
    print("| layout | S | precision | params (M) | train samples/s | x fp32 | data ms/sample | infer ms B=1 | "
          "infer ms B=2 | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        for layout in args.layouts.split(","):
            fp32_rate: Optional[float] = None
            for precision in precisions:
                result = bench_one(layout, size, args.pack, args.batch_size, args.steps, args.repeats,
                                   mixed_precision=precision == "mixed")
                rate = result["samples_per_s"]
                if precision == "fp32":
                    fp32_rate = rate
                ratio = f"{rate / fp32_rate:.2f}" if fp32_rate else "-"
                load = os.getloadavg()[0]
                print(f"| {layout} | {size} | {result['precision']} | {result['params_m']:.2f} | {rate:.2f} | "
                      f"{ratio} | {result['data_ms_per_sample']:.1f} | {result['infer_ms_b1']:.1f} | "
                      f"{result['infer_ms_b2']:.1f} | {load:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
