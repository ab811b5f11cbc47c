"""``python3 -m simpleclick.training.export_at_size``: a shipped model re-exported at another S, weights unchanged."""

import json

import onnx
import torch
from onnx import numpy_helper

from simpleclick.export import export_onnx
from simpleclick.network import build_network
from simpleclick.training.export_at_size import main
from test_training_step import tiny_config


def test_re_export_keeps_every_weight_and_records_the_new_size(tmp_path, capsys):
    net = build_network(tiny_config(size_px=64).network_config(), seed=3).eval()
    source = tmp_path / "shipped-64.onnx"
    export_onnx(net, source, size_px=64, metadata={"trained": "true", "training_data": "test data", "source": "t",
                                                   "licence": "test only"}, verify=False)
    out = tmp_path / "at-96.onnx"
    assert main([str(source), "--size", "96", "--out", str(out), "--no-verify"]) == 0
    model = onnx.load(str(out))
    metadata = {entry.key: entry.value for entry in model.metadata_props}
    assert metadata["simpleclick.input_size"] == "96"
    assert metadata["simpleclick.training_data"] == "test data"
    assert metadata["simpleclick.licence"] == "test only"
    assert "re-exported at S=96" in metadata["simpleclick.source"]
    # The network keeps its training grid (4 x 4 tokens at 64 px): the stored position embedding is the original.
    assert json.loads(metadata["simpleclick.config"])["img_size"] == 64
    initializers = {tensor.name: numpy_helper.to_array(tensor) for tensor in model.graph.initializer}
    for key, value in net.state_dict().items():
        if key in initializers:
            assert torch.equal(torch.from_numpy(initializers[key].copy()), value), key
    # The graph takes 96 x 96 inputs (the forward resizes the 4 x 4 position grid to 6 x 6 inside it).
    image_input = next(value for value in model.graph.input if value.name == "image")
    assert [dim.dim_value for dim in image_input.type.tensor_type.shape.dim][1:] == [3, 96, 96]
    assert "at-96.onnx" in capsys.readouterr().out


def test_fp16_re_export_stores_half_precision_weights(tmp_path):
    net = build_network(tiny_config(size_px=64).network_config(), seed=3).eval()
    source = tmp_path / "shipped-64.onnx"
    export_onnx(net, source, size_px=64, metadata={"trained": "true", "training_data": "test data", "source": "t",
                                                   "licence": "test only"}, verify=False)
    out = tmp_path / "at-96-fp16.onnx"
    assert main([str(source), "--size", "96", "--fp16", "--out", str(out), "--no-verify"]) == 0
    model = onnx.load(str(out))
    assert {entry.key: entry.value for entry in model.metadata_props}["simpleclick.weights_dtype"] == "float16"
    initializers = {tensor.name: numpy_helper.to_array(tensor) for tensor in model.graph.initializer}
    for key, value in net.state_dict().items():
        if key in initializers and value.is_floating_point() and value.dim() > 1:
            assert initializers[key].dtype == "float16", key
            assert torch.allclose(torch.from_numpy(initializers[key].astype("float32")), value, rtol=1e-3, atol=1e-4), key
