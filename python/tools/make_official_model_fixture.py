#!/usr/bin/env python3
"""Writes a checkpoint made by the OFFICIAL SimpleClick v1.0 code, and its official forward outputs, as a test fixture.

Why: the loader and the exporter are otherwise tested against files and outputs this project made itself. Here the
official ``PlainVitModel`` is built from its own constructor (serialized config with a pickled official
``CrossEntropyLoss`` in it), saved with the official ``isegm.utils.misc.save_checkpoint``, loaded back with the
official ``load_model``, and run by the official forward (``ISModel.forward``: normalisation, DistMaps disks from
click points, patch embeddings, windowed ViT, SimpleFPN, head, align_corners upsample) on three click sets.

The official code is imported at run time from a git checkout or mirror of uncbiag/SimpleClick (see
``official_code.py`` for the stubs of timm/mmcv/torchvision/tensorboard it needs); nothing of it is copied here.

The fixture network has the official xTiny geometry at 448 px (patch 16, depth 8 with windowed and global blocks,
2x2 attention windows) at a reduced width (32 channels, 2 heads) so the files stay small; its norm weights and biases
are random (so a wrong mapping of any tensor shows), and its classifier points along the principal direction of the
head's features, scaled so that the logits reach +-30 as trained checkpoints' do.

Run from ``python/``:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/make_official_model_fixture.py --official-git PATH
        [--ref v1.0] [--out tests/fixtures/official-v1.0-small] [--real-scale]
``PATH``: a checkout or bare mirror of https://github.com/uncbiag/SimpleClick (the ref must exist in it).
``--real-scale`` builds the full official xTiny width instead (15 MB; for a manual check, not committed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from official_code import OFFICIAL_REF, extract_official_code, import_official, official_commit  # noqa: E402

SIZE_PX = 448
SEED = 13
TARGET_MAX_ABS_LOGIT = 30.0
CHECKPOINT_NAME = "plainvit-small-official-v1.0.pth"
OUTPUTS_NAME = "official-outputs.npz"
MANIFEST_NAME = "manifest.json"
#: (embed_dim, num_heads, neck out_dims, head channels): reduced width for the committed fixture, the official
#: xTiny (models/iter_mask/plainvit_xtiny448_*.py) for --real-scale.
SMALL = (32, 2, [16, 32, 48, 64], 32)
XTINY = (160, 4, [96, 192, 288, 384], 128)
#: Click sets as (positive [(y, x)...], negative [...], previous-mask kind). The last has a click on the border.
CLICK_SETS = [
    ([(230, 250)], [], "zeros"),
    ([(230, 250), (170, 300)], [(60, 80)], "soft"),
    ([(230, 250), (300, 200), (447, 0)], [(60, 80), (400, 420), (10, 440)], "box"),
]


def synthetic_image() -> np.ndarray:
    """uint8 H x W x 3: a textured background and a red ellipse (the 'object' the clicks are on)."""
    y, x = np.mgrid[0:SIZE_PX, 0:SIZE_PX]
    image = np.empty((SIZE_PX, SIZE_PX, 3), dtype=np.uint8)
    image[..., 0] = 60 + (x * 7 + y * 3) % 50
    image[..., 1] = 90 + (x * 5 + y * 11) % 40
    image[..., 2] = 130 + (x * 3 + y * 7) % 60
    inside = ((x - 250) / 120.0) ** 2 + ((y - 230) / 80.0) ** 2 <= 1.0
    image[inside] = np.stack([190 + (x + y) % 30, 40 + (x * 3) % 20, 50 + (y * 5) % 20], axis=-1)[inside]
    return image


def previous_mask(kind: str) -> np.ndarray:
    """uint8 H x W (probability x 255): what the predictor feeds back as the previous prediction."""
    y, x = np.mgrid[0:SIZE_PX, 0:SIZE_PX]
    if kind == "zeros":
        return np.zeros((SIZE_PX, SIZE_PX), dtype=np.uint8)
    if kind == "soft":
        distance = ((x - 250) / 110.0) ** 2 + ((y - 230) / 75.0) ** 2
        return np.round(255.0 / (1.0 + np.exp(6.0 * (distance - 1.0)))).astype(np.uint8)
    mask = np.zeros((SIZE_PX, SIZE_PX), dtype=np.uint8)
    mask[150:320, 120:380] = 255
    return mask


def official_points() -> np.ndarray:
    """The official points tensor layout: [B, 2N, 3], N positive rows then N negative rows of (y, x, click index),
    unused rows -1 (isegm.inference.predictors.base.BasePredictor.get_points_nd)."""
    n = max(max(len(p), len(q)) for p, q, _ in CLICK_SETS)
    points = np.full((len(CLICK_SETS), 2 * n, 3), -1, dtype=np.float32)
    for b, (positive, negative, _) in enumerate(CLICK_SETS):
        order = 0
        for row, (y, x) in enumerate(positive):
            points[b, row] = (y, x, order)
            order += 1
        for row, (y, x) in enumerate(negative):
            points[b, n + row] = (y, x, order)
            order += 1
    return points


def build_official_model(official, width) -> torch.nn.Module:
    """The official constructor call of models/iter_mask/plainvit_xtiny448_sbd_itermask.py, at ``width``."""
    dim, heads, out_dims, channels = width
    torch.manual_seed(SEED)
    model = official.PlainVitModel(
        use_disks=True, norm_radius=5, with_prev_mask=True,
        backbone_params=dict(img_size=(SIZE_PX, SIZE_PX), patch_size=(16, 16), in_chans=3, embed_dim=dim, depth=8,
                             num_heads=heads, mlp_ratio=4, qkv_bias=True),
        neck_params=dict(in_dim=dim, out_dims=out_dims),
        head_params=dict(in_channels=out_dims, in_index=[0, 1, 2, 3], dropout_ratio=0.1, num_classes=1,
                         loss_decode=official.CrossEntropyLoss(), align_corners=False, upsample="x1",
                         channels=channels),
        random_split=False,
    )
    generator = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if parameter.dim() != 1:
                continue  # matrices keep the official initialisation
            noise = torch.randn(parameter.shape, generator=generator)
            module = model.get_submodule(name.rsplit(".", 1)[0])
            is_norm_scale = isinstance(module, (torch.nn.LayerNorm, torch.nn.GroupNorm)) and name.endswith("weight")
            parameter.copy_(1.0 + 0.2 * noise if is_norm_scale else 0.05 * noise)
    return model.eval()


def network_inputs(image: np.ndarray, prev: np.ndarray):
    """Official input tensor [B, 4, S, S] (RGB in [0,1] as ToTensor gives, then the previous mask)."""
    rgb = torch.from_numpy(image.transpose(2, 0, 1).astype(np.float32) / np.float32(255.0))
    batch = torch.stack([torch.cat([rgb, torch.from_numpy(p.astype(np.float32) / np.float32(255.0))[None]])
                         for p in prev])
    return batch


def scale_classifier(model: torch.nn.Module, inputs: torch.Tensor, points: torch.Tensor) -> None:
    """Point the classifier along the principal direction of the head's features, scaled to logits of +-30."""
    captured = {}
    hook = model.head.conv_seg.register_forward_hook(lambda _m, x, _o: captured.update(features=x[0]))
    with torch.no_grad():
        model(inputs, points)
    hook.remove()
    features = captured["features"].permute(1, 0, 2, 3).reshape(captured["features"].shape[1], -1).double()
    mean = features.mean(dim=1, keepdim=True)
    _, vectors = torch.linalg.eigh((features - mean) @ (features - mean).T)
    direction = vectors[:, -1]
    with torch.no_grad():
        model.head.conv_seg.weight.copy_(direction.float().reshape(model.head.conv_seg.weight.shape))
        model.head.conv_seg.bias.fill_(float(-(direction @ mean[:, 0])))
        logits = model(inputs, points)["instances"]
        scale = TARGET_MAX_ABS_LOGIT / float(logits.abs().max())
        model.head.conv_seg.weight.mul_(scale)
        model.head.conv_seg.bias.mul_(scale)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--official-git", type=Path, default=os.environ.get("SIMPLECLICK_OFFICIAL_GIT"),
                        required=os.environ.get("SIMPLECLICK_OFFICIAL_GIT") is None,
                        help="checkout or mirror of uncbiag/SimpleClick (or SIMPLECLICK_OFFICIAL_GIT)")
    parser.add_argument("--ref", default=OFFICIAL_REF)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "tests" / "fixtures"
                        / "official-v1.0-small")
    parser.add_argument("--real-scale", action="store_true", help="official xTiny width (not for the repository)")
    args = parser.parse_args()
    torch.set_num_threads(1)

    commit = official_commit(args.official_git, args.ref)
    width = XTINY if args.real_scale else SMALL
    image = synthetic_image()
    prev = np.stack([previous_mask(kind) for _, _, kind in CLICK_SETS])
    points_np = official_points()
    inputs, points = network_inputs(image, prev), torch.from_numpy(points_np)
    with tempfile.TemporaryDirectory(prefix="simpleclick-official-") as tmp:
        root = Path(tmp) / "code"
        root.mkdir()
        extract_official_code(args.official_git, root, args.ref)
        official = import_official(root)
        model = build_official_model(official, width)
        scale_classifier(model, inputs, points)

        # Saved by the official routine, loaded back by the official loader: the outputs come from that model.
        official.save_checkpoint(model, Path(tmp) / "checkpoints", epoch=None, prefix="", verbose=False)
        saved = Path(tmp) / "checkpoints" / "last_checkpoint.pth"
        state = torch.load(str(saved), map_location="cpu")
        reloaded = official.load_model(state["config"], eval_ritm=False)
        reloaded.load_state_dict(state["state_dict"], strict=True)
        reloaded.eval()
        with torch.no_grad():
            logits = reloaded(inputs, points)["instances"].numpy().astype(np.float32)
            disks = reloaded.dist_maps(inputs[:, :3], points).numpy()
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, args.out / CHECKPOINT_NAME)

    if not set(np.unique(disks)) <= {0.0, 1.0}:
        raise SystemExit("official DistMaps returned non-binary disks (use_disks=True expected)")
    np.savez_compressed(args.out / OUTPUTS_NAME, image_u8=image, prev_mask_u8=prev, points_yx_order=points_np,
                        click_disks_u8=disks.astype(np.uint8), logits=logits)
    dim, heads, out_dims, channels = width
    manifest = {
        "what": "checkpoint written by the official SimpleClick code (PlainVitModel, isegm.utils.misc.save_checkpoint) "
                "and its official forward outputs on three click sets",
        "generator": "OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/make_official_model_fixture.py --official-git PATH"
                     + (" --real-scale" if args.real_scale else ""),
        "official": {"repository": "https://github.com/uncbiag/SimpleClick", "ref": args.ref, "commit": commit},
        "stubbed_modules": official.stubbed,
        "torch_version": torch.__version__,
        "seed": SEED,
        "architecture": {"img_size": SIZE_PX, "patch_size": 16, "embed_dim": dim, "depth": 8, "num_heads": heads,
                         "neck_out_dims": out_dims, "head_channels": channels, "upsample": "x1",
                         "with_prev_mask": True, "use_disks": True, "norm_radius": 5},
        "trained": False,
        "weights": "official initialisation; norm weights 1 + 0.2 N(0,1), all biases 0.05 N(0,1); classifier along "
                   "the principal direction of the head's features, scaled to max |logit| 30",
        "click_sets": [{"positive_yx": p, "negative_yx": q, "previous_mask": kind} for p, q, kind in CLICK_SETS],
        "outputs": {"file": OUTPUTS_NAME,
                    "arrays": {"image_u8": "H x W x 3 RGB; the network input is image / 255",
                               "prev_mask_u8": "B x H x W; the previous-mask input channel is prev / 255",
                               "points_yx_order": "B x 2N x 3 official points (positives, then negatives; -1 unused)",
                               "click_disks_u8": "B x 2 x H x W official DistMaps (positive, negative)",
                               "logits": "B x 1 x H x W official forward output ('instances')"},
                    "max_abs_logit": float(np.abs(logits).max()),
                    "positive_fraction": [float((l > 0).mean()) for l in logits]},
        "checkpoint": {"file": CHECKPOINT_NAME, "sha256": sha256_of(args.out / CHECKPOINT_NAME)},
    }
    with open(args.out / MANIFEST_NAME, "w") as handle:
        json.dump(manifest, handle, indent=1)
        handle.write("\n")
    sizes = {p.name: p.stat().st_size for p in sorted(args.out.iterdir())}
    print(f"official {args.ref} ({commit[:10]}): wrote {args.out} {sizes}; max |logit| "
          f"{manifest['outputs']['max_abs_logit']:.2f}, positive fractions {manifest['outputs']['positive_fraction']}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
