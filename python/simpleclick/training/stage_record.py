"""What the ledger records of a training run so that :mod:`.replay` can repeat it: its ``train`` record.

Steps rather than hours (a faster machine repeats the same samples), the pack by kind (PACKS: the file under build/
and the pack_data options that make it), and, for a stage after the MAE pilot, the MAE stage's steps and settings.
"""

from __future__ import annotations

import os
from typing import Dict, Optional

# The packs a stage may name, by kind: the file's path under build/ and the pack_data options that make it.
PACKS = {
    "352": ("train-pack.bin", ["--max-side", "352"]),
    "native": ("train-pack-native.bin", ["--max-side", "1024"]),
    "extra": ("train-pack-extra.bin", ["--max-side", "1024"]),  # plus --extra-root
    "gpu": ("gpu/train-pack-gpu.bin", ["--max-side", "448", "--jpeg-quality", "72", "--ccp-limit", "300"]),
}


def pack_kind(pack_path: str) -> str:
    """The PACKS kind of a pack file, from its name."""
    name = os.path.basename(str(pack_path))
    for kind, (file_name, _) in PACKS.items():
        if name == os.path.basename(file_name):
            return kind
    raise ValueError(f"unknown pack {name!r}: a replay knows {', '.join(f for f, _ in PACKS.values())}")


def stage_record(train_config: Dict, steps: int, mae: Optional[Dict] = None) -> Dict:
    """What a replay needs of a run (its ledger entry's ``train``), from its train config and its steps."""
    record = {
        "size_px": int(train_config["size_px"]), "batch_size": int(train_config["batch_size"]), "steps": int(steps),
        "lr": float(train_config["lr"]), "warmup_steps": int(train_config["warmup_steps"]),
        "min_lr_ratio": float(train_config.get("min_lr_ratio", 0.02)), "seed": int(train_config["seed"]),
        "pack": pack_kind(train_config["pack"]), "source_weights": dict(train_config["source_weights"]),
        "whole_layer_probs": dict(train_config.get("whole_layer_probs", {})),
        "center_click_prob": float(train_config.get("center_click_prob", 0.0)),
        "max_extra_clicks": int(train_config.get("max_extra_clicks", 3)),
    }
    if mae:
        record["mae"] = {key: mae[key] for key in ("steps", "batch_size", "lr", "size_px", "seed")}
    return record
