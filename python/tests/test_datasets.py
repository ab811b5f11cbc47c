"""Dataset loaders on the real evaluation data (skipped when ../shared/data or $SIMPLECLICK_DATA is absent) and on
small synthetic folders."""

import hashlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps
from scipy import ndimage

from simpleclick.datasets import (default_data_root, folder_dataset, grabcut_rule, load_dataset, read_image_rgb)

DATA_ROOT = default_data_root()


def _need(folder):
    if not (DATA_ROOT / folder).is_dir():
        pytest.skip(f"evaluation data not found at {DATA_ROOT / folder} (set SIMPLECLICK_DATA)")


def test_grabcut_counts_order_and_ignore_band():
    _need("GrabCut")
    dataset = load_dataset("GrabCut", DATA_ROOT)
    assert len(dataset) == 50
    assert dataset.image_names == sorted(dataset.image_names)
    assert dataset.image_names[0] == "106024.jpg"
    # paired by the name cut at its first dot: music.JPG -> boundary_GT/music.bmp
    assert dataset.mask_path_for("music.JPG").name == "music.bmp"
    with_band = 0
    for index in range(len(dataset)):
        sample = dataset.load(index)
        assert sample.image.dtype == np.uint8 and sample.image.shape[2] == 3
        (obj,) = sample.objects
        raw = cv2.imread(str(sample.mask_path), cv2.IMREAD_GRAYSCALE)
        np.testing.assert_array_equal(obj.gt_mask, raw > 128)
        np.testing.assert_array_equal(obj.ignore_mask, raw == 128)
        with_band += int(obj.ignore_mask.any())
    assert with_band == 42  # MANIFEST: 42 of 50 masks have the 128 band
    assert dataset.relative(dataset.images_path / "teddy.jpg") == "GrabCut/data_GT/teddy.jpg"


def test_grabcut_image_is_rgb_not_bgr():
    _need("GrabCut")
    dataset = load_dataset("GrabCut", DATA_ROOT)
    index = dataset.image_names.index("teddy.jpg")
    sample = dataset.load(index)
    bgr = cv2.imread(str(sample.image_path))
    np.testing.assert_array_equal(sample.image, bgr[:, :, ::-1])


def test_berkeley_100_objects_on_96_images():
    _need("Berkeley")
    dataset = load_dataset("Berkeley", DATA_ROOT)
    assert len(dataset) == 100
    digests = set()
    for index in range(len(dataset)):
        sample = dataset.load(index)
        assert len(sample.objects) == 1
        digests.add(hashlib.sha1(sample.image.tobytes()).hexdigest())
    assert len(digests) == 96  # 189011a/b and 239007a/b reuse their images


def test_berkeley_channel_zero_and_odd_values():
    _need("Berkeley")
    dataset = load_dataset("Berkeley", DATA_ROOT)
    # 101087.png: channel 0 (blue) has 25069 pixels > 128, the green channel 25066: the loader must read blue
    obj = dataset.load(dataset.image_names.index("101087.jpg")).objects[0]
    assert obj.area_px == 25069
    # 8023.png holds 0/197/243/255: everything > 128 is object, nothing is ignored
    obj = dataset.load(dataset.image_names.index("8023.jpg")).objects[0]
    raw = cv2.imread(str(dataset.mask_path_for("8023.jpg")))
    assert obj.area_px == int((raw[:, :, 0] > 128).sum()) == 10095
    assert not obj.ignore_mask.any()


def test_sstem_four_connected_instances():
    _need("ssTEM/stack1")
    dataset = load_dataset("ssTEM", DATA_ROOT)
    assert len(dataset) == 20
    assert dataset.image_names[0] == "00.tif"
    total = 0
    four = ndimage.generate_binary_structure(2, 1)
    for index in (0, 7):
        sample = dataset.load(index)
        # grayscale TIFF replicated to three channels
        assert sample.image.shape == (1024, 1024, 3)
        assert np.array_equal(sample.image[:, :, 0], sample.image[:, :, 2])
        mask = cv2.imread(str(sample.mask_path))[:, :, 0] != 0
        labels, count = ndimage.label(mask, structure=four)
        assert len(sample.objects) == count
        # 8-connectivity would merge some diagonal neighbours: the 4-connected count is at least as large
        assert count >= ndimage.label(mask, structure=np.ones((3, 3)))[1]
        union = np.zeros_like(mask)
        first_pixels = []
        for obj in sample.objects:
            assert not (union & obj.gt_mask).any() and not obj.ignore_mask.any()
            union |= obj.gt_mask
            first_pixels.append(int(np.flatnonzero(obj.gt_mask.ravel())[0]))
        np.testing.assert_array_equal(union, mask)
        # instances are ordered by their first pixel in row-major order
        assert first_pixels == sorted(first_pixels)
        total += count
    assert total > 0


def test_sstem_total_instances():
    _need("ssTEM/stack1")
    dataset = load_dataset("ssTEM", DATA_ROOT)
    total = sum(len(dataset.load(index).objects) for index in range(len(dataset)))
    assert total == 391  # MANIFEST: 391 components over 20 slices


def test_exif_orientation_is_applied(tmp_path):
    array = np.zeros((20, 40, 3), dtype=np.uint8)
    array[:5, :10] = (255, 0, 0)
    image = Image.fromarray(array)
    exif = image.getexif()
    exif[274] = 6  # rotate 90 degrees clockwise for display
    path = tmp_path / "rotated.png"
    image.save(path, exif=exif.tobytes())
    decoded = read_image_rgb(path)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"))
    assert decoded.shape == (40, 20, 3)
    np.testing.assert_array_equal(decoded, expected)


def test_folder_dataset_pairs_by_first_dot(tmp_path):
    images, masks = tmp_path / "images", tmp_path / "masks"
    images.mkdir()
    masks.mkdir()
    gray = np.full((8, 10), 90, dtype=np.uint8)
    cv2.imwrite(str(images / "b.png"), gray)
    cv2.imwrite(str(images / "a.v2.png"), np.dstack([gray] * 3))
    mask = np.zeros((8, 10, 3), dtype=np.uint8)
    mask[2:4, 2:4, 2] = 200  # red only (OpenCV channel 2): object for the nonzero rule, not for grabcut
    cv2.imwrite(str(masks / "a.png"), mask)
    cv2.imwrite(str(masks / "b.png"), np.zeros((8, 10), np.uint8))
    dataset = folder_dataset(images, masks)
    assert dataset.image_names == ["a.v2.png", "b.png"]
    sample = dataset.load(0)
    assert sample.mask_path.name == "a.png"
    assert sample.objects[0].area_px == 4
    assert sample.image.shape == (8, 10, 3)
    grabcut = folder_dataset(images, masks, mask_rule="grabcut")
    assert grabcut.load(0).objects[0].area_px == 0  # channel 0 (blue) is empty
    (images / "c.png").write_bytes((images / "b.png").read_bytes())
    with pytest.raises(FileNotFoundError):
        folder_dataset(images, masks)


def test_grabcut_rule_literal_quirk():
    channel = np.array([[0, 1, 127, 128, 129, 255]], dtype=np.uint8)
    obj, ignore = grabcut_rule(np.dstack([channel, np.zeros_like(channel), np.zeros_like(channel)]))
    assert obj.tolist() == [[False, True, False, False, True, True]]
    assert ignore.tolist() == [[False, False, False, True, False, False]]
