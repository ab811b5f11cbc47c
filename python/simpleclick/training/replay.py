"""Repeat the whole recipe of the shipped default model: every shipped run of the ledger, in order, by steps.

    python -m simpleclick.training.replay --run-prefix ../runs/replay [--extra-root ../data-extra]   (from python/)
    python -m simpleclick.training.replay --list                                                     (stages only)

The default model was not trained in one go: a run from scratch, then fine-tuning stages, each started from the
weights shipped before it, several of them on a shared CPU whose speed varied. ``ledger.json`` records every run
with its settings (``train``: S, batch, steps, learning rate, seed, pack, source weights, ...; ``mae`` for a stage
after the MAE pilot; ``parent``, the run its start weights came from). This command replays the chain of shipped
runs behind the last one (:func:`shipped_stages`), each from the previous stage's ``final.pth``, then runs
``finish`` on the last one. Stages are counted in steps, not hours, so a faster machine
(or a GPU) repeats the same number of samples; the learning rate then follows one smooth schedule per stage, where
some original runs were resumed with a changed time budget (the ledger notes it). Same seed and pack give the same
sample stream. A replay resumes where it stopped when run again.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

from .finish import LEDGER_PATH, read_ledger
from .pack_data import REPO_ROOT
from .runtime import reexec_with_passive_openmp
from .stage_record import PACKS
from .trainer import EXIT_STOPPED

LAYOUT_ARGS = ["--neck-dims", "48,96,144,192", "--head-channels", "64", "--model-name", "xtiny-narrow"]


def shipped_stages(ledger: Dict) -> List[Dict]:
    """The chain of runs behind the last shipped one, oldest first; every one must carry its ``train`` record.
    A run's ``parent`` (the ledger run its start weights came from) links it; a run without one started from the
    shipped run before it. So a shipped run that started from older weights (the MAE pilot, a sibling of the run
    shipped before it) replaces that sibling in the chain."""
    shipped = [run for run in ledger["runs"] if run.get("shipped")]
    stages: List[Dict] = []
    index = len(shipped) - 1
    while index >= 0:
        stage = shipped[index]
        stages.insert(0, stage)
        parent = stage.get("parent")
        if parent is None:
            index -= 1
            continue
        found = [i for i in range(index) if shipped[i].get("run") == parent]
        if not found:
            raise SystemExit(f"ledger run {stage.get('run')}: its parent {parent} is not a shipped run before it")
        index = found[-1]
    missing = [run.get("run") or run["model"] for run in stages if "train" not in run]
    if missing:
        raise SystemExit(f"ledger runs without a 'train' record cannot be replayed: {', '.join(missing)}")
    return stages


def train_args(record: Dict, run_dir: str, pack_path: str, init_weights: Optional[str],
               device: Optional[str] = None) -> List[str]:
    """train.py's arguments for one stage (``device``: train.py's --device, default its own)."""
    args = ["--run", run_dir, "--size", str(record["size_px"]), "--batch-size", str(record["batch_size"]),
            "--max-steps", str(record["steps"]), "--lr", str(record["lr"]),
            "--warmup-steps", str(record["warmup_steps"]), "--min-lr-ratio", str(record["min_lr_ratio"]),
            "--seed", str(record["seed"]), "--pack", pack_path,
            "--source-weights", json.dumps(record["source_weights"]),
            "--whole-layer-probs", json.dumps(record["whole_layer_probs"]),
            "--center-click-prob", str(record["center_click_prob"]),
            "--max-extra-clicks", str(record["max_extra_clicks"]), "--checkpoint-every-min", "10", *LAYOUT_ARGS]
    if init_weights:
        args += ["--init-weights", init_weights]
    if device:
        args += ["--device", device]
    return args


def mae_args(record: Dict, run_dir: str, pack_path: str, init_weights: Optional[str]) -> List[str]:
    """mae.py's arguments for the MAE stage before a fine-tuning stage."""
    mae = record["mae"]
    args = ["--run", run_dir, "--pack", pack_path, "--size", str(mae["size_px"]), "--max-steps", str(mae["steps"]),
            "--batch-size", str(mae["batch_size"]), "--lr", str(mae["lr"]), "--seed", str(mae["seed"]), *LAYOUT_ARGS]
    if init_weights:
        args += ["--init-weights", init_weights]
    return args


def run_module(module: str, args: Sequence[str]) -> None:
    command = [sys.executable, "-m", module, *args]
    print("+ " + " ".join(command), flush=True)
    status = subprocess.run(command, cwd=os.path.join(REPO_ROOT, "python")).returncode
    if status == EXIT_STOPPED:
        raise SystemExit("replay: the stage was stopped before its end (checkpoint saved); run the same command "
                         "again to resume it")
    if status != 0:
        raise SystemExit(f"replay: {module} failed (exit status {status})")


def ensure_pack(kind: str, build_dir: str, extra_root: Optional[str]) -> str:
    file_name, options = PACKS[kind]
    path = os.path.join(build_dir, file_name)
    if not os.path.exists(path):
        if kind == "extra":
            if not extra_root:
                raise SystemExit("this stage trained on the extra pack: give --extra-root (a folder written by "
                                 "extra_data.py, e.g. data-extra)")
            options = [*options, "--extra-root", os.path.abspath(extra_root)]
        run_module("simpleclick.training.pack_data", ["--out", path, *options])
    return path


def replay(run_prefix: str, build_dir: str, extra_root: Optional[str], ledger_path: str = LEDGER_PATH,
           finish: bool = True, device: Optional[str] = None) -> str:
    """Runs (or resumes) every stage, then (``finish``) finish on the last; returns the last stage's run folder."""
    stages = shipped_stages(read_ledger(ledger_path))
    previous: Optional[str] = None
    run_dir = ""
    for index, stage in enumerate(stages, start=1):
        record = stage["train"]
        pack = ensure_pack(record["pack"], build_dir, extra_root)
        start = previous
        if "mae" in record:
            mae_dir = f"{run_prefix}-{index}-mae"
            if not os.path.exists(os.path.join(mae_dir, "pretrained.pth")):
                resume = ["--resume"] if os.path.exists(os.path.join(mae_dir, "last.pth")) else []
                run_module("simpleclick.training.mae", [*mae_args(record, mae_dir, pack, start), *resume])
            start = os.path.join(mae_dir, "pretrained.pth")
        run_dir = f"{run_prefix}-{index}-s{record['size_px']}"
        final = os.path.join(run_dir, "checkpoints", "final.pth")
        if not os.path.exists(final):
            if os.path.exists(os.path.join(run_dir, "checkpoints", "last.pth")):
                run_module("simpleclick.training.train", ["--run", run_dir, "--resume"])
            else:
                run_module("simpleclick.training.train", train_args(record, run_dir, pack, start, device))
        previous = final
    if finish:
        run_module("simpleclick.training.finish", ["--run", run_dir])
    return run_dir


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-prefix", default=os.path.join(REPO_ROOT, "runs", "replay"),
                        help="stage k trains in <prefix>-<k>-s<S> (default runs/replay)")
    parser.add_argument("--build-dir", default=os.path.join(REPO_ROOT, "build"), help="where the packs are")
    parser.add_argument("--extra-root", default=None, help="extra_data.py's folder, for a stage on the extra pack")
    parser.add_argument("--ledger", default=LEDGER_PATH)
    parser.add_argument("--list", action="store_true", help="print the stages and stop")
    parser.add_argument("--no-finish", action="store_true", help="train only (no export, evaluation or card)")
    parser.add_argument("--device", default=None, help="train.py's --device for every stage (cpu or cuda)")
    reexec_with_passive_openmp("simpleclick.training.replay", argv)
    args = parser.parse_args(argv)
    if args.list:
        for index, stage in enumerate(shipped_stages(read_ledger(args.ledger)), start=1):
            record = stage["train"]
            mae = f"MAE {record['mae']['steps']} steps, then " if "mae" in record else ""
            print(f"{index}. {stage.get('run') or stage['model']}: {mae}{record['steps']} steps x batch "
                  f"{record['batch_size']} at S = {record['size_px']}, lr {record['lr']}, seed {record['seed']}, "
                  f"{record['pack']} pack")
        return 0
    replay(os.path.abspath(args.run_prefix), os.path.abspath(args.build_dir), args.extra_root, args.ledger,
           finish=not args.no_finish, device=args.device)
    return 0


if __name__ == "__main__":
    sys.exit(main())
