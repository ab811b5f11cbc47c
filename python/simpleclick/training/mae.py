"""Masked-autoencoder (MAE) pretraining of the SimpleClick backbone on the pack's images: the pilot of issue 8.

The SimpleClick recipe starts its ViT from MAE self-supervised weights (He et al., 2022). Whether that pays for a
tiny ViT on ~2,000 images and a CPU budget is an open question (TinyMIM reports masked-image pretraining can hurt
ViT-Tiny; MAE on small data wants a light decoder and long schedules), so this is a pilot to compare, at equal
total CPU hours, against continuing the supervised weights.

What it does (facts of the MAE paper, written here from scratch):

* the image is cut into the backbone's patches; 75 % of them, chosen at random per image, are hidden;
* the backbone's patch embedding, position embedding and blocks encode the visible quarter only (all blocks
  attend globally: windows make no sense on a random subset), followed by a LayerNorm used only here;
* a light decoder (2 blocks of width 96, its own learned position embedding, a shared mask token) predicts the
  pixels of every hidden patch, normalised per patch (mean 0, variance 1: MAE's ``norm_pix_loss``);
* the loss is the mean squared error on hidden patches only.

Images: random crops of 20-100 % of the image area (aspect 3/4-4/3) resized bilinearly to S x S, flipped half the
time. The output ``<run>/pretrained.pth`` is a trainer checkpoint of the whole SimpleClick network whose backbone
holds the MAE weights, so that ``train --init-weights <run>/pretrained.pth`` fine-tunes it like any other start.
Its other parts (click embedding, neck, head) are freshly initialised, or, with ``--init-weights``, those of the
start network: MAE then continues a trained backbone (the pilot's question at this project's budget is whether a
self-supervised stage on the images adds anything to the supervised weights already shipped)::

    cd python
    /usr/bin/python3 -m simpleclick.training.mae --run ../runs/mae-pilot --time-budget-h 1 --size 384 \\
        --neck-dims 48,96,144,192 --head-channels 64 --model-name xtiny-narrow \\
        --init-weights ../models/simpleclick-xtiny-narrow-finetuned-384.onnx --lr 1e-4

On a CPU with bf16 matrix units the forward runs under bf16 autocast (the trainer's mixed precision; the loss and
the weights are float32); ``--no-amp`` turns it off.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import asdict
from typing import Dict, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
import torch.nn as nn

from ..network import IMAGENET_MEAN, IMAGENET_STD, LAYER_NORM_EPS, Block, SimpleClickNet, build_network
from .pack_data import REPO_ROOT
from .pack_format import TrainPack
from .runtime import cpu_has_fast_bf16, reexec_with_passive_openmp
from .trainer import CHECKPOINT_FORMAT, EXIT_STOPPED, StopRequest, TrainConfig, load_initial_weights, save_atomic

MASK_RATIO = 0.75
DECODER_DIM = 96
DECODER_DEPTH = 2
DECODER_HEADS = 3


class MaskedAutoencoder(nn.Module):
    """The SimpleClick backbone as an MAE encoder, plus a light pixel decoder (module docstring)."""

    def __init__(self, net: SimpleClickNet, mask_ratio: float = MASK_RATIO):
        super().__init__()
        config = net.config
        self.net = net
        self.mask_ratio = mask_ratio
        self.patch = config.patch_size
        tokens = config.grid_size ** 2
        self.encoder_norm = nn.LayerNorm(config.embed_dim, eps=LAYER_NORM_EPS)
        self.decoder_embed = nn.Linear(config.embed_dim, DECODER_DIM)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, DECODER_DIM))
        self.decoder_pos = nn.Parameter(torch.zeros(1, tokens, DECODER_DIM))
        self.decoder_blocks = nn.ModuleList([Block(DECODER_DIM, DECODER_HEADS) for _ in range(DECODER_DEPTH)])
        self.decoder_norm = nn.LayerNorm(DECODER_DIM, eps=LAYER_NORM_EPS)
        self.decoder_pred = nn.Linear(DECODER_DIM, self.patch * self.patch * 3)
        nn.init.normal_(self.mask_token, std=0.02)
        nn.init.normal_(self.decoder_pos, std=0.02)
        for module in (self.decoder_embed, self.decoder_pred):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)

    def patchify(self, images: torch.Tensor) -> torch.Tensor:
        """[B, 3, S, S] -> [B, L, p*p*3] (row-major patches, pixels in (row, col, channel) order)."""
        b, c, h, w = images.shape
        p = self.patch
        x = images.reshape(b, c, h // p, p, w // p, p)
        return x.permute(0, 2, 4, 3, 5, 1).reshape(b, (h // p) * (w // p), p * p * c)

    def forward(self, images: torch.Tensor, generator: Optional[torch.Generator] = None
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """images [B, 3, S, S] RGB in [0, 1] -> (loss, hidden [B, L] bool)."""
        backbone = self.net.backbone
        mean = torch.tensor(IMAGENET_MEAN, dtype=images.dtype).reshape(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD, dtype=images.dtype).reshape(1, 3, 1, 1)
        normalised = (images - mean) / std
        tokens = backbone.patch_embed(normalised).flatten(2).transpose(1, 2)
        tokens = tokens + backbone.position_embedding((self.net.config.grid_size,) * 2)
        batch, length, dim = tokens.shape

        keep = max(1, int(round(length * (1 - self.mask_ratio))))
        order = torch.rand(batch, length, generator=generator).argsort(dim=1)
        restore = order.argsort(dim=1)
        visible_index = order[:, :keep]
        x = torch.gather(tokens, 1, visible_index[..., None].expand(-1, -1, dim))
        for block in backbone.blocks:
            x = block(x)
        x = self.decoder_embed(self.encoder_norm(x))

        filler = self.mask_token.expand(batch, length - keep, -1)
        x = torch.cat([x, filler], dim=1)
        x = torch.gather(x, 1, restore[..., None].expand(-1, -1, DECODER_DIM)) + self.decoder_pos
        for block in self.decoder_blocks:
            x = block(x)
        predicted = self.decoder_pred(self.decoder_norm(x))

        target = self.patchify(normalised)
        target = (target - target.mean(-1, keepdim=True)) / (target.var(-1, keepdim=True) + 1e-6).sqrt()
        hidden = torch.ones(batch, length, dtype=torch.bool)
        hidden.scatter_(1, visible_index, False)
        per_patch = ((predicted.float() - target) ** 2).mean(-1)
        return (per_patch * hidden).sum() / hidden.sum(), hidden


def random_resized_crop(image: np.ndarray, size_px: int, rng: np.random.Generator) -> np.ndarray:
    """A crop of 20-100 % of the area, aspect 3/4-4/3, resized bilinearly to S x S, flipped half the time."""
    height, width = image.shape[:2]
    for _ in range(10):
        area = height * width * rng.uniform(0.2, 1.0)
        aspect = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        w = int(round(math.sqrt(area * aspect)))
        h = int(round(math.sqrt(area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            x0 = int(rng.integers(0, width - w + 1))
            y0 = int(rng.integers(0, height - h + 1))
            break
    else:
        x0, y0, w, h = 0, 0, width, height
    crop = cv2.resize(image[y0:y0 + h, x0:x0 + w], (size_px, size_px), interpolation=cv2.INTER_LINEAR)
    return crop[:, ::-1] if rng.random() < 0.5 else crop


def batch_of_images(pack: TrainPack, size_px: int, batch_size: int, seed: int, step: int) -> torch.Tensor:
    """[B, 3, S, S] float in [0, 1]; a pure function of (seed, step), so a resumed run sees the same stream."""
    rng = np.random.default_rng([seed, 7, step])
    indices = rng.integers(0, len(pack), size=batch_size)
    crops = [random_resized_crop(pack.image(int(i)), size_px, rng) for i in indices]
    return torch.from_numpy(np.stack(crops).transpose(0, 3, 1, 2).copy()).float() / 255.0


def pretrained_checkpoint(model: MaskedAutoencoder, config: TrainConfig, step: int, seconds: float) -> Dict:
    """A trainer checkpoint of the whole network (backbone from MAE) that ``--init-weights`` accepts."""
    return {"format": CHECKPOINT_FORMAT, "network_config": asdict(model.net.config),
            "state_dict": model.net.state_dict(), "step": step, "train_seconds": seconds,
            "train_config": asdict(config), "torch_version": torch.__version__,
            "saved_at": time.strftime("%Y-%m-%d %H:%M:%S"), "mae_pretraining": True}


def pretrain(run: str, config: TrainConfig, hours: Optional[float], resume: bool = False, log=print) -> Optional[str]:
    """Runs (or resumes) the pretraining for ``hours`` of training or ``config.max_steps`` steps, whichever ends
    first (the schedule follows the larger share); returns the path of ``pretrained.pth``, or None when a stop
    request (SIGINT, SIGTERM) ended it first: then only ``last.pth`` is written, so that nothing takes the
    unfinished stage for a finished one."""
    if not hours and not config.max_steps:
        raise ValueError("give hours or config.max_steps")
    os.makedirs(run, exist_ok=True)
    torch.set_num_threads(max(1, config.threads))
    net = build_network(config.network_config(), seed=config.seed)
    if config.init_weights:  # a resumed run then overwrites it with its own state
        log(load_initial_weights(net, config.init_weights))
    model = MaskedAutoencoder(net).train()
    use_bf16 = bool(config.amp) and cpu_has_fast_bf16()
    log(f"precision: {'bf16 autocast' if use_bf16 else 'fp32'}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, betas=(0.9, 0.95), weight_decay=0.05)
    last_path = os.path.join(run, "last.pth")
    step, seconds = 0, 0.0
    if resume and os.path.exists(last_path):
        state = torch.load(last_path, map_location="cpu")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, seconds = int(state["step"]), float(state["seconds"])
        log(f"resumed at step {step} ({seconds / 3600:.2f} h)")
    pack = TrainPack(config.pack)
    stop = StopRequest()
    stop.install()
    budget = hours * 3600 if hours else None

    def progress_now() -> float:
        return max(seconds / budget if budget else 0.0, step / config.max_steps if config.max_steps else 0.0)

    last_save = last_log = time.time()
    loss_ema = None
    while progress_now() < 1.0 and stop.requested is None:
        started = time.time()
        progress = progress_now()
        warm = min(1.0, (step + 1) / max(1, config.warmup_steps))
        lr = config.lr * warm * (config.min_lr_ratio + (1 - config.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))
        for group in optimizer.param_groups:
            group["lr"] = lr
        images = batch_of_images(pack, config.size_px, config.batch_size, config.seed, step)
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=use_bf16):
            loss, _ = model(images, torch.Generator().manual_seed(config.seed * 1_000_003 + step))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        step += 1
        seconds += time.time() - started
        loss_ema = float(loss) if loss_ema is None else 0.98 * loss_ema + 0.02 * float(loss)
        now = time.time()
        if now - last_log >= config.log_every_s:
            log(f"step {step} images {step * config.batch_size} loss {loss_ema:.4f} lr {lr:.2e} "
                f"trained {seconds / 3600:.2f} h, {100 * progress_now():.1f} %")
            last_log = now
        if now - last_save >= config.checkpoint_every_min * 60:
            save_atomic({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                         "seconds": seconds}, last_path)
            last_save = now
    save_atomic({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                 "seconds": seconds}, last_path)
    if stop.requested is not None:
        log(f"stopped at step {step} ({seconds / 3600:.2f} h), loss {loss_ema}; resume with --resume")
        return None
    out = os.path.join(run, "pretrained.pth")
    save_atomic(pretrained_checkpoint(model, config, step, seconds), out)
    log(f"done at step {step} ({seconds / 3600:.2f} h), loss {loss_ema}; wrote {out}")
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--pack", default=os.path.join(REPO_ROOT, "build", "train-pack-native.bin"))
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--neck-dims", default=None)
    parser.add_argument("--head-channels", type=int, default=None)
    parser.add_argument("--model-name", default=None)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--warmup-steps", type=int, default=100)
    parser.add_argument("--time-budget-h", type=float, default=None, help="training hours (or --max-steps)")
    parser.add_argument("--max-steps", type=int, default=None, help="steps (a replay gives these)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--init-weights", default=None,
                        help="start from this network (what train --init-weights takes, e.g. the shipped ONNX): "
                             "MAE continues its backbone, and pretrained.pth keeps its click embedding, neck, head")
    parser.add_argument("--no-amp", action="store_true", help="no bf16 autocast on a CPU with bf16 matrix units")
    reexec_with_passive_openmp("simpleclick.training.mae", argv)
    args = parser.parse_args(argv)
    if not args.time_budget_h and not args.max_steps:
        parser.error("give --time-budget-h or --max-steps")
    neck = tuple(int(v) for v in args.neck_dims.split(",")) if args.neck_dims else None
    config = TrainConfig(pack=os.path.abspath(args.pack), size_px=args.size, neck_dims=neck,
                         head_channels=args.head_channels, model_name=args.model_name, batch_size=args.batch_size,
                         lr=args.lr, warmup_steps=args.warmup_steps, threads=args.threads, seed=args.seed,
                         time_budget_h=args.time_budget_h, max_steps=args.max_steps, amp=not args.no_amp,
                         init_weights=os.path.abspath(args.init_weights) if args.init_weights else None)
    log_path = os.path.join(args.run, "mae.log")
    os.makedirs(args.run, exist_ok=True)

    def log(line: str) -> None:
        stamped = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}"
        with open(log_path, "a") as handle:
            handle.write(stamped + "\n")
        print(stamped, flush=True)

    log(f"MAE pretraining, mask ratio {MASK_RATIO}, decoder {DECODER_DEPTH} x {DECODER_DIM}; "
        f"config {json.dumps(asdict(config), sort_keys=True)}")
    return 0 if pretrain(args.run, config, args.time_budget_h, resume=args.resume, log=log) else EXIT_STOPPED


if __name__ == "__main__":
    sys.exit(main())
