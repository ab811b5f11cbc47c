"""The sha256 of an ONNX model's weights, recorded as ``simpleclick.weights_sha256`` (issue 10 item 9).

Definition (shared with the TypeScript loader, which verifies it): sha256 over the concatenation, in graph order
(``graph.initializer``), of each initializer's tensor bytes as ``numpy_helper.to_array(t)`` gives them, converted to
little-endian; lowercase hex. It depends only on the tensors (not on metadata, names or how the file stores them:
raw_data, typed fields or external data), so the exporter computes it on the final model (after the fp16
conversion) and then writes it into the metadata of that same model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Union

METADATA_KEY = "simpleclick.weights_sha256"


class WeightsDigestError(Exception):
    """The recorded weights digest does not match the weights; one line naming the file."""


def weights_sha256(model) -> str:
    """Digest of an in-memory ``onnx.ModelProto`` whose tensors are loaded (external data read in)."""
    from onnx import numpy_helper

    digest = hashlib.sha256()
    for initializer in model.graph.initializer:
        values = numpy_helper.to_array(initializer)
        # Why: the definition fixes little-endian bytes so the TypeScript side can hash the file's raw data as is.
        little = values.astype(values.dtype.newbyteorder("<"), copy=False)
        digest.update(little.tobytes())
    return digest.hexdigest()


def file_weights_sha256(path: Union[str, Path]) -> str:
    """Digest of the weights of an ONNX file (external data beside it is read)."""
    import onnx

    return weights_sha256(onnx.load(str(path)))


def verify_weights_sha256(model, name: str) -> bool:
    """True when ``model`` records a digest and it matches; False when it records none.

    Raises:
        WeightsDigestError: a digest is recorded and the weights do not match it (corrupted or edited file).
    """
    recorded = {prop.key: prop.value for prop in model.metadata_props}.get(METADATA_KEY)
    if recorded is None:
        return False
    actual = weights_sha256(model)
    if actual != recorded.lower():
        raise WeightsDigestError(f"{name}: weights do not match {METADATA_KEY} (recorded {recorded[:12]}..., "
                                 f"actual {actual[:12]}...): the file is corrupted or was edited")
    return True
