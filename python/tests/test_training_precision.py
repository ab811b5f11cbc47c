"""Mixed precision of CPU training: the transformer under bf16 autocast on CPUs with bf16 matrix units."""

import numpy as np
import pytest
import torch

from simpleclick.network import build_network
from simpleclick.training import runtime, trainer
from simpleclick.training.trainer import StepRunner, make_optimizer
from test_training_step import fixed_batch, tiny_config


@pytest.mark.parametrize("flags, expected", [
    ("fpu sse avx512f amx_bf16 amx_tile", True),
    ("fpu sse avx512f avx512_bf16", True),
    ("fpu sse avx2 avx512f", False),
])
def test_bf16_units_are_read_from_the_cpu_flags(tmp_path, flags, expected):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: test\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: fpu\n")
    assert runtime.cpu_has_fast_bf16(str(cpuinfo)) is expected


def test_no_cpuinfo_means_no_bf16(tmp_path):
    assert runtime.cpu_has_fast_bf16(str(tmp_path / "absent")) is False


@pytest.mark.parametrize("amp, has_units, expected", [
    (True, True, "bf16 backbone"), (True, False, "fp32"), (False, True, "fp32")])
def test_the_runner_picks_bf16_only_with_amp_on_a_cpu_with_bf16_units(monkeypatch, amp, has_units, expected):
    monkeypatch.setattr(trainer, "cpu_has_fast_bf16", lambda: has_units)
    config = tiny_config(amp=amp)
    net = build_network(config.network_config(), seed=0)
    runner = StepRunner(net, make_optimizer(net, config), config, torch.device("cpu"))
    assert runner.precision == expected
    assert net.backbone_autocast == (torch.bfloat16 if expected == "bf16 backbone" else None)


def test_a_bf16_backbone_keeps_float32_logits_and_weights_and_agrees_with_float32():
    config = tiny_config()
    net = build_network(config.network_config(), seed=0).eval()
    batch = fixed_batch()
    maps = torch.zeros(2, 3, 64, 64)
    maps[:, 1, 28:36, 28:36] = 1
    with torch.no_grad():
        reference = net(batch["image"], maps)
        net.backbone_autocast = torch.bfloat16
        mixed = net(batch["image"], maps)
    assert mixed.dtype == torch.float32
    # bf16 keeps 8 mantissa bits: logits agree to about 1 % of their scale, and the masks almost everywhere.
    scale = float(reference.abs().max())
    assert float((mixed - reference).abs().max()) < 0.03 * scale + 1e-3
    assert float(((mixed > 0) == (reference > 0)).float().mean()) > 0.99
    assert not torch.equal(mixed, reference)  # the autocast did run


def test_bf16_training_steps_lower_the_loss_and_keep_float32_parameters(monkeypatch):
    monkeypatch.setattr(trainer, "cpu_has_fast_bf16", lambda: True)
    torch.manual_seed(0)
    config = tiny_config()
    net = build_network(config.network_config(), seed=0)
    runner = StepRunner(net, make_optimizer(net, config), config, torch.device("cpu"))
    assert runner.precision == "bf16 backbone"
    batch = fixed_batch()
    rng = np.random.default_rng(0)
    losses = [runner.step(batch, 0, rng, 2e-3)["loss"] for _ in range(12)]
    assert losses[-1] < 0.85 * losses[0], losses
    assert all(p.dtype == torch.float32 for p in net.parameters())
    assert all(p.grad is None or p.grad.dtype == torch.float32 for p in net.parameters())
