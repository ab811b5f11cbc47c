"""The SimpleClick network (plain ViT backbone, simple feature pyramid, SegFormer-style head) in PyTorch.

Written from docs/network.md and the facts of the official v1.0 code. Module names follow the official
layout so that an official checkpoint loads with strict key matching; the tensors the official forward never uses
(``backbone.cls_token``, ``backbone.fc_norm.*``, ``backbone.head.*``, ``head.up_conv1.*``, ``head.up_conv2.*``)
exist only for that reason.

One forward = the whole ONNX contract (docs/model-contract.md): image RGB in [0, 1] and three click maps in, logits at
input resolution out; ImageNet normalisation and the final bilinear (align_corners=True) upsample are inside.
"""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .variants import NetworkConfig, get_variant

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
LAYER_NORM_EPS = 1e-6
MLP_RATIO = 4
#: Classes of the (unused) ImageNet classification head kept for checkpoint compatibility.
UNUSED_CLASSIFIER_CLASSES = 1000

#: State-dict key prefixes of tensors that the forward never reads (present so official files load strictly).
UNUSED_KEY_PREFIXES = (
    "backbone.cls_token",
    "backbone.fc_norm.",
    "backbone.head.",
    "head.up_conv1.",
    "head.up_conv2.",
)


def is_unused_key(key: str) -> bool:
    """True for state-dict keys that do not influence the output (see :data:`UNUSED_KEY_PREFIXES`)."""
    return any(key == p or key.startswith(p) for p in UNUSED_KEY_PREFIXES)


# --------------------------------------------------------------------------------------------------------------
# Bicubic resize of the position embedding
# --------------------------------------------------------------------------------------------------------------

def _cubic_weights(t: np.float32) -> Tuple[np.float32, ...]:
    """Keys cubic convolution weights (a = -0.75, PyTorch's choice) of the 4 taps around a sample at fraction
    ``t``, evaluated in float32 with PyTorch's operation order."""
    a = np.float32(-0.75)
    one, two = np.float32(1.0), np.float32(2.0)

    def near(x: np.float32) -> np.float32:  # |x| <= 1
        return ((a + two) * x - (a + np.float32(3.0))) * x * x + one

    def far(x: np.float32) -> np.float32:  # 1 < |x| < 2
        return ((a * x - np.float32(5.0) * a) * x + np.float32(8.0) * a) * x - np.float32(4.0) * a

    return far(t + one), near(t), near(one - t), far((one - t) + one)


def bicubic_resize_matrix(size_in: int, size_out: int) -> np.ndarray:
    """Matrix M [size_out, size_in] with ``out = M @ in`` equal to 1-D ``F.interpolate(mode='bicubic',
    align_corners=False)``.

    The official inference resizes the position embedding with that call (``interpolate_pos_embed_inference``).
    Bicubic is separable, so two matrix products reproduce it; as matrices it exports to plain ONNX MatMul nodes
    (every runtime supports them, unlike cubic Resize) and keeps ``backbone.pos_embed`` itself in the graph.
    Like PyTorch: source = (dst + 0.5) * in/out - 0.5 without clamping, taps clamped to the border.
    """
    matrix = np.zeros((size_out, size_in), dtype=np.float32)
    # PyTorch's CPU kernel computes scale, source positions and weights in float32; doing the same keeps the
    # weights within ~2e-6 of F.interpolate's (float64 arithmetic would land ~1e-5 away).
    scale = np.float32(size_in) / np.float32(size_out)
    for dst in range(size_out):
        src = (np.float32(dst) + np.float32(0.5)) * scale - np.float32(0.5)
        base = math.floor(src)
        weights = _cubic_weights(np.float32(src - np.float32(base)))
        for tap, weight in zip(range(base - 1, base + 3), weights):
            matrix[dst, min(max(tap, 0), size_in - 1)] += weight
    return matrix


def resize_pos_embed_grid(pos_grid: torch.Tensor, out_hw: Tuple[int, int]) -> torch.Tensor:
    """Bicubic resize of a [gh, gw, D] position grid to [out_h, out_w, D] (see :func:`bicubic_resize_matrix`)."""
    in_h, in_w, dim = pos_grid.shape
    out_h, out_w = out_hw
    rows = torch.from_numpy(bicubic_resize_matrix(in_h, out_h)).to(pos_grid.device, pos_grid.dtype)
    cols = torch.from_numpy(bicubic_resize_matrix(in_w, out_w)).to(pos_grid.device, pos_grid.dtype)
    resized = torch.matmul(rows, pos_grid.reshape(in_h, in_w * dim)).reshape(out_h, in_w, dim)
    return torch.matmul(cols, resized)  # [out_w, in_w] @ [out_h, in_w, D] -> [out_h, out_w, D]


# --------------------------------------------------------------------------------------------------------------
# Backbone
# --------------------------------------------------------------------------------------------------------------

class PatchEmbed(nn.Module):
    """Non-overlapping patch projection (conv with kernel = stride = patch); output stays [B, D, gh, gw]."""

    def __init__(self, patch_size: int, embed_dim: int, in_channels: int = 3, device=None):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)


class Attention(nn.Module):
    """Multi-head self-attention with a fused qkv projection (with bias) and no relative positions."""

    def __init__(self, dim: int, num_heads: int, device=None):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True, device=device)
        self.proj = nn.Linear(dim, dim, device=device)

    def forward(self, x: torch.Tensor, key_bias: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x: [N, L, D]; key_bias (optional): [N, 1, 1, L] added to the scores (-inf hides padded tokens)."""
        n, length, dim = x.shape
        head_dim = dim // self.num_heads
        qkv = self.qkv(x).reshape(n, length, 3, self.num_heads, head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = torch.matmul(q, k.transpose(-2, -1)) * self.scale
        if key_bias is not None:
            scores = scores + key_bias
        weights = scores.softmax(dim=-1)
        out = torch.matmul(weights, v).transpose(1, 2).reshape(n, length, dim)
        return self.proj(out)


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int, device=None):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden, device=device)
        self.act = nn.GELU()  # exact (erf) GELU, as the official nn.GELU()
        self.fc2 = nn.Linear(hidden, dim, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    """Pre-norm transformer block (LayerNorm eps 1e-6, MLP ratio 4, no drop-path)."""

    def __init__(self, dim: int, num_heads: int, device=None):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LAYER_NORM_EPS, device=device)
        self.norm2 = nn.LayerNorm(dim, eps=LAYER_NORM_EPS, device=device)
        self.attn = Attention(dim, num_heads, device=device)
        self.mlp = Mlp(dim, dim * MLP_RATIO, device=device)

    def forward(self, x: torch.Tensor, key_bias: Optional[torch.Tensor] = None) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), key_bias)
        return x + self.mlp(self.norm2(x))


class WindowLayout:
    """How a gh x gw token grid splits into attention windows, the way the official ``patchify`` does it.

    The official code makes ``n = grid // window_tokens`` windows per side, each ``grid // n`` tokens wide
    (2 x 2 windows of 14 at 448 / patch 16, 3 x 3 of 14 at 672, 4 x 4 of 16 at 1024). It needs ``grid % n == 0``;
    for the other sizes (only reachable when training at unusual sizes) we pad the grid up to ``n`` windows of
    ``ceil(grid / n)`` tokens and hide the padded tokens from attention, which gives the same partition the
    official code would give if it allowed uneven windows. Grids smaller than one window use one global window.
    """

    def __init__(self, grid_hw: Tuple[int, int], window_tokens: int):
        self.grid_h, self.grid_w = grid_hw
        self.windows_h = max(1, self.grid_h // window_tokens)
        self.windows_w = max(1, self.grid_w // window_tokens)
        self.win_h = -(-self.grid_h // self.windows_h)
        self.win_w = -(-self.grid_w // self.windows_w)
        self.pad_h = self.windows_h * self.win_h - self.grid_h
        self.pad_w = self.windows_w * self.win_w - self.grid_w

    @property
    def is_single_window(self) -> bool:
        return self.windows_h == 1 and self.windows_w == 1 and self.pad_h == 0 and self.pad_w == 0

    @property
    def is_padded(self) -> bool:
        return self.pad_h > 0 or self.pad_w > 0

    def split(self, tokens: torch.Tensor) -> torch.Tensor:
        """[B, gh*gw, D] -> [B*nh*nw, win_h*win_w, D] (windows in row-major order)."""
        dim = tokens.shape[-1]
        grid = tokens.reshape(-1, self.grid_h, self.grid_w, dim)
        if self.is_padded:
            grid = F.pad(grid, (0, 0, 0, self.pad_w, 0, self.pad_h))
        grid = grid.reshape(-1, self.windows_h, self.win_h, self.windows_w, self.win_w, dim)
        return grid.permute(0, 1, 3, 2, 4, 5).reshape(-1, self.win_h * self.win_w, dim)

    def merge(self, windows: torch.Tensor) -> torch.Tensor:
        """Inverse of :meth:`split`: [B*nh*nw, win_h*win_w, D] -> [B, gh*gw, D]."""
        dim = windows.shape[-1]
        grid = windows.reshape(-1, self.windows_h, self.windows_w, self.win_h, self.win_w, dim)
        grid = grid.permute(0, 1, 3, 2, 4, 5).reshape(
            -1, self.windows_h * self.win_h, self.windows_w * self.win_w, dim)
        if self.is_padded:
            grid = grid[:, : self.grid_h, : self.grid_w, :]
        return grid.reshape(-1, self.grid_h * self.grid_w, dim)

    def key_bias(self, batch: int, device, dtype) -> Optional[torch.Tensor]:
        """[B*nh*nw, 1, 1, win_h*win_w] additive bias hiding padded tokens, or None when nothing is padded."""
        if not self.is_padded:
            return None
        valid = torch.zeros(self.windows_h * self.win_h, self.windows_w * self.win_w, dtype=torch.bool)
        valid[: self.grid_h, : self.grid_w] = True
        valid = valid.reshape(self.windows_h, self.win_h, self.windows_w, self.win_w).permute(0, 2, 1, 3)
        valid = valid.reshape(self.windows_h * self.windows_w, 1, 1, self.win_h * self.win_w)
        bias = torch.zeros(valid.shape, dtype=dtype).masked_fill(~valid, float("-inf"))
        return bias.repeat(batch, 1, 1, 1).to(device)


class VisionTransformerBackbone(nn.Module):
    """Plain ViT: patch embedding, absolute position embedding, blocks with windowed or global attention."""

    def __init__(self, config: NetworkConfig, device=None):
        super().__init__()
        dim = config.embed_dim
        self.config = config
        # Slot 0 of pos_embed belongs to the unused class token (MAE layout); only slots 1.. are added.
        # (Attribute order = official state-dict order.)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim, device=device))
        self.pos_embed = nn.Parameter(torch.zeros(1, config.grid_size ** 2 + 1, dim, device=device))
        self.patch_embed = PatchEmbed(config.patch_size, dim, device=device)
        self.blocks = nn.ModuleList([Block(dim, config.num_heads, device=device) for _ in range(config.depth)])
        # Unused by the segmentation forward: the MAE classifier's norm and head.
        self.fc_norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS, device=device)
        self.head = nn.Linear(dim, UNUSED_CLASSIFIER_CLASSES, device=device)
        self._global = frozenset(config.global_blocks)

    def position_embedding(self, grid_hw: Tuple[int, int]) -> torch.Tensor:
        """[1, gh*gw, D] position embedding for a token grid, resized bicubically from the training grid."""
        size = self.config.grid_size
        pos = self.pos_embed[:, 1:, :]
        if tuple(grid_hw) == (size, size):
            return pos
        grid = resize_pos_embed_grid(pos.reshape(size, size, -1), grid_hw)
        return grid.reshape(1, grid_hw[0] * grid_hw[1], -1)

    def forward(self, image_tokens: torch.Tensor, click_tokens: torch.Tensor) -> torch.Tensor:
        """Both inputs [B, D, gh, gw] (patch-embedded); returns the last block's tokens [B, gh*gw, D]."""
        grid_hw = (int(image_tokens.shape[-2]), int(image_tokens.shape[-1]))
        x = (image_tokens + click_tokens).flatten(2).transpose(1, 2)
        x = x + self.position_embedding(grid_hw)

        windows = WindowLayout(grid_hw, self.config.window_tokens)
        key_bias = None
        if windows.is_padded:
            key_bias = windows.key_bias(x.shape[0], x.device, x.dtype)
        in_windows = False
        for index, block in enumerate(self.blocks):
            windowed = index not in self._global and not windows.is_single_window
            if windowed and not in_windows:
                x = windows.split(x)
                in_windows = True
            elif not windowed and in_windows:
                x = windows.merge(x)
                in_windows = False
            x = block(x, key_bias if in_windows else None)
        if in_windows:
            x = windows.merge(x)
        return x


# --------------------------------------------------------------------------------------------------------------
# Neck and head
# --------------------------------------------------------------------------------------------------------------

def _group_norm(channels: int, device=None) -> nn.GroupNorm:
    return nn.GroupNorm(1, channels, device=device)


class SimpleFeaturePyramid(nn.Module):
    """Four levels (strides 4, 8, 16, 32) from the last block's token map (ViTDet-style simple pyramid).

    Intermediate widths follow the official formulas: c4 = max(2*o0, D/2), c8 = max(o1, D/2), c32 = max(o3, 2*D).
    The Sequential indices reproduce the official state-dict keys (activations hold no weights).
    """

    def __init__(self, dim: int, out_dims: Sequence[int], device=None):
        super().__init__()
        o4, o8, o16, o32 = out_dims
        c4 = max(2 * o4, dim // 2)
        c8 = max(o8, dim // 2)
        c32 = max(o32, 2 * dim)
        self.down_4 = nn.Sequential(
            nn.ConvTranspose2d(dim, c4, 2, stride=2, device=device), _group_norm(c4, device), nn.GELU(),
            nn.ConvTranspose2d(c4, c4 // 2, 2, stride=2, device=device), _group_norm(c4 // 2, device),
            nn.Conv2d(c4 // 2, o4, 1, device=device), _group_norm(o4, device), nn.GELU(),
        )
        self.down_8 = nn.Sequential(
            nn.ConvTranspose2d(dim, c8, 2, stride=2, device=device), _group_norm(c8, device),
            nn.Conv2d(c8, o8, 1, device=device), _group_norm(o8, device), nn.GELU(),
        )
        self.down_16 = nn.Sequential(
            nn.Conv2d(dim, o16, 1, device=device), _group_norm(o16, device), nn.GELU(),
        )
        self.down_32 = nn.Sequential(
            nn.Conv2d(dim, c32, 2, stride=2, device=device), _group_norm(c32, device),
            nn.Conv2d(c32, o32, 1, device=device), _group_norm(o32, device), nn.GELU(),
        )

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        return [self.down_4(x), self.down_8(x), self.down_16(x), self.down_32(x)]


class ConvReLU(nn.Module):
    """1x1 conv with bias followed by ReLU (the official mmcv ConvModule without norm); key prefix ``conv.``."""

    def __init__(self, in_channels: int, out_channels: int, device=None):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 1, device=device)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x))


class SegmentationHead(nn.Module):
    """SegFormer-style all-MLP head: per-level 1x1 conv + ReLU, bilinear resize to the stride-4 level
    (align_corners=False), concat, fuse (1x1 conv + ReLU), 1x1 classifier. Output stride 4, one channel."""

    def __init__(self, in_channels: Sequence[int], channels: int, device=None):
        super().__init__()
        self.conv_seg = nn.Conv2d(channels, 1, 1, device=device)  # defined first: official key order
        self.convs = nn.ModuleList([ConvReLU(c, channels, device=device) for c in in_channels])
        self.fusion_conv = ConvReLU(channels * len(in_channels), channels, device=device)
        # Unused: the official head builds these for its 'x2'/'x4' upsample options; released models use 'x1'.
        half, quarter = channels // 2, channels // 4
        self.up_conv1 = nn.Sequential(
            nn.ConvTranspose2d(channels, half, 2, stride=2, device=device), _group_norm(half, device),
            nn.Conv2d(half, half, 1, device=device), _group_norm(half, device), nn.GELU(),
        )
        self.up_conv2 = nn.Sequential(
            nn.ConvTranspose2d(half, quarter, 2, stride=2, device=device), _group_norm(quarter, device),
            nn.Conv2d(quarter, quarter, 1, device=device), _group_norm(quarter, device), nn.GELU(),
        )

    def forward(self, levels: Sequence[torch.Tensor]) -> torch.Tensor:
        target_hw = levels[0].shape[-2:]
        outs = []
        for index, (level, conv) in enumerate(zip(levels, self.convs)):
            out = conv(level)
            if index > 0:  # level 0 already has the target size (the resize would be an exact identity)
                out = F.interpolate(out, size=target_hw, mode="bilinear", align_corners=False)
            outs.append(out)
        return self.conv_seg(self.fusion_conv(torch.cat(outs, dim=1)))


# --------------------------------------------------------------------------------------------------------------
# The whole network
# --------------------------------------------------------------------------------------------------------------

class SimpleClickNet(nn.Module):
    """SimpleClick: ``forward(image, click_maps) -> logits``, all [B, *, S, S] (see module docstring).

    Args:
        config: the layout (see :mod:`simpleclick.variants`).
        device: where to create the parameters; ``'meta'`` builds the structure without memory (shape checks).

    S may differ from ``config.img_size`` when it is a multiple of the patch size: the position embedding is then
    resized bicubically (as the official inference does) and the attention windows follow the official split.
    """

    def __init__(self, config: NetworkConfig, device=None):
        super().__init__()
        if not isinstance(config, NetworkConfig):
            raise TypeError(f"config must be a NetworkConfig, got {type(config).__name__}")
        self.config = config
        self.patch_embed_coords = PatchEmbed(config.patch_size, config.embed_dim, device=device)
        self.backbone = VisionTransformerBackbone(config, device=device)
        self.neck = SimpleFeaturePyramid(config.embed_dim, config.neck_dims, device=device)
        self.head = SegmentationHead(config.neck_dims, config.head_channels, device=device)
        # Training only: run the transformer blocks under autocast to this dtype (see forward). None: float32.
        self.backbone_autocast: Optional[torch.dtype] = None

    def check_input_size(self, height_px: int, width_px: int) -> None:
        """ValueError unless both sides are positive multiples of the patch size."""
        patch = self.config.patch_size
        for side in (height_px, width_px):
            if side <= 0 or side % patch:
                raise ValueError(
                    f"input size {height_px}x{width_px} is not a multiple of the patch size {patch} "
                    f"(variant {self.config.name})")

    def forward(self, image: torch.Tensor, click_maps: torch.Tensor) -> torch.Tensor:
        """image [B,3,S,S] RGB in [0,1]; click_maps [B,3,S,S] (prev. probability, positive, negative disks).

        Returns logits [B,1,S,S] (before sigmoid)."""
        if image.dim() != 4 or image.shape[1] != 3 or click_maps.shape != image.shape:
            raise ValueError(
                f"expected image and click_maps of the same shape [B,3,S,S], got {tuple(image.shape)} and "
                f"{tuple(click_maps.shape)}")
        height, width = int(image.shape[-2]), int(image.shape[-1])
        self.check_input_size(height, width)

        mean = torch.tensor(IMAGENET_MEAN, dtype=image.dtype, device=image.device).reshape(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD, dtype=image.dtype, device=image.device).reshape(1, 3, 1, 1)
        normalised = (image - mean) / std

        image_tokens = self.backbone.patch_embed(normalised)
        click_tokens = self.patch_embed_coords(click_maps)
        grid_h, grid_w = int(image_tokens.shape[-2]), int(image_tokens.shape[-1])
        if self.backbone_autocast is None:
            tokens = self.backbone(image_tokens, click_tokens)
        else:
            # Mixed precision for the transformer's matrix products only: they are most of the FLOPs, and CPU
            # matrix units (AMX) run them in bf16 several times faster. The neck and head stay float32, because
            # PyTorch's CPU bf16 kernels for bilinear upsampling and convolution backward are slower than float32.
            with torch.autocast(device_type=image.device.type, dtype=self.backbone_autocast):
                tokens = self.backbone(image_tokens, click_tokens)
            tokens = tokens.float()
        feature_map = tokens.transpose(1, 2).reshape(-1, self.config.embed_dim, grid_h, grid_w)

        logits = self.head(self.neck(feature_map))
        return F.interpolate(logits, size=(height, width), mode="bilinear", align_corners=True)

    def used_state_dict(self) -> Dict[str, torch.Tensor]:
        """The state dict without the tensors the forward never reads."""
        return {k: v for k, v in self.state_dict().items() if not is_unused_key(k)}


def initialise_weights(net: SimpleClickNet) -> None:
    """Random initialisation in the spirit of the official code (MAE ViT init): xavier-uniform linear layers and
    patch projections, N(0, 0.02) position embedding and class token, LayerNorm 1/0, PyTorch defaults for the
    convolutions of neck and head (the official SimpleFPN leaves them at the defaults too)."""
    for module in net.modules():
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            module.reset_parameters()
        elif isinstance(module, nn.GroupNorm):
            module.reset_parameters()
    for embed in (net.backbone.patch_embed, net.patch_embed_coords):
        weight = embed.proj.weight.data
        nn.init.xavier_uniform_(weight.view(weight.shape[0], -1))
        nn.init.zeros_(embed.proj.bias)
    nn.init.normal_(net.backbone.pos_embed, std=0.02)
    nn.init.normal_(net.backbone.cls_token, std=0.02)


def build_network(name_or_config: Union[str, NetworkConfig], seed: Optional[int] = None,
                  device=None) -> SimpleClickNet:
    """A randomly initialised network of a named variant or a config, in eval mode.

    With ``seed`` the weights are reproducible and the global RNG state is left untouched.
    """
    config = get_variant(name_or_config) if isinstance(name_or_config, str) else name_or_config
    if seed is None:
        net = SimpleClickNet(config, device=device)
        initialise_weights(net)
    else:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(seed))
            net = SimpleClickNet(config, device=device)
            initialise_weights(net)
    return net.eval()


def empty_network(config: NetworkConfig) -> SimpleClickNet:
    """A network with uninitialised CPU storage (fast for large variants whose weights are loaded next)."""
    return SimpleClickNet(config, device="meta").to_empty(device="cpu").eval()
