import json

import pytest

from simpleclick.variants import (OTHER_OFFICIAL_LAYOUTS, VARIANTS, NetworkConfig, get_variant, name_layout,
                                  official_global_blocks)


def test_variant_table_matches_design():
    # docs/network.md, variants (global blocks there are 1-based).
    expected = {
        "xtiny": (16, 160, 8, 4, (2, 4, 6, 8), (96, 192, 288, 384), 128),
        "base": (16, 768, 12, 12, (6, 12), (128, 256, 512, 1024), 256),
        "large": (16, 1024, 24, 16, (6, 12, 18, 24), (192, 384, 768, 1536), 256),
        "huge": (14, 1280, 32, 16, (8, 16, 24, 32), (240, 480, 960, 1920), 256),
    }
    assert set(VARIANTS) == set(expected)
    for name, (patch, dim, depth, heads, global_1based, neck, head) in expected.items():
        config = VARIANTS[name]
        assert (config.patch_size, config.embed_dim, config.depth, config.num_heads) == (patch, dim, depth, heads)
        assert config.global_blocks == tuple(i - 1 for i in global_1based)
        assert config.neck_dims == neck and config.head_channels == head
        assert config.img_size == 448 and config.window_tokens == 224 // patch


def test_official_global_rule():
    assert official_global_blocks(12) == (5, 11)
    assert official_global_blocks(8) == (1, 3, 5, 7)
    assert official_global_blocks(24) == (5, 11, 17, 23)
    assert official_global_blocks(6) == (0, 1, 2, 3, 4, 5)  # depth // 4 = 1: every block global


def test_with_overrides_and_json_round_trip():
    narrow = VARIANTS["xtiny"].with_overrides(neck_dims=(48, 96, 144, 192), head_channels=64, name="xtiny-narrow")
    assert narrow.neck_dims == (48, 96, 144, 192) and narrow.embed_dim == 160
    assert NetworkConfig.from_json(narrow.to_json()) == narrow
    assert json.loads(narrow.to_json())["global_blocks"] == [1, 3, 5, 7]
    patch14 = VARIANTS["base"].with_overrides(patch_size=14)
    assert patch14.window_tokens == 16
    deeper = VARIANTS["xtiny"].with_overrides(depth=12)
    assert deeper.global_blocks == (5, 11)
    with pytest.raises(ValueError, match="unknown NetworkConfig field"):
        VARIANTS["xtiny"].with_overrides(width=3)


@pytest.mark.parametrize("changes, message", [
    ({"embed_dim": 161}, "not divisible"),
    ({"global_blocks": (8,)}, "must lie in"),
    ({"neck_dims": (1, 2, 3)}, "4 positive"),
    ({"img_size": 450}, "multiple of patch_size"),
    ({"head_channels": 66}, "multiple of 4"),
    ({"depth": 0}, "positive"),
])
def test_invalid_configs_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        VARIANTS["xtiny"].with_overrides(**changes)


def test_get_variant_and_names():
    assert get_variant("ViT-B") is VARIANTS["base"]
    assert get_variant("base1024") is OTHER_OFFICIAL_LAYOUTS["base1024"]
    with pytest.raises(ValueError, match="unknown variant 'giant'"):
        get_variant("giant")
    assert name_layout(VARIANTS["base"].with_overrides(name="x", img_size=672)) == "base"
    assert name_layout(VARIANTS["base"].with_overrides(name="mine", head_channels=128)) == "mine"
