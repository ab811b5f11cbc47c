"""Graph templates: an exported ONNX model with its weights taken out, to be filled from a checkpoint without PyTorch.

Why: issue 13 item 3 asks for ``simpleclick convert`` in the npm CLI, turning an official ``.pth`` into the same ONNX
file as :func:`simpleclick.export.export_onnx` with Node only. The graph of a layout (xTiny/B/L/H at 448 or 672, fp32
or fp16) does not depend on the weights, so the Python exporter can produce it once per layout; a converter then only
reads the state dict's tensors and writes them into the template's initializers (same names, same order, float32 or
float16 little-endian ``raw_data``), sets the per-file metadata and the weights digest. This module is that contract
in Python, so the TypeScript converter has a reference to match: ``fill_template(make_template(export), state)``
equals the export itself (tests/test_graph_template.py).

A template keeps every initializer's name, data type and shape and drops its data; it drops the metadata that belongs
to one file (:data:`PER_FILE_METADATA`) and keeps the layout's (variant, sizes, config, dtype, format version).

The templates the npm CLI ships (``packages/cli/templates``) are written by ``tools/make_graph_templates.py``; the
converter that fills them is ``packages/cli/src/convert`` (``simpleclick convert``). Regenerate them whenever the
exporter's graph, metadata or version changes: the CLI's tests compare its output with fresh exports.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

import numpy as np

from .weights_digest import METADATA_KEY as WEIGHTS_SHA256_KEY
from .weights_digest import weights_sha256

#: Metadata that describes one file rather than the layout: the converter writes these.
PER_FILE_METADATA = ("simpleclick.source", "simpleclick.trained", "simpleclick.trained_basis",
                     "simpleclick.training_data", "simpleclick.training_data_basis", "simpleclick.seed",
                     "simpleclick.version", WEIGHTS_SHA256_KEY)


class TemplateError(Exception):
    """A template cannot be filled from the given tensors; one line naming the tensor."""


def make_template(model) -> Any:
    """A copy of ``model`` (an exported ``onnx.ModelProto``) without weight data and per-file metadata."""
    import onnx

    template = onnx.ModelProto()
    template.CopyFrom(model)
    for initializer in template.graph.initializer:
        for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "external_data"):
            initializer.ClearField(field)
        initializer.ClearField("data_location")
    kept = [(p.key, p.value) for p in template.metadata_props if p.key not in PER_FILE_METADATA]
    del template.metadata_props[:]
    for key, value in kept:
        entry = template.metadata_props.add()
        entry.key, entry.value = key, value
    template.doc_string = ""
    return template


def fill_template(template, tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str],
                  doc_string: str = "") -> Any:
    """The model: ``template`` with each initializer's data taken from ``tensors`` (float32 arrays named by the
    state-dict keys; cast to the template's dtype), the per-file ``metadata`` (full ``simpleclick.*`` keys) added in
    sorted order with the rest, and ``simpleclick.weights_sha256`` computed on the filled weights.

    Raises:
        TemplateError: a tensor is missing, has another shape, or does not fit the template's dtype.
    """
    import onnx

    dtypes: Dict[int, Any] = {onnx.TensorProto.FLOAT: np.dtype("<f4"), onnx.TensorProto.FLOAT16: np.dtype("<f2")}
    model = onnx.ModelProto()
    model.CopyFrom(template)
    for initializer in model.graph.initializer:
        if initializer.name not in tensors:
            raise TemplateError(f"the checkpoint has no tensor {initializer.name}")
        values = np.asarray(tensors[initializer.name], dtype=np.float32)
        if tuple(values.shape) != tuple(initializer.dims):
            raise TemplateError(f"tensor {initializer.name} has shape {tuple(values.shape)}, "
                                f"the template expects {tuple(initializer.dims)}")
        if initializer.data_type not in dtypes:
            raise TemplateError(f"template initializer {initializer.name} has an unsupported data type")
        stored = values.astype(dtypes[initializer.data_type])
        if not np.all(np.isfinite(stored)):
            raise TemplateError(f"tensor {initializer.name} does not fit in {stored.dtype.name}")
        initializer.raw_data = stored.tobytes()
    props = {p.key: p.value for p in model.metadata_props}
    props.update(metadata)
    props[WEIGHTS_SHA256_KEY] = weights_sha256(model)
    del model.metadata_props[:]
    for key in sorted(props):  # the exporter writes them sorted too
        entry = model.metadata_props.add()
        entry.key, entry.value = key, props[key]
    model.doc_string = doc_string
    return model
