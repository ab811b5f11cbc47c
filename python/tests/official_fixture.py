"""Reads the fixture written by the official SimpleClick code (tools/make_official_model_fixture.py)."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "official-v1.0-small"
CHECKPOINT = FIXTURE_DIR / "plainvit-small-official-v1.0.pth"


@dataclass(frozen=True)
class OfficialOutputs:
    image: np.ndarray        # B x 3 x S x S float32 in [0, 1]: the official image input
    click_maps: np.ndarray   # B x 3 x S x S float32: previous mask, official positive and negative disks
    points: np.ndarray       # B x 2N x 3 official points (y, x, order), -1 unused
    logits: np.ndarray       # B x 1 x S x S float32: the official forward output
    manifest: dict


def load_official_outputs() -> OfficialOutputs:
    arrays = np.load(FIXTURE_DIR / "official-outputs.npz")
    batch = arrays["logits"].shape[0]
    # The official input is image / 255 and prev / 255 in float32 (ToTensor, then the predictor's prev mask).
    rgb = arrays["image_u8"].transpose(2, 0, 1).astype(np.float32) / np.float32(255.0)
    image = np.ascontiguousarray(np.broadcast_to(rgb, (batch,) + rgb.shape))
    prev = arrays["prev_mask_u8"].astype(np.float32)[:, None] / np.float32(255.0)
    click_maps = np.concatenate([prev, arrays["click_disks_u8"].astype(np.float32)], axis=1)
    manifest = json.loads((FIXTURE_DIR / "manifest.json").read_text())
    return OfficialOutputs(image=image, click_maps=click_maps, points=arrays["points_yx_order"],
                           logits=arrays["logits"], manifest=manifest)
