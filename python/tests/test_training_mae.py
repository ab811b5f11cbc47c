"""MAE pretraining pilot: masking, the loss on hidden patches, and a handover that fine-tuning accepts."""

import os

import torch

from simpleclick.network import build_network
from simpleclick.training.mae import MaskedAutoencoder, pretrain
from simpleclick.training.trainer import Trainer

from test_training_step import tiny_config, tiny_pack  # noqa: F401 - tiny_pack is a pytest fixture


def test_three_quarters_of_the_patches_are_hidden_and_patchify_is_row_major():
    net = build_network(tiny_config(size_px=64).network_config(), seed=0)  # 4 x 4 patches of 16
    model = MaskedAutoencoder(net)
    _, hidden = model(torch.rand(2, 3, 64, 64), torch.Generator().manual_seed(0))
    assert hidden.shape == (2, 16) and hidden.sum(dim=1).tolist() == [12, 12]
    image = torch.arange(3 * 64 * 64, dtype=torch.float32).reshape(1, 3, 64, 64)
    patches = model.patchify(image)
    # patch 1 is the second patch of the first row; its first value is pixel (row 0, col 16), channel 0
    assert patches[0, 1, 0] == image[0, 0, 0, 16] and patches[0, 4, 0] == image[0, 0, 16, 0]
    assert patches[0, 0, 1] == image[0, 1, 0, 0]  # channels vary fastest


def test_a_few_steps_lower_the_reconstruction_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    net = build_network(tiny_config(size_px=64).network_config(), seed=0)
    model = MaskedAutoencoder(net).train()
    images = torch.rand(4, 3, 64, 64).cumsum(dim=-1) / 64  # smooth ramps: predictable from the visible patches
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    losses = []
    for _ in range(30):
        loss, _ = model(images, torch.Generator().manual_seed(1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    assert losses[-1] < 0.5 * losses[0]


def test_pretrained_weights_start_a_fine_tuning_run(tiny_pack, tmp_path):  # noqa: F811
    config = tiny_config(pack=tiny_pack, size_px=64, batch_size=2, log_every_s=1e6)
    path = pretrain(str(tmp_path / "mae"), config, hours=0.5 / 3600, log=lambda _line: None)
    pretrained = torch.load(path, map_location="cpu")
    assert pretrained["step"] >= 1 and pretrained["mae_pretraining"]
    trainer = Trainer(str(tmp_path / "ft"), tiny_config(pack=tiny_pack, size_px=64, init_weights=path), out=None)
    loaded = trainer.net.state_dict()
    for key, value in pretrained["state_dict"].items():
        assert torch.equal(loaded[key], value), key
    assert os.path.exists(tmp_path / "mae" / "last.pth")


def test_init_weights_continues_a_trained_network_and_keeps_its_click_embedding_neck_and_head(
        tiny_pack, tmp_path):  # noqa: F811
    start = Trainer(str(tmp_path / "start"), tiny_config(pack=tiny_pack, size_px=64), out=None)
    start.save()
    start_state = {k: v.clone() for k, v in start.net.state_dict().items()}
    config = tiny_config(pack=tiny_pack, size_px=64, batch_size=2, log_every_s=1e6, seed=3,
                         init_weights=start.last_path)
    lines = []
    path = pretrain(str(tmp_path / "mae"), config, hours=0.5 / 3600, log=lines.append)
    state = torch.load(path, map_location="cpu")["state_dict"]
    assert any("trainer checkpoint" in line for line in lines), lines
    kept = [key for key in start_state if key.startswith(("patch_embed_coords.", "neck.", "head."))]
    assert len(kept) > 10
    for key in kept:
        assert torch.equal(state[key], start_state[key]), key
    # MAE trained the backbone from the start network's weights, not from a fresh initialisation (seed 3)
    block = "backbone.blocks.0.mlp.fc1.weight"
    assert not torch.equal(state[block], start_state[block])
    assert float((state[block] - start_state[block]).abs().max()) < 0.05


def test_a_stopped_stage_saves_last_pth_but_no_pretrained_pth_and_resumes_to_the_end(tiny_pack, tmp_path, monkeypatch):  # noqa: F811
    import simpleclick.training.mae as mae

    class StopAfterTwoSteps(mae.StopRequest):  # as if SIGTERM came during the second step
        def __init__(self):
            super().__init__()
            self.checks = 0

        @property
        def requested(self):
            self.checks += 1
            return 15 if self.checks > 2 else None

        @requested.setter
        def requested(self, _value):
            pass

    config = tiny_config(pack=tiny_pack, size_px=64, batch_size=2, log_every_s=1e6, max_steps=5)
    run = tmp_path / "mae"
    with monkeypatch.context() as patch:
        patch.setattr(mae, "StopRequest", StopAfterTwoSteps)
        assert pretrain(str(run), config, hours=None, log=lambda _line: None) is None
    assert not (run / "pretrained.pth").exists()
    stopped_at = torch.load(run / "last.pth", map_location="cpu")["step"]
    assert 1 <= stopped_at < 5
    path = pretrain(str(run), config, hours=None, resume=True, log=lambda _line: None)
    assert torch.load(path, map_location="cpu")["step"] == 5
