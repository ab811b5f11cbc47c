"""Training samples from the pack: pick a source, an image and an object, augment, draw the initial clicks.

Every sample is a pure function of (seed, sample index), so a resumed run continues the same data stream and a
DataLoader with workers yields the same samples as the single-process loop.

Sources and their default weights (per sample, not per image; the pack holds 2,055 images and ~23,500 objects):
BSDS500 regions 0.20, CCP people and garments 0.15 (the whole person half the time), coco128 instances 0.20,
Weizmann SED 0.12, Weizmann Horse 0.08, copy-paste composites 0.15 (an object of Horse/SED/coco/CCP pasted into
another pack image), synthetic textured shapes 0.10. BSDS regions and CCP parts are numerous but come from few
images of two domains and are often parts of things; annotators click whole objects first, so whole objects weigh
more than in the scratch run (SCRATCH_SOURCE_WEIGHTS: BSDS 0.30, coco 0.15, SED 0.10, Horse 0.07, copy-paste
0.13, CCP parts and persons picked uniformly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np
import torch

from .augment import AugmentOptions, augment
from .click_sampler import ClickSamplerOptions, InitialClickSampler
from .pack_format import TrainPack
from .synthetic import copy_paste, synthetic_shapes

DEFAULT_SOURCE_WEIGHTS: Dict[str, float] = {
    "BSDS500": 0.20, "CCP": 0.15, "coco128-seg": 0.20, "WeizmannSED": 0.12, "WeizmannHorse": 0.08,
    "copy-paste": 0.15, "synthetic": 0.10,
}
#: The weights of the first (scratch) run; whole objects now weigh more (annotators click whole objects first).
SCRATCH_SOURCE_WEIGHTS: Dict[str, float] = {
    "BSDS500": 0.30, "CCP": 0.15, "coco128-seg": 0.15, "WeizmannSED": 0.10, "WeizmannHorse": 0.07,
    "copy-paste": 0.13, "synthetic": 0.10,
}
#: Per dataset, the probability of taking the target from the pack's first layer: CCP's first layer is the whole
#: person, its second the garments and body parts (about nine of them a photo, which a uniform pick favours).
DEFAULT_WHOLE_LAYER_PROBS: Dict[str, float] = {"CCP": 0.5}
#: Datasets whose objects are whole things (used as the pasted object in copy-paste composites).
PASTE_SOURCES = ("WeizmannHorse", "WeizmannSED", "coco128-seg", "CCP")


@dataclass(frozen=True)
class SampleOptions:
    size_px: int = 256
    source_weights: Dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SOURCE_WEIGHTS))
    merge_objects_prob: float = 0.15
    whole_layer_probs: Dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WHOLE_LAYER_PROBS))
    max_extra_clicks: int = 3  # room kept in the click arrays for the iterative rounds
    augment: Optional[AugmentOptions] = None
    clicks: ClickSamplerOptions = ClickSamplerOptions()

    def augment_options(self) -> AugmentOptions:
        if self.augment is not None:
            return self.augment
        return AugmentOptions(size_px=self.size_px)


class SampleSource:
    """Makes training samples from a :class:`TrainPack` (see module docstring)."""

    def __init__(self, pack: TrainPack, options: SampleOptions, seed: int = 0):
        self.pack = pack
        self.options = options
        self.seed = int(seed)
        self.augment_options = options.augment_options()
        if self.augment_options.size_px != options.size_px:
            raise ValueError("augment size_px and sample size_px differ")
        self.click_sampler = InitialClickSampler(options.clicks)
        self.by_dataset = pack.indices_by_dataset()
        names, weights = [], []
        for name, weight in options.source_weights.items():
            available = name in ("synthetic", "copy-paste") or name in self.by_dataset
            if name == "copy-paste":
                available = any(source in self.by_dataset for source in PASTE_SOURCES)
            if weight > 0 and available:
                names.append(name)
                weights.append(weight)
        if not names:
            raise ValueError("no training source available in the pack")
        self.source_names = names
        self.source_probs = np.array(weights, dtype=np.float64) / sum(weights)
        self.paste_indices = [i for source in PASTE_SOURCES for i in self.by_dataset.get(source, [])]
        self.all_indices = [i for indices in self.by_dataset.values() for i in indices]

    # ----- pieces ---------------------------------------------------------------------------------------------
    def _object_masks(self, image_index: int, rng: np.random.Generator
                      ) -> Tuple[np.ndarray, List[np.ndarray], Optional[np.ndarray]]:
        """(image, parts of the target, other objects) of a random object of an image."""
        objects = self.pack.objects(image_index)
        dataset = self.pack.images[image_index]["dataset"]
        if rng.random() < self.options.whole_layer_probs.get(dataset, 0.0):
            objects = [entry for entry in objects if entry[0] == 0] or objects
        layer_index, label = objects[int(rng.integers(len(objects)))]
        labels = self.pack.layer(image_index, layer_index)
        target = labels == label
        parts = [target]
        layer_objects = self.pack.images[image_index]["layers"][layer_index]["objects"]
        if len(layer_objects) > 1 and rng.random() < self.options.merge_objects_prob:
            # Merge with a touching object of the same segmentation when there is one (a region next to it is
            # usually another part of the same thing), else with any other object.
            grown = cv2.dilate(target.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
            touching = set(np.unique(labels[grown & ~target]).tolist())
            candidates = [v for v in layer_objects if v != label and v in touching]
            if not candidates:
                candidates = [v for v in layer_objects if v != label]
            parts.append(labels == candidates[int(rng.integers(len(candidates)))])
        others = (labels > 0)
        for part in parts:
            others &= ~part
        return self.pack.image(image_index), parts, (others if others.any() else None)

    def _raw_sample(self, source: str, rng: np.random.Generator):
        """(image, parts, others, already_at_size) before augmentation, or None."""
        if source == "synthetic":
            made = synthetic_shapes(self.options.size_px, rng)
            if made is None:
                return None
            image, target, others = made
            return image, [target], others, True
        if source == "copy-paste":
            object_image, parts, _ = self._object_masks(
                self.paste_indices[int(rng.integers(len(self.paste_indices)))], rng)
            background_index = self.all_indices[int(rng.integers(len(self.all_indices)))]
            background = self.pack.image(background_index)
            background_objects = self.pack.layer(background_index, 0) > 0
            source_mask = parts[0]
            for part in parts[1:]:
                source_mask = source_mask | part
            made = copy_paste(object_image, source_mask, background, background_objects, rng)
            if made is None:
                return None
            image, target, others = made
            return image, [target], others, False
        indices = self.by_dataset[source]
        image, parts, others = self._object_masks(indices[int(rng.integers(len(indices)))], rng)
        return image, parts, others, False

    # ----- public -----------------------------------------------------------------------------------------------
    def sample(self, index: int) -> Dict[str, np.ndarray]:
        """One training sample (deterministic in (seed, index)):

        image float32 [3,S,S] in [0,1]; gt float32 [1,S,S] of 0/1; positives and negatives int32 [P,2] of
        (row, col), padded with -1, P = max_points + max_extra_clicks; source: index into `source_names`.
        """
        rng = np.random.default_rng([self.seed, int(index)])
        size = self.options.size_px
        for _ in range(20):
            source_id = int(rng.choice(len(self.source_names), p=self.source_probs))
            raw = self._raw_sample(self.source_names[source_id], rng)
            if raw is None:
                continue
            image, parts, others, at_size = raw
            if at_size:
                target = parts[0]
                if rng.random() < self.augment_options.flip_prob:
                    image, target = image[:, ::-1].copy(), target[:, ::-1].copy()
                    others = others[:, ::-1].copy() if others is not None else None
                parts = [target]
            else:
                target = parts[0].copy()
                for part in parts[1:]:
                    target |= part
                augmented = augment(image, target, others, self.augment_options, rng,
                                    parts=parts if len(parts) > 1 else ())
                if augmented is None:
                    continue
                image, target, others, warped_parts, _ = augmented
                # A part that left the crop entirely cannot take a click: keep the visible ones.
                parts = [p for p in warped_parts if p.any()] or [target]
            positives, negatives = self.click_sampler.sample(parts, others, rng)
            return {
                "image": np.ascontiguousarray(image.transpose(2, 0, 1), dtype=np.float32) / 255.0,
                "gt": target[None].astype(np.float32),
                "positives": pad_points(positives, self.options.clicks.max_points + self.options.max_extra_clicks),
                "negatives": pad_points(negatives, self.options.clicks.max_points + self.options.max_extra_clicks),
                "source": np.int64(source_id),
            }
        raise RuntimeError(f"could not make a valid training sample for index {index} in 20 tries")


def pad_points(points: List[Tuple[int, int]], length: int) -> np.ndarray:
    out = np.full((length, 2), -1, dtype=np.int32)
    if points:
        out[:min(len(points), length)] = np.asarray(points[:length], dtype=np.int32)
    return out


class SampleDataset(torch.utils.data.Dataset):
    """Map-style dataset over sample indices start..start+length (the trainer asks for step*B + j)."""

    def __init__(self, pack_path: str, options: SampleOptions, seed: int, length: int = 10 ** 9):
        self.pack_path = pack_path
        self.options = options
        self.seed = seed
        self.length = length
        self._source: Optional[SampleSource] = None

    @property
    def source(self) -> SampleSource:
        if self._source is None:  # opened lazily so that each DataLoader worker reads its own copy
            self._source = SampleSource(TrainPack(self.pack_path), self.options, self.seed)
        return self._source

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> Dict[str, np.ndarray]:
        return self.source.sample(index)
