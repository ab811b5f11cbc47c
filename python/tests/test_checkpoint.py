import os
import sys

import pytest
import torch

from conftest import slow
from official_files import (FAKE_PACKAGES, fake_isegm, official_config, reference_shapes,
                            write_official_checkpoint, zero_state_dict)
from simpleclick.checkpoint import (CheckpointError, config_from_official, load_official_checkpoint,
                                    save_official_checkpoint)
from simpleclick.export import verification_inputs
from simpleclick.network import SimpleClickNet, build_network
from simpleclick.variants import OTHER_OFFICIAL_LAYOUTS, VARIANTS

LAYOUTS = {"xtiny448": VARIANTS["xtiny"], "base448": VARIANTS["base"], "large448": VARIANTS["large"],
           "huge448": VARIANTS["huge"], "base1024": OTHER_OFFICIAL_LAYOUTS["base1024"]}


def _isegm_importable() -> bool:
    try:
        __import__("isegm")
    except ImportError:
        return False
    return True


@pytest.fixture
def xtiny_file(tmp_path):
    net = build_network("xtiny", seed=2)
    path = write_official_checkpoint(tmp_path / "sbd_vit_xtiny.pth", net.state_dict(), net.config)
    return net, path


def test_official_file_with_foreign_pickled_config_loads_strictly(xtiny_file):
    original, path = xtiny_file
    assert not _isegm_importable() and not any(name in sys.modules for name in FAKE_PACKAGES)
    net, info = load_official_checkpoint(path)
    assert info["variant"] == "xtiny" and info["config_source"] == "checkpoint config"
    assert info["config"] == VARIANTS["xtiny"]
    assert info["training_data"] == "SBD (guessed from the file name)" and info["file_name"] == "sbd_vit_xtiny.pth"
    assert info["trained"] is True and info["provenance"].trained_basis == "file-name guess"
    assert "isegm.model.modeling.transformer_helper.cross_entropy_loss.CrossEntropyLoss" in \
        info["substituted_classes"]
    for key, tensor in original.state_dict().items():
        assert torch.equal(net.state_dict()[key], tensor), key
    image, clicks = (torch.from_numpy(a) for a in verification_inputs(1, 448))
    with torch.no_grad():
        assert torch.equal(net(image, clicks), original(image, clicks))


@pytest.mark.parametrize("name", ["base448", "base1024"])
def test_official_files_of_other_layouts_load(tmp_path, name):
    path = write_official_checkpoint(tmp_path / f"cocolvis_{name}.pth", zero_state_dict(name), LAYOUTS[name])
    net, info = load_official_checkpoint(path)
    assert info["variant"] == name.replace("448", "")
    assert info["training_data"] == "COCO+LVIS (guessed from the file name)"
    assert info["provenance"].training_data_basis == "file-name guess"
    assert info["trained"] is None  # cocolvis_base448.pth is not a released name: nothing says it was trained
    assert {k: list(v.shape) for k, v in net.state_dict().items()} == reference_shapes(name)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_architecture_is_read_from_the_official_config(name):
    with fake_isegm() as leaf:
        config = official_config(LAYOUTS[name], leaf.CrossEntropyLoss())
    parsed = config_from_official(config)
    assert parsed.same_layout(LAYOUTS[name]) and parsed.name == name.replace("448", "")
    net = SimpleClickNet(parsed, device="meta")
    net.load_state_dict({k: torch.empty(s, device="meta") for k, s in reference_shapes(name).items()}, strict=True)


@slow
@pytest.mark.parametrize("name", ["large448", "huge448"])
def test_official_files_of_large_variants_load(tmp_path, name):
    path = write_official_checkpoint(tmp_path / f"sbd_{name}.pth", zero_state_dict(name), LAYOUTS[name])
    net, info = load_official_checkpoint(path)
    assert info["config"] == LAYOUTS[name]


def test_file_name_does_not_decide_the_architecture(tmp_path):
    net = build_network("xtiny", seed=0)
    path = write_official_checkpoint(tmp_path / "sbd_vit_huge.pth", net.state_dict(), net.config)
    _, info = load_official_checkpoint(path)
    assert info["variant"] == "xtiny"


def test_bare_state_dict_falls_back_to_shapes(tmp_path):
    net = build_network("xtiny", seed=0)
    torch.save(net.state_dict(), tmp_path / "weights.pth")
    loaded, info = load_official_checkpoint(tmp_path / "weights.pth")
    assert info["config_source"] == "state-dict shapes" and info["config"] == VARIANTS["xtiny"]
    torch.save({"state_dict": zero_state_dict("base1024")}, tmp_path / "noconfig.pth")
    _, info = load_official_checkpoint(tmp_path / "noconfig.pth")
    assert info["variant"] == "base1024"


def test_shapes_cannot_tell_heads_of_an_unknown_trunk(tmp_path):
    net = build_network(VARIANTS["xtiny"].with_overrides(depth=4, name="tiny4"), seed=0)
    torch.save({"state_dict": net.state_dict()}, tmp_path / "x.pth")
    with pytest.raises(CheckpointError, match="cannot infer the number of attention heads"):
        load_official_checkpoint(tmp_path / "x.pth")


def test_save_and_load_round_trip_keeps_custom_layout(tmp_path):
    config = VARIANTS["xtiny"].with_overrides(neck_dims=(48, 96, 144, 192), head_channels=64, name="xtiny-narrow",
                                              global_blocks=(3, 7))
    net = build_network(config, seed=0)
    path = save_official_checkpoint(net, tmp_path / "ckpt" / "mine.pth", extra={"epoch": 3})
    assert not list(path.parent.glob("*.partial"))
    loaded, info = load_official_checkpoint(path)
    assert info["config"] == config and info["config_source"] == "simpleclick config"
    assert info["extra_keys"] == ["epoch"]
    raw = torch.load(str(path))
    assert raw["config"]["class"] == "isegm.model.is_plainvit_model.PlainVitModel"
    assert raw["config"]["params"]["neck_params"]["value"]["out_dims"] == [48, 96, 144, 192]
    for key, tensor in net.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], tensor)


# ---- errors: one clear line each ----------------------------------------------------------------------------

def _error(path) -> str:
    with pytest.raises(CheckpointError) as caught:
        load_official_checkpoint(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_missing_empty_and_directory(tmp_path):
    assert "not found" in _error(tmp_path / "nope.pth")
    (tmp_path / "empty.pth").write_bytes(b"")
    assert "empty" in _error(tmp_path / "empty.pth")
    assert "not a file" in _error(tmp_path)


def test_truncated_file(xtiny_file, tmp_path):
    _, path = xtiny_file
    data = path.read_bytes()
    for cut in (len(data) // 2, 100):
        truncated = tmp_path / f"cut{cut}.pth"
        truncated.write_bytes(data[:cut])
        assert "truncated or corrupt" in _error(truncated)


def test_truncated_legacy_file(tmp_path):
    net = build_network("xtiny", seed=0)
    path = tmp_path / "legacy.pth"
    torch.save({"state_dict": net.state_dict()}, str(path), _use_new_zipfile_serialization=False)
    assert load_official_checkpoint(path)[1]["variant"] == "xtiny"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "truncated or corrupt" in _error(path)


def test_not_a_checkpoint(tmp_path):
    (tmp_path / "text.pth").write_text("hello\n" * 100)
    assert "not a readable PyTorch checkpoint" in _error(tmp_path / "text.pth")
    torch.save([1, 2, 3], tmp_path / "list.pth")
    assert "list of 3 models" in _error(tmp_path / "list.pth")
    torch.save({"model": {"pos_embed": torch.zeros(1)}}, tmp_path / "mae.pth")
    assert "MAE" in _error(tmp_path / "mae.pth")


def test_checkpoint_of_another_model(tmp_path):
    net = build_network("xtiny", seed=0)
    path = write_official_checkpoint(tmp_path / "coco_lvis_h18_itermask.pth",
                                     {"feature_extractor.conv1.weight": torch.zeros(64, 3, 3, 3)}, net.config,
                                     model_class="isegm.model.is_hrnet_model.HRNetModel")
    assert "not a SimpleClick checkpoint: it holds a isegm.model.is_hrnet_model.HRNetModel model" in _error(path)
    torch.save({"state_dict": {"fc.weight": torch.zeros(2, 2)}}, tmp_path / "other.pth")
    assert "not a SimpleClick checkpoint: its state dict lacks" in _error(tmp_path / "other.pth")


@pytest.mark.parametrize("changes, message", [
    ({"head": {"upsample": "x4"}}, "upsample 'x4'"),
    ({"backbone": {"mlp_ratio": 3}}, "mlp_ratio 3"),
    ({"with_prev_mask": False}, "no previous-mask input"),
    ({"backbone": {"img_size": (448, 224)}}, "non-square image size"),
])
def test_unknown_architecture(tmp_path, changes, message):
    net = build_network("xtiny", seed=0)
    path = write_official_checkpoint(tmp_path / "x.pth", net.state_dict(), net.config, **changes)
    text = _error(path)
    assert "unknown architecture" in text and message in text


def test_key_and_shape_mismatch(tmp_path):
    net = build_network("xtiny", seed=0)
    state = dict(net.state_dict())
    del state["backbone.blocks.3.mlp.fc1.bias"]
    path = write_official_checkpoint(tmp_path / "missing.pth", state, net.config)
    assert "1 missing key(s) e.g. backbone.blocks.3.mlp.fc1.bias" in _error(path)
    # A ViT-B config with xTiny weights.
    path = write_official_checkpoint(tmp_path / "mixed.pth", net.state_dict(), VARIANTS["base"])
    text = _error(path)
    assert "does not match its checkpoint config (base)" in text and "shape mismatch" in text


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch EVIL_MARKER",))


def test_pickled_code_is_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = build_network("xtiny", seed=0)
    with fake_isegm() as leaf:
        config = official_config(net.config, leaf.CrossEntropyLoss())
    config["params"]["head_params"]["value"]["loss_decode"] = _Evil()
    torch.save({"state_dict": net.state_dict(), "config": config}, tmp_path / "evil.pth")
    _, info = load_official_checkpoint(tmp_path / "evil.pth")
    assert not (tmp_path / "EVIL_MARKER").exists()
    assert any(name.endswith(".system") for name in info["substituted_classes"])
