"""Imports the OFFICIAL SimpleClick v1.0 model code from a git checkout or mirror, at run time, for fixture scripts.

Nothing of the official code is copied into this repository: ``git archive <ref> isegm`` is extracted into a
temporary folder and imported from there.

The official model-building path (``isegm.model.is_plainvit_model`` -> ``modeling.swin_transformer`` ->
``transformer_helper`` / ``swin_transformer_helper``, and ``isegm.utils.misc.save_checkpoint``) imports packages that
are not installed here (timm, mmcv, torchvision, tensorboard). They are replaced by stubs, and only these:

- ``mmcv.cnn.ConvModule``: the only stub the forward runs, in the head (``convs.*``, ``fusion_conv``). Written to
  mmcv's definition for the configuration SimpleClick uses (``conv_cfg=None, norm_cfg=None, act_cfg=ReLU`` or
  None, order conv -> norm -> act): a ``conv`` Conv2d with bias (mmcv's ``bias='auto'`` means a bias when there is
  no norm) followed by ReLU. Any other configuration raises.
- ``mmcv.runner.BaseModule`` (an nn.Module keeping ``init_cfg``), the ``auto_fp16``/``force_fp32`` decorators
  (identity: fp32 only), ``mmcv.utils.Registry`` (its ``register_module`` decorator returns the class), and
  ``timm.models.layers.to_2tuple``/``trunc_normal_`` (used only by the Swin backbone, not by PlainVitModel).
- ``isegm.utils.log`` (tensorboard's SummaryWriter): a module with a standard-library ``logger``.
- every other name those modules import: a placeholder that raises when used (so an unexpected use is loud).
"""

from __future__ import annotations

import importlib
import io
import logging
import subprocess
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Dict, List

import torch
from torch import nn

OFFICIAL_REF = "v1.0"


class OfficialCodeError(Exception):
    """The official code cannot be extracted or imported; one line."""


class _Unavailable:
    """Placeholder for a stubbed name that the model-building path imports but must never use."""

    def __init__(self, qualified_name: str) -> None:
        self.qualified_name = qualified_name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{self.qualified_name} is a stub (not installed here): the official code used it")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Unavailable(f"{self.qualified_name}.{name}")


def _stub_module(name: str, **attributes: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    module.__path__ = []  # importable as a package: submodules are registered in sys.modules
    module.__getattr__ = _unavailable_attribute(name)  # PEP 562: any other name is a loud placeholder
    return module


def _unavailable_attribute(module_name: str):
    def lookup(attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _Unavailable(f"{module_name}.{attribute}")

    return lookup


class ConvModule(nn.Module):
    """mmcv.cnn.ConvModule for norm_cfg=None, conv_cfg=None, act_cfg ReLU/None (what SimpleClick's head uses)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: Any = "auto", conv_cfg: Any = None, norm_cfg: Any = None,
                 act_cfg: Any = {"type": "ReLU"}, inplace: bool = True, with_spectral_norm: bool = False,
                 padding_mode: str = "zeros", order: Any = ("conv", "norm", "act")) -> None:
        super().__init__()
        if conv_cfg is not None or norm_cfg is not None or with_spectral_norm or padding_mode != "zeros":
            raise NotImplementedError("ConvModule stub: only conv_cfg=None, norm_cfg=None is written")
        if tuple(order) != ("conv", "norm", "act"):
            raise NotImplementedError(f"ConvModule stub: order {order}")
        if act_cfg is not None and dict(act_cfg).get("type") != "ReLU":
            raise NotImplementedError(f"ConvModule stub: act_cfg {act_cfg}")
        with_bias = True if bias == "auto" else bool(bias)  # mmcv: 'auto' -> bias unless a norm follows
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                              dilation=dilation, groups=groups, bias=with_bias)
        self.with_activation = act_cfg is not None
        if self.with_activation:
            self.activate = nn.ReLU(inplace=inplace)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        return self.activate(x) if self.with_activation else x


class BaseModule(nn.Module):
    """mmcv.runner.BaseModule: an nn.Module that keeps its init_cfg (weights are set by the caller here)."""

    def __init__(self, init_cfg: Any = None) -> None:
        super().__init__()
        self.init_cfg = init_cfg


def _identity_decorator_factory(*_args: Any, **_kwargs: Any):
    return lambda function: function


class Registry:
    """mmcv.utils.Registry: records classes registered with ``@REGISTRY.register_module()``."""

    def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.name = name
        self.module_dict: Dict[str, type] = {}

    def register_module(self, name: Any = None, force: bool = False, module: Any = None):
        def register(cls: type) -> type:
            self.module_dict[name or cls.__name__] = cls
            return cls

        return register(module) if module is not None else register


def _to_2tuple(value: Any) -> Any:
    return value if isinstance(value, (tuple, list)) else (value, value)


def stub_modules() -> Dict[str, types.ModuleType]:
    """The stand-ins for the packages that are not installed (see the module docstring)."""
    modules = {
        "timm": _stub_module("timm"),
        "timm.models": _stub_module("timm.models"),
        "timm.models.layers": _stub_module("timm.models.layers", to_2tuple=_to_2tuple,
                                           trunc_normal_=nn.init.trunc_normal_),
        "mmcv": _stub_module("mmcv"),
        "mmcv.cnn": _stub_module("mmcv.cnn", ConvModule=ConvModule, MODELS=Registry("models")),
        "mmcv.cnn.bricks": _stub_module("mmcv.cnn.bricks"),
        "mmcv.cnn.bricks.registry": _stub_module("mmcv.cnn.bricks.registry", ATTENTION=Registry("attention")),
        "mmcv.runner": _stub_module("mmcv.runner", BaseModule=BaseModule, auto_fp16=_identity_decorator_factory,
                                    force_fp32=_identity_decorator_factory),
        "mmcv.runner.base_module": _stub_module("mmcv.runner.base_module", BaseModule=BaseModule),
        "mmcv.utils": _stub_module("mmcv.utils", Registry=Registry),
        "mmcv.fileio": _stub_module("mmcv.fileio"),
        "mmcv.parallel": _stub_module("mmcv.parallel"),
        "torchvision": _stub_module("torchvision"),
        "isegm.utils.log": _stub_module("isegm.utils.log", logger=logging.getLogger("official-isegm")),
    }
    return modules


def official_commit(git_dir: Path, ref: str = OFFICIAL_REF) -> str:
    try:
        return subprocess.run(["git", "-C", str(git_dir), "rev-parse", f"{ref}^{{commit}}"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise OfficialCodeError(f"{git_dir} has no ref {ref} (a checkout or mirror of uncbiag/SimpleClick?): "
                                f"{getattr(error, 'stderr', '') or error}".strip()) from None


def extract_official_code(git_dir: Path, into: Path, ref: str = OFFICIAL_REF) -> None:
    """``git archive <ref> isegm`` of the checkout/mirror at ``git_dir``, extracted into ``into``."""
    try:
        archive = subprocess.run(["git", "-C", str(git_dir), "archive", ref, "isegm"], check=True,
                                 capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise OfficialCodeError(f"cannot read isegm at {ref} from {git_dir}: {error}") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into)


def import_official(root: Path) -> types.SimpleNamespace:
    """Import the official PlainVitModel, CrossEntropyLoss, save_checkpoint and load_model from ``root`` (the
    folder holding the extracted ``isegm``), with the stubs installed. Returns them with the stub names."""
    stubs = stub_modules()
    clashes: List[str] = [name for name in stubs if name in sys.modules and not name.startswith("isegm")]
    if clashes or "isegm" in sys.modules:
        raise OfficialCodeError(f"cannot stub {', '.join(clashes or ['isegm'])}: already imported in this process")
    sys.modules.update(stubs)
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    plainvit = importlib.import_module("isegm.model.is_plainvit_model")
    loss = importlib.import_module("isegm.model.modeling.transformer_helper.cross_entropy_loss")
    misc = importlib.import_module("isegm.utils.misc")
    serialization = importlib.import_module("isegm.utils.serialization")
    return types.SimpleNamespace(PlainVitModel=plainvit.PlainVitModel, CrossEntropyLoss=loss.CrossEntropyLoss,
                                 save_checkpoint=misc.save_checkpoint, load_model=serialization.load_model,
                                 stubbed=sorted(stubs))
