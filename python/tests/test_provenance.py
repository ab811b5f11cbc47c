"""Metadata says honestly what a file is (issue 13 item 4): the checkpoint's own record first, a file-name guess
marked as a guess, else unknown."""

import pytest

from simpleclick.checkpoint import load_official_checkpoint, save_official_checkpoint
from simpleclick.export import export_onnx, read_onnx_metadata
from simpleclick.network import build_network
from simpleclick.provenance import checkpoint_provenance


@pytest.mark.parametrize("name, trained, trained_basis, data, data_basis", [
    ("sbd_vit_base.pth", True, "file-name guess", "SBD (guessed from the file name)", "file-name guess"),
    ("COCOLVIS_VIT_HUGE.pth", True, "file-name guess", "COCO+LVIS (guessed from the file name)", "file-name guess"),
    ("sbd_finetuned_epoch3.pth", None, "unknown", "SBD (guessed from the file name)", "file-name guess"),
    ("model.pth", None, "unknown", "unknown", "unknown"),
])
def test_official_files_record_no_training_so_the_name_is_a_marked_guess(name, trained, trained_basis, data,
                                                                          data_basis):
    provenance = checkpoint_provenance({"state_dict": {}, "config": {"class": "x", "params": {}}}, name)
    assert (provenance.trained, provenance.trained_basis) == (trained, trained_basis)
    assert (provenance.training_data, provenance.training_data_basis) == (data, data_basis)


def test_the_checkpoint_record_wins_over_the_name():
    provenance = checkpoint_provenance({"simpleclick": {"trained": False, "training_data": "none"}}, "sbd_vit_base.pth")
    assert (provenance.trained, provenance.trained_basis) == (False, "checkpoint")
    assert (provenance.training_data, provenance.training_data_basis) == ("none", "checkpoint")
    trainer = checkpoint_provenance({"step": 1200, "state_dict": {}}, "last.pth")
    assert (trainer.trained, trainer.trained_basis) == (True, "checkpoint")


def test_the_user_overrides_and_is_named():
    provenance = checkpoint_provenance({}, "sbd_vit_base.pth").overridden(training_data="SBD train split")
    assert provenance.export_metadata() == {"trained": True, "trained_basis": "file-name guess",
                                            "training_data": "SBD train split", "training_data_basis": "user"}


def test_export_of_a_file_that_says_nothing_leaves_trained_out(tmp_path):
    net = build_network("xtiny", seed=1)
    path = save_official_checkpoint(net, tmp_path / "mine.pth")
    _, info = load_official_checkpoint(path)
    result = export_onnx(net, tmp_path / "mine.onnx", verify=False,
                         metadata={"source": info["file_name"], **info["provenance"].export_metadata()})
    metadata = read_onnx_metadata(result.path)
    assert "simpleclick.trained" not in metadata and metadata["simpleclick.trained_basis"] == "unknown"
    assert metadata["simpleclick.training_data"] == "unknown"


def test_save_official_checkpoint_records_training(tmp_path):
    net = build_network("xtiny", seed=1)
    path = save_official_checkpoint(net, tmp_path / "sbd_vit_xtiny.pth", trained=False, training_data="none")
    _, info = load_official_checkpoint(path)
    assert info["trained"] is False and info["training_data"] == "none"
    assert info["provenance"].trained_basis == info["provenance"].training_data_basis == "checkpoint"
