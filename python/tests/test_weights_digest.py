"""simpleclick.weights_sha256 (issue 10 item 9): recorded by the exporter on the final weights, checked on read-back."""

import hashlib

import numpy as np
import pytest

from simpleclick.export import ExportError, export_onnx, load_network_from_onnx, read_onnx_metadata
from simpleclick.network import build_network
from simpleclick.weights_digest import METADATA_KEY, file_weights_sha256

UNTRAINED = {"trained": False, "training_data": "untrained", "source": "random-init"}


def digest_by_the_definition(path) -> str:
    """The definition written out (the TypeScript side implements the same): sha256 over each initializer's
    little-endian tensor bytes, in graph order, lowercase hex."""
    import onnx
    from onnx import numpy_helper

    digest = hashlib.sha256()
    for initializer in onnx.load(str(path)).graph.initializer:
        values = numpy_helper.to_array(initializer)
        digest.update(values.astype(values.dtype.newbyteorder("<")).tobytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def xtiny():
    return build_network("xtiny", seed=0)


@pytest.mark.parametrize("fp16", [False, True], ids=["fp32", "fp16"])
def test_digest_is_recorded_on_the_saved_weights(xtiny, tmp_path, fp16):
    result = export_onnx(xtiny, tmp_path / "m.onnx", metadata=UNTRAINED, fp16=fp16, verify=False)
    recorded = read_onnx_metadata(result.path)[METADATA_KEY]
    assert len(recorded) == 64 and recorded == recorded.lower()
    assert recorded == digest_by_the_definition(result.path) == file_weights_sha256(result.path)
    assert result.metadata[METADATA_KEY] == recorded


def test_digest_covers_external_data(xtiny, tmp_path):
    result = export_onnx(xtiny, tmp_path / "ext.onnx", metadata=UNTRAINED, external_data=True, verify=False)
    assert read_onnx_metadata(result.path)[METADATA_KEY] == digest_by_the_definition(result.path)


def test_fp16_and_fp32_digests_differ(xtiny, tmp_path):
    a = export_onnx(xtiny, tmp_path / "a.onnx", metadata=UNTRAINED, verify=False)
    b = export_onnx(xtiny, tmp_path / "b.onnx", metadata=UNTRAINED, fp16=True, verify=False)
    assert a.metadata[METADATA_KEY] != b.metadata[METADATA_KEY]


def test_corrupted_weights_are_refused_on_read_back(xtiny, tmp_path):
    import onnx
    from onnx import numpy_helper

    result = export_onnx(xtiny, tmp_path / "m.onnx", metadata=UNTRAINED, verify=False)
    model = onnx.load(str(result.path))
    for index, init in enumerate(model.graph.initializer):
        if init.name == "head.conv_seg.weight":
            values = numpy_helper.to_array(init).copy()
            values.view(np.uint32).flat[0] ^= 0x00FF0000  # 1 weight, a few bits flipped
            model.graph.initializer[index].CopyFrom(numpy_helper.from_array(values, init.name))
    onnx.save(model, str(tmp_path / "bad.onnx"))
    with pytest.raises(ExportError, match="weights do not match simpleclick.weights_sha256"):
        load_network_from_onnx(tmp_path / "bad.onnx")
    load_network_from_onnx(result.path)  # the intact file loads
