"""replay.py repeats the ledger's shipped runs in order, each from the previous stage's weights, by steps."""

import json
import os
import shutil

import pytest
import torch

from simpleclick.training.replay import replay, shipped_stages, train_args
from simpleclick.training.stage_record import pack_kind, stage_record

from test_training_step import tiny_pack  # noqa: F401 - a pytest fixture

CONFIG = {"size_px": 320, "batch_size": 8, "lr": 1e-4, "warmup_steps": 100, "min_lr_ratio": 0.02, "seed": 5,
          "pack": "/w/build/train-pack-extra.bin", "source_weights": {"BSDS500": 0.5, "synthetic": 0.5},
          "whole_layer_probs": {"CCP": 0.5}, "center_click_prob": 0.2, "max_extra_clicks": 3}


def test_a_stage_record_counts_steps_and_names_the_pack_by_kind():
    record = stage_record(CONFIG, 1234)
    assert record["steps"] == 1234 and record["pack"] == "extra" and record["seed"] == 5
    assert record["source_weights"] == {"BSDS500": 0.5, "synthetic": 0.5} and "mae" not in record
    mae = {"steps": 10, "batch_size": 32, "lr": 1e-4, "size_px": 320, "seed": 5, "hours": 1.0, "images": 320}
    assert stage_record(CONFIG, 1, mae)["mae"] == {"steps": 10, "batch_size": 32, "lr": 1e-4, "size_px": 320,
                                                   "seed": 5}
    assert pack_kind("/x/train-pack.bin") == "352" and pack_kind("build/gpu/train-pack-gpu.bin") == "gpu"
    with pytest.raises(ValueError, match="unknown pack"):
        pack_kind("/x/my-pack.bin")


def test_train_args_repeat_the_settings_by_steps():
    args = train_args(stage_record(CONFIG, 1234), "/r/run", "/b/pack.bin", "/r/prev/final.pth")
    pairs = dict(zip(args[::2], args[1::2]))
    assert pairs["--max-steps"] == "1234" and pairs["--size"] == "320" and pairs["--seed"] == "5"
    assert json.loads(pairs["--source-weights"]) == CONFIG["source_weights"]
    assert pairs["--init-weights"] == "/r/prev/final.pth" and "--time-budget-h" not in pairs


def test_only_shipped_runs_are_replayed_and_each_needs_its_record():
    runs = [{"model": "a", "shipped": True, "train": {}}, {"model": "b", "shipped": False},
            {"model": "c", "shipped": True, "train": {}}]
    assert [run["model"] for run in shipped_stages({"runs": runs})] == ["a", "c"]
    with pytest.raises(SystemExit, match="without a 'train' record"):
        shipped_stages({"runs": [{"model": "a", "run": "r/final.pth", "shipped": True}]})


def test_the_chain_follows_each_runs_parent_so_a_later_sibling_replaces_the_run_it_beat():
    def run(name, parent=None, shipped=True):
        row = {"model": "m", "run": name, "shipped": shipped, "train": {}}
        return dict(row, parent=parent) if parent else row
    runs = [run("s4"), run("s5"), run("s6"), run("failed", "s6", shipped=False), run("pilot", "s5")]
    assert [row["run"] for row in shipped_stages({"runs": runs})] == ["s4", "s5", "pilot"]
    assert [row["run"] for row in shipped_stages({"runs": runs[:3]})] == ["s4", "s5", "s6"]
    with pytest.raises(SystemExit, match="its parent gone is not a shipped run before it"):
        shipped_stages({"runs": [run("s4"), run("s5", "gone")]})


def test_a_replay_trains_every_stage_from_the_previous_one_with_the_mae_stage_between(tiny_pack, tmp_path):  # noqa: F811
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy(tiny_pack, build / "train-pack-native.bin")
    tiny = dict(CONFIG, size_px=32, batch_size=2, warmup_steps=1, pack="train-pack-native.bin",
                source_weights={"BSDS500": 1.0}, whole_layer_probs={})
    first = stage_record(dict(tiny, seed=1), 2)
    second = stage_record(dict(tiny, seed=2), 1, {"steps": 1, "batch_size": 2, "lr": 1e-4, "size_px": 32, "seed": 2})
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps({"runs": [
        {"model": "m", "run": "one", "shipped": True, "train": first},
        {"model": "m", "run": "failed", "shipped": False},
        {"model": "m", "run": "two", "shipped": True, "train": second}]}))
    prefix = str(tmp_path / "runs" / "replay")
    last = replay(prefix, str(build), None, str(ledger), finish=False)
    assert last == f"{prefix}-2-s32"
    one = torch.load(f"{prefix}-1-s32/checkpoints/final.pth", map_location="cpu")
    assert one["step"] == 2 and one["train_config"]["init_weights"] is None and one["train_config"]["seed"] == 1
    pretrained = torch.load(f"{prefix}-2-mae/pretrained.pth", map_location="cpu")
    assert pretrained["step"] == 1 and pretrained["train_config"]["init_weights"] == f"{prefix}-1-s32/checkpoints/final.pth"
    two = torch.load(f"{last}/checkpoints/final.pth", map_location="cpu")
    assert two["step"] == 1 and two["train_config"]["init_weights"] == f"{prefix}-2-mae/pretrained.pth"
    # run again: every stage is done, nothing retrains
    stamp = os.path.getmtime(f"{last}/checkpoints/final.pth")
    replay(prefix, str(build), None, str(ledger), finish=False)
    assert os.path.getmtime(f"{last}/checkpoints/final.pth") == stamp
