"""SimpleClick PyTorch toolchain: reference network, official-checkpoint loader, ONNX exporter.

Importing the package is cheap (torch only); the exporter (onnx) and the checkpoint loader load on first use::

    from simpleclick import build_network, export_onnx, load_official_checkpoint
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

from .variants import VARIANTS, NetworkConfig, get_variant  # noqa: E402
from .network import SimpleClickNet, build_network  # noqa: E402

_LAZY = {
    "load_official_checkpoint": "checkpoint",
    "save_official_checkpoint": "checkpoint",
    "CheckpointError": "checkpoint",
    "export_onnx": "export",
    "load_network_from_onnx": "export",
    "read_onnx_metadata": "export",
    "ExportError": "export",
    "ExportResult": "export",
}

__all__ = ["__version__", "VARIANTS", "NetworkConfig", "get_variant", "SimpleClickNet", "build_network",
           *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
