"""Builds files in the structure of the official SimpleClick checkpoints, for loader tests.

Official files pickle objects of the official ``isegm`` package in their config (the head's loss object, whose
attributes reference a loss function). We reproduce that without the package: a throwaway fake ``isegm`` module
tree exists only while the file is written, so the loader under test meets classes it cannot import.
"""

import json
import sys
import types
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import torch
from torch import nn

from conftest import REFERENCE_SHAPES

LOSS_MODULE = "isegm.model.modeling.transformer_helper.cross_entropy_loss"
FAKE_PACKAGES = ["isegm", "isegm.model", "isegm.model.modeling", "isegm.model.modeling.transformer_helper",
                 LOSS_MODULE]


@contextmanager
def fake_isegm():
    """Install a fake ``isegm`` package (with a CrossEntropyLoss module class) and remove it afterwards."""
    previous = {name: sys.modules.get(name) for name in FAKE_PACKAGES}
    modules = {name: types.ModuleType(name) for name in FAKE_PACKAGES}
    leaf = modules[LOSS_MODULE]

    def cross_entropy(pred, label):  # referenced by the loss object, pickled by name
        return pred

    cross_entropy.__module__ = LOSS_MODULE
    cross_entropy.__qualname__ = "cross_entropy"

    class CrossEntropyLoss(nn.Module):
        def __init__(self, use_sigmoid=False, loss_weight=1.0):
            super().__init__()
            self.use_sigmoid = use_sigmoid
            self.loss_weight = loss_weight
            self.cls_criterion = cross_entropy
            self.class_weight = None

    CrossEntropyLoss.__module__ = LOSS_MODULE
    CrossEntropyLoss.__qualname__ = "CrossEntropyLoss"
    leaf.CrossEntropyLoss = CrossEntropyLoss
    leaf.cross_entropy = cross_entropy
    sys.modules.update(modules)
    try:
        yield leaf
    finally:
        for name, module in previous.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _entry(value: Any, specified: bool = True) -> Dict[str, Any]:
    return {"type": "builtin", "value": value, "specified": specified}


def official_config(cfg, loss: Any, model_class: str = "isegm.model.is_plainvit_model.PlainVitModel",
                    **changes: Any) -> Dict[str, Any]:
    """A config as ``isegm.utils.serialization.serialize`` records it for the plainvit_*448 models (specified
    arguments plus defaults of PlainVitModel and ISModel)."""
    head = {"in_channels": list(cfg.neck_dims), "in_index": [0, 1, 2, 3], "dropout_ratio": 0.1, "num_classes": 1,
            "loss_decode": loss, "align_corners": False, "upsample": "x1", "channels": cfg.head_channels}
    head.update(changes.pop("head", {}))
    backbone = {"img_size": (cfg.img_size, cfg.img_size), "patch_size": (cfg.patch_size, cfg.patch_size),
                "in_chans": 3, "embed_dim": cfg.embed_dim, "depth": cfg.depth, "num_heads": cfg.num_heads,
                "mlp_ratio": 4, "qkv_bias": True}
    backbone.update(changes.pop("backbone", {}))
    params = {
        "backbone_params": _entry(backbone),
        "neck_params": _entry({"in_dim": cfg.embed_dim, "out_dims": list(cfg.neck_dims)}),
        "head_params": _entry(head),
        "random_split": _entry(False),
        "use_disks": _entry(True),
        "norm_radius": _entry(5),
        "with_prev_mask": _entry(True),
        "with_aux_output": _entry(False, False),
        "cpu_dist_maps": _entry(False, False),
        "use_rgb_conv": _entry(False, False),
        "use_leaky_relu": _entry(False, False),
        "norm_mean_std": _entry(([.485, .456, .406], [.229, .224, .225]), False),
    }
    for key, value in changes.items():
        params[key] = _entry(value)
    return {"class": model_class, "params": params}


def write_official_checkpoint(path: Path, state_dict: Mapping[str, torch.Tensor], cfg, *,
                              model_class: Optional[str] = None, **changes: Any) -> Path:
    """torch.save({'state_dict', 'config'}) with a pickled foreign loss object, then make isegm unimportable."""
    with fake_isegm() as leaf:
        loss = leaf.CrossEntropyLoss()
        if model_class:
            changes["model_class"] = model_class
        payload = {"state_dict": dict(state_dict), "config": official_config(cfg, loss, **changes)}
        torch.save(payload, str(path))
    return path


def reference_shapes(name: str) -> Dict[str, list]:
    return json.loads(REFERENCE_SHAPES.read_text())[name]


def zero_state_dict(name: str) -> Dict[str, torch.Tensor]:
    """Official-shaped state dict of zeros that costs no memory (every tensor views one element)."""
    return {key: torch.zeros(1).expand(*shape) for key, shape in reference_shapes(name).items()}
