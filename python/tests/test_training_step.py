"""One tiny training setup end to end: pack format, samples, a training step that lowers the loss, resume."""

import os

import numpy as np
import pytest
import scipy.io
import torch
from PIL import Image

from simpleclick.network import build_network
from simpleclick.training.batches import SampleOptions, SampleSource
from simpleclick.training.pack_data import Packer, DEFAULT_MIN_AREA
from simpleclick.training.pack_format import PackImage, PackLayer, TrainPack, encode_jpeg, encode_label_png, write_pack
from simpleclick.training.trainer import StepRunner, TrainConfig, Trainer, make_optimizer, network_from_checkpoint

TINY = {"embed_dim": 32, "depth": 2, "num_heads": 2, "global_blocks": (1,), "neck_dims": (8, 8, 8, 8),
        "head_channels": 8}


def tiny_config(**kw) -> TrainConfig:
    base = dict(size_px=64, batch_size=2, lr=2e-3, warmup_steps=1, network_overrides=dict(TINY), threads=1,
                checkpoint_every_min=1e6, log_every_s=1e6)
    base.update(kw)
    return TrainConfig(**base)


def disk_image(seed: int, size=80):
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 60, size=(size, size, 3)).astype(np.uint8)
    rows, cols = np.mgrid[0:size, 0:size]
    labels = np.zeros((size, size), dtype=np.int32)
    labels[(rows - 30) ** 2 + (cols - 35) ** 2 < 15 ** 2] = 1
    labels[(rows > 55) & (cols > 50)] = 2
    image[labels == 1] = (220, 40, 40)
    image[labels == 2] = (40, 200, 60)
    return image, labels


@pytest.fixture()
def tiny_pack(tmp_path):
    images = []
    for i in range(3):
        image, labels = disk_image(i)
        images.append(PackImage("BSDS500", str(i), 80, 80, encode_jpeg(image, 90),
                                [PackLayer(encode_label_png(labels), [1, 2])]))
    path = str(tmp_path / "pack.bin")
    write_pack(path, images, {"test": True}, "test")
    return path


def test_pack_round_trip(tiny_pack):
    pack = TrainPack(tiny_pack)
    assert len(pack) == 3 and pack.objects(0) == [(0, 1), (0, 2)]
    _, labels = disk_image(0)
    assert np.array_equal(pack.layer(0, 0), labels)
    assert pack.image(1).shape == (80, 80, 3)
    assert pack.index["datasets"]["BSDS500"] == {"images": 3, "objects": 6}


def test_label_png_16_bit(tmp_path):
    labels = np.arange(600, dtype=np.int32).reshape(20, 30)
    from simpleclick.training.pack_format import decode_label_png
    assert np.array_equal(decode_label_png(encode_label_png(labels)), labels)


def test_samples_are_deterministic_and_well_formed(tiny_pack):
    options = SampleOptions(size_px=64, source_weights={"BSDS500": 1.0, "synthetic": 0.5, "copy-paste": 0.0})
    source = SampleSource(TrainPack(tiny_pack), options, seed=5)
    for index in range(12):
        sample = source.sample(index)
        again = source.sample(index)
        assert all(np.array_equal(sample[k], again[k]) for k in sample)
        assert sample["image"].shape == (3, 64, 64) and sample["gt"].shape == (1, 64, 64)
        assert 0.0 <= sample["image"].min() and sample["image"].max() <= 1.0
        gt = sample["gt"][0] > 0.5
        positives = [p for p in sample["positives"] if p[0] >= 0]
        negatives = [p for p in sample["negatives"] if p[0] >= 0]
        assert positives and all(gt[r, c] for r, c in positives)
        assert all(not gt[r, c] for r, c in negatives)


def test_bsds_packer_skips_excluded_ids(tmp_path):
    root = tmp_path / "data" / "BSDS500"
    for split in ("train", "val", "test"):
        (root / "images" / split).mkdir(parents=True)
        (root / "groundTruth" / split).mkdir(parents=True)
    (root / "EXCLUDE_FROM_TRAINING.txt").write_text("# evaluation ids\n222\n")
    for image_id in ("111", "222"):
        image, labels = disk_image(int(image_id))
        Image.fromarray(image).save(root / "images" / "train" / f"{image_id}.jpg")
        cell = np.empty((1, 1), dtype=object)
        cell[0, 0] = {"Segmentation": (labels + 1).astype(np.uint16), "Boundaries": np.zeros_like(labels, np.uint8)}
        scipy.io.savemat(str(root / "groundTruth" / "train" / f"{image_id}.mat"), {"groundTruth": cell})
    packer = Packer(str(tmp_path / "data"), 352, 85, 0.8, 0.9, dict(DEFAULT_MIN_AREA))
    packed = list(packer.bsds500())
    assert [p.image_id for p in packed] == ["111"]
    # regions: background (largest, < 80%), the disk, the corner block
    assert len(packed[0].layers[0].object_labels) == 3


def fixed_batch(seed=0, batch=2, size=64):
    image, labels = disk_image(seed, size)
    images = torch.from_numpy(image.transpose(2, 0, 1).astype(np.float32) / 255).unsqueeze(0).repeat(batch, 1, 1, 1)
    gt = torch.from_numpy((labels == 1).astype(np.float32))[None, None].repeat(batch, 1, 1, 1)
    positives = np.full((batch, 27, 2), -1, dtype=np.int32)
    negatives = np.full((batch, 27, 2), -1, dtype=np.int32)
    positives[:, 0] = (30, 35)
    negatives[:, 0] = (5, 5)
    return {"image": images, "gt": gt, "positives": torch.from_numpy(positives),
            "negatives": torch.from_numpy(negatives)}


def test_training_steps_lower_the_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    config = tiny_config()
    net = build_network(config.network_config(), seed=0)
    runner = StepRunner(net, make_optimizer(net, config), config, torch.device("cpu"))
    batch = fixed_batch()
    rng = np.random.default_rng(0)
    losses = [runner.step(batch, 0, rng, 2e-3)["loss"] for _ in range(12)]
    assert losses[-1] < 0.85 * losses[0], losses
    assert sum(b < a for a, b in zip(losses, losses[1:])) >= 9, losses  # mostly monotone
    # an iterative round adds one click per sample and still trains
    stats = runner.step(batch, 2, rng, 2e-3)
    assert np.isfinite(stats["loss"]) and stats["rounds"] == 2


def test_trainer_checkpoints_and_resumes(tiny_pack, tmp_path):
    run = str(tmp_path / "run")
    config = tiny_config(pack=tiny_pack, max_steps=2, source_weights={"BSDS500": 1.0})
    Trainer(run, config, out=None).run()
    net, checkpoint = network_from_checkpoint(os.path.join(run, "checkpoints", "last.pth"))
    assert checkpoint["step"] == 2 and net.config.img_size == 64
    with pytest.raises(SystemExit):
        Trainer(run, config, out=None)  # an existing run is never overwritten silently
    config.max_steps = 4
    trainer = Trainer(run, config, resume=True, out=None)
    assert trainer.step == 2
    trainer.run()
    _, checkpoint = network_from_checkpoint(os.path.join(run, "checkpoints", "final.pth"))
    assert checkpoint["step"] == 4
    assert os.path.exists(os.path.join(run, "train.log"))
    with open(os.path.join(run, "metrics.csv")) as handle:
        assert len(handle.read().strip().splitlines()) == 1 + 4


def test_init_weights_starts_a_new_run_from_a_trainer_checkpoint(tiny_pack, tmp_path):
    source_run = str(tmp_path / "source")
    Trainer(source_run, tiny_config(pack=tiny_pack, max_steps=1, source_weights={"BSDS500": 1.0}), out=None).run()
    source_net, _ = network_from_checkpoint(os.path.join(source_run, "checkpoints", "final.pth"))
    config = tiny_config(pack=tiny_pack, max_steps=1, seed=7, init_weights=os.path.join(source_run, "checkpoints",
                                                                                          "final.pth"))
    trainer = Trainer(str(tmp_path / "tuned"), config, out=None)
    assert trainer.step == 0  # a new schedule, not a resume
    expected = source_net.state_dict()
    assert all(torch.equal(value, expected[key]) for key, value in trainer.net.state_dict().items())
    with open(os.path.join(str(tmp_path / "tuned"), "train.log")) as handle:
        assert "trainer checkpoint at step 1" in handle.read()


def test_init_weights_from_an_official_checkpoint_resizes_the_position_embedding_like_pytorch(tmp_path):
    from simpleclick.checkpoint import save_official_checkpoint
    official = build_network(tiny_config(size_px=64).network_config(), seed=3)  # 4 x 4 tokens
    path = save_official_checkpoint(official, tmp_path / "official.pth")
    trainer = Trainer(str(tmp_path / "run"), tiny_config(size_px=96, init_weights=str(path)), out=None)  # 6 x 6
    loaded = trainer.net.state_dict()
    for key, value in official.state_dict().items():
        if key != "backbone.pos_embed":
            assert torch.equal(loaded[key], value), key
    stored = official.state_dict()["backbone.pos_embed"]
    grid = stored[0, 1:].reshape(4, 4, -1).permute(2, 0, 1)[None]
    expected = torch.nn.functional.interpolate(grid, size=(6, 6), mode="bicubic", align_corners=False)
    assert torch.equal(loaded["backbone.pos_embed"][:, :1], stored[:, :1])
    assert torch.allclose(loaded["backbone.pos_embed"][0, 1:], expected[0].permute(1, 2, 0).reshape(36, -1), atol=1e-6)


def test_init_weights_rejects_another_layout_and_unreadable_files(tmp_path):
    other = build_network(tiny_config(network_overrides=dict(TINY, head_channels=16)).network_config(), seed=0)
    from simpleclick.checkpoint import save_official_checkpoint
    path = save_official_checkpoint(other, tmp_path / "other.pth")
    with pytest.raises(SystemExit, match="layout differs.*head 16 vs 8"):
        Trainer(str(tmp_path / "a"), tiny_config(init_weights=str(path)), out=None)
    broken = tmp_path / "broken.pth"
    broken.write_bytes(path.read_bytes()[:100])
    with pytest.raises(SystemExit, match="--init-weights: broken.pth is truncated or corrupt"):
        Trainer(str(tmp_path / "b"), tiny_config(init_weights=str(broken)), out=None)
    with pytest.raises(SystemExit, match="--init-weights: checkpoint not found"):
        Trainer(str(tmp_path / "c"), tiny_config(init_weights=str(tmp_path / "missing.pth")), out=None)


def test_init_weights_from_an_exported_onnx_model_gives_back_the_exported_network(tmp_path):
    """The shipped ONNX model is a valid start: every parameter that reaches the output comes back bit for bit,
    and the network rebuilt from it gives the exporter's network's logits."""
    from simpleclick.export import export_onnx
    from simpleclick.network import is_unused_key
    exported = build_network(tiny_config(size_px=64).network_config(), seed=5).eval()
    path = tmp_path / "model.onnx"
    export_onnx(exported, path, size_px=64, metadata={"trained": "true", "training_data": "test", "source": "t"},
                verify=False)
    trainer = Trainer(str(tmp_path / "run"), tiny_config(size_px=64, init_weights=str(path)), out=None)
    loaded = trainer.net.state_dict()
    for key, value in exported.state_dict().items():
        if not is_unused_key(key):
            assert torch.equal(loaded[key], value), key
    trainer.net.eval()
    trainer.net.backbone_autocast = None  # float32 like the exporter's (the trainer picks bf16 on a CPU with AMX)
    generator = torch.Generator().manual_seed(0)
    image, click_maps = torch.rand(1, 3, 64, 64, generator=generator), torch.zeros(1, 3, 64, 64)
    click_maps[0, 1, 30:34, 30:34] = 1
    with torch.no_grad():
        assert torch.equal(trainer.net(image, click_maps), exported(image, click_maps))
    with open(os.path.join(str(tmp_path / "run"), "train.log")) as handle:
        assert "exported model" in handle.read()


def test_init_weights_rejects_an_onnx_file_without_simpleclick_metadata(tmp_path):
    broken = tmp_path / "not-a-model.onnx"
    broken.write_bytes(b"\x08\x07garbage")
    with pytest.raises(SystemExit, match="--init-weights: not-a-model.onnx"):
        Trainer(str(tmp_path / "a"), tiny_config(init_weights=str(broken)), out=None)


def test_sigterm_stops_the_run_after_the_current_step_and_saves_a_checkpoint(tiny_pack, tmp_path):
    """A session's end (SIGTERM) or an interrupt of a background job (SIGINT, ignored by default there) must not
    lose the steps since the last checkpoint."""
    import signal
    import subprocess
    import sys
    import time
    run = tmp_path / "run"
    script = ("import sys; sys.path.insert(0, {python!r}); "
              "from tests.test_training_step import tiny_config; from simpleclick.training.trainer import Trainer; "
              "from simpleclick.training.trainer import EXIT_STOPPED; "
              "sys.exit(0 if Trainer({run!r}, tiny_config(pack={pack!r}, max_steps=10 ** 6), out=None).run() "
              "else EXIT_STOPPED)").format(
        python=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), run=str(run), pack=tiny_pack)
    process = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
    try:
        deadline = time.time() + 120
        while time.time() < deadline:  # wait for a few logged steps
            metrics = run / "metrics.csv"
            if metrics.exists() and len(metrics.read_text().splitlines()) > 3:
                break
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == 75  # EXIT_STOPPED: not 0, so that run_all.sh stops there
    finally:
        process.kill()
    log = (run / "train.log").read_text()
    assert "signal 15: saving" in log
    _, checkpoint = network_from_checkpoint(str(run / "checkpoints" / "last.pth"))
    assert checkpoint["step"] >= 3
