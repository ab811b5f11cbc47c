"""The toy disk-memory network used for the zoom-in parity fixtures."""

import onnx
import torch

from simpleclick.toy_net import ToyDiskMemoryNet, export_toy_net

torch.set_num_threads(1)


def test_formula():
    click_maps = torch.zeros(1, 3, 16, 16)
    click_maps[0, 0, 8, 8] = 1.0  # previous mask: one pixel, dilated by the 9 x 9 max filter
    click_maps[0, 1, 2, 2] = 1.0  # positive disk pixel
    click_maps[0, 2, 8, 12] = 1.0  # negative disk pixel inside the dilated region
    logits = ToyDiskMemoryNet()(torch.rand(1, 3, 16, 16), click_maps)
    assert logits.shape == (1, 1, 16, 16)
    assert logits[0, 0, 2, 2] == 20.0 - 10.0  # positive disk outside the dilated mask
    assert logits[0, 0, 4, 4] == 10.0 and logits[0, 0, 12, 12] == 10.0  # inside the 9 x 9 dilation of (8, 8)
    assert logits[0, 0, 3, 8] == -10.0  # 5 rows away: outside the dilation
    assert logits[0, 0, 8, 12] == -60.0 + 10.0


def test_onnx_export_contract(tmp_path):
    path = export_toy_net(tmp_path / "toy.onnx", 64)
    model = onnx.load(str(path))
    assert [i.name for i in model.graph.input] == ["image", "click_maps"]
    assert [o.name for o in model.graph.output] == ["logits"]
    metadata = {p.key: p.value for p in model.metadata_props}
    assert metadata["simpleclick.input_size"] == "64" and metadata["simpleclick.trained"] == "false"
    assert metadata["simpleclick.variant"] == "toy-disk-memory"
    dims = model.graph.input[1].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and [d.dim_value for d in dims[1:]] == [3, 64, 64]
