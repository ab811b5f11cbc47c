"""Build the training pack from the research datasets in ../shared/data.

    /usr/bin/python3 -m simpleclick.training.pack_data --data-root ../shared/data --out build/train-pack.bin

Sources (each MANIFEST.md in the data root describes the encoding read here):

* BSDS500 train+val+test, every human segmentation, minus every id in ``EXCLUDE_FROM_TRAINING.txt`` (those are
  GrabCut/Berkeley evaluation images). Each region is a candidate object.
* Weizmann Horse: ``figure_ground`` masks are JPEG (threshold 128); ``rgb`` is a scaled copy, resized to the mask.
* Weizmann SED: 3 human segmentations per image; object 1 painted pure red, object 2 pure blue.
* coco128-seg: one YOLO-seg polygon per line, rasterised as one instance.
* CCP: class maps; each class split into connected components, plus all non-zero labels as the person.
* With ``--extra-root DIR``: every folder of DIR that has a MANIFEST.md (made by ``extra_data``) is one more source,
  named by its folder: ``images/<id>.jpg|png`` + ``masks/<id>.png``, a uint8 label map of the image's size
  (0 background, each other value one object).

Images are downscaled to ``--max-side`` (longest side) and stored as JPEG; label maps are resized with nearest
neighbour and stored as PNG. Objects smaller than ``min_area`` or larger than ``--max-area`` (fractions of the
image) are not training objects; an object that repeats an earlier one of the same image (IoU > ``--dedupe-iou``,
e.g. the same region drawn by two annotators) is dropped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageOps

from .pack_format import PackImage, PackLayer, encode_jpeg, encode_label_png, write_pack

cv2.setNumThreads(1)

#: Minimum object area, fraction of the image, per dataset (BSDS regions below 1% are mostly slivers; COCO and
#: CCP parts are real objects even when small).
DEFAULT_MIN_AREA = {"BSDS500": 0.01, "WeizmannHorse": 0.01, "WeizmannSED": 0.005, "coco128-seg": 0.003, "CCP": 0.003}
#: Minimum object area of the sources under ``--extra-root`` (whole objects and people).
DEFAULT_EXTRA_MIN_AREA = 0.005


def load_rgb(path: str) -> np.ndarray:
    image = Image.open(path)
    image = ImageOps.exif_transpose(image)
    return np.asarray(image.convert("RGB"))


def scale_for(width: int, height: int, max_side: int) -> float:
    return min(1.0, max_side / float(max(width, height)))


def resize_rgb(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    if rgb.shape[1] == width and rgb.shape[0] == height:
        return rgb
    return cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)


def resize_labels(labels: np.ndarray, width: int, height: int) -> np.ndarray:
    if labels.shape[1] == width and labels.shape[0] == height:
        return labels
    return cv2.resize(labels.astype(np.float32), (width, height), interpolation=cv2.INTER_NEAREST).astype(np.int32)


def relabel_consecutive(labels: np.ndarray) -> np.ndarray:
    """Labels 1..n in order of first value; 0 stays 0."""
    values = np.unique(labels)
    values = values[values != 0]
    lookup = np.zeros(int(labels.max(initial=0)) + 1, dtype=np.int32)
    lookup[values] = np.arange(1, len(values) + 1, dtype=np.int32)
    return lookup[labels]


class ObjectFilter:
    """Keeps objects within an area range and drops repeats of an object already kept for the same image."""

    def __init__(self, min_area: float, max_area: float, dedupe_iou: float):
        self.min_area = min_area
        self.max_area = max_area
        self.dedupe_iou = dedupe_iou
        self.kept: List[np.ndarray] = []

    def accept(self, mask: np.ndarray) -> bool:
        fraction = mask.mean()
        if fraction < self.min_area or fraction > self.max_area:
            return False
        for other in self.kept:
            intersection = np.logical_and(mask, other).sum()
            if intersection == 0:
                continue
            union = np.logical_or(mask, other).sum()
            if intersection / union > self.dedupe_iou:
                return False
        self.kept.append(mask)
        return True


def make_layer(labels: np.ndarray, object_filter: ObjectFilter, candidate_labels: Optional[Sequence[int]] = None
               ) -> Optional[PackLayer]:
    """A pack layer of `labels` holding the candidates that pass the filter; None when none does."""
    if candidate_labels is None:
        candidate_labels = [int(v) for v in np.unique(labels) if v != 0]
    objects = [label for label in candidate_labels if object_filter.accept(labels == label)]
    if not objects:
        return None
    return PackLayer(png_bytes=encode_label_png(labels), object_labels=objects)


class Packer:
    def __init__(self, data_root: str, max_side: int, jpeg_quality: int, max_area: float, dedupe_iou: float,
                 min_area: Dict[str, float]):
        self.data_root = data_root
        self.max_side = max_side
        self.jpeg_quality = jpeg_quality
        self.max_area = max_area
        self.dedupe_iou = dedupe_iou
        self.min_area = min_area
        self.skipped: Dict[str, int] = {}

    def path(self, *parts: str) -> str:
        return os.path.join(self.data_root, *parts)

    def new_filter(self, dataset: str) -> ObjectFilter:
        return ObjectFilter(self.min_area[dataset], self.max_area, self.dedupe_iou)

    def target_size(self, width: int, height: int) -> Tuple[int, int]:
        scale = scale_for(width, height, self.max_side)
        return max(1, int(round(width * scale))), max(1, int(round(height * scale)))

    def finish(self, dataset: str, image_id: str, rgb: np.ndarray, layers: List[Optional[PackLayer]]
               ) -> Optional[PackImage]:
        layers = [layer for layer in layers if layer is not None]
        if not layers:
            self.skipped[dataset] = self.skipped.get(dataset, 0) + 1
            return None
        return PackImage(dataset=dataset, image_id=image_id, width=rgb.shape[1], height=rgb.shape[0],
                         jpeg_bytes=encode_jpeg(rgb, self.jpeg_quality), layers=layers)

    # ---- BSDS500 -------------------------------------------------------------------------------------------
    def bsds500(self) -> Iterator[PackImage]:
        import scipy.io

        root = self.path("BSDS500")
        excluded = read_excluded_ids(os.path.join(root, "EXCLUDE_FROM_TRAINING.txt"))
        for split in ("train", "val", "test"):
            image_dir = os.path.join(root, "images", split)
            for name in sorted(os.listdir(image_dir)):
                if not name.endswith(".jpg"):
                    continue
                image_id = name[:-4]
                if image_id in excluded:
                    continue
                rgb = load_rgb(os.path.join(image_dir, name))
                width, height = self.target_size(rgb.shape[1], rgb.shape[0])
                rgb = resize_rgb(rgb, width, height)
                mat = scipy.io.loadmat(os.path.join(root, "groundTruth", split, image_id + ".mat"))
                ground_truth = mat["groundTruth"]
                object_filter = self.new_filter("BSDS500")
                layers = []
                for k in range(ground_truth.shape[1]):
                    segmentation = ground_truth[0, k]["Segmentation"][0, 0].astype(np.int32)
                    labels = relabel_consecutive(resize_labels(segmentation, width, height))
                    layers.append(make_layer(labels, object_filter))
                packed = self.finish("BSDS500", image_id, rgb, layers)
                if packed:
                    yield packed

    # ---- Weizmann Horse ------------------------------------------------------------------------------------
    def weizmann_horse(self) -> Iterator[PackImage]:
        root = self.path("WeizmannHorse")
        for name in sorted(os.listdir(os.path.join(root, "figure_ground"))):
            mask_image = np.asarray(Image.open(os.path.join(root, "figure_ground", name)).convert("L"))
            # rgb/ is a uniformly scaled copy of the image the mask was drawn on: bring it to the mask grid first.
            rgb = resize_rgb(load_rgb(os.path.join(root, "rgb", name)), mask_image.shape[1], mask_image.shape[0])
            width, height = self.target_size(rgb.shape[1], rgb.shape[0])
            rgb = resize_rgb(rgb, width, height)
            labels = resize_labels((mask_image >= 128).astype(np.int32), width, height)
            yield from filter(None, [self.finish("WeizmannHorse", os.path.splitext(name)[0], rgb,
                                                 [make_layer(labels, self.new_filter("WeizmannHorse"))])])

    # ---- Weizmann SED --------------------------------------------------------------------------------------
    def weizmann_sed(self) -> Iterator[PackImage]:
        root = self.path("WeizmannSED")
        for group in ("1obj", "2obj"):
            for name in sorted(os.listdir(os.path.join(root, group))):
                folder = os.path.join(root, group, name)
                if not os.path.isdir(folder):
                    continue
                # The image is <name>.png (2obj/000_4009 holds a stray second image).
                rgb = load_rgb(os.path.join(folder, "src_color", name + ".png"))
                width, height = self.target_size(rgb.shape[1], rgb.shape[0])
                original_size = (rgb.shape[1], rgb.shape[0])
                rgb = resize_rgb(rgb, width, height)
                object_filter = self.new_filter("WeizmannSED")
                layers = []
                seg_dir = os.path.join(folder, "human_seg")
                for seg_name in sorted(os.listdir(seg_dir)):
                    seg = load_rgb(os.path.join(seg_dir, seg_name)).astype(np.int32)
                    if (seg.shape[1], seg.shape[0]) != original_size:
                        self.skipped["WeizmannSED-size"] = self.skipped.get("WeizmannSED-size", 0) + 1
                        continue
                    red, green, blue = seg[..., 0], seg[..., 1], seg[..., 2]
                    # Painted pixels are saturated; the rest of the file is the grayscale image (R = G = B).
                    labels = np.zeros(red.shape, dtype=np.int32)
                    labels[red - np.maximum(green, blue) > 100] = 1
                    labels[blue - np.maximum(red, green) > 100] = 2
                    layers.append(make_layer(resize_labels(labels, width, height), object_filter))
                packed = self.finish("WeizmannSED", f"{group}/{name}", rgb, layers)
                if packed:
                    yield packed

    # ---- coco128-seg ---------------------------------------------------------------------------------------
    def coco128(self) -> Iterator[PackImage]:
        root = self.path("coco128-seg")
        image_dir = os.path.join(root, "images", "train2017")
        for name in sorted(os.listdir(image_dir)):
            stem = os.path.splitext(name)[0]
            label_path = os.path.join(root, "labels", "train2017", stem + ".txt")
            if not os.path.exists(label_path):
                continue
            rgb = load_rgb(os.path.join(image_dir, name))
            width, height = self.target_size(rgb.shape[1], rgb.shape[0])
            rgb = resize_rgb(rgb, width, height)
            polygons = []
            with open(label_path) as handle:
                for line in handle:
                    values = line.split()
                    if len(values) < 7:
                        continue
                    coords = np.array([float(v) for v in values[1:]]).reshape(-1, 2)
                    polygons.append([(x * width, y * height) for x, y in coords])
            masks = []
            for polygon in polygons:
                canvas = Image.new("L", (width, height), 0)
                ImageDraw.Draw(canvas).polygon(polygon, fill=1, outline=1)
                masks.append(np.asarray(canvas).astype(bool))
            # One label layer; large instances are painted first so that smaller ones in front stay whole.
            order = sorted(range(len(masks)), key=lambda i: -masks[i].sum())
            labels = np.zeros((height, width), dtype=np.int32)
            for label, i in enumerate(order, start=1):
                labels[masks[i]] = label
            packed = self.finish("coco128-seg", stem, rgb, [make_layer(labels, self.new_filter("coco128-seg"))])
            if packed:
                yield packed

    # ---- CCP -----------------------------------------------------------------------------------------------
    def ccp(self, limit: Optional[int] = None) -> Iterator[PackImage]:
        root = self.path("CCP")
        names = sorted(n for n in os.listdir(os.path.join(root, "masks_png")) if n.endswith(".png"))
        if limit is not None:
            names = names[:limit]
        for name in names:
            stem = name[:-4]
            classes = np.asarray(Image.open(os.path.join(root, "masks_png", name))).astype(np.int32)
            rgb = load_rgb(os.path.join(root, "photos", stem + ".jpg"))
            if rgb.shape[:2] != classes.shape:
                self.skipped["CCP-size"] = self.skipped.get("CCP-size", 0) + 1
                continue
            width, height = self.target_size(rgb.shape[1], rgb.shape[0])
            rgb = resize_rgb(rgb, width, height)
            classes = resize_labels(classes, width, height)
            parts = np.zeros_like(classes)
            next_label = 1
            for class_id in np.unique(classes):
                if class_id == 0:
                    continue
                count, components = cv2.connectedComponents((classes == class_id).astype(np.uint8), connectivity=8)
                for component in range(1, count):
                    parts[components == component] = next_label
                    next_label += 1
            object_filter = self.new_filter("CCP")
            person = (classes != 0).astype(np.int32)
            layers = [make_layer(person, object_filter), make_layer(parts, object_filter)]
            packed = self.finish("CCP", stem, rgb, layers)
            if packed:
                yield packed

    # ---- normalised extra sources (extra_data.py) ----------------------------------------------------------
    def extra(self, dataset: str, folder: str, limit: Optional[int] = None) -> Iterator[PackImage]:
        image_dir = os.path.join(folder, "images")
        mask_dir = os.path.join(folder, "masks")
        names = [name for name in sorted(os.listdir(image_dir))
                 if os.path.splitext(name)[1].lower() in (".jpg", ".jpeg", ".png")]
        for name in names[:limit]:
            stem = os.path.splitext(name)[0]
            mask_path = os.path.join(mask_dir, stem + ".png")
            if not os.path.exists(mask_path):
                self.skipped[f"{dataset}-nomask"] = self.skipped.get(f"{dataset}-nomask", 0) + 1
                continue
            labels = np.asarray(Image.open(mask_path)).astype(np.int32)
            rgb = load_rgb(os.path.join(image_dir, name))
            if labels.ndim != 2 or rgb.shape[:2] != labels.shape:
                self.skipped[f"{dataset}-size"] = self.skipped.get(f"{dataset}-size", 0) + 1
                continue
            width, height = self.target_size(rgb.shape[1], rgb.shape[0])
            rgb = resize_rgb(rgb, width, height)
            labels = relabel_consecutive(resize_labels(labels, width, height))
            packed = self.finish(dataset, stem, rgb, [make_layer(labels, self.new_filter(dataset))])
            if packed:
                yield packed


def read_excluded_ids(path: str) -> set:
    excluded = set()
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#"):
                excluded.add(line)
    if not excluded:
        raise ValueError(f"{path} lists no ids: refusing to pack BSDS500 without the evaluation exclusions")
    return excluded


#: The repository root (python/simpleclick/training -> three levels up).
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def default_data_root() -> str:
    """$SIMPLECLICK_DATA, else ../shared/data relative to the repository root (the team's layout)."""
    return os.environ.get("SIMPLECLICK_DATA") or os.path.join(REPO_ROOT, "..", "shared", "data")


DATASETS = ("BSDS500", "WeizmannHorse", "WeizmannSED", "coco128-seg", "CCP")


def list_extra_sources(extra_root: str) -> Dict[str, str]:
    """Source name -> folder, for every folder of `extra_root` that has a MANIFEST.md (sorted by name)."""
    sources = {}
    for name in sorted(os.listdir(extra_root)):
        folder = os.path.join(extra_root, name)
        if os.path.isfile(os.path.join(folder, "MANIFEST.md")) and os.path.isdir(os.path.join(folder, "images")):
            if name in DATASETS:
                raise ValueError(f"{folder}: an extra source may not take the name of a built-in one")
            sources[name] = folder
    return sources


def build_pack(data_root: str, out_path: str, max_side: int = 352, jpeg_quality: int = 85, max_area: float = 0.8,
               dedupe_iou: float = 0.9, datasets: Sequence[str] = DATASETS, ccp_limit: Optional[int] = None,
               log=print, extra_root: Optional[str] = None, extra_min_area: float = DEFAULT_EXTRA_MIN_AREA,
               extra_limit: Optional[int] = None) -> Dict:
    packer = Packer(data_root, max_side, jpeg_quality, max_area, dedupe_iou, dict(DEFAULT_MIN_AREA))
    generators = {
        "BSDS500": packer.bsds500, "WeizmannHorse": packer.weizmann_horse, "WeizmannSED": packer.weizmann_sed,
        "coco128-seg": packer.coco128, "CCP": lambda: packer.ccp(ccp_limit),
    }
    extra_sources = list_extra_sources(extra_root) if extra_root is not None else {}
    for name, folder in extra_sources.items():
        generators[name] = lambda name=name, folder=folder: packer.extra(name, folder, extra_limit)
        if name in datasets:
            packer.min_area[name] = extra_min_area
    images: List[PackImage] = []
    for dataset in datasets:
        start = time.time()
        before = len(images)
        images.extend(generators[dataset]())
        log(f"  {dataset}: {len(images) - before} images in {time.time() - start:.0f} s")
    settings = {"max_side": max_side, "jpeg_quality": jpeg_quality, "max_area": max_area, "dedupe_iou": dedupe_iou,
                "min_area": packer.min_area, "datasets": list(datasets), "ccp_limit": ccp_limit,
                "skipped": packer.skipped}
    if extra_root is not None:
        settings["extra_root"] = os.path.abspath(extra_root)
        if extra_limit is not None:
            settings["extra_limit"] = extra_limit
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    created_by = "python3 -m simpleclick.training.pack_data " + " ".join(sys.argv[1:])
    return write_pack(out_path, images, settings, created_by)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-root", default=None,
                        help="data folder (default: $SIMPLECLICK_DATA, else ../shared/data next to the repo root)")
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "build", "train-pack.bin"),
                        help="pack file (default: <repo>/build/train-pack.bin, an ignored folder)")
    parser.add_argument("--max-side", type=int, default=352, help="longest image side after downscaling (px)")
    parser.add_argument("--jpeg-quality", type=int, default=85)
    parser.add_argument("--max-area", type=float, default=0.8, help="drop objects above this image fraction")
    parser.add_argument("--dedupe-iou", type=float, default=0.9)
    parser.add_argument("--datasets", default=None,
                        help="comma-separated sources (default: the built-in ones plus every --extra-root source)")
    parser.add_argument("--ccp-limit", type=int, default=None, help="use only the first N CCP photos")
    parser.add_argument("--extra-root", default=None,
                        help="folder made by extra_data: each subfolder with a MANIFEST.md is one more source")
    parser.add_argument("--extra-min-area", type=float, default=DEFAULT_EXTRA_MIN_AREA,
                        help="minimum object area (image fraction) of the --extra-root sources")
    parser.add_argument("--extra-limit", type=int, default=None,
                        help="use only the first N images of each --extra-root source (a pack of bounded size)")
    args = parser.parse_args(argv)
    if args.data_root is None:
        args.data_root = default_data_root()

    if not os.path.isdir(args.data_root):
        print(f"data root {args.data_root} not found (set --data-root or SIMPLECLICK_DATA)", file=sys.stderr)
        return 2
    extra_sources: Dict[str, str] = {}
    if args.extra_root is not None:
        if not os.path.isdir(args.extra_root):
            print(f"extra root {args.extra_root} not found (make it with simpleclick.training.extra_data)",
                  file=sys.stderr)
            return 2
        extra_sources = list_extra_sources(args.extra_root)
    if args.datasets is None:
        datasets = list(DATASETS) + list(extra_sources)
    else:
        datasets = [d for d in args.datasets.split(",") if d]
    known = list(DATASETS) + list(extra_sources)
    unknown = set(datasets) - set(known)
    if unknown:
        print(f"unknown dataset(s) {sorted(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    print(f"packing {', '.join(datasets)} from {args.data_root} -> {args.out}")
    index = build_pack(args.data_root, args.out, args.max_side, args.jpeg_quality, args.max_area, args.dedupe_iou,
                       datasets, args.ccp_limit, extra_root=args.extra_root, extra_min_area=args.extra_min_area,
                       extra_limit=args.extra_limit)
    size_mib = os.path.getsize(args.out) / 2 ** 20
    print(f"wrote {args.out}: {len(index['images'])} images, {size_mib:.1f} MiB")
    for name, stats in index["datasets"].items():
        print(f"  {name}: {stats['images']} images, {stats['objects']} objects")
    if index["settings"]["skipped"]:
        print(f"  skipped (no object / size mismatch): {index['settings']['skipped']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
