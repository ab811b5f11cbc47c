"""Train a SimpleClick network on the training pack, from scratch or from given weights (--init-weights).

    cd python
    /usr/bin/python3 -m simpleclick.training.train --run ../runs/xtiny-256 --time-budget-h 5
    /usr/bin/python3 -m simpleclick.training.train --run ../runs/xtiny-256 --resume     # continue after a stop
    # fine-tune: a new run (own schedule and optimizer) that starts from a trainer or official checkpoint
    /usr/bin/python3 -m simpleclick.training.train --run ../runs/xtiny-256-ft --init-weights \\
        ../runs/xtiny-256/checkpoints/final.pth --lr 1e-4 --warmup-steps 100 --seed 1 --time-budget-h 2

The run folder holds config.json, train.log (one status line a minute: tail -f it), metrics.csv (one row per
step) and checkpoints/ (last.pth with optimizer state every --checkpoint-every-min, weights-only snapshots every
--snapshot-every-min, final.pth when the schedule is done). On resume the saved config is used; only
--time-budget-h, --max-steps, --threads, --workers, --device and --log-every-s may be changed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from typing import Optional, Sequence

from .runtime import reexec_with_passive_openmp
from .pack_data import REPO_ROOT
from .trainer import EXIT_STOPPED, TrainConfig, Trainer

RESUME_OVERRIDABLE = ("time_budget_h", "max_steps", "threads", "workers", "device", "log_every_s")


def parse_ints(text: Optional[str]):
    return None if text is None else [int(v) for v in text.split(",") if v.strip()]


def main(argv: Optional[Sequence[str]] = None) -> int:
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", required=True, help="run folder (checkpoints, logs); e.g. ../runs/xtiny-256")
    parser.add_argument("--resume", action="store_true", help="continue the run in --run from checkpoints/last.pth")
    parser.add_argument("--pack", default=os.path.join(REPO_ROOT, "build", "train-pack.bin"))
    parser.add_argument("--variant", default=defaults.variant)
    parser.add_argument("--neck-dims", default=None, help="e.g. 48,96,144,192 (default: the variant's)")
    parser.add_argument("--head-channels", type=int, default=None, help="e.g. 64 (default: the variant's)")
    parser.add_argument("--model-name", default=None, help="variant name for the export metadata")
    parser.add_argument("--size", type=int, default=defaults.size_px, help="training (and shipping) S in pixels")
    parser.add_argument("--window-tokens", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--lr", type=float, default=defaults.lr, help="peak learning rate (Adam)")
    parser.add_argument("--min-lr-ratio", type=float, default=defaults.min_lr_ratio)
    parser.add_argument("--warmup-steps", type=int, default=defaults.warmup_steps)
    parser.add_argument("--weight-decay", type=float, default=defaults.weight_decay)
    parser.add_argument("--grad-clip", type=float, default=defaults.grad_clip)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--time-budget-h", type=float, default=None, help="training hours (schedule + stop)")
    parser.add_argument("--max-extra-clicks", type=int, default=defaults.max_extra_clicks)
    parser.add_argument("--center-click-prob", type=float, default=defaults.center_click_prob,
                        help="share of samples with one interior positive click only (official: 0)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--device", default=None, help="cpu (default) or cuda")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default 2)")
    parser.add_argument("--workers", type=int, default=None, help="DataLoader workers (default 0; 6-8 on a GPU box)")
    parser.add_argument("--no-amp", action="store_true", help="no fp16 autocast on CUDA")
    parser.add_argument("--checkpoint-every-min", type=float, default=defaults.checkpoint_every_min)
    parser.add_argument("--snapshot-every-min", type=float, default=defaults.snapshot_every_min)
    parser.add_argument("--log-every-s", type=float, default=None)
    parser.add_argument("--source-weights", default=None, help='JSON, e.g. {"BSDS500": 0.5, "synthetic": 0.5}')
    parser.add_argument("--whole-layer-probs", default=None,
                        help='JSON, per dataset the probability of taking the target from the whole-object layer, '
                             'e.g. {"CCP": 0.5} (the default); {} picks objects uniformly')
    parser.add_argument("--init-weights", default=None,
                        help="start from these weights: a trainer checkpoint, a model exported by this toolchain "
                             "(models/*.onnx) or an official SimpleClick .pth of the same layout (the position embedding is resized when S differs); give another --seed "
                             "than the source run's to draw new samples")
    reexec_with_passive_openmp("simpleclick.training.train", argv)
    args = parser.parse_args(argv)

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    config_path = os.path.join(args.run, "config.json")
    if args.resume and args.init_weights:
        print("--init-weights starts a new run; --resume continues one with its own weights", file=sys.stderr)
        return 2
    if args.resume:
        if not os.path.exists(config_path):
            print(f"--resume: {config_path} not found", file=sys.stderr)
            return 2
        with open(config_path) as handle:
            config = TrainConfig.from_dict(json.load(handle)["train"])
        for name, value in (("time_budget_h", args.time_budget_h), ("max_steps", args.max_steps),
                            ("threads", args.threads), ("workers", args.workers), ("device", args.device),
                            ("log_every_s", args.log_every_s)):
            if value is not None:
                setattr(config, name, value)
    else:
        config = TrainConfig(
            pack=os.path.abspath(args.pack), variant=args.variant, neck_dims=parse_ints(args.neck_dims),
            head_channels=args.head_channels, size_px=args.size, window_tokens=args.window_tokens,
            batch_size=args.batch_size, lr=args.lr, min_lr_ratio=args.min_lr_ratio, warmup_steps=args.warmup_steps,
            weight_decay=args.weight_decay, grad_clip=args.grad_clip, max_steps=args.max_steps,
            time_budget_h=args.time_budget_h, max_extra_clicks=args.max_extra_clicks, seed=args.seed,
            center_click_prob=args.center_click_prob,
            device=args.device or "cpu", threads=args.threads or 2, workers=args.workers or 0, amp=not args.no_amp,
            checkpoint_every_min=args.checkpoint_every_min, snapshot_every_min=args.snapshot_every_min,
            log_every_s=args.log_every_s or 60.0, model_name=args.model_name,
            init_weights=os.path.abspath(args.init_weights) if args.init_weights else None,
        )
        if args.source_weights:
            config.source_weights = {k: float(v) for k, v in json.loads(args.source_weights).items()}
        if args.whole_layer_probs is not None:
            config.whole_layer_probs = {k: float(v) for k, v in json.loads(args.whole_layer_probs).items()}
    if not os.path.exists(config.pack):
        print(f"training pack {config.pack} not found: build it with python3 -m simpleclick.training.pack_data",
              file=sys.stderr)
        return 2
    os.makedirs(args.run, exist_ok=True)
    trainer = Trainer(args.run, config, resume=args.resume)
    trainer.log(f"config: {json.dumps(asdict(config), sort_keys=True)}")
    return 0 if trainer.run() else EXIT_STOPPED


if __name__ == "__main__":
    sys.exit(main())
