"""Evaluation dataset loaders, following the official SimpleClick loaders (isegm/data/datasets/*.py, v1.0).

Common rules (docs/evaluation-protocol.md, datasets):

* samples are the image files sorted by name; each mask is the file whose stem equals the image name cut at its
  first dot;
* images are decoded with OpenCV (cv2.imread, IMREAD_COLOR, then BGR -> RGB) as the official code does: grayscale
  images come out replicated to 3 channels, and OpenCV applies the EXIF orientation tag when decoding (checked for
  JPEG and PNG with OpenCV 4.6: a file tagged orientation 6 comes back rotated; none of the shipped evaluation
  images carries a rotating tag). Masks are read the same way, so "channel 0" of a colour mask is *blue*.

Per dataset:

* GrabCut (data_GT/, boundary_GT/) and Berkeley (images/, masks/): mask channel 0 value 128 = ignore, > 128 =
  object, one object per image. Literal quirk of the official loader: a channel-0 value of exactly 1 also counts as
  object (it maps >128 to 1 and then selects == 1); no shipped mask has that value.
* DAVIS and COCO_MVal (img/, gt/): any non-zero colour channel = object (all object ids merge into one), no ignore.
* ssTEM (stack1: raw/*.tif, mitochondria/*.png): every 4-connected component of the non-zero mask (channel 0) is
  one instance, in OpenCV's label order (ascending first pixel in row-major order), no ignore. The official code
  keeps every component, specks included (391 over 20 slices); `min_area_px` can drop small ones (default 0).
* Folder: any images/ + masks/ pair with the same pairing rule and a chosen mask rule ("nonzero" or "grabcut").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import cv2
import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_ROOT_ENV = "SIMPLECLICK_DATA"

IGNORE_VALUE = 128


def default_data_root() -> Path:
    """$SIMPLECLICK_DATA, else ../shared/data relative to the repository root."""
    env = os.environ.get(DATA_ROOT_ENV)
    if env:
        return Path(env)
    return (REPO_ROOT / ".." / "shared" / "data").resolve()


def read_image_rgb(path: Path) -> np.ndarray:
    """uint8 H x W x 3 RGB, decoded by OpenCV (EXIF orientation applied, grayscale replicated)."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise IOError(f"cannot decode image {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def read_mask_bgr(path: Path) -> np.ndarray:
    """uint8 H x W x 3 in OpenCV's BGR order (the official loaders index this array)."""
    mask = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if mask is None:
        raise IOError(f"cannot decode mask {path}")
    return mask


@dataclass
class ObjectSample:
    """One object to segment: boolean ground truth and boolean ignore region, both H x W."""

    object_id: str
    gt_mask: np.ndarray
    ignore_mask: np.ndarray

    @property
    def area_px(self) -> int:
        return int(np.count_nonzero(self.gt_mask))


@dataclass
class ImageSample:
    name: str
    image_path: Path
    mask_path: Path
    image: np.ndarray  # uint8 H x W x 3 RGB
    objects: List[ObjectSample] = field(default_factory=list)


def grabcut_rule(mask_bgr: np.ndarray):
    """(object, ignore) from channel 0 (blue): 128 ignore, > 128 object (and the official == 1 quirk)."""
    channel0 = mask_bgr[:, :, 0]
    ignore = channel0 == IGNORE_VALUE
    obj = (channel0 > IGNORE_VALUE) | (channel0 == 1)
    return obj, ignore


def nonzero_rule(mask_bgr: np.ndarray):
    """(object, ignore): any non-zero channel is object; nothing is ignored."""
    obj = mask_bgr.max(axis=2) > 0
    return obj, np.zeros_like(obj)


MASK_RULES = {"grabcut": grabcut_rule, "nonzero": nonzero_rule}


class PairedFolderDataset:
    """Images in one folder, masks in another, one object per image (GrabCut, Berkeley, DAVIS, COCO_MVal, Folder)."""

    def __init__(self, name: str, root: Path, images_dir: str, masks_dir: str, mask_rule: str,
                 image_pattern: str = "*.*", mask_pattern: str = "*.*", data_root: Optional[Path] = None):
        self.name = name
        self.root = Path(root)
        self.images_path = self.root / images_dir
        self.masks_path = self.root / masks_dir
        self.data_root = Path(data_root) if data_root is not None else None
        if mask_rule not in MASK_RULES:
            raise ValueError(f"unknown mask rule {mask_rule!r}; choose one of {sorted(MASK_RULES)}")
        self.mask_rule = mask_rule
        if not self.images_path.is_dir() or not self.masks_path.is_dir():
            raise FileNotFoundError(f"{name}: expected folders {self.images_path} and {self.masks_path}")
        self.image_names = sorted(p.name for p in self.images_path.glob(image_pattern) if p.is_file())
        self._masks_by_stem: Dict[str, Path] = {p.stem: p for p in self.masks_path.glob(mask_pattern) if p.is_file()}
        for image_name in self.image_names:
            if self.pair_key(image_name) not in self._masks_by_stem:
                raise FileNotFoundError(f"{name}: no mask for image {image_name} in {self.masks_path}")

    @staticmethod
    def pair_key(image_name: str) -> str:
        return image_name.split(".")[0]

    def __len__(self) -> int:
        return len(self.image_names)

    def mask_path_for(self, image_name: str) -> Path:
        return self._masks_by_stem[self.pair_key(image_name)]

    def relative(self, path: Path) -> str:
        """Path relative to the data root when known (the form the parity fixtures store)."""
        if self.data_root is not None:
            try:
                return Path(path).resolve().relative_to(self.data_root.resolve()).as_posix()
            except ValueError:
                pass
        return str(path)

    def object_masks(self, mask_bgr: np.ndarray, image_name: str) -> List[ObjectSample]:
        obj, ignore = MASK_RULES[self.mask_rule](mask_bgr)
        return [ObjectSample(f"{self.name}/{self.pair_key(image_name)}", obj, ignore)]

    def load(self, index: int) -> ImageSample:
        image_name = self.image_names[index]
        image_path = self.images_path / image_name
        mask_path = self.mask_path_for(image_name)
        image = read_image_rgb(image_path)
        mask_bgr = read_mask_bgr(mask_path)
        if mask_bgr.shape[:2] != image.shape[:2]:
            raise ValueError(f"{self.name}: mask {mask_path} is {mask_bgr.shape[:2]}, image is {image.shape[:2]}")
        return ImageSample(image_name, image_path, mask_path, image, self.object_masks(mask_bgr, image_name))

    def __iter__(self) -> Iterator[ImageSample]:
        for index in range(len(self)):
            yield self.load(index)


class SsTemDataset(PairedFolderDataset):
    """ssTEM stack 1: each 4-connected component of the mitochondria mask is one instance."""

    def __init__(self, root: Path, data_root: Optional[Path] = None, min_area_px: int = 0):
        super().__init__("ssTEM", root, "raw", "mitochondria", "nonzero", image_pattern="*.tif",
                         mask_pattern="*.png", data_root=data_root)
        self.min_area_px = min_area_px

    def object_masks(self, mask_bgr: np.ndarray, image_name: str) -> List[ObjectSample]:
        foreground = (mask_bgr[:, :, 0] != 0).astype(np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(foreground, connectivity=4)
        objects = []
        no_ignore = np.zeros(foreground.shape, dtype=bool)
        for label in range(1, count):
            if stats[label, cv2.CC_STAT_AREA] < self.min_area_px:
                continue
            objects.append(ObjectSample(f"ssTEM/{self.pair_key(image_name)}/{label}", labels == label, no_ignore))
        return objects


# name -> (folder under the data root, factory)
DATASETS = {
    "GrabCut": "GrabCut",
    "Berkeley": "Berkeley",
    "DAVIS": "DAVIS",
    "COCO_MVal": "COCO_MVal",
    "ssTEM": "ssTEM/stack1",
}


def load_dataset(name: str, data_root: Optional[Path] = None, min_area_px: int = 0):
    """An official evaluation dataset by name (GrabCut, Berkeley, DAVIS, COCO_MVal, ssTEM)."""
    root = Path(data_root) if data_root is not None else default_data_root()
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(DATASETS)} (or use a Folder dataset)")
    folder = root / DATASETS[name]
    if name == "GrabCut":
        return PairedFolderDataset(name, folder, "data_GT", "boundary_GT", "grabcut", data_root=root)
    if name == "Berkeley":
        return PairedFolderDataset(name, folder, "images", "masks", "grabcut", data_root=root)
    if name in ("DAVIS", "COCO_MVal"):
        return PairedFolderDataset(name, folder, "img", "gt", "nonzero", data_root=root)
    return SsTemDataset(folder, data_root=root, min_area_px=min_area_px)


def folder_dataset(images_dir: Path, masks_dir: Path, mask_rule: str = "nonzero", name: str = "Folder"):
    """Any images folder + masks folder paired by name."""
    return PairedFolderDataset(name, Path("."), str(Path(images_dir).resolve()), str(Path(masks_dir).resolve()),
                               mask_rule)
