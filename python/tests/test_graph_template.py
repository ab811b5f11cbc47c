"""Graph templates (simpleclick/graph_template.py): template + the checkpoint's tensors == the exporter's file, byte
for byte, on the checkpoint written by the official code; the reference a PyTorch-free converter must match."""

import numpy as np
import pytest

from official_fixture import CHECKPOINT
from simpleclick.checkpoint import load_official_checkpoint
from simpleclick.export import export_onnx
from simpleclick.graph_template import PER_FILE_METADATA, TemplateError, fill_template, make_template


@pytest.fixture(scope="module")
def loaded():
    return load_official_checkpoint(CHECKPOINT)


def _tensors(net):
    return {key: tensor.numpy() for key, tensor in net.used_state_dict().items()}


@pytest.mark.parametrize("fp16, size_px", [(False, 448), (True, 448), (False, 672)], ids=["fp32", "fp16", "672"])
def test_filled_template_equals_the_export(loaded, tmp_path, fp16, size_px):
    import onnx

    net, info = loaded
    result = export_onnx(net, tmp_path / "direct.onnx", size_px=size_px, fp16=fp16, verify=False,
                         metadata={"source": CHECKPOINT.name, **info["provenance"].export_metadata()})
    direct = onnx.load(str(result.path))
    template = make_template(direct)
    assert all(not i.raw_data for i in template.graph.initializer)
    assert not any(p.key in PER_FILE_METADATA for p in template.metadata_props)
    assert template.ByteSize() < 300_000  # the graph alone: what a converter ships per layout
    per_file = {k: v for k, v in result.metadata.items()
                if k in PER_FILE_METADATA and k != "simpleclick.weights_sha256"}
    filled = fill_template(template, _tensors(net), per_file, doc_string=direct.doc_string)
    assert filled.SerializeToString() == direct.SerializeToString()


def test_wrong_tensors_are_refused(loaded, tmp_path):
    import onnx

    net, info = loaded
    result = export_onnx(net, tmp_path / "d.onnx", verify=False, metadata={"source": "x", "trained": None,
                                                                           "training_data": "unknown"})
    template = make_template(onnx.load(str(result.path)))
    tensors = _tensors(net)
    missing = {k: v for k, v in tensors.items() if k != "head.conv_seg.weight"}
    with pytest.raises(TemplateError, match="no tensor head.conv_seg.weight"):
        fill_template(template, missing, {})
    with pytest.raises(TemplateError, match="has shape"):
        fill_template(template, {**tensors, "backbone.pos_embed": np.zeros((1, 5, 3), np.float32)}, {})
