"""The per-click predictor (docs/per-click-algorithm.md) driven by small fake networks at S = 32."""

import numpy as np
import pytest
import torch

from simpleclick.click import Click
from simpleclick.click_maps import click_disk_maps
from simpleclick.predictor import Predictor, PredictorOptions, image_to_tensor, mask_from_probs
from simpleclick.zoom_in import Roi, candidate_roi

torch.set_num_threads(1)
S = 32


class RecordingNet:
    """Returns logits = gain * (positive disks - negative disks) + prev_gain * (prev - 0.5) + bias and records
    its inputs."""

    def __init__(self, gain=20.0, prev_gain=0.0, bias=-5.0):
        self.gain, self.prev_gain, self.bias = gain, prev_gain, bias
        self.calls = []

    def __call__(self, image, click_maps):
        self.calls.append((image.clone(), click_maps.clone()))
        logits = (self.gain * (click_maps[:, 1:2] - click_maps[:, 2:3])
                  + self.prev_gain * (click_maps[:, 0:1] - 0.5) + self.bias)
        return logits


def _image(height=40, width=60, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def _bilinear_align_corners(array, out_h, out_w):
    """Independent numpy bilinear resize with align_corners=True (src = dst * (in - 1) / (out - 1))."""
    in_h, in_w = array.shape[-2:]
    ys = np.arange(out_h) * ((in_h - 1) / (out_h - 1)) if out_h > 1 else np.zeros(1)
    xs = np.arange(out_w) * ((in_w - 1) / (out_w - 1)) if out_w > 1 else np.zeros(1)
    y0 = np.clip(np.floor(ys).astype(int), 0, in_h - 1)
    x0 = np.clip(np.floor(xs).astype(int), 0, in_w - 1)
    y1, x1 = np.minimum(y0 + 1, in_h - 1), np.minimum(x0 + 1, in_w - 1)
    wy, wx = (ys - y0)[:, None], (xs - x0)[None, :]
    a = array[..., y0[:, None], x0[None, :]]
    b = array[..., y0[:, None], x1[None, :]]
    c = array[..., y1[:, None], x0[None, :]]
    d = array[..., y1[:, None], x1[None, :]]
    return (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy


def test_image_to_tensor_divides_by_255():
    image = np.array([[[0, 128, 255]]], dtype=np.uint8)
    tensor = image_to_tensor(image)
    assert tensor.shape == (1, 3, 1, 1) and tensor.dtype == torch.float32
    assert tensor.flatten().tolist() == [0.0, np.float32(128) / np.float32(255), 1.0]
    with pytest.raises(ValueError):
        image_to_tensor(np.zeros((4, 4), dtype=np.uint8))


def test_first_click_uses_whole_image_and_resized_crop():
    net = RecordingNet()
    predictor = Predictor(net, PredictorOptions(net_size_px=S, flip=False))
    image = _image()
    predictor.set_image(image)
    probs = predictor.predict([Click(20, 30, True)])
    assert predictor.roi == Roi(0, 39, 0, 59)
    assert probs.shape == (40, 60) and probs.dtype == np.float32
    (net_image, click_maps), = net.calls
    assert net_image.shape == (1, 3, S, S) and click_maps.shape == (1, 3, S, S)
    expected = _bilinear_align_corners(image.transpose(2, 0, 1).astype(np.float64) / 255.0, S, S)
    np.testing.assert_allclose(net_image[0].numpy(), expected, atol=1e-5)
    assert click_maps[0, 0].abs().max() == 0  # previous probabilities start at zero
    expected_disks = click_disk_maps([Click(20, 30, True)], Roi(0, 39, 0, 59), S)
    np.testing.assert_array_equal(click_maps[0, 1:].numpy(), expected_disks)
    # the click itself lands inside the mask; a far corner does not
    assert probs[20, 30] > 0.49 and probs[0, 0] < 0.49


def test_flip_averages_logits_of_mirrored_copy():
    class RampNet:
        def __call__(self, image, click_maps):
            ramp = torch.arange(S, dtype=torch.float32).reshape(1, 1, 1, S) / 10.0
            return ramp.expand(image.shape[0], 1, S, S).clone()

    predictor = Predictor(RampNet(), PredictorOptions(net_size_px=S, flip=True))
    predictor.set_image(_image(S, S))
    probs = predictor.predict([Click(3, 3, True)])
    # 0.5 * (ramp + flip(ramp)) = (S - 1) / 20 everywhere
    expected = torch.sigmoid(torch.tensor((S - 1) / 20.0, dtype=torch.float32)).item()
    np.testing.assert_allclose(probs, expected, rtol=1e-6)


def test_flip_batch_contents():
    net = RecordingNet()
    predictor = Predictor(net, PredictorOptions(net_size_px=S, flip=True))
    predictor.set_image(_image())
    clicks = [Click(20, 30, True)]
    predictor.predict(clicks)
    clicks.append(Click(5, 7, False))
    predictor.predict(clicks)
    net_image, click_maps = net.calls[-1]
    assert net_image.shape[0] == 2 and click_maps.shape[0] == 2
    torch.testing.assert_close(net_image[1], torch.flip(net_image[0], dims=[2]))
    torch.testing.assert_close(click_maps[1, 0], torch.flip(click_maps[0, 0], dims=[1]))
    roi = predictor.roi
    np.testing.assert_array_equal(click_maps[0, 1:].numpy(), click_disk_maps(clicks, roi, S))
    np.testing.assert_array_equal(click_maps[1, 1:].numpy(), click_disk_maps(clicks, roi, S, mirrored=True))


def test_previous_probabilities_feed_channel_zero_and_roi_paste():
    net = RecordingNet(prev_gain=0.0)
    predictor = Predictor(net, PredictorOptions(net_size_px=S, flip=False))
    height, width = 300, 320
    predictor.set_image(_image(height, width))
    first = predictor.predict([Click(150, 160, True)])
    # net-resolution disk around (16, 16) -> blob of roughly 5 * 300 / 32 rows around row 150
    assert predictor.roi == Roi(0, height - 1, 0, width - 1)
    clicks = [Click(150, 160, True), Click(10, 10, False)]
    second = predictor.predict(clicks)
    roi = predictor.roi
    # the blob is small, so the ROI is the 200-pixel minimum box around it (rules unit-tested in test_zoom_in)
    assert roi == candidate_roi(first, clicks, height, width)
    assert roi.height_px == 201 and roi.width_px == 201
    # channel 0 of the second call is the first output cropped to the ROI and resized to S x S
    _, click_maps = net.calls[-1]
    crop = first[roi.row_min:roi.row_max + 1, roi.col_min:roi.col_max + 1].astype(np.float64)
    np.testing.assert_allclose(click_maps[0, 0].numpy(), _bilinear_align_corners(crop, S, S), atol=1e-5)
    # outside the ROI the pasted map is exactly zero
    outside = np.ones_like(second, dtype=bool)
    outside[roi.row_min:roi.row_max + 1, roi.col_min:roi.col_max + 1] = False
    assert outside.any() and np.all(second[outside] == 0)
    np.testing.assert_array_equal(predictor.prev_probs, second)


def test_roi_follows_keep_and_update_rules():
    net = RecordingNet()
    predictor = Predictor(net, PredictorOptions(net_size_px=S, flip=False))
    predictor.set_image(_image(400, 400))
    clicks = [Click(200, 200, True)]
    predictor.predict(clicks)
    predictor.predict(clicks + [Click(205, 205, True)])
    zoomed = predictor.roi
    assert zoomed != Roi(0, 399, 0, 399) and predictor.roi_changed
    predictor.predict(clicks + [Click(205, 205, True), Click(210, 195, True)])
    assert predictor.roi == zoomed and not predictor.roi_changed  # positives inside, IoU high: kept
    far = Click(390, 20, True)  # positive click outside the ROI: recomputed and includes it
    predictor.predict(clicks + [Click(205, 205, True), Click(210, 195, True), far])
    assert predictor.roi_changed and predictor.roi.row_max >= 390 and predictor.roi.col_min <= 20


def test_reset_and_bad_input_keep_state():
    net = RecordingNet()
    predictor = Predictor(net, PredictorOptions(net_size_px=S, flip=False))
    with pytest.raises(RuntimeError):
        predictor.predict([Click(1, 1, True)])
    predictor.set_image(_image())
    probs = predictor.predict([Click(20, 30, True)])
    roi = predictor.roi
    with pytest.raises(ValueError):
        predictor.predict([Click(20, 30, True), Click(40, 0, True)])  # row 40 is outside a 40-row image
    assert predictor.roi == roi
    np.testing.assert_array_equal(predictor.prev_probs, probs)
    predictor.reset()
    assert predictor.roi is None and predictor.prev_probs.max() == 0


def test_dict_output_and_other_resolution_are_accepted():
    class HalfResNet:
        def __call__(self, image, click_maps):
            return {"instances": torch.zeros(image.shape[0], 1, S // 2, S // 2)}

    predictor = Predictor(HalfResNet(), PredictorOptions(net_size_px=S, flip=True))
    predictor.set_image(_image())
    np.testing.assert_allclose(predictor.predict([Click(1, 1, True)]), 0.5)


def test_threshold_is_compared_in_float32():
    at = np.float32(0.49)
    above = np.nextafter(at, np.float32(1))
    probs = np.array([at, above, 0.4899999], dtype=np.float32)
    assert mask_from_probs(probs).tolist() == [False, True, False]
