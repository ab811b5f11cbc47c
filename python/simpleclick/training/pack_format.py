"""The training pack: one compact file of images, label maps and object lists.

Layout (little-endian)::

    b"SCPACK1\\n"          8 bytes magic
    uint64 index_len       length of the JSON index in bytes
    index                  UTF-8 JSON (see below)
    blobs                  concatenated JPEG / PNG bytes; offsets in the index are relative to the blob start

Index::

    {"format": 1, "created_by": "...", "settings": {...}, "datasets": {name: {"images": n, "objects": m}},
     "images": [{"dataset": "BSDS500", "id": "100075", "width": w, "height": h, "jpeg": [offset, length],
                 "layers": [{"png": [offset, length], "objects": [1, 4, 7]}]}]}

A *layer* is a label map (8- or 16-bit PNG, same size as the image): 0 is "no object", every other value one
region. ``objects`` lists the labels that are training objects (large enough, not the whole image); the other
labels still count as "other objects" for negative clicks. One image may have several layers: several human
segmentations (BSDS500, Weizmann SED), or a part-level and a person-level layer (CCP).
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

MAGIC = b"SCPACK1\n"
FORMAT_VERSION = 1


@dataclass
class PackLayer:
    png_bytes: bytes
    object_labels: List[int]


@dataclass
class PackImage:
    dataset: str
    image_id: str
    width: int
    height: int
    jpeg_bytes: bytes
    layers: List[PackLayer]


def encode_jpeg(rgb: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def encode_label_png(labels: np.ndarray) -> bytes:
    """8-bit PNG when every label fits, else 16-bit."""
    buffer = io.BytesIO()
    if labels.max(initial=0) < 256:
        Image.fromarray(labels.astype(np.uint8), mode="L").save(buffer, format="PNG", optimize=True)
    else:
        Image.fromarray(labels.astype(np.uint16)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def decode_jpeg(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def decode_label_png(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    return np.asarray(image).astype(np.int32)


def write_pack(path: str, images: Sequence[PackImage], settings: Dict, created_by: str) -> Dict:
    """Write `images` to `path`; returns the index (without blob bytes)."""
    blobs = io.BytesIO()
    entries = []
    datasets: Dict[str, Dict[str, int]] = {}

    def add_blob(data: bytes) -> List[int]:
        offset = blobs.tell()
        blobs.write(data)
        return [offset, len(data)]

    for image in images:
        layers = []
        for layer in image.layers:
            layers.append({"png": add_blob(layer.png_bytes), "objects": [int(v) for v in layer.object_labels]})
        entries.append({
            "dataset": image.dataset, "id": image.image_id, "width": int(image.width), "height": int(image.height),
            "jpeg": add_blob(image.jpeg_bytes), "layers": layers,
        })
        stats = datasets.setdefault(image.dataset, {"images": 0, "objects": 0})
        stats["images"] += 1
        stats["objects"] += sum(len(layer.object_labels) for layer in image.layers)

    index = {"format": FORMAT_VERSION, "created_by": created_by, "settings": settings, "datasets": datasets,
             "images": entries}
    index_bytes = json.dumps(index, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as handle:
        handle.write(MAGIC)
        handle.write(struct.pack("<Q", len(index_bytes)))
        handle.write(index_bytes)
        handle.write(blobs.getvalue())
    return index


class TrainPack:
    """Read access to a pack file; the whole file is held in memory (it is at most tens of MiB)."""

    def __init__(self, path: str):
        with open(path, "rb") as handle:
            data = handle.read()
        if data[:len(MAGIC)] != MAGIC:
            raise ValueError(f"{path} is not a SimpleClick training pack (bad magic)")
        (index_len,) = struct.unpack("<Q", data[len(MAGIC):len(MAGIC) + 8])
        start = len(MAGIC) + 8
        self.index = json.loads(data[start:start + index_len].decode("utf-8"))
        if self.index.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported pack format {self.index.get('format')}")
        self._blobs = memoryview(data)[start + index_len:]
        self.images: List[Dict] = self.index["images"]
        self.path = path

    def __len__(self) -> int:
        return len(self.images)

    def _blob(self, span: Sequence[int]) -> bytes:
        offset, length = span
        return bytes(self._blobs[offset:offset + length])

    def image(self, i: int) -> np.ndarray:
        """uint8 RGB [H, W, 3]."""
        return decode_jpeg(self._blob(self.images[i]["jpeg"]))

    def layer(self, i: int, layer_index: int) -> np.ndarray:
        """int32 label map [H, W]."""
        return decode_label_png(self._blob(self.images[i]["layers"][layer_index]["png"]))

    def objects(self, i: int) -> List[Tuple[int, int]]:
        """(layer index, label) of every training object of image i."""
        return [(li, label) for li, layer in enumerate(self.images[i]["layers"]) for label in layer["objects"]]

    def indices_by_dataset(self) -> Dict[str, List[int]]:
        """Image indices that have at least one object, grouped by dataset."""
        groups: Dict[str, List[int]] = {}
        for i, entry in enumerate(self.images):
            if any(layer["objects"] for layer in entry["layers"]):
                groups.setdefault(entry["dataset"], []).append(i)
        return groups

    def summary(self) -> str:
        lines = [f"{self.path}: {len(self.images)} images"]
        for name, stats in sorted(self.index["datasets"].items()):
            lines.append(f"  {name}: {stats['images']} images, {stats['objects']} objects")
        return "\n".join(lines)


def open_pack(path: Optional[str]) -> TrainPack:
    if not path:
        raise ValueError("no training pack given")
    return TrainPack(path)
