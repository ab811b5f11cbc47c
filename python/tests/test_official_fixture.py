"""Loader, network and exporter against a checkpoint written by the OFFICIAL SimpleClick v1.0 code and its official
forward outputs (tests/fixtures/official-v1.0-small, made by tools/make_official_model_fixture.py): logits of +-30,
2x2 attention windows, random norm weights and biases, an official CrossEntropyLoss pickled in the config."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import needs_node
from official_fixture import CHECKPOINT, load_official_outputs
from simpleclick.checkpoint import load_official_checkpoint
from simpleclick.click_maps import draw_disks
from simpleclick.export import export_onnx, load_network_from_onnx, read_onnx_metadata, run_onnx_in_node
from simpleclick.parity import check_logits
from simpleclick.variants import official_global_blocks

GENERATOR = Path(__file__).resolve().parents[1] / "tools" / "make_official_model_fixture.py"


@pytest.fixture(scope="module")
def official():
    return load_official_outputs()


@pytest.fixture(scope="module")
def loaded():
    return load_official_checkpoint(CHECKPOINT)


def test_fixture_is_what_the_manifest_says(official):
    assert official.manifest["official"]["ref"] == "v1.0" and len(official.manifest["official"]["commit"]) == 40
    assert official.logits.shape == (3, 1, 448, 448)
    assert 29.0 < float(np.abs(official.logits).max()) <= 30.0 + 1e-3
    assert CHECKPOINT.stat().st_size < 1_500_000


def test_loader_reads_the_official_file(loaded, official):
    net, info = loaded
    arch = official.manifest["architecture"]
    config = info["config"]
    assert info["config_source"] == "checkpoint config" and info["model_class"].endswith("PlainVitModel")
    assert (config.embed_dim, config.depth, config.num_heads, config.patch_size, config.img_size) == (
        arch["embed_dim"], arch["depth"], arch["num_heads"], arch["patch_size"], arch["img_size"])
    assert list(config.neck_dims) == arch["neck_out_dims"] and config.head_channels == arch["head_channels"]
    assert config.global_blocks == official_global_blocks(8) == (1, 3, 5, 7)
    assert "isegm.model.modeling.transformer_helper.cross_entropy_loss.CrossEntropyLoss" in \
        info["substituted_classes"]


def test_our_click_disks_equal_the_official_dist_maps(official):
    for b, points in enumerate(official.points):
        n = points.shape[0] // 2
        for channel, rows in ((1, points[:n]), (2, points[n:])):
            ours = draw_disks([(float(y), float(x)) for y, x, _ in rows], 448)
            assert np.array_equal(ours, official.click_maps[b, channel]), (b, channel)


def test_network_reproduces_the_official_forward(loaded, official):
    net, _ = loaded
    with torch.no_grad():
        ours = net(torch.from_numpy(official.image), torch.from_numpy(official.click_maps)).numpy()
    report = check_logits(official.logits, ours, "PyTorch network logits")
    print(f"network vs official forward: {report.describe()}")
    assert report.max_abs_diff <= 1e-4  # same PyTorch ops: float32-identical up to BLAS summation order


@needs_node
def test_export_with_default_settings_reproduces_the_official_forward(loaded, official, tmp_path):
    net, info = loaded
    result = export_onnx(net, tmp_path / "official-small.onnx",
                         metadata={"source": CHECKPOINT.name, **info["provenance"].export_metadata()})
    print(result.summary())
    ort_logits, _ = run_onnx_in_node(result.path, official.image, official.click_maps)
    report = check_logits(official.logits, ort_logits, "onnxruntime-node logits")
    print(f"ONNX in onnxruntime-node vs official forward: {report.describe()}")
    metadata = read_onnx_metadata(result.path)
    assert metadata["simpleclick.source"] == CHECKPOINT.name and len(metadata["simpleclick.weights_sha256"]) == 64
    # An official file records no training and this name is not a released one: nothing is claimed.
    assert "simpleclick.trained" not in metadata and metadata["simpleclick.training_data"] == "unknown"
    back = load_network_from_onnx(result.path)
    for key, tensor in net.used_state_dict().items():
        assert torch.equal(back.state_dict()[key], tensor), key


OFFICIAL_GIT = os.environ.get("SIMPLECLICK_OFFICIAL_GIT", "/work/.mirror/uncbiag+SimpleClick/repo")


@pytest.mark.skipif(not os.path.isdir(OFFICIAL_GIT), reason="needs a checkout or mirror of uncbiag/SimpleClick "
                    "(SIMPLECLICK_OFFICIAL_GIT)")
def test_fixture_is_reproduced_by_its_generator(official, tmp_path):
    # A subprocess: the generator installs stub modules (mmcv, timm, ...) that must not leak into this process.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(GENERATOR), "--official-git", OFFICIAL_GIT, "--out", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    again = np.load(tmp_path / "official-outputs.npz")
    report = check_logits(official.logits, again["logits"], "regenerated official logits")
    print(f"regenerated vs committed official logits: {report.describe()}")
    assert np.array_equal(again["click_disks_u8"].astype(np.float32), official.click_maps[:, 1:])


REFERENCE_ONNX = CHECKPOINT.with_suffix(".onnx")


@needs_node
def test_committed_reference_onnx_reproduces_the_official_forward(official):
    ort_logits, _ = run_onnx_in_node(REFERENCE_ONNX, official.image, official.click_maps)
    report = check_logits(official.logits, ort_logits, "reference ONNX logits")
    print(f"committed reference ONNX vs official forward: {report.describe()}")


def test_a_fresh_export_equals_the_committed_reference_onnx(loaded, tmp_path):
    # What a converter (issue 13 item 3) must reproduce: the same initializers in the same order, byte for byte, the
    # same operators and the same metadata (the toolchain version aside).
    import onnx

    net, info = loaded
    fresh = export_onnx(net, tmp_path / "fresh.onnx", verify=False,
                        metadata={"source": CHECKPOINT.name, **info["provenance"].export_metadata()})
    reference, again = onnx.load(str(REFERENCE_ONNX)), onnx.load(str(fresh.path))
    assert [i.name for i in again.graph.initializer] == [i.name for i in reference.graph.initializer]
    assert [i.raw_data for i in again.graph.initializer] == [i.raw_data for i in reference.graph.initializer]
    assert [n.op_type for n in again.graph.node] == [n.op_type for n in reference.graph.node]
    metadata = {p.key: p.value for p in reference.metadata_props}
    assert {p.key: p.value for p in again.metadata_props} == {**metadata, "simpleclick.version": fresh.metadata[
        "simpleclick.version"]}
    assert metadata["simpleclick.weights_sha256"] == fresh.metadata["simpleclick.weights_sha256"]
