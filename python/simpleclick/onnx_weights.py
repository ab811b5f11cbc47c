"""Reads the weights of an exported SimpleClick ONNX model back into the PyTorch network's state dict.

The exporter keeps every parameter as an initializer under its state-dict name and records the network layout in
the ``simpleclick.config`` metadata entry, so a shipped model in ``models/`` is always a valid starting point for
fine-tuning: nothing depends on a training run folder surviving. Parameters that do not influence the output
(:func:`..network.is_unused_key`) are not in the graph; they are returned absent and keep the freshly built values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, Tuple, Union

import torch

from .checkpoint import CheckpointError
from .network import SimpleClickNet, is_unused_key
from .variants import NetworkConfig

CONFIG_KEY = "simpleclick.config"


def read_onnx_weights(path: Union[str, Path]) -> Tuple[NetworkConfig, Dict[str, torch.Tensor], Dict[str, str]]:
    """(network config, state dict of the used parameters as float32, metadata) of an exported model.

    Raises :class:`CheckpointError` with one line when the file is not a SimpleClick ONNX model of this toolchain
    or lacks a parameter the network uses."""
    import onnx
    from onnx import numpy_helper

    path = Path(path)
    try:
        model = onnx.load(str(path), load_external_data=True)
    except Exception as error:  # noqa: BLE001 - protobuf raises several types for a damaged file
        raise CheckpointError(f"{path.name}: not a readable ONNX model ({error.__class__.__name__})") from None
    metadata = {entry.key: entry.value for entry in model.metadata_props}
    if CONFIG_KEY not in metadata:
        raise CheckpointError(f"{path.name}: no '{CONFIG_KEY}' metadata: not a model exported by this toolchain")
    config = NetworkConfig.from_dict(json.loads(metadata[CONFIG_KEY]))
    initializers = {tensor.name: tensor for tensor in model.graph.initializer}
    expected = {key: value.shape for key, value in SimpleClickNet(config).state_dict().items()
                if not is_unused_key(key)}
    state: Dict[str, torch.Tensor] = {}
    for key, shape in expected.items():
        if key not in initializers:
            raise CheckpointError(f"{path.name}: parameter {key} is not an initializer of the graph")
        value = torch.from_numpy(numpy_helper.to_array(initializers[key]).copy()).to(torch.float32)
        if tuple(value.shape) != tuple(shape):
            raise CheckpointError(f"{path.name}: {key} has shape {tuple(value.shape)}, the layout needs {tuple(shape)}")
        state[key] = value
    return config, state, metadata
