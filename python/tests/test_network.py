import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import REFERENCE_SHAPES
from official_reference import reference_forward
from simpleclick.export import verification_inputs
from simpleclick.network import (SimpleClickNet, WindowLayout, bicubic_resize_matrix, build_network,
                                 is_unused_key, resize_pos_embed_grid)
from simpleclick.variants import OTHER_OFFICIAL_LAYOUTS, VARIANTS

LAYOUTS = {"xtiny448": VARIANTS["xtiny"], "base448": VARIANTS["base"], "large448": VARIANTS["large"],
           "huge448": VARIANTS["huge"], "base1024": OTHER_OFFICIAL_LAYOUTS["base1024"]}
# docs/network.md (variants) parameter counts (millions, whole official state dict).
PARAMS_M = {"xtiny448": 4.05, "base448": 98.0, "large448": 324.0, "huge448": 662.0}


@pytest.fixture(scope="module")
def reference_shapes():
    return json.loads(REFERENCE_SHAPES.read_text())


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_state_dict_keys_and_shapes_equal_official(name, reference_shapes):
    net = SimpleClickNet(LAYOUTS[name], device="meta")
    ours = {key: list(tensor.shape) for key, tensor in net.state_dict().items()}
    assert ours == reference_shapes[name]
    assert list(ours) == list(reference_shapes[name])  # same order as the official files, too
    if name in PARAMS_M:
        total = sum(np.prod(shape) for shape in ours.values()) / 1e6
        assert total == pytest.approx(PARAMS_M[name], rel=0.01)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_strict_loading_of_official_layout(name, reference_shapes):
    net = SimpleClickNet(LAYOUTS[name], device="meta")
    state = {key: torch.empty(shape, device="meta") for key, shape in reference_shapes[name].items()}
    net.load_state_dict(state, strict=True)
    unused = [key for key in state if is_unused_key(key)]
    assert sorted({key.split(".")[0] + "." + key.split(".")[1] for key in unused}) == [
        "backbone.cls_token", "backbone.fc_norm", "backbone.head", "head.up_conv1", "head.up_conv2"]


@pytest.mark.parametrize("size_in, size_out", [(28, 42), (28, 20), (32, 48), (28, 27), (64, 28), (28, 28)])
def test_bicubic_matrices_reproduce_torch_interpolate(size_in, size_out):
    grid = torch.randn(1, 7, size_in, size_in, generator=torch.Generator().manual_seed(0))
    expected = F.interpolate(grid, size=(size_out, size_out), mode="bicubic", align_corners=False)[0]
    ours = resize_pos_embed_grid(grid[0].permute(1, 2, 0), (size_out, size_out)).permute(2, 0, 1)
    assert torch.allclose(ours, expected, atol=3e-5)
    assert np.allclose(bicubic_resize_matrix(size_in, size_out).sum(axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def xtiny():
    return build_network("xtiny", seed=1)


def _inputs(batch, size, seed=3):
    image, clicks = verification_inputs(batch, size, seed=seed)
    return torch.from_numpy(image), torch.from_numpy(clicks)


@pytest.mark.parametrize("size", [448, 672, 320])
def test_forward_matches_official_code_path(xtiny, size):
    image, clicks = _inputs(1, size)
    with torch.no_grad():
        ours = xtiny(image, clicks)
        official = reference_forward(xtiny.state_dict(), xtiny.config, image, clicks)
    assert ours.shape == (1, 1, size, size)
    assert (ours - official).abs().max().item() < 1e-5


def test_reference_comparison_is_sensitive_to_the_window_layout(xtiny):
    # If windows were ignored (all blocks global) the outputs would differ clearly: the check above can fail.
    image, clicks = _inputs(1, 448)
    all_global = SimpleClickNet(xtiny.config.with_overrides(global_blocks=tuple(range(8))))
    all_global.load_state_dict(xtiny.state_dict())
    with torch.no_grad():
        difference = (all_global.eval()(image, clicks) - xtiny(image, clicks)).abs().max().item()
    assert difference > 1e-3


def test_uneven_windows_are_padded_and_masked(xtiny):
    # 464 px = 29 tokens: the official split needs 2 equal windows (impossible); we use 15 + 14 tokens.
    layout = WindowLayout((29, 29), 14)
    assert (layout.windows_h, layout.win_h, layout.pad_h) == (2, 15, 1)
    image, clicks = _inputs(1, 464)
    with torch.no_grad():
        ours = xtiny(image, clicks)
        explicit = reference_forward(xtiny.state_dict(), xtiny.config, image, clicks, explicit_windows=True)
    assert (ours - explicit).abs().max().item() < 1e-5


def test_batch_items_are_independent(xtiny):
    image, clicks = _inputs(2, 448)
    with torch.no_grad():
        both = xtiny(image, clicks)
        second = xtiny(image[1:], clicks[1:])
    assert (both[1:] - second).abs().max().item() < 1e-5


def test_input_size_must_be_multiple_of_patch(xtiny):
    with pytest.raises(ValueError, match="not a multiple of the patch size 16"):
        xtiny(torch.zeros(1, 3, 450, 450), torch.zeros(1, 3, 450, 450))
    with pytest.raises(ValueError, match="same shape"):
        xtiny(torch.zeros(1, 3, 448, 448), torch.zeros(1, 2, 448, 448))


def test_seeded_build_is_reproducible_and_keeps_global_rng():
    torch.manual_seed(123)
    before = torch.rand(1).item()
    torch.manual_seed(123)
    a = build_network("xtiny", seed=5)
    after = torch.rand(1).item()
    b = build_network("xtiny", seed=5)
    c = build_network("xtiny", seed=6)
    assert before == after
    for key, tensor in a.state_dict().items():
        assert torch.equal(tensor, b.state_dict()[key])
    assert not torch.equal(a.backbone.pos_embed, c.backbone.pos_embed)


def test_gradients_flow_for_training_at_lower_resolution():
    net = build_network(VARIANTS["xtiny"].with_overrides(neck_dims=(48, 96, 144, 192), head_channels=64), seed=0)
    net.train()
    image, clicks = _inputs(2, 320)
    net(image, clicks).mean().backward()
    assert net.backbone.pos_embed.grad is not None and net.backbone.pos_embed.grad.abs().sum() > 0
    assert net.patch_embed_coords.proj.weight.grad.abs().sum() > 0
    assert net.backbone.cls_token.grad is None  # unused tensors stay out of the graph
