"""Network layouts of the SimpleClick variants.

A :class:`NetworkConfig` holds every number that decides the shape of the network (and therefore the keys and
shapes of its state dict). The four released layouts are in :data:`VARIANTS`; custom layouts (for example a
narrower neck and head for a small model trained here) are made with :meth:`NetworkConfig.with_overrides`.

Facts (docs/network.md, variants; the official ``models/iter_mask/plainvit_*.py`` configs): the patch embedding of the
image and of the three click-map channels share one layout; non-global blocks attend inside windows of
``224 // patch_size`` tokens per side (the MAE pre-training size); the official code makes every
``depth // 4``-th block global (every 6th for the 12-block ViT-B).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

#: Size in pixels of the pre-training images; attention windows cover this many pixels per side.
WINDOW_SIZE_PX = 224


def official_global_blocks(depth: int) -> Tuple[int, ...]:
    """0-based indices of the global-attention blocks as the official v1.0 code chooses them.

    The official forward makes block ``i`` (1-based) global when ``i % group == 0`` with ``group = 6`` for a
    12-block backbone and ``depth // 4`` otherwise.
    """
    if depth <= 0:
        raise ValueError(f"depth must be positive, got {depth}")
    group = 6 if depth == 12 else max(1, depth // 4)
    return tuple(i - 1 for i in range(1, depth + 1) if i % group == 0)


@dataclass(frozen=True)
class NetworkConfig:
    """Everything that fixes the SimpleClick network's layout.

    Attributes:
        name: variant name written to the ONNX metadata (``xtiny``, ``base``, ``large``, ``huge`` or a custom name).
        patch_size: side of a patch in pixels (16, or 14 for ViT-H).
        embed_dim: token width D.
        depth: number of transformer blocks.
        num_heads: attention heads per block.
        global_blocks: 0-based indices of the blocks that attend globally; the others attend inside windows.
        neck_dims: output channels of the four pyramid levels (strides 4, 8, 16, 32).
        head_channels: channels of the segmentation head.
        img_size: training size in pixels; fixes the length of the position embedding ((img_size/patch)^2 + 1).
        window_tokens: attention window side in tokens at the training size (``224 // patch_size``).
    """

    name: str
    patch_size: int
    embed_dim: int
    depth: int
    num_heads: int
    global_blocks: Tuple[int, ...]
    neck_dims: Tuple[int, int, int, int]
    head_channels: int
    img_size: int = 448
    window_tokens: Optional[int] = field(default=None)

    def __post_init__(self) -> None:
        # Normalise containers (JSON gives lists) and fill the derived default.
        object.__setattr__(self, "global_blocks", tuple(int(i) for i in self.global_blocks))
        object.__setattr__(self, "neck_dims", tuple(int(c) for c in self.neck_dims))
        if self.window_tokens is None:
            object.__setattr__(self, "window_tokens", WINDOW_SIZE_PX // int(self.patch_size))
        self._validate()

    def _validate(self) -> None:
        ints = {
            "patch_size": self.patch_size,
            "embed_dim": self.embed_dim,
            "depth": self.depth,
            "num_heads": self.num_heads,
            "head_channels": self.head_channels,
            "img_size": self.img_size,
            "window_tokens": self.window_tokens,
        }
        for key, value in ints.items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"NetworkConfig.{key} must be a positive integer, got {value!r}")
        if not self.name or not isinstance(self.name, str):
            raise ValueError("NetworkConfig.name must be a non-empty string")
        if self.embed_dim % self.num_heads:
            raise ValueError(f"embed_dim {self.embed_dim} is not divisible by num_heads {self.num_heads}")
        if len(self.neck_dims) != 4 or any(c <= 0 for c in self.neck_dims):
            raise ValueError(f"neck_dims must be 4 positive integers, got {self.neck_dims}")
        if any(i < 0 or i >= self.depth for i in self.global_blocks):
            raise ValueError(f"global_blocks {self.global_blocks} must lie in 0..{self.depth - 1}")
        if len(set(self.global_blocks)) != len(self.global_blocks):
            raise ValueError(f"global_blocks {self.global_blocks} has duplicates")
        if self.img_size % self.patch_size:
            raise ValueError(f"img_size {self.img_size} is not a multiple of patch_size {self.patch_size}")
        if self.head_channels % 4:
            # The (unused) official up-convolutions of the head have head_channels/2 and /4 channels.
            raise ValueError(f"head_channels {self.head_channels} must be a multiple of 4")

    @property
    def grid_size(self) -> int:
        """Tokens per side at the training size."""
        return self.img_size // self.patch_size

    def with_overrides(self, **overrides: Any) -> "NetworkConfig":
        """A copy with some fields replaced, e.g. ``VARIANTS['xtiny'].with_overrides(neck_dims=(48, 96, 144, 192))``.

        Changing ``patch_size`` without giving ``window_tokens`` recomputes the window as ``224 // patch_size``;
        changing ``depth`` without giving ``global_blocks`` uses the official rule for the new depth.
        """
        unknown = set(overrides) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown NetworkConfig field(s): {', '.join(sorted(unknown))}")
        if "patch_size" in overrides and "window_tokens" not in overrides:
            overrides["window_tokens"] = WINDOW_SIZE_PX // int(overrides["patch_size"])
        if "depth" in overrides and "global_blocks" not in overrides:
            overrides["global_blocks"] = official_global_blocks(int(overrides["depth"]))
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> Dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists)."""
        data = dataclasses.asdict(self)
        data["global_blocks"] = list(self.global_blocks)
        data["neck_dims"] = list(self.neck_dims)
        return data

    def to_json(self) -> str:
        """Compact JSON, as stored in the ONNX metadata key ``simpleclick.config``."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "NetworkConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown NetworkConfig field(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> "NetworkConfig":
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("NetworkConfig JSON must be an object")
        return cls.from_dict(data)

    def same_layout(self, other: "NetworkConfig") -> bool:
        """True when both configs give the same network (the name is ignored)."""
        return dataclasses.replace(self, name=other.name) == other


def _variant(name: str, patch: int, dim: int, depth: int, heads: int, neck: Tuple[int, int, int, int],
             head: int, img_size: int = 448) -> NetworkConfig:
    return NetworkConfig(
        name=name,
        patch_size=patch,
        embed_dim=dim,
        depth=depth,
        num_heads=heads,
        global_blocks=official_global_blocks(depth),
        neck_dims=neck,
        head_channels=head,
        img_size=img_size,
    )


#: The four released layouts (docs/network.md, variants; official configs plainvit_{xtiny,base,large,huge}448_*.py).
VARIANTS: Dict[str, NetworkConfig] = {
    "xtiny": _variant("xtiny", 16, 160, 8, 4, (96, 192, 288, 384), 128),
    "base": _variant("base", 16, 768, 12, 12, (128, 256, 512, 1024), 256),
    "large": _variant("large", 16, 1024, 24, 16, (192, 384, 768, 1536), 256),
    "huge": _variant("huge", 14, 1280, 32, 16, (240, 480, 960, 1920), 256),
}

#: Other official layouts that are not released as 448 checkpoints but whose state dicts we can load
#: (plainvit_base1024_cocolvis_itermask.py: ViT-B trained at 1024 with a 256-channel neck).
OTHER_OFFICIAL_LAYOUTS: Dict[str, NetworkConfig] = {
    "base1024": _variant("base1024", 16, 768, 12, 12, (256, 256, 256, 256), 256, img_size=1024),
}


def get_variant(name: str) -> NetworkConfig:
    """The config of a released variant; ``ValueError`` naming the known ones otherwise."""
    key = name.strip().lower()
    aliases = {"vit-b": "base", "vit_b": "base", "vit-l": "large", "vit_l": "large", "vit-h": "huge",
               "vit_h": "huge", "vit-xt": "xtiny", "xt": "xtiny"}
    key = aliases.get(key, key)
    if key in VARIANTS:
        return VARIANTS[key]
    if key in OTHER_OFFICIAL_LAYOUTS:
        return OTHER_OFFICIAL_LAYOUTS[key]
    known = ", ".join(list(VARIANTS) + list(OTHER_OFFICIAL_LAYOUTS))
    raise ValueError(f"unknown variant {name!r} (known: {known})")


def name_layout(config: NetworkConfig) -> str:
    """The released variant name whose layout equals ``config`` (any img_size), else ``config.name``."""
    for name, known in list(VARIANTS.items()) + list(OTHER_OFFICIAL_LAYOUTS.items()):
        try:
            if known.with_overrides(img_size=config.img_size, name=config.name) == config:
                return name
        except ValueError:  # img_size not valid for that layout's patch size
            continue
    return config.name
