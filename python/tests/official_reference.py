"""An independent, functional forward pass that follows the official v1.0 code path step by step.

Used to check :class:`simpleclick.network.SimpleClickNet` against the official behaviour: it reads the weights
straight from a state dict and uses only torch.nn.functional, the official position-embedding interpolation
(``F.interpolate(mode='bicubic')``), the official block grouping (block i, 1-based, is global when
``i % group == 0`` with group 6 for 12 blocks else depth // 4) and the official ``patchify``/``unpatchify`` window
split (``n = grid // (224 // patch)`` windows of ``grid // n`` tokens), and resizes every head level, level 0
included, as the official head does.
"""

from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F

MEAN = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)


def _block(sd: Dict[str, torch.Tensor], i: int, x: torch.Tensor, heads: int,
           windows: Optional[List[torch.Tensor]] = None) -> torch.Tensor:
    p = f"backbone.blocks.{i}."
    b, n, c = x.shape
    h = F.layer_norm(x, (c,), sd[p + "norm1.weight"], sd[p + "norm1.bias"], 1e-6)
    qkv = F.linear(h, sd[p + "attn.qkv.weight"], sd[p + "attn.qkv.bias"])
    qkv = qkv.reshape(b, n, 3, heads, c // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if windows is None:
        attn = ((q @ k.transpose(-2, -1)) * (c // heads) ** -0.5).softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, n, c)
    else:  # explicit token index sets (used for uneven windows)
        out = torch.zeros(b, heads, n, c // heads)
        for index in windows:
            qw, kw, vw = q[:, :, index], k[:, :, index], v[:, :, index]
            attn = ((qw @ kw.transpose(-2, -1)) * (c // heads) ** -0.5).softmax(dim=-1)
            out[:, :, index] = attn @ vw
        out = out.transpose(1, 2).reshape(b, n, c)
    x = x + F.linear(out, sd[p + "attn.proj.weight"], sd[p + "attn.proj.bias"])
    h = F.layer_norm(x, (c,), sd[p + "norm2.weight"], sd[p + "norm2.bias"], 1e-6)
    h = F.linear(F.gelu(F.linear(h, sd[p + "mlp.fc1.weight"], sd[p + "mlp.fc1.bias"])),
                 sd[p + "mlp.fc2.weight"], sd[p + "mlp.fc2.bias"])
    return x + h


def _gn(sd, key, x):
    return F.group_norm(x, 1, sd[key + ".weight"], sd[key + ".bias"])


def _conv(sd, key, x, stride=1):
    return F.conv2d(x, sd[key + ".weight"], sd[key + ".bias"], stride=stride)


def _deconv(sd, key, x):
    return F.conv_transpose2d(x, sd[key + ".weight"], sd[key + ".bias"], stride=2)


def uneven_windows(grid: int, count: int) -> List[List[int]]:
    """Row (or column) index groups of ``count`` windows of ceil(grid / count) tokens (last one shorter)."""
    size = -(-grid // count)
    return [list(range(start, min(start + size, grid))) for start in range(0, grid, size)]


def reference_forward(sd: Dict[str, torch.Tensor], cfg, image: torch.Tensor, clicks: torch.Tensor,
                      explicit_windows: bool = False) -> torch.Tensor:
    patch, dim, depth, heads = cfg.patch_size, cfg.embed_dim, cfg.depth, cfg.num_heads
    batch, _, height, width = image.shape
    x = (image - MEAN) / STD
    x = F.conv2d(x, sd["backbone.patch_embed.proj.weight"], sd["backbone.patch_embed.proj.bias"], stride=patch)
    c = F.conv2d(clicks, sd["patch_embed_coords.proj.weight"], sd["patch_embed_coords.proj.bias"], stride=patch)
    gh, gw = x.shape[-2:]
    x = (x + c).flatten(2).transpose(1, 2)

    # interpolate_pos_embed_inference
    g0 = cfg.img_size // patch
    pos = sd["backbone.pos_embed"]
    if (gh, gw) != (g0, g0):
        tokens = pos[:, 1:].reshape(1, g0, g0, dim).permute(0, 3, 1, 2)
        tokens = F.interpolate(tokens, size=(gh, gw), mode="bicubic", align_corners=False)
        pos = torch.cat([pos[:, :1], tokens.permute(0, 2, 3, 1).flatten(1, 2)], dim=1)
    x = x + pos[:, 1:]

    win = 224 // patch
    nh, nw = gh // win, gw // win
    group = 6 if depth == 12 else depth // 4
    index_windows = None
    if explicit_windows:
        index_windows = [torch.tensor([r * gw + q for r in rows for q in cols])
                         for rows in uneven_windows(gh, max(1, nh)) for cols in uneven_windows(gw, max(1, nw))]

    def patchify(t):
        t = t.view(batch, nh, gh // nh, nw, gw // nw, dim).permute(0, 1, 3, 2, 4, 5).contiguous()
        return t.view(batch * nh * nw, gh * gw // (nh * nw), dim)

    def unpatchify(t):
        t = t.view(batch, nh, nw, gh // nh, gw // nw, dim).permute(0, 1, 3, 2, 4, 5).contiguous()
        return t.view(batch, gh * gw, dim)

    patched = False
    for i in range(1, depth + 1):
        if i % group:
            if explicit_windows:
                x = _block(sd, i - 1, x, heads, index_windows)
                continue
            if not patched:
                x, patched = patchify(x), True
        elif patched:
            x, patched = unpatchify(x), False
        x = _block(sd, i - 1, x, heads)
    feature = x.transpose(-1, -2).reshape(batch, dim, gh, gw)

    n = "neck."
    d4 = _deconv(sd, n + "down_4.0", feature)
    d4 = F.gelu(_gn(sd, n + "down_4.1", d4))
    d4 = _gn(sd, n + "down_4.4", _deconv(sd, n + "down_4.3", d4))
    d4 = F.gelu(_gn(sd, n + "down_4.6", _conv(sd, n + "down_4.5", d4)))
    d8 = _gn(sd, n + "down_8.1", _deconv(sd, n + "down_8.0", feature))
    d8 = F.gelu(_gn(sd, n + "down_8.3", _conv(sd, n + "down_8.2", d8)))
    d16 = F.gelu(_gn(sd, n + "down_16.1", _conv(sd, n + "down_16.0", feature)))
    d32 = _gn(sd, n + "down_32.1", _conv(sd, n + "down_32.0", feature, stride=2))
    d32 = F.gelu(_gn(sd, n + "down_32.3", _conv(sd, n + "down_32.2", d32)))

    levels: Sequence[torch.Tensor] = [d4, d8, d16, d32]
    outs = [F.interpolate(F.relu(_conv(sd, f"head.convs.{i}.conv", level)), size=d4.shape[2:], mode="bilinear",
                          align_corners=False) for i, level in enumerate(levels)]
    fused = F.relu(_conv(sd, "head.fusion_conv.conv", torch.cat(outs, dim=1)))
    logits = _conv(sd, "head.conv_seg", fused)
    return F.interpolate(logits, size=(height, width), mode="bilinear", align_corners=True)
