"""The model card says how the weights were obtained: from scratch, or fine-tuned from given weights."""

import argparse
from types import SimpleNamespace

import pytest

from simpleclick.network import build_network
from simpleclick.training.finish import window_note, write_card
from simpleclick.training.trainer import TrainConfig

TINY = {"embed_dim": 32, "depth": 2, "num_heads": 2, "global_blocks": (1,), "neck_dims": (8, 8, 8, 8),
        "head_channels": 8}


def card_for(train_config: dict, tmp_path, mae=None) -> str:
    net = build_network(TrainConfig(size_px=64, network_overrides=dict(TINY)).network_config(), seed=0)
    args = argparse.Namespace(run=str(tmp_path), n_clicks=2, datasets="GrabCut")
    checkpoint = {"step": 10, "train_seconds": 3600.0, "torch_version": "1.13", "saved_at": "2026-11-27 15:00:00"}
    fp32 = SimpleNamespace(metadata={"simpleclick.variant": "xtiny"}, path="m.onnx", size_bytes=1e6, max_abs_diff=1e-6,
                           ort_run_ms=None)
    report = {"datasets": {}}
    return write_card(args, "m", net, checkpoint, "final.pth", train_config, report, fp32, "n/a", None,
                      {"GrabCut": [0.5, 0.6]}, False, {"b1": 10.0, "b2": 20.0}, "table", mae=mae)


def test_card_of_a_run_from_scratch(tmp_path):
    card = card_for({"batch_size": 8}, tmp_path)
    assert "trained from scratch on CPU" in card and "from scratch (no MAE weights)" in card
    assert "fine-tuned" not in card


@pytest.mark.parametrize("source", ["/runs/a/checkpoints/final.pth", "/weights/sbd_vit_xtiny.pth"])
def test_card_of_a_fine_tuned_run_names_its_initial_weights(tmp_path, source):
    card = card_for({"batch_size": 8, "init_weights": source}, tmp_path)
    name = source.rsplit("/", 1)[1]
    assert f"fine-tuned from `{name}` on CPU" in card
    assert f"starting from the weights of `{source}`" in card
    assert "(this run only)" in card and "trained from scratch" not in card


def test_ledger_entry_compares_with_the_model_it_started_from_and_the_card_lists_every_run(tmp_path):
    from simpleclick.training.finish import ledger_entry, ledger_table
    ledger = {"runs": [{"model": "parent", "start": "scratch", "recipe": "r", "cpu_hours": 3.6, "samples": 100,
                        "noc90_before": None, "noc90_after": {"GrabCut": 7.94, "Berkeley": 12.53}, "shipped": True}]}
    report = {"datasets": {name: {"nocMean": {"0.8": 1.0, "0.85": 2.0, "0.9": value}}
                           for name, value in (("GrabCut", 6.5), ("Berkeley", 11.0))}}
    config = {"init_weights": "/repo/models/parent.onnx", "size_px": 320, "batch_size": 8, "lr": 1e-4,
              "warmup_steps": 100, "pack": "/b/pack.bin", "source_weights": {"BSDS500": 1.0}}
    entry = ledger_entry("child", config, 2.0, 50, report, ledger)
    assert entry["noc90_before"] == {"GrabCut": 7.94, "Berkeley": 12.53}
    assert entry["noc90_after"] == {"GrabCut": 6.5, "Berkeley": 11.0}
    assert entry["start"] == "`parent.onnx`" and "S=320" in entry["recipe"]
    table = "\n".join(ledger_table(ledger["runs"] + [entry]))
    assert "| parent | - | scratch |" in table and "| child | - | `parent.onnx` |" in table
    card = card_for({"batch_size": 8}, tmp_path)
    assert "Every training run" not in card  # only with runs given


def test_a_continuation_keeping_its_parents_name_is_compared_with_the_shipped_run_and_both_stay_in_the_ledger():
    from simpleclick.training.finish import ledger_entry
    shipped = {"model": "m", "run": "a/final.pth", "start": "scratch", "recipe": "r", "cpu_hours": 1.0, "samples": 1,
               "noc90_before": None, "noc90_after": {"GrabCut": 7.0}, "shipped": True}
    failed = dict(shipped, run="b/final.pth", noc90_after={"GrabCut": 9.0}, shipped=False)
    report = {"datasets": {"GrabCut": {"nocMean": {"0.85": 5.0, "0.9": 6.5}}}}
    entry = ledger_entry("m", {"init_weights": "/repo/models/m.onnx"}, 2.0, 50, report,
                         {"runs": [shipped, failed]}, "c/last.pth")
    assert entry["noc90_before"] == {"GrabCut": 7.0}  # the shipped run, not the later one that failed
    assert entry["run"] == "c/last.pth" and entry["model"] == "m"


def test_the_card_ends_with_the_marker_and_carries_the_shipped_cards_kept_sections(tmp_path):
    from simpleclick.training.finish import KEPT_SECTIONS_MARKER, kept_sections
    shipped_card = tmp_path / "old.md"
    shipped_card.write_text("# old\n\n## Evaluation\nold numbers\n" + KEPT_SECTIONS_MARKER
                            + "\n\n## Faster variants\nint8 measured\n")
    assert kept_sections(str(shipped_card)) == "## Faster variants\nint8 measured"
    assert kept_sections(str(tmp_path / "missing.md")) == ""
    card = card_for({"batch_size": 8}, tmp_path)
    assert card.rstrip().endswith(KEPT_SECTIONS_MARKER)
    assert "../shared" not in card


def test_the_card_gives_the_sdk_interactive_numbers_when_they_were_measured(tmp_path):
    from simpleclick.training.finish import sdk_rows
    summary = {"iouThresholds": [0.8, 0.8500000000000001, 0.9000000000000001], "nocMean": [4.0, 5.16, 7.0],
               "nof": [0, 0, 4], "meanIouPerClick": [0.471, 0.6, 0.7527, 0.8, 0.8597], "secondsPerClick": 0.048}
    rows = sdk_rows([("GrabCut", "off", summary)])
    assert rows[-1] == "| GrabCut | off | 5.16 | 7.00 | 4 | 47.1 | 75.3 | 86.0 | 0.048 |"


def test_a_run_after_the_mae_pilot_counts_the_mae_hours_and_compares_with_the_model_mae_started_from(tmp_path):
    import torch
    from simpleclick.training.finish import ledger_entry, mae_stage
    pretrained = tmp_path / "pretrained.pth"
    torch.save({"mae_pretraining": True, "step": 100, "train_seconds": 3600.0,
                "train_config": {"init_weights": "/repo/models/parent.onnx", "batch_size": 32, "lr": 1e-4}},
               pretrained)
    mae = mae_stage(str(pretrained))
    assert mae == {"init_weights": "/repo/models/parent.onnx", "hours": 1.0, "images": 3200, "lr": 1e-4,
                   "steps": 100, "batch_size": 32, "size_px": None, "seed": None}
    ledger = {"runs": [{"model": "parent", "start": "scratch", "recipe": "r", "cpu_hours": 3.6, "samples": 100,
                        "noc90_before": None, "noc90_after": {"GrabCut": 6.3}, "shipped": True}]}
    report = {"datasets": {"GrabCut": {"nocMean": {"0.85": 5.0, "0.9": 6.0}}}}
    entry = ledger_entry("parent", {"init_weights": str(pretrained), "size_px": 320}, 1.0, 50, report, ledger,
                         "mae-ft/final.pth", mae)
    assert entry["noc90_before"] == {"GrabCut": 6.3}
    assert entry["start"] == "`parent.onnx` + MAE 1.00 h" and entry["cpu_hours"] == 2.0
    assert entry["recipe"].startswith("MAE 1.00 h (3200 images")
    card = card_for({"batch_size": 8, "init_weights": str(pretrained)}, tmp_path, mae=mae)
    assert "after 1.00 h of MAE pretraining of the backbone of `parent.onnx`" in card


def test_a_run_from_an_exported_file_names_the_run_it_came_from_and_compares_with_that_run(tmp_path):
    import onnx
    from onnx import TensorProto, helper
    from simpleclick.training.finish import ledger_entry, ledger_table, source_run
    start = tmp_path / "m.onnx"  # older weights of the shipped name: s5's export, after s6 shipped as "m" too
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph)
    helper.set_model_props(model, {"simpleclick.source": "s5/final.pth"})
    onnx.save(model, str(start))
    assert source_run(str(start)) == "s5/final.pth"
    assert source_run(str(tmp_path / "absent.onnx")) is None and source_run("/x/final.pth") is None
    s5 = {"model": "m", "run": "s5/final.pth", "noc90_after": {"GrabCut": 5.18}, "shipped": True}
    s6 = dict(s5, run="s6/final.pth", noc90_after={"GrabCut": 4.68})
    report = {"datasets": {"GrabCut": {"nocMean": {"0.9": 4.5}}}}
    entry = ledger_entry("m", {"init_weights": str(start)}, 1.0, 50, report, {"runs": [s5, s6]}, "pilot/final.pth")
    assert entry["parent"] == "s5/final.pth" and entry["noc90_before"] == {"GrabCut": 5.18}
    assert "parent" not in ledger_entry("m", {}, 1.0, 50, report, {"runs": [s5]})
    entry["start"], entry["recipe"], entry["cpu_hours"], entry["samples"] = "`m.onnx`", "r", 1.0, 50
    assert "| m | pilot/final.pth | `m.onnx` (from s5/final.pth) |" in "\n".join(ledger_table([entry]))


def test_only_an_mae_pretrained_checkpoint_is_an_mae_stage(tmp_path):
    import torch
    from simpleclick.training.finish import mae_stage
    other = tmp_path / "final.pth"
    torch.save({"format": "simpleclick-train-1", "step": 3}, other)
    assert mae_stage(str(other)) is None
    assert mae_stage(str(tmp_path / "absent.pth")) is None
    assert mae_stage("/repo/models/m.onnx") is None and mae_stage(None) is None


def test_the_metadata_names_every_source_the_run_trained_on():
    from simpleclick.training.finish import training_data_of
    config = {"source_weights": {"BSDS500": 0.2, "CCP": 0.1, "PortraitFlickr": 0.1, "WeizmannHorse": 0.0,
                                 "synthetic": 0.6}}
    assert training_data_of(config) == "BSDS500(minus eval ids)+CCP+PortraitFlickr+synthetic"
    assert "coco128-seg" in training_data_of({})  # the built-in defaults


def test_the_layout_note_follows_the_official_window_split():
    # the official patchify makes grid // window windows a side: one global window below 2 x 14 tokens
    assert "one global window" in window_note(20, 14) and "one global window" in window_note(24, 14)
    assert window_note(28, 14).endswith("2x2 windows of 14 tokens")
    assert window_note(42, 14).endswith("3x3 windows of 14 tokens")
