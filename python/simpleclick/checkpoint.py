"""Official SimpleClick checkpoint files: read (with a permissive, non-executing unpickler) and write.

An official file (``sbd_vit_base.pth`` etc.) is a torch pickle ``{'state_dict': ..., 'config': ...}``, the config
being what ``isegm.utils.serialization.serialize`` recorded when the model was built::

    {'class': 'isegm.model.is_plainvit_model.PlainVitModel',
     'params': {'backbone_params': {'type': 'builtin', 'value': {...img_size, patch_size, embed_dim, depth,
                                                                    num_heads, mlp_ratio, qkv_bias...},
                                    'specified': True},
                'neck_params': {... 'value': {'in_dim': D, 'out_dims': [...]}},
                'head_params': {... 'value': {'in_channels': [...], 'channels': C, 'upsample': 'x1',
                                              'loss_decode': <isegm CrossEntropyLoss object>, ...}},
                'with_prev_mask': {... True}, ...}}

Unpickling the config needs classes from the official ``isegm`` package (the loss object). Instead of importing
anything, :class:`PermissiveUnpickler` resolves only an allow-list of harmless globals (tensor rebuilding,
containers, numpy arrays) and turns every other class or function into an inert stand-in, so a checkpoint can
neither fail on a missing package nor run code while loading.

The architecture comes from the config (never from the file name); without a usable config it is inferred from
the state-dict shapes, failing clearly where shapes cannot decide (the number of heads of an unknown layout).
Whether and on what the weights were trained is metadata only (:mod:`simpleclick.provenance`).
"""

from __future__ import annotations

import inspect
import io
import os
import pickle
import re
import threading
import types
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

import torch

from .network import SimpleClickNet, empty_network
from .provenance import checkpoint_provenance
from .variants import VARIANTS, WINDOW_SIZE_PX, NetworkConfig, name_layout, official_global_blocks

OFFICIAL_MODEL_CLASS = "isegm.model.is_plainvit_model.PlainVitModel"
#: Key under which :func:`save_official_checkpoint` also stores our own config (official code ignores it).
SIMPLECLICK_KEY = "simpleclick"
#: Keys that every SimpleClick state dict has (used to tell SimpleClick files from other models').
SIGNATURE_KEYS = ("patch_embed_coords.proj.weight", "backbone.pos_embed", "backbone.patch_embed.proj.weight",
                  "neck.down_4.0.weight", "head.conv_seg.weight")


class CheckpointError(Exception):
    """A checkpoint that cannot be loaded; the message is one line naming the file and the reason."""


# --------------------------------------------------------------------------------------------------------------
# Permissive unpickler
# --------------------------------------------------------------------------------------------------------------

class StandIn:
    """Inert replacement for a class or function the unpickler does not resolve. Records what it was given."""

    qualified_name = "?"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs

    def __setstate__(self, state: Any) -> None:
        self.state = state

    # dict/list subclasses are rebuilt with SETITEMS/APPENDS: keep their items instead of failing.
    def __setitem__(self, key: Any, value: Any) -> None:
        self.__dict__.setdefault("items", {})[key] = value

    def append(self, value: Any) -> None:
        self.__dict__.setdefault("elements", []).append(value)

    def extend(self, values: Iterable[Any]) -> None:
        self.__dict__.setdefault("elements", []).extend(values)

    def __repr__(self) -> str:
        return f"<stand-in for {self.qualified_name}>"


_STAND_INS: Dict[str, type] = {}

_ALLOWED_GLOBALS = {
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("copyreg", "_reconstructor"),
    ("_codecs", "encode"),
    ("torch", "Size"),
    ("torch", "device"),
    ("torch._utils", "_rebuild_tensor"),
    ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_parameter"),
    ("torch._utils", "_rebuild_parameter_with_state"),
    ("torch._tensor", "_rebuild_from_type_v2"),
    ("torch.nn.parameter", "Parameter"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
}
_ALLOWED_BUILTINS = {"set", "frozenset", "list", "dict", "tuple", "int", "float", "complex", "bool", "str", "bytes",
                     "bytearray", "slice", "range", "object", "NoneType"}


def _stand_in(module: str, name: str) -> type:
    qualified = f"{module}.{name}"
    if qualified not in _STAND_INS:
        _STAND_INS[qualified] = type(name, (StandIn,), {"qualified_name": qualified,
                                                        "__module__": "simpleclick.checkpoint.standins"})
    return _STAND_INS[qualified]


class PermissiveUnpickler(pickle.Unpickler):
    """Resolves allow-listed globals and storage/dtype types; everything else becomes a :class:`StandIn`."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        if module in ("builtins", "__builtin__") and name in _ALLOWED_BUILTINS:
            return super().find_class("builtins", name)
        if module == "torch":
            value = getattr(torch, name, None)
            if isinstance(value, torch.dtype) or (isinstance(value, type) and name.endswith("Storage")):
                return value
        _SUBSTITUTED.append(f"{module}.{name}")
        return _stand_in(module, name)


#: Names replaced by stand-ins during the current load (torch creates the unpickler instance itself, so the
#: record cannot live on the instance).
_SUBSTITUTED: List[str] = []


class _PermissivePickleModule(types.ModuleType):
    """A ``pickle``-like module for ``torch.load(pickle_module=...)``; anything else is the stdlib's."""

    Unpickler = PermissiveUnpickler

    @staticmethod
    def load(file: Any, **kwargs: Any) -> Any:
        return PermissiveUnpickler(file, **kwargs).load()

    @staticmethod
    def loads(data: bytes, **kwargs: Any) -> Any:
        return PermissiveUnpickler(io.BytesIO(data), **kwargs).load()

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)


_LOAD_LOCK = threading.Lock()


def _torch_load(path: Path) -> Tuple[Any, List[str]]:
    """torch.load with the permissive unpickler (and weights_only=False where PyTorch knows the argument)."""
    module = _PermissivePickleModule("simpleclick_permissive_pickle")
    kwargs: Dict[str, Any] = {"map_location": "cpu", "pickle_module": module}
    try:
        if "weights_only" in inspect.signature(torch.load).parameters:
            kwargs["weights_only"] = False
    except (TypeError, ValueError):
        pass
    serialization = torch.serialization
    with _LOAD_LOCK:
        # Some PyTorch builds (Debian's 1.13) replace pickle_module by the stdlib pickle whenever weights_only is
        # False; pointing torch.serialization's `pickle` at our module for this call makes them use it too.
        original = getattr(serialization, "pickle", None)
        patch = original is pickle
        if patch:
            serialization.pickle = module  # type: ignore[attr-defined]
        del _SUBSTITUTED[:]
        try:
            obj = torch.load(str(path), **kwargs)
        finally:
            if patch:
                serialization.pickle = original  # type: ignore[attr-defined]
        return obj, sorted(set(_SUBSTITUTED))


# --------------------------------------------------------------------------------------------------------------
# Architecture from the official config / from shapes
# --------------------------------------------------------------------------------------------------------------

def _param(config: Mapping[str, Any], name: str, default: Any = None) -> Any:
    params = config.get("params", {})
    entry = params.get(name)
    if isinstance(entry, Mapping) and "value" in entry:
        return entry["value"]
    return default


def _as_int_pair(value: Any, what: str) -> int:
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or int(value[0]) != int(value[1]):
            raise CheckpointError(f"unknown architecture: non-square {what} {tuple(value)}")
        return int(value[0])
    return int(value)


def config_from_official(config: Mapping[str, Any], name: str = "custom") -> NetworkConfig:
    """NetworkConfig from an official serialized config (see module docstring); CheckpointError when the
    config describes a layout this implementation does not reproduce."""
    backbone = _param(config, "backbone_params")
    neck = _param(config, "neck_params")
    head = _param(config, "head_params")
    if not all(isinstance(p, Mapping) for p in (backbone, neck, head)):
        raise CheckpointError("config has no backbone_params/neck_params/head_params")
    try:
        patch = _as_int_pair(backbone["patch_size"], "patch size")
        img_size = _as_int_pair(backbone["img_size"], "image size")
        dim = int(backbone["embed_dim"])
        depth = int(backbone["depth"])
        heads = int(backbone["num_heads"])
        out_dims = tuple(int(c) for c in neck["out_dims"])
        channels = int(head["channels"])
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"config lacks a field of the architecture: {error}") from None
    problems = []
    if float(backbone.get("mlp_ratio", 4)) != 4:
        problems.append(f"mlp_ratio {backbone.get('mlp_ratio')}")
    if not backbone.get("qkv_bias", True):
        problems.append("qkv without bias")
    if int(backbone.get("in_chans", 3)) != 3:
        problems.append(f"{backbone.get('in_chans')} image channels")
    if int(neck.get("in_dim", dim)) != dim:
        problems.append(f"neck in_dim {neck.get('in_dim')} != embed_dim {dim}")
    if tuple(int(c) for c in head.get("in_channels", out_dims)) != out_dims:
        problems.append("head in_channels != neck out_dims")
    if list(head.get("in_index", [0, 1, 2, 3])) != [0, 1, 2, 3]:
        problems.append(f"head in_index {head.get('in_index')}")
    if head.get("upsample", "x1") != "x1":
        problems.append(f"head upsample {head.get('upsample')!r} (only 'x1' models were released)")
    if int(head.get("num_classes", 1)) != 1:
        problems.append(f"{head.get('num_classes')} classes")
    if head.get("align_corners", False):
        problems.append("head align_corners=True")
    if _param(config, "with_prev_mask", True) is not True:
        problems.append("no previous-mask input (2 click channels)")
    if _param(config, "random_split", False):
        problems.append("random_split training forward")
    if len(out_dims) != 4:
        problems.append(f"{len(out_dims)} pyramid levels")
    if problems:
        raise CheckpointError(f"unknown architecture: {'; '.join(problems)}")
    try:
        candidate = NetworkConfig(name=name, patch_size=patch, embed_dim=dim, depth=depth, num_heads=heads,
                                  global_blocks=official_global_blocks(depth), neck_dims=out_dims,  # type: ignore
                                  head_channels=channels, img_size=img_size,
                                  window_tokens=WINDOW_SIZE_PX // patch)
    except ValueError as error:
        raise CheckpointError(f"unknown architecture: {error}") from None
    return candidate.with_overrides(name=name_layout(candidate))


def config_from_state_dict(state: Mapping[str, torch.Tensor], name: str = "custom") -> NetworkConfig:
    """Infer the layout from tensor shapes. The number of heads is not visible in any shape: it is taken from
    the released variant with the same patch, width and depth, else this fails."""
    try:
        dim, _, patch, _ = state["backbone.patch_embed.proj.weight"].shape
        tokens = state["backbone.pos_embed"].shape[1] - 1
        neck_dims = (state["neck.down_4.5.weight"].shape[0], state["neck.down_8.2.weight"].shape[0],
                     state["neck.down_16.0.weight"].shape[0], state["neck.down_32.2.weight"].shape[0])
        channels = state["head.conv_seg.weight"].shape[1]
    except (KeyError, IndexError, ValueError) as error:
        raise CheckpointError(f"cannot infer the architecture from the state dict: missing {error}") from None
    blocks = {int(m.group(1)) for k in state for m in [re.match(r"backbone\.blocks\.(\d+)\.", k)] if m}
    depth = max(blocks) + 1 if blocks else 0
    grid = int(round(tokens ** 0.5))
    if grid * grid != tokens or depth == 0:
        raise CheckpointError(f"cannot infer the architecture: {tokens} position tokens, {depth} blocks")
    same_trunk = [v for v in VARIANTS.values() if (v.patch_size, v.embed_dim, v.depth) == (patch, dim, depth)]
    if not same_trunk:
        raise CheckpointError(f"cannot infer the number of attention heads of a {depth}-block, {dim}-wide ViT "
                              f"with patch {patch} from shapes; it needs the checkpoint's config")
    candidate = NetworkConfig(name=name, patch_size=int(patch), embed_dim=int(dim), depth=depth,
                              num_heads=same_trunk[0].num_heads, global_blocks=official_global_blocks(depth),
                              neck_dims=tuple(int(c) for c in neck_dims),  # type: ignore[arg-type]
                              head_channels=int(channels), img_size=grid * int(patch))
    return candidate.with_overrides(name=name_layout(candidate))


def _shape_mismatches(net: SimpleClickNet, state: Mapping[str, torch.Tensor]) -> Optional[str]:
    expected = {k: tuple(v.shape) for k, v in net.state_dict().items()}
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [f"{k} {tuple(state[k].shape)} (expected {expected[k]})" for k in expected
             if k in state and tuple(state[k].shape) != expected[k]]
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing key(s) e.g. {missing[0]}")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected key(s) e.g. {unexpected[0]}")
    if wrong:
        parts.append(f"{len(wrong)} shape mismatch(es) e.g. {wrong[0]}")
    return "; ".join(parts) or None


# --------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------

def load_official_checkpoint(path: Union[str, Path]) -> Tuple[SimpleClickNet, Dict[str, Any]]:
    """Load an official SimpleClick checkpoint (or one written by :func:`save_official_checkpoint`).

    Returns ``(net, info)``: the network in eval mode (float32, CPU) and a dict with ``path``, ``file_name``,
    ``variant`` (released name or ``custom``), ``config`` (:class:`NetworkConfig`), ``config_source``
    ("checkpoint config", "simpleclick config" or "state-dict shapes"), ``model_class``, ``provenance``
    (:class:`~simpleclick.provenance.Provenance`: trained and training data, each from the file's own record or
    marked as a file-name guess or unknown), ``trained`` and ``training_data`` (its values, for display),
    ``substituted_classes`` (foreign pickled classes replaced by stand-ins) and ``extra_keys`` (other top-level
    entries of the file).

    Raises:
        CheckpointError: missing, empty or truncated file; not a SimpleClick checkpoint; unknown architecture;
            state dict not matching the architecture.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise CheckpointError(f"checkpoint not found: {path}")
    if not path.is_file():
        raise CheckpointError(f"checkpoint is not a file: {path}")
    if path.stat().st_size == 0:
        raise CheckpointError(f"{name} is empty")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == b"PK\x03\x04":  # PyTorch >= 1.6 files are zip archives: a cut one has no central directory
        try:
            with zipfile.ZipFile(path) as archive:
                archive.infolist()
        except (zipfile.BadZipFile, OSError, EOFError):
            raise CheckpointError(f"{name} is truncated or corrupt (its zip archive cannot be read)") from None
    try:
        obj, substituted = _torch_load(path)
    except EOFError:
        raise CheckpointError(f"{name} is truncated or corrupt (it ends too early)") from None
    except (pickle.UnpicklingError, RuntimeError, ValueError, KeyError, AttributeError, TypeError, IndexError,
            OSError, zipfile.BadZipFile) as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if head == b"PK\x03\x04" or head[:1] == b"\x80":  # a zip or a pickle that fails mid-way
            raise CheckpointError(f"{name} is truncated or corrupt ({text[:160]})") from None
        raise CheckpointError(f"{name} is not a readable PyTorch checkpoint: {text[:160]}") from None

    if isinstance(obj, list):
        raise CheckpointError(f"{name} holds a list of {len(obj)} models; pass a single-model checkpoint")
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"{name} is not a SimpleClick checkpoint (it holds a {type(obj).__name__})")

    config: Any = None
    extra_keys: List[str] = []
    if "state_dict" in obj:
        state = obj["state_dict"]
        config = obj.get("config")
        extra_keys = sorted(str(k) for k in obj if k not in ("state_dict", "config", SIMPLECLICK_KEY))
    elif obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
        state = obj  # a bare state dict
    else:
        keys = ", ".join(sorted(str(k) for k in obj)[:5])
        hint = " (this looks like MAE pre-trained backbone weights)" if "model" in obj else ""
        raise CheckpointError(f"{name} is not a SimpleClick checkpoint: no 'state_dict' entry (keys: {keys}){hint}")
    if not isinstance(state, Mapping) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{name} is not a SimpleClick checkpoint: its 'state_dict' is not a tensor mapping")

    model_class = None
    if isinstance(config, Mapping):
        model_class = config.get("class")
    if model_class is not None and not str(model_class).endswith("PlainVitModel"):
        raise CheckpointError(f"{name} is not a SimpleClick checkpoint: it holds a {model_class} model")
    absent = [k for k in SIGNATURE_KEYS if k not in state]
    if absent:
        raise CheckpointError(f"{name} is not a SimpleClick checkpoint: its state dict lacks {absent[0]}"
                              + (f" (model class {model_class})" if model_class else ""))

    ours = obj.get(SIMPLECLICK_KEY) if "state_dict" in obj else None
    if isinstance(ours, Mapping) and isinstance(ours.get("config"), str):
        try:
            net_config = NetworkConfig.from_json(ours["config"])
        except (ValueError, TypeError) as error:
            raise CheckpointError(f"{name}: invalid simpleclick config: {error}") from None
        source = "simpleclick config"
    elif isinstance(config, Mapping) and "params" in config:
        net_config = config_from_official(config)
        source = "checkpoint config"
    else:
        net_config = config_from_state_dict(state)
        source = "state-dict shapes"

    net = SimpleClickNet(net_config, device="meta")
    mismatch = _shape_mismatches(net, state)
    if mismatch:
        raise CheckpointError(f"{name}: state dict does not match its {source} ({net_config.name}): {mismatch}")
    net = empty_network(net_config)
    converted = {k: v.detach().to(dtype=torch.float32, device="cpu") for k, v in state.items()}
    net.load_state_dict(converted, strict=True)
    provenance = checkpoint_provenance(obj if "state_dict" in obj else {}, name)
    info = {
        "path": str(path),
        "file_name": name,
        "variant": name_layout(net_config),
        "config": net_config,
        "config_source": source,
        "model_class": model_class,
        "provenance": provenance,
        "trained": provenance.trained,
        "training_data": provenance.training_data,
        "substituted_classes": substituted,
        "extra_keys": extra_keys,
    }
    return net.eval(), info


def official_config(config: NetworkConfig) -> Dict[str, Any]:
    """The serialized config the official ``isegm`` code would have written for this layout (no foreign
    objects: the head's unused ``loss_decode`` is None, which the official loader accepts)."""

    def entry(value: Any) -> Dict[str, Any]:
        return {"type": "builtin", "value": value, "specified": True}

    size = (config.img_size, config.img_size)
    patch = (config.patch_size, config.patch_size)
    return {
        "class": OFFICIAL_MODEL_CLASS,
        "params": {
            "backbone_params": entry({"img_size": size, "patch_size": patch, "in_chans": 3,
                                      "embed_dim": config.embed_dim, "depth": config.depth,
                                      "num_heads": config.num_heads, "mlp_ratio": 4, "qkv_bias": True}),
            "neck_params": entry({"in_dim": config.embed_dim, "out_dims": list(config.neck_dims)}),
            "head_params": entry({"in_channels": list(config.neck_dims), "in_index": [0, 1, 2, 3],
                                  "dropout_ratio": 0.1, "num_classes": 1, "loss_decode": None,
                                  "align_corners": False, "upsample": "x1", "channels": config.head_channels}),
            "random_split": entry(False),
            "use_disks": entry(True),
            "norm_radius": entry(5),
            "with_prev_mask": entry(True),
        },
    }


def save_official_checkpoint(net: SimpleClickNet, path: Union[str, Path],
                             extra: Optional[Mapping[str, Any]] = None, *, trained: Optional[bool] = None,
                             training_data: Optional[str] = None) -> Path:
    """Write ``net`` as an official-format checkpoint ``{'state_dict', 'config'}`` (plus ``'simpleclick'`` with
    our config JSON and, when given, whether and on what the weights were trained, which the loader reports as
    the file's own record; and any ``extra`` entries such as an epoch). Written to a temporary file and renamed.

    The official loader can read the result when the layout follows the official global-block rule."""
    from . import __version__

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload: Dict[str, Any] = {
        "state_dict": {k: v.detach().cpu().clone() for k, v in net.state_dict().items()},
        "config": official_config(net.config),
        SIMPLECLICK_KEY: {"config": net.config.to_json(), "version": __version__},
    }
    if trained is not None:
        payload[SIMPLECLICK_KEY]["trained"] = bool(trained)
    if training_data is not None:
        payload[SIMPLECLICK_KEY]["training_data"] = str(training_data)
    for key, value in (extra or {}).items():
        if key in payload:
            raise ValueError(f"extra key {key!r} would overwrite a checkpoint entry")
        payload[key] = value
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        torch.save(payload, str(temporary))
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path
