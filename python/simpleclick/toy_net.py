"""A deterministic stand-in network for parity tests of the click pipeline (not a segmentation model).

    logits = 20 * positive_disks - 60 * negative_disks + 20 * (maxpool9x9(previous_probability) - 0.5)

Its mask is the previous mask grown by 4 net pixels (a 9 x 9 max filter, i.e. a dilation), plus the positive click
disks, minus the negative disks: it grows around the positive clicks until it spills over the object, which then
draws negative clicks. Unlike a randomly initialised SimpleClick graph (whose output barely depends on the clicks, so its ROI
stays the whole image), it drives the zoom-in through several ROI changes, which makes it a sharp parity probe for ROI,
click mapping, disks, flip, crop/resize and paste. Our predictor with this network was checked identical to the
official SimpleClick predictor + clicker (clicks, ROIs, float32 IoUs and probability maps bit for bit).

It is exported as a tiny ONNX graph with the model contract of docs/model-contract.md (inputs `image`,
`click_maps`, output `logits`, dynamic batch, static S), so the TypeScript SDK can run the same fixtures.
"""

from __future__ import annotations

from pathlib import Path

import torch

TOY_VARIANT = "toy-disk-memory"


class ToyDiskMemoryNet(torch.nn.Module):
    def forward(self, image: torch.Tensor, click_maps: torch.Tensor) -> torch.Tensor:
        previous, positive, negative = click_maps[:, 0:1], click_maps[:, 1:2], click_maps[:, 2:3]
        grown = torch.nn.functional.max_pool2d(previous, kernel_size=9, stride=1, padding=4)
        logits = 20.0 * positive - 60.0 * negative + 20.0 * (grown - 0.5)
        # keep `image` a graph input (the exporter drops unused inputs); adding 0 * finite changes nothing
        return logits + 0.0 * image[:, 0:1]


def export_toy_net(path: Path, size_px: int = 448) -> Path:
    """Write the toy network as ONNX (opset 17) with the simpleclick.* metadata the runners read."""
    import onnx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    example = (torch.zeros(1, 3, size_px, size_px), torch.zeros(1, 3, size_px, size_px))
    torch.onnx.export(ToyDiskMemoryNet().eval(), example, str(path), input_names=["image", "click_maps"],
                      output_names=["logits"], opset_version=17,
                      dynamic_axes={"image": {0: "batch"}, "click_maps": {0: "batch"}, "logits": {0: "batch"}})
    model = onnx.load(str(path))
    metadata = {
        "simpleclick.format_version": "1", "simpleclick.variant": TOY_VARIANT,
        "simpleclick.input_size": str(size_px), "simpleclick.patch_size": "16",
        "simpleclick.training_data": "none", "simpleclick.version": "0.1.0", "simpleclick.trained": "false",
        "simpleclick.source": "simpleclick.toy_net.ToyDiskMemoryNet", "simpleclick.weights_dtype": "float32",
    }
    del model.metadata_props[:]
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    model.producer_name = "simpleclick.toy_net"
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path
