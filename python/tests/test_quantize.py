"""int8 weight quantization (simpleclick.quantize): weight rounding, graph rewrite, metadata, CLI, and the result
in onnxruntime-node against the source model."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import DEFAULT_MODEL, DEFAULT_MODEL_SIZE_PX, needs_node
from simpleclick.__main__ import main
from simpleclick.quantize import (MODES, QUANTIZATION_KEY, QUANTIZED_FROM_KEY, QuantizeError, default_out_path,
                                  dequantize_weight, quantize_file, quantize_model, quantize_weight)
from simpleclick.weights_digest import METADATA_KEY as SHA_KEY
from simpleclick.weights_digest import weights_sha256

needs_default_model = pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason=f"{DEFAULT_MODEL} is missing")


def tiny_linear_model(fp16: bool = False, seed: int = 0) -> onnx.ModelProto:
    """x [B,5,8] -> Linear(8, 6) as the exporter writes it (Transpose(W) -> MatMul -> Add(bias)) -> Relu ->
    Linear(6, 3), with the SimpleClick metadata an export has; fp16: weights stored float16 and Cast to float32."""
    rng = np.random.default_rng(seed)
    nodes, inits = [], []
    x = "x"
    for i, (n_in, n_out) in enumerate([(8, 6), (6, 3)]):
        weight = rng.normal(size=(n_out, n_in)).astype(np.float32)
        weight[0] *= 10  # channels of different ranges: per-channel scales matter
        bias = rng.normal(size=n_out).astype(np.float32)
        w_name, b_name = f"fc{i}.weight", f"fc{i}.bias"
        if fp16:
            inits += [numpy_helper.from_array(weight.astype(np.float16), w_name),
                      numpy_helper.from_array(bias.astype(np.float16), b_name)]
            nodes += [helper.make_node("Cast", [w_name], [w_name + "::float32"], to=TensorProto.FLOAT),
                      helper.make_node("Cast", [b_name], [b_name + "::float32"], to=TensorProto.FLOAT)]
            w_name, b_name = w_name + "::float32", b_name + "::float32"
        else:
            inits += [numpy_helper.from_array(weight, w_name), numpy_helper.from_array(bias, b_name)]
        nodes += [helper.make_node("Transpose", [w_name], [f"t{i}"], perm=[1, 0], name=f"/fc{i}/Transpose"),
                  helper.make_node("MatMul", [x, f"t{i}"], [f"mm{i}"], name=f"/fc{i}/MatMul"),
                  helper.make_node("Add", [b_name, f"mm{i}"], [f"add{i}"], name=f"/fc{i}/Add")]
        x = f"add{i}"
        if i == 0:
            nodes.append(helper.make_node("Relu", [x], ["relu0"]))
            x = "relu0"
    nodes.append(helper.make_node("Identity", [x], ["y"]))
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 5, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B", 5, 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    props = {"simpleclick.format_version": "1", "simpleclick.variant": "tiny", "simpleclick.input_size": "32",
             "simpleclick.weights_dtype": "float16" if fp16 else "float32", "simpleclick.training_data": "none"}
    for key, value in props.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    entry = model.metadata_props.add()
    entry.key, entry.value = SHA_KEY, weights_sha256(model)
    return model


def props(model):
    return {p.key: p.value for p in model.metadata_props}


def test_quantize_weight_per_channel_and_per_tensor():
    rng = np.random.default_rng(1)
    weight = rng.normal(size=(16, 4)).astype(np.float32) * np.array([1, 10, 0.01, 0], np.float32)
    q, scale = quantize_weight(weight, per_channel=True)
    assert q.dtype == np.int8 and scale.shape == (4,) and scale.dtype == np.float32
    assert q.min() >= -127 and q.max() <= 127
    assert np.all(np.abs(q[:, :3]).max(axis=0) == 127)  # each channel uses the full range
    assert np.all(q[:, 3] == 0) and scale[3] == 1.0  # a zero channel stays zero
    error = np.abs(dequantize_weight(q, scale) - weight)
    assert np.all(error <= scale / 2 + 1e-7)
    q_t, scale_t = quantize_weight(weight, per_channel=False)
    assert scale_t.shape == () and np.abs(q_t).max() == 127
    # the small channel loses its precision with one scale per tensor, not per channel
    assert np.abs(dequantize_weight(q_t, scale_t)[:, 2] - weight[:, 2]).max() > error[:, 2].max()
    with pytest.raises(QuantizeError):
        quantize_weight(np.zeros((2, 2, 2)), True)


@pytest.mark.parametrize("fp16", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_graph_rewrite_and_metadata(mode, fp16):
    model = tiny_linear_model(fp16=fp16)
    source_props = props(model)
    report = quantize_model(model, mode=mode)
    assert report.quantized == ["/fc0/MatMul", "/fc1/MatMul"] and report.kept_float == []
    ops = [n.op_type for n in model.graph.node]
    assert "Transpose" not in ops
    read = {name for node in model.graph.node for name in node.input}
    assert not {"fc0.weight", "fc1.weight", "fc0.weight::float32", "fc1.weight::float32"} & read
    if mode == "dynamic":
        assert ops.count("DynamicQuantizeLinear") == 2 and ops.count("MatMulInteger") == 2 and "MatMul" not in ops
    elif mode == "dynamic-ms":
        assert ops.count("DynamicQuantizeMatMul") == 2 and "Add" not in ops  # the bias moved into the op
        assert any(o.domain == "com.microsoft" for o in model.opset_import)
    else:
        assert ops.count("DequantizeLinear") == 2 and ops.count("MatMul") == 2
    int8 = [i for i in model.graph.initializer if i.data_type == TensorProto.INT8 and i.name.endswith("::int8")]
    assert [tuple(i.dims) for i in int8] == [(8, 6), (6, 3)]  # stored [in, out]
    # every source weight the MatMuls read through the Transpose is gone; nothing unused is left
    names = {i.name for i in model.graph.initializer}
    assert "fc0.weight" not in names and "fc1.weight" not in names
    used = {name for node in model.graph.node for name in node.input}
    assert names <= used
    # metadata: the source's, less weights_dtype, with a new digest and the provenance of the quantization
    after = props(model)
    assert "simpleclick.weights_dtype" not in after
    for key, value in source_props.items():
        if key not in ("simpleclick.weights_dtype", SHA_KEY):
            assert after[key] == value
    assert after[SHA_KEY] == weights_sha256(model) != source_props[SHA_KEY]
    assert after[QUANTIZED_FROM_KEY] == source_props[SHA_KEY]
    assert mode in after[QUANTIZATION_KEY] and "per output channel" in after[QUANTIZATION_KEY]


def test_dequantized_weights_reproduce_the_linear_layer():
    """qdq: DequantizeLinear(W_q, scale, axis=1) is the [in, out] weight within half a step per channel."""
    model = tiny_linear_model()
    weight = numpy_helper.to_array(next(i for i in model.graph.initializer if i.name == "fc0.weight"))
    quantize_model(model, mode="qdq")
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    q, scale = inits["fc0.weight::int8"], inits["fc0.weight::scale"]
    assert np.all(np.abs(dequantize_weight(q, scale) - weight.T) <= scale / 2 + 1e-6)
    dq = next(n for n in model.graph.node if n.op_type == "DequantizeLinear")
    assert [a.i for a in dq.attribute if a.name == "axis"] == [1]


def test_exclude_and_errors(tmp_path):
    model = tiny_linear_model()
    report = quantize_model(model, exclude=[r"fc1\."])
    assert report.quantized == ["/fc0/MatMul"] and report.kept_float == ["/fc1/MatMul"]
    assert "fc1.weight" in {i.name for i in model.graph.initializer}
    with pytest.raises(QuantizeError, match="already quantized"):
        quantize_model(model)
    with pytest.raises(QuantizeError, match="nothing to quantize"):
        quantize_model(tiny_linear_model(), exclude=["fc"])
    with pytest.raises(QuantizeError, match="unknown mode"):
        quantize_model(tiny_linear_model(), mode="int4")
    path = tmp_path / "tiny.onnx"
    onnx.save(tiny_linear_model(), str(path))
    with pytest.raises(QuantizeError, match="must differ"):
        quantize_file(path, path, verify=False)
    with pytest.raises(QuantizeError, match="not found"):
        quantize_file(tmp_path / "missing.onnx", tmp_path / "out.onnx", verify=False)


def test_default_out_path():
    assert default_out_path("m/a.onnx", "dynamic", True).name == "a-int8.onnx"
    assert default_out_path("m/a.onnx", "qdq", False).name == "a-int8-qdq-pt.onnx"
    assert default_out_path("m/a.onnx", "dynamic-ms", True).name == "a-int8-ms.onnx"


def test_cli_without_verification(tmp_path, capsys):
    path = tmp_path / "tiny.onnx"
    onnx.save(tiny_linear_model(), str(path))
    assert main(["quantize", "--model", str(path), "--no-verify", "--per-tensor"]) == 0
    out = tmp_path / "tiny-int8-pt.onnx"
    assert out.is_file() and "quantized 2 MatMul weights" in capsys.readouterr().out
    assert "per tensor" in props(onnx.load(str(out)))[QUANTIZATION_KEY]
    assert main(["quantize", "--model", str(out), "--no-verify"]) == 1  # already quantized: one error line
    assert capsys.readouterr().err.startswith("error: ")


@needs_default_model
def test_default_model_rewrite():
    model = onnx.load(str(DEFAULT_MODEL))
    report = quantize_model(model)
    # the 4 linear layers of each of the 8 ViT blocks; Conv/ConvTranspose (patch embeddings, neck, head) untouched
    assert len(report.quantized) == 32
    assert all("/backbone/blocks." in name for name in report.quantized)
    assert sum(n.op_type in ("Conv", "ConvTranspose") for n in model.graph.node) == 16
    assert report.max_weight_error < 1 / 254 + 1e-6


@needs_node
@needs_default_model
@pytest.mark.parametrize("mode", ["dynamic", "qdq"])
def test_default_model_in_onnxruntime_node(tmp_path, mode):
    out = tmp_path / f"int8-{mode}.onnx"
    report = quantize_file(DEFAULT_MODEL, out, mode=mode)
    assert report.size_bytes < 0.5 * report.source_size_bytes
    verify = report.verify
    # measured 0.021 of max |logit| 2.1 and IoU 0.99 on the exporter's random inputs (mode dynamic, per channel)
    assert verify["max_abs_logit_diff"] < 0.05 * verify["max_abs_logit"]
    assert verify["mask_iou"] > 0.97
    assert props(onnx.load(str(out), load_external_data=False))["simpleclick.input_size"] == str(DEFAULT_MODEL_SIZE_PX)


def test_cli_help_lists_the_modes(capsys):
    with pytest.raises(SystemExit) as done:
        main(["quantize", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert all(mode in out for mode in MODES) and "--exclude" in out
