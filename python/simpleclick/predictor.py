"""The per-click predictor: the official SimpleClick evaluation behaviour (docs/per-click-algorithm.md), literally.

Per object it keeps the previous probability map at full image size (zeros at start) and the zoom-in ROI. Each
`predict(clicks)` call receives *all* clicks so far (in order, the new one last), exactly as the official
`BasePredictor.get_prediction(clicker)`:

1. pick the ROI (zoom_in.next_roi);
2. crop the image and the previous probabilities to it and resize both to S x S (bilinear, align_corners=True,
   one interpolate call on the 4-channel stack as the official code does);
3. draw the click disks at net resolution (click_maps);
4. with flip on, run a batch of 2: the crop and its horizontal mirror (the mirror's disks drawn from x'' = S-x'-1),
   and average the logits as 0.5 * (l0 + mirror(l1));
5. sigmoid, resize back to the ROI size (bilinear, align_corners=True), paste into a zero full-size map: that map
   is the result and the next previous-probability map.

The network is any callable `forward(image [B,3,S,S] RGB in [0,1], click_maps [B,3,S,S]) -> logits [B,1,S,S]`
(click_maps channel 0: previous probabilities, 1: positive disks, 2: negative disks), e.g. a
`simpleclick.network.SimpleClickNet` or a small torch module in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .click import Click
from .click_maps import click_disk_maps
from .zoom_in import Roi, next_roi

ForwardFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class PredictorOptions:
    """net_size_px: S of the graph (448 for the released models, 672 for the official DAVIS run).
    flip: horizontal-flip averaging (on for the official numbers). threshold: mask = probability > threshold,
    compared in float32 (official 0.49)."""

    net_size_px: int = 448
    flip: bool = True
    threshold: float = 0.49


DEFAULT_PREDICTOR_OPTIONS = PredictorOptions()


def image_to_tensor(image: np.ndarray) -> torch.Tensor:
    """uint8 H x W x 3 RGB -> float32 [1, 3, H, W] in [0, 1] (value / 255 in float32, like torchvision ToTensor)."""
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"expected a uint8 H x W x 3 RGB array, got dtype {array.dtype} shape {array.shape}")
    tensor = torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))
    return tensor.to(torch.float32).div(255).unsqueeze(0)


def mask_from_probs(probs: np.ndarray, threshold: float = DEFAULT_PREDICTOR_OPTIONS.threshold) -> np.ndarray:
    """Binary mask = probability > float32(threshold), compared in float32 (as numpy does for the official code)."""
    return np.asarray(probs, dtype=np.float32) > np.float32(threshold)


class Predictor:
    """Reference predictor for one image; call `reset()` (or `set_image`) before each new object."""

    def __init__(self, forward: ForwardFn, options: PredictorOptions = DEFAULT_PREDICTOR_OPTIONS,
                 device: Optional[torch.device] = None):
        if options.net_size_px < 2:
            raise ValueError(f"net_size_px must be >= 2, got {options.net_size_px}")
        self.forward = forward
        self.options = options
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self._image: Optional[torch.Tensor] = None  # float32 [1, 3, H, W]
        self._prev_probs: Optional[torch.Tensor] = None  # float32 [1, 1, H, W]
        self._roi: Optional[Roi] = None
        self.roi_changed = False

    # ----- state -----
    def set_image(self, image: np.ndarray) -> None:
        """Start a new image (uint8 H x W x 3 RGB) and a new object."""
        tensor = image_to_tensor(image)
        self._image = tensor.to(self.device)
        self.reset()

    def reset(self) -> None:
        """Start a new object on the current image: zero previous probabilities, no ROI."""
        if self._image is None:
            raise RuntimeError("set_image() must be called first")
        self._prev_probs = torch.zeros_like(self._image[:, :1])
        self._roi = None
        self.roi_changed = False

    @property
    def image_size(self) -> tuple:
        if self._image is None:
            raise RuntimeError("set_image() must be called first")
        return int(self._image.shape[2]), int(self._image.shape[3])

    @property
    def roi(self) -> Optional[Roi]:
        """The ROI used by the last prediction (None before the first one)."""
        return self._roi

    @property
    def prev_probs(self) -> np.ndarray:
        """The full-size float32 probability map the next prediction refines (a copy)."""
        if self._prev_probs is None:
            raise RuntimeError("set_image() must be called first")
        return self._prev_probs[0, 0].cpu().numpy().copy()

    # ----- prediction -----
    def predict(self, clicks: Sequence[Click]) -> np.ndarray:
        """All clicks so far (full-image coordinates, in order) -> float32 H x W probabilities."""
        if self._image is None or self._prev_probs is None:
            raise RuntimeError("set_image() must be called first")
        height_px, width_px = self.image_size
        clicks = list(clicks)
        for click in clicks:
            if not (0 <= click.y_px < height_px and 0 <= click.x_px < width_px):
                raise ValueError(f"click {click} lies outside the {width_px} x {height_px} image")

        prev_probs_np = self._prev_probs[0, 0].cpu().numpy()
        roi, changed = next_roi(self._roi, prev_probs_np, clicks, height_px, width_px)

        with torch.no_grad():
            probs_full = self._predict_in_roi(roi, clicks)

        self._roi = roi
        self.roi_changed = changed
        self._prev_probs = probs_full
        return probs_full[0, 0].cpu().numpy().copy()

    def mask(self, probs: np.ndarray) -> np.ndarray:
        return mask_from_probs(probs, self.options.threshold)

    def _predict_in_roi(self, roi: Roi, clicks: Sequence[Click]) -> torch.Tensor:
        size = self.options.net_size_px
        stack = torch.cat([self._image, self._prev_probs], dim=1)
        crop = stack[:, :, roi.row_min:roi.row_max + 1, roi.col_min:roi.col_max + 1]
        crop = F.interpolate(crop, size=(size, size), mode="bilinear", align_corners=True)

        disks = [click_disk_maps(clicks, roi, size, mirrored=False)]
        if self.options.flip:
            crop = torch.cat([crop, torch.flip(crop, dims=[3])], dim=0)
            disks.append(click_disk_maps(clicks, roi, size, mirrored=True))
        disks_tensor = torch.from_numpy(np.stack(disks)).to(self.device)

        image_batch = crop[:, :3].contiguous()
        click_maps = torch.cat([crop[:, 3:4], disks_tensor], dim=1)
        logits = self.forward(image_batch, click_maps)
        if isinstance(logits, dict):  # an official-style model returning {'instances': logits}
            logits = logits["instances"]
        if tuple(logits.shape[-2:]) != (size, size):
            logits = F.interpolate(logits, size=(size, size), mode="bilinear", align_corners=True)
        logits = logits.to(torch.float32)

        if self.options.flip:
            logits = 0.5 * (logits[:1] + torch.flip(logits[1:2], dims=[3]))
        probs = torch.sigmoid(logits)

        probs_roi = F.interpolate(probs, size=(roi.height_px, roi.width_px), mode="bilinear", align_corners=True)
        full = torch.zeros_like(self._prev_probs)
        full[:, :, roi.row_min:roi.row_max + 1, roi.col_min:roi.col_max + 1] = probs_roi
        return full
