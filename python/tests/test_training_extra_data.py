"""Extra public data: the normalised layout that extra_data writes and pack_data --extra-root reads."""

import os
import subprocess

import numpy as np
import pytest
import scipy.io
from PIL import Image

from simpleclick.training import extra_data
from simpleclick.training.pack_data import Packer, build_pack, list_extra_sources
from simpleclick.training.pack_format import TrainPack


def textured(height, width, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 255, size=(height, width, 3)).astype(np.uint8)


def save_mask(path, labels):
    Image.fromarray(labels.astype(np.uint8), mode="L").save(path)


@pytest.fixture()
def extra_root(tmp_path):
    """ToyObjects: a binary mask, an instance map with two objects and a speck, an image without a mask and one whose
    mask has another size. NoManifest has no MANIFEST.md and is not a source."""
    folder = tmp_path / "extra" / "ToyObjects"
    (folder / "images").mkdir(parents=True)
    (folder / "masks").mkdir()
    (folder / "MANIFEST.md").write_text("# ToyObjects\n")

    Image.fromarray(textured(100, 200, 0)).save(folder / "images" / "a.jpg", quality=95)
    binary = np.zeros((100, 200), np.uint8)
    binary[20:60, 40:140] = 1
    save_mask(folder / "masks" / "a.png", binary)

    Image.fromarray(textured(90, 120, 1)).save(folder / "images" / "b.png")
    instances = np.zeros((90, 120), np.uint8)
    instances[10:50, 10:50] = 3
    instances[50:85, 60:115] = 7
    instances[0:2, 118:120] = 9  # 4 px: below the minimum area
    save_mask(folder / "masks" / "b.png", instances)

    Image.fromarray(textured(50, 50, 2)).save(folder / "images" / "c.jpg")
    Image.fromarray(textured(60, 60, 3)).save(folder / "images" / "d.png")
    save_mask(folder / "masks" / "d.png", np.ones((50, 50), np.uint8))

    other = tmp_path / "extra" / "NoManifest" / "images"
    other.mkdir(parents=True)
    return tmp_path / "extra"


def test_list_extra_sources_needs_a_manifest(extra_root):
    assert list(list_extra_sources(str(extra_root))) == ["ToyObjects"]


def test_extra_loader_objects_and_sizes(extra_root):
    packer = Packer(str(extra_root), max_side=100, jpeg_quality=90, max_area=0.8, dedupe_iou=0.9,
                    min_area={"ToyObjects": 0.005})
    images = list(packer.extra("ToyObjects", str(extra_root / "ToyObjects")))
    assert [image.image_id for image in images] == ["a", "b"]
    a, b = images
    assert (a.width, a.height) == (100, 50) and (b.width, b.height) == (100, 75)
    assert [layer.object_labels for layer in a.layers] == [[1]]
    assert [layer.object_labels for layer in b.layers] == [[1, 2]]  # relabelled 3, 7 -> 1, 2; the speck dropped
    assert packer.skipped == {"ToyObjects-nomask": 1, "ToyObjects-size": 1}


def test_build_pack_with_extra_root(extra_root, tmp_path):
    out = str(tmp_path / "pack.bin")
    build_pack(str(tmp_path), out, max_side=100, datasets=["ToyObjects"], extra_root=str(extra_root), log=lambda _: 0)
    pack = TrainPack(out)
    assert pack.index["datasets"] == {"ToyObjects": {"images": 2, "objects": 3}}
    assert pack.index["settings"]["min_area"]["ToyObjects"] == 0.005
    assert pack.index["settings"]["extra_root"] == os.path.abspath(str(extra_root))
    labels = pack.layer(1, 0)
    assert labels.shape == (75, 100) and pack.image(1).shape == (75, 100, 3)
    assert set(np.unique(labels).tolist()) >= {0, 1, 2}
    assert abs((labels == 1).mean() - 1600 / 10800) < 0.02  # the 40 x 40 square of a 120 x 90 image


def test_extra_limit_keeps_the_first_images_of_each_source(extra_root, tmp_path):
    out = str(tmp_path / "pack.bin")
    index = build_pack(str(tmp_path), out, max_side=100, datasets=["ToyObjects"], extra_root=str(extra_root),
                       log=lambda _: 0, extra_limit=1)
    assert index["datasets"] == {"ToyObjects": {"images": 1, "objects": 1}}
    assert [image["id"] for image in index["images"]] == ["a"] and index["settings"]["extra_limit"] == 1


def test_build_pack_without_extra_root_keeps_its_settings(tmp_path):
    out = str(tmp_path / "pack.bin")
    index = build_pack(str(tmp_path), out, datasets=[], log=lambda _: 0)
    assert "extra_root" not in index["settings"]
    assert set(index["settings"]["min_area"]) == {"BSDS500", "WeizmannHorse", "WeizmannSED", "coco128-seg", "CCP"}


def test_overlap_index_finds_resized_and_mirrored_copies():
    index = extra_data.OverlapIndex(threshold=0.95)
    photo = textured(60, 80, 4)
    photo = np.asarray(Image.fromarray(photo).resize((320, 240), Image.BILINEAR))  # smooth enough to resize
    index.add("eval/photo.png", png_bytes(photo))
    smaller = np.asarray(Image.fromarray(photo).resize((160, 120), Image.BILINEAR))
    assert index.match(png_bytes(smaller), smaller)[0] == "eval/photo.png"
    mirrored = np.ascontiguousarray(smaller[:, ::-1])
    assert index.match(png_bytes(mirrored), mirrored)[0] == "eval/photo.png"
    other = np.asarray(Image.fromarray(textured(60, 80, 5)).resize((160, 120), Image.BILINEAR))
    assert index.match(png_bytes(other), other)[0] is None


def png_bytes(rgb):
    import io

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def test_portrait_source_from_a_git_snapshot(tmp_path):
    """A tiny repository in the source's layout: two pairs, one crop without a mask, one non-binary mask."""
    repo = tmp_path / "snapshot"
    crops = repo / "data" / "images_data_crop"
    masks = repo / "data" / "images_mask"
    crops.mkdir(parents=True)
    masks.mkdir(parents=True)
    for i, image_id in enumerate(["00001", "00002", "00003", "00004"]):
        Image.fromarray(textured(40, 30, 10 + i)).save(crops / f"{image_id}.jpg", quality=95)
    for image_id, value in [("00001", 1), ("00002", 1), ("00004", 5)]:
        mask = np.zeros((40, 30), np.uint8)
        mask[10:30, 5:25] = value
        scipy.io.savemat(masks / f"{image_id}_mask.mat", {"mask": mask})
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "data"], check=True)
    git_dir = str(repo / ".git")

    out = tmp_path / "out"
    out.mkdir()
    result = extra_data.extract_source(extra_data.SOURCES["PortraitFlickr"], git_dir, str(out),
                                       extra_data.OverlapIndex(), [], log=lambda _: 0)
    assert result["written"] == 2
    assert result["skipped"] == {"no mask": 1, "mask not binary": 1}
    folder = out / "PortraitFlickr"
    assert sorted(os.listdir(folder / "images")) == ["00001.jpg", "00002.jpg"]
    assert (folder / "images" / "00001.jpg").read_bytes() == (crops / "00001.jpg").read_bytes()
    mask = np.asarray(Image.open(folder / "masks" / "00002.png"))
    assert mask.shape == (40, 30) and set(np.unique(mask).tolist()) == {0, 1} and mask[20, 15] == 1
    manifest = (folder / "MANIFEST.md").read_text(encoding="utf-8")
    assert extra_data.git_head(git_dir) in manifest and "bio-punk/AutoPortraitMatting" in manifest
    assert not [n for n in os.listdir(out) if n.startswith(".extract-")]
