"""The training loop: random initial clicks, 0-3 no-grad iterative rounds, NFL loss, Adam, checkpoints, resume.

One step (facts of isegm/engine/trainer.py batch_forward, SimpleClick v1.0):

1. a batch of samples with their random initial clicks (:mod:`.batches`); previous mask = zeros;
2. ``rounds`` = uniform 0..max_extra_clicks, the same for the whole batch; for each round, without gradient and
   in eval mode: predict, sigmoid, add one click per sample at the deepest error (:func:`next_error_click`), and
   use the probabilities as the next previous-mask channel;
3. the gradient forward on the final clicks and previous mask; NFL (alpha 0.5, gamma 2) against the target;
4. Adam step (gradient norm clipped), learning rate: linear warm-up, then cosine decay over the run's progress.

Progress is the larger of step / max_steps and training seconds / time budget, so a run can be planned in wall
time on a shared CPU whose speed varies (the training seconds are saved in the checkpoint; a resumed run keeps its
place in the schedule). On CUDA the forwards run under fp16 autocast with a gradient scaler; on a CPU with bf16
matrix units (AMX, AVX512-BF16) the transformer blocks run under bf16 autocast; the loss is float32.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from ..checkpoint import CheckpointError, load_official_checkpoint
from ..network import SimpleClickNet, build_network, is_unused_key, resize_pos_embed_grid
from ..onnx_weights import read_onnx_weights
from ..variants import NetworkConfig, get_variant
from .batches import DEFAULT_SOURCE_WEIGHTS, DEFAULT_WHOLE_LAYER_PROBS, SampleDataset, SampleOptions
from .click_raster import click_maps_for
from .click_sampler import ClickSamplerOptions, next_error_click
from .loss import normalized_focal_loss
from .runtime import cpu_has_fast_bf16

CHECKPOINT_FORMAT = "simpleclick-train-1"


@dataclass
class TrainConfig:
    """Everything a run needs; saved as <run>/config.json and inside every checkpoint."""

    pack: str = "build/train-pack.bin"
    variant: str = "xtiny"
    neck_dims: Optional[List[int]] = None  # None: the variant's (xTiny: 96,192,288,384)
    head_channels: Optional[int] = None  # None: the variant's (xTiny: 128)
    size_px: int = 256
    window_tokens: Optional[int] = None  # None: the variant's (224/patch; a smaller grid is one global window)
    batch_size: int = 8
    lr: float = 2e-4
    min_lr_ratio: float = 0.02
    warmup_steps: int = 300
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    max_steps: Optional[int] = None
    time_budget_h: Optional[float] = None
    max_extra_clicks: int = 3
    center_click_prob: float = 0.0  # see ClickSamplerOptions.center_click_prob
    nfl_alpha: float = 0.5
    nfl_gamma: float = 2.0
    seed: int = 0
    device: str = "cpu"
    threads: int = 2
    workers: int = 0
    amp: bool = True  # mixed precision: fp16 autocast on CUDA; on CPUs with bf16 units, the backbone in bf16
    checkpoint_every_min: float = 15.0
    snapshot_every_min: float = 60.0
    log_every_s: float = 60.0
    source_weights: Dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SOURCE_WEIGHTS))
    whole_layer_probs: Dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WHOLE_LAYER_PROBS))
    model_name: Optional[str] = None  # variant name written into the exported metadata
    network_overrides: Optional[Dict] = None  # any other NetworkConfig field (tests use tiny networks)
    init_weights: Optional[str] = None  # fine-tuning: weights to start from (see load_initial_weights)

    def network_config(self) -> NetworkConfig:
        base = get_variant(self.variant)
        overrides = {"img_size": int(self.size_px)}
        if self.neck_dims is not None:
            overrides["neck_dims"] = tuple(int(c) for c in self.neck_dims)
        if self.head_channels is not None:
            overrides["head_channels"] = int(self.head_channels)
        if self.window_tokens is not None:
            overrides["window_tokens"] = int(self.window_tokens)
        name = self.model_name
        if name is None:
            custom = self.neck_dims is not None or self.head_channels is not None
            name = base.name + ("-narrow" if custom else "")
        overrides["name"] = name
        if self.network_overrides:
            overrides.update(self.network_overrides)
        return base.with_overrides(**overrides)

    def sample_options(self) -> SampleOptions:
        return SampleOptions(size_px=self.size_px, source_weights=dict(self.source_weights),
                             whole_layer_probs=dict(self.whole_layer_probs),
                             max_extra_clicks=self.max_extra_clicks,
                             clicks=ClickSamplerOptions(center_click_prob=self.center_click_prob))

    @staticmethod
    def from_dict(data: Dict) -> "TrainConfig":
        known = set(TrainConfig.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known}
        values.setdefault("whole_layer_probs", {})  # runs saved before the option picked objects uniformly
        return TrainConfig(**values)


# ----- one training step -----------------------------------------------------------------------------------------

def build_click_maps(positives: np.ndarray, negatives: np.ndarray, size_px: int) -> np.ndarray:
    """[B, 2, S, S] disks from [B, P, 2] padded click arrays."""
    batch = positives.shape[0]
    maps = np.zeros((batch, 2, size_px, size_px), dtype=np.float32)
    for b in range(batch):
        pos = [tuple(p) for p in positives[b] if p[0] >= 0]
        neg = [tuple(p) for p in negatives[b] if p[0] >= 0]
        maps[b] = click_maps_for(pos, neg, size_px)
    return maps


def append_click(points: np.ndarray, row: int, col: int) -> None:
    """Write a click into the first free (-1) slot of a [P, 2] array (the arrays keep room for the rounds)."""
    free = np.flatnonzero(points[:, 0] < 0)
    if len(free):
        points[free[0]] = (row, col)


def lr_at(config: TrainConfig, step: int, progress: float) -> float:
    warm = min(1.0, (step + 1) / max(1, config.warmup_steps))
    cosine = config.min_lr_ratio + (1.0 - config.min_lr_ratio) * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    return config.lr * warm * cosine


class StepRunner:
    """The forward/backward logic of one step, shared by the trainer, the benchmark and the tests."""

    def __init__(self, net: SimpleClickNet, optimizer: torch.optim.Optimizer, config: TrainConfig,
                 device: torch.device):
        self.net = net
        self.optimizer = optimizer
        self.config = config
        self.device = device
        self.use_amp = bool(config.amp) and device.type == "cuda"
        self.scaler = make_grad_scaler(self.use_amp)
        # On a CPU with bf16 matrix units the transformer runs under bf16 autocast (1.65x samples/s at S = 320 on
        # this project's 2-core Sapphire Rapids VM, see bench.py --precisions); the weights, the optimizer and the
        # loss stay float32, so no gradient scaler is needed (bf16 has float32's exponent range).
        if bool(config.amp) and device.type == "cpu" and cpu_has_fast_bf16():
            net.backbone_autocast = torch.bfloat16

    @property
    def precision(self) -> str:
        """How the forwards run, for the log: 'fp16 autocast', 'bf16 backbone' or 'fp32'."""
        if self.use_amp:
            return "fp16 autocast"
        return "bf16 backbone" if self.net.backbone_autocast == torch.bfloat16 else "fp32"

    def _forward(self, images: torch.Tensor, prev: torch.Tensor, click_maps: np.ndarray) -> torch.Tensor:
        maps = torch.cat([prev, torch.from_numpy(click_maps).to(self.device)], dim=1)
        if self.use_amp:
            with torch.autocast(device_type="cuda", dtype=torch.float16):
                return self.net(images, maps)
        return self.net(images, maps)

    def step(self, batch: Dict[str, torch.Tensor], rounds: int, rng: np.random.Generator, lr: float
             ) -> Dict[str, float]:
        size = self.config.size_px
        images = batch["image"].to(self.device, non_blocking=True)
        gt = batch["gt"].to(self.device, non_blocking=True)
        positives = batch["positives"].numpy().copy()
        negatives = batch["negatives"].numpy().copy()
        gt_np = batch["gt"].numpy()[:, 0] > 0.5
        prev = torch.zeros_like(gt)
        click_maps = build_click_maps(positives, negatives, size)
        if rounds > 0:
            self.net.eval()
            with torch.no_grad():
                for _ in range(rounds):
                    prev = torch.sigmoid(self._forward(images, prev, click_maps).float())
                    probs = prev.cpu().numpy()[:, 0]
                    for b in range(probs.shape[0]):
                        click = next_error_click(probs[b], gt_np[b], rng)
                        if click is not None:
                            row, col, is_positive = click
                            append_click(positives[b] if is_positive else negatives[b], row, col)
                    click_maps = build_click_maps(positives, negatives, size)
        self.net.train()
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        logits = self._forward(images, prev, click_maps)
        losses = normalized_focal_loss(logits.float(), gt, self.config.nfl_alpha, self.config.nfl_gamma)
        loss = losses.mean()
        self.optimizer.zero_grad(set_to_none=True)
        if self.use_amp:
            self.scaler.scale(loss).backward()
            self.scaler.unscale_(self.optimizer)
            grad_norm = torch.nn.utils.clip_grad_norm_(self.net.parameters(), self.config.grad_clip)
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(self.net.parameters(), self.config.grad_clip)
            self.optimizer.step()
        with torch.no_grad():
            pred = logits.detach().float() > 0
            target = gt > 0.5
            inter = (pred & target).flatten(1).sum(1).float()
            union = (pred | target).flatten(1).sum(1).float().clamp(min=1)
            iou = (inter / union).mean().item()
        return {"loss": float(loss.item()), "iou": iou, "grad_norm": float(grad_norm), "rounds": rounds}


def make_grad_scaler(enabled: bool):
    """torch.amp.GradScaler('cuda') on PyTorch 2.3+, torch.cuda.amp.GradScaler before; disabled off CUDA."""
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        try:
            return torch.amp.GradScaler("cuda", enabled=enabled)
        except TypeError:
            pass
    return torch.cuda.amp.GradScaler(enabled=enabled)


def make_optimizer(net: torch.nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    params = [p for p in net.parameters() if p.requires_grad]
    if config.weight_decay > 0:
        return torch.optim.AdamW(params, lr=config.lr, betas=(0.9, 0.999), eps=1e-8,
                                 weight_decay=config.weight_decay)
    return torch.optim.Adam(params, lr=config.lr, betas=(0.9, 0.999), eps=1e-8)


# ----- checkpoints -----------------------------------------------------------------------------------------------

def save_atomic(obj, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: str) -> Dict:
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:  # PyTorch < 1.13.1 has no weights_only
        return torch.load(path, map_location="cpu")


def network_from_checkpoint(path: str) -> Tuple[SimpleClickNet, Dict]:
    """The trained network (eval mode, CPU) and the checkpoint dict of a trainer checkpoint or snapshot."""
    checkpoint = load_checkpoint(path)
    config = NetworkConfig.from_dict(checkpoint["network_config"])
    net = SimpleClickNet(config)
    net.load_state_dict(checkpoint["state_dict"])
    return net.eval(), checkpoint


def _read_initial_state(path: str) -> Tuple[NetworkConfig, Dict[str, torch.Tensor], str]:
    """(layout, state dict, description) of the weights in ``path``, whichever of the three formats it is."""
    if path.lower().endswith(".onnx"):
        try:
            source, state, metadata = read_onnx_weights(path)
        except CheckpointError as error:
            raise SystemExit(f"--init-weights: {error}") from None
        return source, state, (f"exported model {metadata.get('simpleclick.variant', source.name)} "
                               f"S={source.img_size}, {metadata.get('simpleclick.training_samples', '?')} samples")
    try:
        checkpoint = load_checkpoint(path)
    except Exception:  # noqa: BLE001 - not our format (or unreadable): the official loader says which
        checkpoint = None
    if isinstance(checkpoint, dict) and checkpoint.get("format") == CHECKPOINT_FORMAT:
        source = NetworkConfig.from_dict(checkpoint["network_config"])
        return source, checkpoint["state_dict"], f"trainer checkpoint at step {checkpoint.get('step')}"
    try:
        official, info = load_official_checkpoint(path)
    except CheckpointError as error:
        raise SystemExit(f"--init-weights: {error}") from None
    return info["config"], official.state_dict(), f"official-format checkpoint ({info['variant']})"


def load_initial_weights(net: SimpleClickNet, path: str) -> str:
    """Fine-tuning: loads the weights of a trainer checkpoint or snapshot, of a model exported by this toolchain
    (``models/*.onnx``: the shipped default is always a valid start), or of an official-format SimpleClick
    checkpoint (``sbd_vit_xtiny.pth``, ...), into ``net``. The layout must be the run's; only the input size may
    differ, and then the stored position embedding is resized bicubically to the run's token grid (as the official
    inference does at other sizes). Returns a line for the log; raises SystemExit with one line when the file does
    not fit."""
    source, state, described = _read_initial_state(path)
    target = net.config
    if not dataclasses.replace(source, img_size=target.img_size).same_layout(target):
        raise SystemExit(f"--init-weights: {os.path.basename(path)} holds a {source.name} network whose layout differs "
                         f"from this run's {target.name} (embed {source.embed_dim} vs {target.embed_dim}, depth "
                         f"{source.depth} vs {target.depth}, neck {list(source.neck_dims)} vs {list(target.neck_dims)}, "
                         f"head {source.head_channels} vs {target.head_channels})")
    state = dict(state)
    if source.grid_size != target.grid_size:
        stored = state["backbone.pos_embed"]
        grid = resize_pos_embed_grid(stored[0, 1:].reshape(source.grid_size, source.grid_size, -1),
                                     (target.grid_size, target.grid_size))
        state["backbone.pos_embed"] = torch.cat([stored[:, :1], grid.reshape(1, -1, stored.shape[-1])], dim=1)
        described += f", position embedding resized from S={source.img_size} to S={target.img_size}"
    # An exported model holds only the parameters that reach the output; the others keep their built values.
    strict = not path.lower().endswith(".onnx")
    missing, _ = net.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=strict)
    if any(not is_unused_key(key) for key in missing):
        raise SystemExit(f"--init-weights: {os.path.basename(path)} lacks {[k for k in missing if not is_unused_key(k)]}")
    return f"initial weights: {path} ({described})"


# ----- the run ---------------------------------------------------------------------------------------------------

#: Exit status of a training command stopped before its end (checkpoint saved): EX_TEMPFAIL, "try again later".
#: Not 0, so that ``run_all.sh`` and ``replay.py`` stop there instead of exporting or continuing from an unfinished
#: stage; running the same command again resumes it.
EXIT_STOPPED = 75


class StopRequest:
    """SIGINT and SIGTERM ask the run to stop after the current step and save a checkpoint, like Ctrl-C in a
    terminal. Both are installed explicitly: a background job of a non-interactive shell ignores SIGINT, and the end
    of a session sends SIGTERM. A flag rather than an exception, so that no step is cut in half (and DataLoader
    workers, which inherit the handler, just set their own copy of the flag)."""

    def __init__(self):
        self.requested: Optional[int] = None

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self._handle)
            signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum, _frame) -> None:
        self.requested = signum


class Trainer:
    def __init__(self, run_dir: str, config: TrainConfig, resume: bool = False, out=sys.stderr):
        self.run_dir = run_dir
        self.config = config
        self.out = out
        self.checkpoint_dir = os.path.join(run_dir, "checkpoints")
        self.last_path = os.path.join(self.checkpoint_dir, "last.pth")
        os.makedirs(self.checkpoint_dir, exist_ok=True)
        self.log_path = os.path.join(run_dir, "train.log")
        self.metrics_path = os.path.join(run_dir, "metrics.csv")

        torch.set_num_threads(max(1, config.threads))
        self.device = torch.device(config.device)
        self.step = 0
        self.train_seconds = 0.0
        self.loss_ema: Optional[float] = None
        self.iou_ema: Optional[float] = None

        self.net = build_network(config.network_config(), seed=config.seed).to(self.device)
        self.optimizer = make_optimizer(self.net, config)
        self.runner = StepRunner(self.net, self.optimizer, config, self.device)
        if resume:
            self._resume()
        elif os.path.exists(self.last_path):
            raise SystemExit(f"{self.last_path} exists: pass --resume to continue that run, or use a new --run")
        elif config.init_weights:
            self.log(load_initial_weights(self.net, config.init_weights))
        with open(os.path.join(run_dir, "config.json"), "w") as handle:
            json.dump({"train": asdict(config), "network": config.network_config().to_dict()}, handle, indent=1)

    # ----- state -----
    def _resume(self) -> None:
        if not os.path.exists(self.last_path):
            raise SystemExit(f"--resume: no checkpoint at {self.last_path}")
        checkpoint = load_checkpoint(self.last_path)
        saved = NetworkConfig.from_dict(checkpoint["network_config"])
        if not saved.same_layout(self.config.network_config()):
            raise SystemExit("--resume: the checkpoint's network layout differs from the run's config")
        self.net.load_state_dict(checkpoint["state_dict"])
        self.optimizer.load_state_dict(checkpoint["optimizer"])
        if checkpoint.get("scaler") and self.runner.use_amp:
            self.runner.scaler.load_state_dict(checkpoint["scaler"])
        self.step = int(checkpoint["step"])
        self.train_seconds = float(checkpoint["train_seconds"])
        self.loss_ema = checkpoint.get("loss_ema")
        self.iou_ema = checkpoint.get("iou_ema")
        self.log(f"resumed from {self.last_path} at step {self.step} "
                 f"({self.train_seconds / 3600:.2f} h of training so far)")

    def checkpoint_state(self, full: bool) -> Dict:
        state = {
            "format": CHECKPOINT_FORMAT,
            "state_dict": {k: v.detach().cpu() for k, v in self.net.state_dict().items()},
            "network_config": self.config.network_config().to_dict(),
            "train_config": asdict(self.config),
            "step": self.step,
            "samples": self.step * self.config.batch_size,
            "train_seconds": self.train_seconds,
            "loss_ema": self.loss_ema,
            "iou_ema": self.iou_ema,
            "torch_version": torch.__version__,
            "precision": self.runner.precision,  # of the process that saved it (a resumed run may differ before)
            "saved_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        if full:
            state["optimizer"] = self.optimizer.state_dict()
            state["scaler"] = self.runner.scaler.state_dict() if self.runner.use_amp else None
        return state

    def save(self, snapshot: bool = False) -> None:
        save_atomic(self.checkpoint_state(full=True), self.last_path)
        if snapshot:
            path = os.path.join(self.checkpoint_dir, f"step{self.step:07d}.pth")
            save_atomic(self.checkpoint_state(full=False), path)

    # ----- logging -----
    def log(self, message: str) -> None:
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}"
        with open(self.log_path, "a") as handle:
            handle.write(line + "\n")
        if self.out is not None and not (hasattr(self.out, "isatty") and self.out.isatty()):
            print(line, file=self.out, flush=True)

    def progress(self) -> float:
        parts = []
        if self.config.max_steps:
            parts.append(self.step / self.config.max_steps)
        if self.config.time_budget_h:
            parts.append(self.train_seconds / (self.config.time_budget_h * 3600.0))
        return max(parts) if parts else 0.0

    def status_line(self, samples_per_s: float, lr: float) -> str:
        progress = self.progress()
        eta_s = float("nan")
        if progress > 0:
            eta_s = max(0.0, self.train_seconds * (1.0 - progress) / progress)
        eta = time.strftime("%H:%M:%S", time.gmtime(eta_s)) if math.isfinite(eta_s) else "?"
        return (f"step {self.step} samples {self.step * self.config.batch_size} "
                f"progress {100 * progress:5.1f}% loss {self.loss_ema or float('nan'):.4f} "
                f"iou {self.iou_ema or float('nan'):.3f} lr {lr:.2e} {samples_per_s:.2f} samples/s "
                f"trained {self.train_seconds / 3600:.2f} h eta {eta}")

    def progress_bar(self, samples_per_s: float, lr: float) -> None:
        if self.out is None or not (hasattr(self.out, "isatty") and self.out.isatty()):
            return
        width = 30
        filled = int(width * min(1.0, self.progress()))
        bar = "#" * filled + "-" * (width - filled)
        print(f"\r[{bar}] {self.status_line(samples_per_s, lr)}", end="", file=self.out, flush=True)

    # ----- loop -----
    def run(self) -> bool:
        """Trains to the end of the budget (True: ``final.pth`` written) or until a stop request or interrupt
        (False: ``last.pth`` holds the state to resume from)."""
        config = self.config
        if not config.max_steps and not config.time_budget_h:
            raise SystemExit("give --max-steps or --time-budget-h")
        stop = StopRequest()
        stop.install()
        dataset = SampleDataset(config.pack, config.sample_options(), config.seed)
        start_index = self.step * config.batch_size
        sampler = range(start_index, dataset.length)
        loader = torch.utils.data.DataLoader(
            dataset, batch_size=config.batch_size, sampler=sampler, num_workers=config.workers,
            persistent_workers=config.workers > 0, pin_memory=self.device.type == "cuda", drop_last=True)
        net_config = config.network_config()
        params = sum(p.numel() for p in self.net.parameters())
        self.log(f"start: step {self.step}, {net_config.name} neck {list(net_config.neck_dims)} head "
                 f"{net_config.head_channels} S={config.size_px} window {net_config.window_tokens} tokens, "
                 f"{params / 1e6:.2f} M parameters, batch {config.batch_size}, lr {config.lr}, "
                 f"device {config.device} ({self.runner.precision}), threads {torch.get_num_threads()}, "
                 f"torch {torch.__version__}")
        new_metrics_file = not os.path.exists(self.metrics_path)
        metrics_file = open(self.metrics_path, "a")
        if new_metrics_file:
            metrics_file.write("step,samples,train_seconds,loss,iou,lr,grad_norm,rounds\n")

        last_checkpoint = last_snapshot = last_log = time.time()
        samples_per_s = 0.0
        lr = lr_at(config, self.step, self.progress())
        step_start = time.time()
        try:
            for batch in loader:
                if self.progress() >= 1.0:
                    break
                if stop.requested is not None:
                    self.log(f"signal {stop.requested}: saving")
                    break
                lr = lr_at(config, self.step, self.progress())
                rng = np.random.default_rng([config.seed, 1, self.step])
                rounds = int(rng.integers(0, config.max_extra_clicks + 1))
                stats = self.runner.step(batch, rounds, rng, lr)
                if not math.isfinite(stats["loss"]):
                    self.log(f"non-finite loss at step {self.step}; stopping without saving this step")
                    raise SystemExit(3)
                self.step += 1
                now = time.time()
                step_seconds = now - step_start
                self.train_seconds += step_seconds
                step_start = now
                decay = 0.98 if self.loss_ema is not None else 0.0
                self.loss_ema = decay * (self.loss_ema or 0.0) + (1 - decay) * stats["loss"]
                self.iou_ema = decay * (self.iou_ema or 0.0) + (1 - decay) * stats["iou"]
                metrics_file.write(f"{self.step},{self.step * config.batch_size},{self.train_seconds:.1f},"
                                   f"{stats['loss']:.5f},{stats['iou']:.4f},{lr:.3e},{stats['grad_norm']:.3f},"
                                   f"{stats['rounds']}\n")
                # Smoothed throughput over roughly the last 20 steps (data preparation included).
                instant = config.batch_size / max(step_seconds, 1e-6)
                samples_per_s = instant if samples_per_s == 0.0 else 0.95 * samples_per_s + 0.05 * instant
                self.progress_bar(samples_per_s, lr)
                if now - last_log >= config.log_every_s:
                    metrics_file.flush()
                    self.log(self.status_line(samples_per_s, lr))
                    last_log = now
                if now - last_checkpoint >= config.checkpoint_every_min * 60:
                    snapshot = now - last_snapshot >= config.snapshot_every_min * 60
                    self.save(snapshot=snapshot)
                    self.log(f"checkpoint at step {self.step}" + (" (+ snapshot)" if snapshot else ""))
                    last_checkpoint = now
                    if snapshot:
                        last_snapshot = now
                    step_start = time.time()  # saving is not training time
        except KeyboardInterrupt:
            self.log("interrupted: saving")
        finally:
            metrics_file.close()
        self.save(snapshot=True)
        final_path = os.path.join(self.checkpoint_dir, "final.pth")
        if self.progress() >= 1.0:
            save_atomic(self.checkpoint_state(full=False), final_path)
            self.log(f"done: {self.status_line(samples_per_s, lr)}; final weights {final_path}")
        else:
            self.log(f"stopped at {self.status_line(samples_per_s, lr)}")
        return self.progress() >= 1.0
