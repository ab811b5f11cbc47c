import numpy as np
import pytest
import torch

import simpleclick.export as export_module
import simpleclick.parity as parity_module
from conftest import needs_node, slow
from simpleclick.export import (ExportError, export_onnx, exported_input_size, load_network_from_onnx,
                                read_onnx_metadata, run_onnx_in_node, verification_inputs)
from simpleclick.network import build_network

UNTRAINED = {"trained": False, "training_data": "untrained", "source": "random-init"}


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if "partial" in p.name)


@pytest.fixture(scope="module")
def xtiny():
    return build_network("xtiny", seed=0)


@pytest.fixture(scope="module")
def exported(xtiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "xtiny.onnx"
    return export_onnx(xtiny, out, metadata=UNTRAINED)


def _torch_logits(net, image, clicks):
    with torch.no_grad():
        return net(torch.from_numpy(image), torch.from_numpy(clicks)).numpy()


@needs_node
def test_fp32_export_parity_in_onnxruntime_node(exported, xtiny):
    assert exported.max_abs_diff is not None and exported.max_abs_diff < 1e-4
    assert exported.path.is_file() and exported.data_path is None
    assert not _leftovers(exported.path.parent)
    # Independent re-run with other inputs and batch sizes: the batch axis is dynamic.
    for batch, seed in ((1, 11), (3, 12)):
        image, clicks = verification_inputs(batch, 448, seed=seed)
        logits, _ = run_onnx_in_node(exported.path, image, clicks)
        assert logits.shape == (batch, 1, 448, 448)
        assert np.abs(logits - _torch_logits(xtiny, image, clicks)).max() < 1e-4


@needs_node
def test_graph_contract_and_metadata(exported, xtiny):
    import onnx

    model = onnx.load(str(exported.path))
    inputs = {i.name: i for i in model.graph.input}
    assert list(inputs) == ["image", "click_maps"]
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        assert value.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
        assert dims[0].dim_param == "batch"
        assert [d.dim_value for d in dims[1:]] == ([1, 448, 448] if value.name == "logits" else [3, 448, 448])
    assert [o.name for o in model.graph.output] == ["logits"]
    initializers = {i.name for i in model.graph.initializer}
    assert set(xtiny.used_state_dict()) <= initializers
    assert not any(i.startswith("backbone.head.") or i.startswith("head.up_conv") for i in initializers)
    metadata = read_onnx_metadata(exported.path)
    assert set(metadata) == {"simpleclick.format_version", "simpleclick.variant", "simpleclick.input_size",
                             "simpleclick.patch_size", "simpleclick.training_data", "simpleclick.version",
                             "simpleclick.trained", "simpleclick.source", "simpleclick.weights_dtype",
                             "simpleclick.config", "simpleclick.weights_sha256"}
    assert metadata["simpleclick.variant"] == "xtiny" and metadata["simpleclick.input_size"] == "448"
    assert metadata["simpleclick.patch_size"] == "16" and metadata["simpleclick.trained"] == "false"
    assert metadata["simpleclick.training_data"] == "untrained" and metadata["simpleclick.source"] == "random-init"
    assert metadata["simpleclick.weights_dtype"] == "float32" and metadata["simpleclick.format_version"] == "1"
    assert exported.notes["restored_merged_parameters"] > 0  # random init has equal tensors: merging undone


@needs_node
def test_load_network_from_onnx_reproduces_logits(exported, xtiny):
    net = load_network_from_onnx(exported.path)
    assert net.config == xtiny.config
    image, clicks = verification_inputs(2, 448, seed=5)
    assert np.array_equal(_torch_logits(net, image, clicks), _torch_logits(xtiny, image, clicks))


@needs_node
def test_fp16_export(xtiny, exported, tmp_path):
    import onnx

    result = export_onnx(xtiny, tmp_path / "xtiny16.onnx", metadata=UNTRAINED, fp16=True)
    assert result.max_abs_diff < 1e-4  # against PyTorch with the same fp16-rounded weights
    assert result.max_abs_diff_vs_fp32 is not None
    assert result.metadata["simpleclick.weights_dtype"] == "float16"
    assert result.size_bytes < 0.55 * exported.size_bytes
    model = onnx.load(str(result.path))
    types = {i.name: i.data_type for i in model.graph.initializer}
    assert all(types[key] == onnx.TensorProto.FLOAT16 for key in xtiny.used_state_dict())
    back = load_network_from_onnx(result.path)
    rounded = build_network("xtiny", seed=0)
    with torch.no_grad():
        for tensor in rounded.state_dict().values():
            tensor.copy_(tensor.half().float())
    image, clicks = verification_inputs(1, 448, seed=6)
    assert np.array_equal(_torch_logits(back, image, clicks), _torch_logits(rounded, image, clicks))


@needs_node
def test_672_export_resizes_the_position_embedding_in_the_graph(xtiny, tmp_path):
    result = export_onnx(xtiny, tmp_path / "xtiny672.onnx", size_px=672, metadata=UNTRAINED, verify_batch=1)
    assert result.max_abs_diff < 1e-4 and result.metadata["simpleclick.input_size"] == "672"
    back = load_network_from_onnx(result.path)
    assert back.config.img_size == 448 and back.backbone.pos_embed.shape == (1, 785, 160)


@needs_node
def test_external_data(xtiny, tmp_path):
    result = export_onnx(xtiny, tmp_path / "ext.onnx", metadata=UNTRAINED, external_data=True, verify_batch=1)
    assert result.data_path == tmp_path / "ext.onnx.data" and result.data_path.stat().st_size > 10_000_000
    assert result.path.stat().st_size < 2_000_000 and result.max_abs_diff < 1e-4
    back = load_network_from_onnx(result.path)
    assert torch.equal(back.backbone.pos_embed, xtiny.backbone.pos_embed)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ext.onnx", "ext.onnx.data"]


# ---- bad input: one-line errors and nothing left behind ------------------------------------------------------

def _export_error(*args, **kwargs) -> str:
    with pytest.raises(ExportError) as caught:
        export_onnx(*args, **kwargs)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_size_not_a_multiple_of_the_patch(xtiny, tmp_path):
    assert "450x450 is not a multiple of the patch size 16" in _export_error(
        xtiny, tmp_path / "x.onnx", size_px=450, metadata=UNTRAINED)
    assert list(tmp_path.iterdir()) == []


def test_metadata_and_path_are_checked(xtiny, tmp_path):
    assert "missing trained, training_data, source" in _export_error(xtiny, tmp_path / "x.onnx")
    assert "must end with .onnx" in _export_error(xtiny, tmp_path / "x.pth", metadata=UNTRAINED)
    assert "contradicts" in _export_error(xtiny, tmp_path / "x.onnx",
                                          metadata={**UNTRAINED, "simpleclick.input_size": "672"})
    assert list(tmp_path.iterdir()) == []


@needs_node
def test_failed_parity_check_leaves_no_file(xtiny, tmp_path, monkeypatch):
    existing = tmp_path / "x.onnx"
    existing.write_bytes(b"previous model")
    monkeypatch.setattr(parity_module, "ABS_TOLERANCE", 0.0)
    monkeypatch.setattr(parity_module, "REL_TOLERANCE", 0.0)
    assert "does not reproduce PyTorch" in _export_error(xtiny, existing, metadata=UNTRAINED, verify_batch=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.onnx"]
    assert existing.read_bytes() == b"previous model"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # protobuf complains about the garbage bytes
def test_load_network_from_onnx_errors(tmp_path):
    with pytest.raises(ExportError, match="not found"):
        load_network_from_onnx(tmp_path / "none.onnx")
    (tmp_path / "bad.onnx").write_bytes(b"\x00garbage")
    with pytest.raises(ExportError, match="cannot read bad.onnx as ONNX"):
        load_network_from_onnx(tmp_path / "bad.onnx")


@slow
@needs_node
def test_base_export_parity(tmp_path):
    torch.set_num_threads(2)
    net = build_network("base", seed=0)
    result = export_onnx(net, tmp_path / "base.onnx", metadata=UNTRAINED)
    print(result.summary())
    assert result.max_abs_diff < 1e-4


def test_exported_input_size_reads_the_metadata_and_says_none_when_absent():
    assert exported_input_size({"simpleclick.input_size": "384"}) == 384
    assert exported_input_size({"simpleclick.input_size": "n/a"}) is None
    assert exported_input_size({}) is None
