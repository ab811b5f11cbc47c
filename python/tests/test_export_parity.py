"""The exporter's parity check on a model with logits of +-30 (as trained checkpoints have): a correct graph passes,
a deliberately wrong graph is refused (simpleclick/parity.py gives the criterion)."""

import numpy as np
import pytest
import torch

import simpleclick.export as export_module
from conftest import needs_node
from simpleclick.export import ExportError, export_onnx, run_onnx_in_node, verification_inputs
from simpleclick.network import build_network
from simpleclick.parity import compare_logits

UNTRAINED = {"trained": False, "training_data": "untrained", "source": "random-init (logits scaled to +-30)"}
TARGET_MAX_ABS_LOGIT = 30.0


def scale_classifier_to_logits(net, max_abs_logit: float, image: np.ndarray, clicks: np.ndarray) -> None:
    """Make ``net`` a large-logit model as trained checkpoints are: its classifier (head.conv_seg) is replaced by
    the principal direction of the head's features on (image, clicks), centred and scaled so that the logits reach
    +-``max_abs_logit``. Why the principal direction: a random classifier scaled up would amplify a tiny logit
    variation and, with it, float32 noise far more than a trained classifier does."""
    captured = {}
    hook = net.head.conv_seg.register_forward_hook(lambda _m, inputs, _o: captured.update(features=inputs[0]))
    with torch.no_grad():
        net(torch.from_numpy(image), torch.from_numpy(clicks))
    hook.remove()
    features = captured["features"].permute(1, 0, 2, 3).reshape(captured["features"].shape[1], -1).double()
    mean = features.mean(dim=1, keepdim=True)
    _, vectors = torch.linalg.eigh((features - mean) @ (features - mean).T)
    direction = vectors[:, -1]
    scale = max_abs_logit / float((direction @ (features - mean)).abs().max())
    with torch.no_grad():
        net.head.conv_seg.weight.copy_((direction * scale).float().reshape(net.head.conv_seg.weight.shape))
        net.head.conv_seg.bias.fill_(float(-(direction @ mean[:, 0]) * scale))
        # The final bilinear upsample lowers the extremes a little: scale again on the full-size logits.
        logits = net(torch.from_numpy(image), torch.from_numpy(clicks))
        net.head.conv_seg.weight.mul_(max_abs_logit / float(logits.abs().max()))
        net.head.conv_seg.bias.mul_(max_abs_logit / float(logits.abs().max()))


@pytest.fixture(scope="module")
def large_logit_net():
    """xTiny with random weights and logits of +-30 on the verification inputs."""
    net = build_network("xtiny", seed=3)
    image, clicks = verification_inputs(2, 448)
    scale_classifier_to_logits(net, TARGET_MAX_ABS_LOGIT, image, clicks)
    with torch.no_grad():
        check = net(torch.from_numpy(image), torch.from_numpy(clicks))
    assert 29.0 < float(check.abs().max()) <= 30.5 and float(check.min()) < -10 and float(check.max()) > 10
    return net


@needs_node
def test_large_logit_model_exports_with_default_settings(large_logit_net, tmp_path):
    result = export_onnx(large_logit_net, tmp_path / "large.onnx", metadata=UNTRAINED)
    print(result.summary())
    assert result.max_abs_logit > 29.0
    assert result.tolerance == pytest.approx(1e-4 + 5e-5 * result.max_abs_logit)
    assert result.max_abs_diff <= result.tolerance
    # Independent inputs, batch 1: the same criterion holds.
    image, clicks = verification_inputs(1, 448, seed=21)
    ort_logits, _ = run_onnx_in_node(result.path, image, clicks)
    with torch.no_grad():
        reference = large_logit_net(torch.from_numpy(image), torch.from_numpy(clicks)).numpy()
    report = compare_logits(reference, ort_logits)
    print(report.describe())
    assert report.ok


def _resize_half_pixel(model):
    """The final upsample with align_corners=False instead of the official True (a plausible exporter bug)."""
    resizes = [n for n in model.graph.node if n.op_type == "Resize"]
    for attribute in resizes[-1].attribute:
        if attribute.name == "coordinate_transformation_mode":
            attribute.s = b"half_pixel"
            return
    raise AssertionError("no coordinate_transformation_mode on the last Resize")


def _perturb_neck_norm(model):
    """One GroupNorm weight of the neck 0.5 % off (a wrong or stale tensor)."""
    from onnx import numpy_helper

    for index, init in enumerate(model.graph.initializer):
        if init.name == "neck.down_16.1.weight":
            values = numpy_helper.to_array(init) * np.float32(1.005)
            model.graph.initializer[index].CopyFrom(numpy_helper.from_array(values.astype(np.float32), init.name))
            return
    raise AssertionError("neck.down_16.1.weight is not an initializer")


@needs_node
@pytest.mark.parametrize("corrupt", [_resize_half_pixel, _perturb_neck_norm], ids=["half-pixel-resize", "norm-0.5%"])
def test_a_wrong_graph_is_refused(large_logit_net, tmp_path, monkeypatch, corrupt):
    declare = export_module._declare_io_shapes

    def declare_then_corrupt(model, size_px):  # runs on the traced graph before it is written and checked
        declare(model, size_px)
        corrupt(model)

    monkeypatch.setattr(export_module, "_declare_io_shapes", declare_then_corrupt)
    with pytest.raises(ExportError) as caught:
        export_onnx(large_logit_net, tmp_path / "wrong.onnx", metadata=UNTRAINED, verify_batch=1)
    message = str(caught.value)
    print(message)
    assert "does not reproduce PyTorch" in message and "outside the rounding band" in message
    flips_outside = int(message.split(" px, ")[1].split(" outside")[0])
    assert flips_outside > 0  # confident mask pixels changed, not just rounding
    assert list(tmp_path.iterdir()) == []
