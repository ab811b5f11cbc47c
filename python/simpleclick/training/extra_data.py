"""Extra public segmentation data for training, taken from datasets that public GitHub repositories hold in-tree.

    python -m simpleclick.training.extra_data --out data-extra            # from the repository root

Each source names a public repository and the paths of its tree that hold the data. The command reads the
repository's local snapshot (a bare git directory; ``--mirror-root``, default ``/work/.mirror``, where the project's
``fetch`` tool puts ``<owner>+<name>/repo``; or ``--git-dir NAME=PATH``), records the commit it read, converts every
image/mask pair into one normalised layout and writes a MANIFEST.md per source:

    <out>/<Name>/images/<id>.jpg|png   the image: its bytes (stored as PNG only when it has an EXIF orientation tag)
    <out>/<Name>/masks/<id>.png        uint8 label map of the same size: 0 background, 1..N objects
    <out>/<Name>/MANIFEST.md           repository, commit, paths, licence, counts, conversion, checks, overlap check

``pack_data --extra-root <out>`` reads every folder of ``<out>`` that has a MANIFEST.md as one more source, named by
its folder. The data is for research use under each source's licence: ``<out>`` is git-ignored (``/data-extra/``)
and never enters the repository or a package.

Overlap check: every extracted image is compared with the evaluation images (GrabCut, Berkeley and the BSDS500 ids
in ``EXCLUDE_FROM_TRAINING.txt``, read from ``--eval-root``, default ``$SIMPLECLICK_DATA``): same bytes, or a 32 x 32
gray thumbnail (and its mirror image) with normalised correlation above ``--overlap-threshold`` at an aspect ratio
within 10 %. Matches are left out and listed in the MANIFEST.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from PIL import Image

cv2.setNumThreads(1)

DEFAULT_MIRROR_ROOT = "/work/.mirror"
THUMB_SIDE = 32


# ---- reading a repository snapshot ----------------------------------------------------------------------------

def find_git_dir(mirror_root: str, repo: str) -> Optional[str]:
    """The git directory of `repo` ("owner/name") under `mirror_root`, or None when there is no usable snapshot."""
    base = os.path.join(mirror_root, repo.replace("/", "+"))
    for candidate in (os.path.join(base, "repo", ".git"), os.path.join(base, "repo"), base):
        if os.path.isdir(candidate) and git_head(candidate) is not None:
            return candidate
    return None


def git_head(git_dir: str) -> Optional[str]:
    result = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def git_show(git_dir: str, path: str) -> Optional[bytes]:
    result = subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], capture_output=True)
    return result.stdout if result.returncode == 0 else None


def git_extract(git_dir: str, paths: Sequence[str], dest: str) -> None:
    """Writes the files under `paths` at HEAD into `dest` (git archive, streamed; no work tree needed)."""
    command = ["git", "--git-dir", git_dir, "archive", "--format=tar", "HEAD", "--", *paths]
    with subprocess.Popen(command, stdout=subprocess.PIPE) as process:
        with tarfile.open(fileobj=process.stdout, mode="r|") as tar:
            for member in tar:
                if member.isfile() and not os.path.isabs(member.name) and ".." not in member.name.split("/"):
                    tar.extract(member, dest)
    if process.returncode != 0:
        raise RuntimeError(f"git archive {' '.join(paths)} failed in {git_dir}")


# ---- checks ---------------------------------------------------------------------------------------------------

def decode_image(data: bytes) -> Tuple[np.ndarray, bool]:
    """RGB pixels as stored (EXIF orientation not applied) and whether an EXIF orientation tag would rotate or mirror
    them. Masks are drawn on the stored pixels, so such an image is written as a PNG of those pixels, without the tag
    (pack_data applies EXIF orientation when it reads an image)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    orientation = image.getexif().get(0x0112, 1)
    return np.asarray(image.convert("RGB")), orientation not in (None, 1)


def thumbnail(rgb: np.ndarray) -> np.ndarray:
    """Zero-mean, unit-norm 32 x 32 gray thumbnail (area averaging): equal for resized copies of one photo."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    small = cv2.resize(gray, (THUMB_SIDE, THUMB_SIDE), interpolation=cv2.INTER_AREA).ravel()
    small -= small.mean()
    norm = float(np.linalg.norm(small))
    return small / norm if norm > 1e-6 else small


class OverlapIndex:
    """The evaluation images, to keep them out of training data (same bytes, or a resized / mirrored copy)."""

    def __init__(self, threshold: float = 0.95):
        self.threshold = threshold
        self.names: List[str] = []
        self.aspects: List[float] = []
        self.thumbs: List[np.ndarray] = []
        self.digests: Dict[str, str] = {}

    def add(self, name: str, data: bytes) -> None:
        rgb, _ = decode_image(data)
        self.names.append(name)
        self.aspects.append(rgb.shape[1] / rgb.shape[0])
        self.thumbs.append(thumbnail(rgb))
        self.digests[hashlib.sha1(data).hexdigest()] = name

    def add_eval_root(self, eval_root: str) -> List[str]:
        """Adds GrabCut, Berkeley and the excluded BSDS500 ids found under `eval_root`; returns the sets it read."""
        found = []
        for folder in ("GrabCut/data_GT", "Berkeley/images"):
            path = os.path.join(eval_root, folder)
            if os.path.isdir(path):
                for name in sorted(os.listdir(path)):
                    if name.lower().endswith((".jpg", ".jpeg", ".png", ".bmp")):
                        with open(os.path.join(path, name), "rb") as handle:
                            self.add(f"{folder.split('/')[0]}/{name}", handle.read())
                found.append(folder.split("/")[0])
        bsds = os.path.join(eval_root, "BSDS500")
        exclude = os.path.join(bsds, "EXCLUDE_FROM_TRAINING.txt")
        if os.path.exists(exclude):
            with open(exclude) as handle:
                ids = {line.strip() for line in handle if line.strip() and not line.startswith("#")}
            for split in ("train", "val", "test"):
                for image_id in sorted(ids):
                    path = os.path.join(bsds, "images", split, image_id + ".jpg")
                    if os.path.exists(path):
                        with open(path, "rb") as handle:
                            self.add(f"BSDS500/{split}/{image_id}.jpg", handle.read())
            found.append("BSDS500 (excluded ids)")
        return found

    def match(self, data: bytes, rgb: np.ndarray) -> Tuple[Optional[str], float]:
        """(name of the evaluation image it repeats, or None; the highest thumbnail correlation seen)."""
        same = self.digests.get(hashlib.sha1(data).hexdigest())
        if same:
            return same, 1.0
        if not self.thumbs:
            return None, 0.0
        thumb = thumbnail(rgb)
        mirrored = thumbnail(rgb[:, ::-1])
        stack = np.stack(self.thumbs)
        scores = np.maximum(stack @ thumb, stack @ mirrored)
        aspect = rgb.shape[1] / rgb.shape[0]
        close = np.abs(np.log(np.array(self.aspects) / aspect)) < np.log(1.1)
        scores = np.where(close, scores, -1.0)
        best = int(np.argmax(scores))
        score = float(scores[best])
        return (self.names[best] if score > self.threshold else None), max(score, 0.0)


# ---- sources --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    image_id: str
    image_bytes: bytes
    mask: np.ndarray  # uint8 label map: 0 background, 1..N objects


@dataclass(frozen=True)
class Source:
    name: str
    repo: str
    paths: Tuple[str, ...]
    licence: str
    description: str
    conversion: str
    pairs: Callable[[str], Iterator[Tuple[str, Optional[Pair]]]]  # (id, pair or None with a reason in the id)


def portrait_flickr_pairs(tree: str) -> Iterator[Tuple[str, Optional[Pair]]]:
    """Shen et al. 2016 portraits: ``data/images_data_crop/<id>.jpg`` (600 x 800) and ``data/images_mask/<id>_mask.mat``
    (key ``mask``, uint8 {0, 1}, 800 x 600). Ids with only one of the two are reported, not written."""
    import scipy.io

    crops = os.path.join(tree, "data", "images_data_crop")
    masks = os.path.join(tree, "data", "images_mask")
    crop_ids = {n[:-4] for n in os.listdir(crops) if n.endswith(".jpg")}
    mask_ids = {n[:-len("_mask.mat")] for n in os.listdir(masks) if n.endswith("_mask.mat")}
    for image_id in sorted(crop_ids | mask_ids):
        if image_id not in crop_ids:
            yield "no image", None
            continue
        if image_id not in mask_ids:
            yield "no mask", None
            continue
        with open(os.path.join(crops, image_id + ".jpg"), "rb") as handle:
            data = handle.read()
        try:
            mask = scipy.io.loadmat(os.path.join(masks, image_id + "_mask.mat"))["mask"]
        except (KeyError, ValueError, OSError):
            yield "unreadable mask", None
            continue
        if mask.ndim != 2 or not set(np.unique(mask).tolist()) <= {0, 1}:
            yield "mask not binary", None
            continue
        yield image_id, Pair(image_id, data, mask.astype(np.uint8))


SOURCES: Dict[str, Source] = {
    "PortraitFlickr": Source(
        name="PortraitFlickr",
        repo="bio-punk/AutoPortraitMatting",
        paths=("data/images_data_crop", "data/images_mask"),
        licence=(
            "Data of Shen, Hertzmann, Jia, Paris, Price, Shechtman and Sachs, \"Automatic Portrait Segmentation for "
            "Image Stylization\", Computer Graphics Forum (Eurographics) 2016 (CUHK / Adobe). The photos are Flickr "
            "images (their URLs: `data/alldata_urls.txt` of the source repository), each under its owner's licence; "
            "the masks were drawn by the authors. The source repository's README states the data is for academic "
            "use only (\"仅供学术交流，如有引用，请通知原作者\": for academic exchange only; notify the original authors "
            "when citing). Its LICENSE (Apache-2.0) covers that repository's code, not this data. Research use only; "
            "never redistribute; cite the paper."),
        description=(
            "Half-body portraits of one person (Flickr), 600 x 800 crops, each with a hand-drawn binary mask of the "
            "whole person (hair, shoulders, clothing) with fine boundaries."),
        conversion=(
            "`images/<id>.jpg`: the bytes of `data/images_data_crop/<id>.jpg`, unchanged. `masks/<id>.png`: the "
            "`mask` array (uint8 {0, 1}, 800 x 600) of `data/images_mask/<id>_mask.mat`, saved as an 8-bit PNG "
            "(0 background, 1 the person). The source's full-size `images_data/` and the face trackers are not "
            "used."),
        pairs=portrait_flickr_pairs,
    ),
}


# ---- extraction -----------------------------------------------------------------------------------------------

def fraction_summary(fractions: Sequence[float]) -> str:
    if not fractions:
        return "none"
    values = np.array(fractions)
    return (f"min {values.min():.3f}, median {np.median(values):.3f}, max {values.max():.3f}; "
            f"{int((values > 0.8).sum())} above 0.8 (pack_data's default --max-area drops those)")


def extract_source(source: Source, git_dir: str, out_root: str, overlap: OverlapIndex, eval_sets: Sequence[str],
                   log=print) -> Dict:
    commit = git_head(git_dir)
    folder = os.path.join(out_root, source.name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(os.path.join(folder, "images"))
    os.makedirs(os.path.join(folder, "masks"))
    stats: Dict[str, int] = {}
    fractions: List[float] = []
    overlaps: List[str] = []
    best_score = 0.0
    seen: Dict[str, str] = {}
    written = 0
    with tempfile.TemporaryDirectory(dir=out_root, prefix=".extract-") as tree:
        git_extract(git_dir, source.paths, tree)
        for image_id, pair in source.pairs(tree):
            if pair is None:
                stats[image_id] = stats.get(image_id, 0) + 1
                continue
            try:
                rgb, rotated = decode_image(pair.image_bytes)
            except (OSError, ValueError):
                stats["image does not decode"] = stats.get("image does not decode", 0) + 1
                continue
            if rgb.shape[:2] != pair.mask.shape:
                stats["mask size differs from image"] = stats.get("mask size differs from image", 0) + 1
                continue
            fraction = float((pair.mask > 0).mean())
            if fraction == 0.0 or fraction == 1.0:
                stats["empty or full mask"] = stats.get("empty or full mask", 0) + 1
                continue
            digest = hashlib.sha1(pair.image_bytes).hexdigest()
            if digest in seen:
                stats["repeats an earlier image"] = stats.get("repeats an earlier image", 0) + 1
                continue
            seen[digest] = pair.image_id
            match, score = overlap.match(pair.image_bytes, rgb)
            best_score = max(best_score, score)
            if match:
                overlaps.append(f"{pair.image_id} ~ {match} ({score:.3f})")
                continue
            if rotated:
                Image.fromarray(rgb).save(os.path.join(folder, "images", pair.image_id + ".png"))
                key = "stored as PNG without its EXIF orientation tag"
                stats[key] = stats.get(key, 0) + 1
            else:
                extension = ".png" if pair.image_bytes[:4] == b"\x89PNG" else ".jpg"
                with open(os.path.join(folder, "images", pair.image_id + extension), "wb") as handle:
                    handle.write(pair.image_bytes)
            Image.fromarray(pair.mask, mode="L").save(os.path.join(folder, "masks", pair.image_id + ".png"))
            fractions.append(fraction)
            written += 1
    result = {"name": source.name, "repo": source.repo, "commit": commit, "written": written, "skipped": stats,
              "overlaps": overlaps, "best_overlap_score": best_score, "fractions": fractions}
    write_manifest(folder, source, result, overlap, eval_sets)
    log(f"  {source.name}: {written} pairs from {source.repo}@{commit[:12]}; skipped {stats or 'none'}; "
        f"{len(overlaps)} overlap(s) with evaluation images")
    return result


def write_manifest(folder: str, source: Source, result: Dict, overlap: OverlapIndex, eval_sets: Sequence[str]) -> None:
    skipped = "; ".join(f"{reason}: {count}" for reason, count in sorted(result["skipped"].items())) or "none"
    eval_line = ", ".join(eval_sets) if eval_sets else "NONE (no evaluation data found: the check did not run)"
    lines = [
        f"# {source.name}",
        "",
        "Made by `python -m simpleclick.training.extra_data` (SimpleClick SDK training toolchain). Research use only:",
        "this folder is git-ignored and never enters the repository or a package.",
        "",
        f"- Source repository: https://github.com/{source.repo}, commit {result['commit']}, paths "
        + ", ".join(f"`{p}/`" for p in source.paths),
        f"- What it is: {source.description}",
        f"- Licence: {source.licence}",
        f"- Counts: {result['written']} image/mask pairs written (`images/`, `masks/`); not written: {skipped}.",
        f"- Conversion: {source.conversion}",
        "- Checks: every image decodes (PIL); an image with an EXIF orientation tag is stored as a PNG of its stored "
        "pixels, which the mask was drawn on; every mask has exactly the image's size, only the values it documents, "
        "and is neither empty nor full; repeated images (same bytes) are written once. Foreground fraction of the "
        "image: " + fraction_summary(result["fractions"]) + ".",
        f"- Overlap check against the evaluation images ({eval_line}; {len(overlap.names)} images): same bytes, or "
        f"32 x 32 gray thumbnails (also mirrored) with normalised correlation > {overlap.threshold} at an aspect ratio "
        f"within 10 %. Highest correlation seen: {result['best_overlap_score']:.3f}. Left out: "
        + (", ".join(result["overlaps"]) if result["overlaps"] else "none") + ".",
        "- Layout: `images/<id>.jpg|png` + `masks/<id>.png` (uint8 label map: 0 background, 1..N objects), read by "
        "`pack_data --extra-root`.",
        "",
    ]
    with open(os.path.join(folder, "MANIFEST.md"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


def parse_git_dirs(values: Sequence[str]) -> Dict[str, str]:
    result = {}
    for value in values:
        name, _, path = value.partition("=")
        if not path:
            raise SystemExit(f"--git-dir takes NAME=PATH, got {value!r}")
        result[name] = path
    return result


def main(argv: Optional[Sequence[str]] = None) -> int:
    from .pack_data import default_data_root

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="data-extra", help="output folder (git-ignored /data-extra/ by default)")
    parser.add_argument("--sources", default=",".join(SOURCES), help=f"which sources (default: {','.join(SOURCES)})")
    parser.add_argument("--mirror-root", default=DEFAULT_MIRROR_ROOT,
                        help="where repository snapshots are: <root>/<owner>+<name>/repo (default /work/.mirror)")
    parser.add_argument("--git-dir", action="append", default=[], metavar="NAME=PATH",
                        help="git directory of one source's snapshot (overrides --mirror-root)")
    parser.add_argument("--eval-root", default=None,
                        help="data folder with GrabCut/, Berkeley/, BSDS500/ for the overlap check "
                             "(default: $SIMPLECLICK_DATA, else the team's data folder)")
    parser.add_argument("--overlap-threshold", type=float, default=0.95)
    args = parser.parse_args(argv)

    names = [n for n in args.sources.split(",") if n]
    unknown = set(names) - set(SOURCES)
    if unknown:
        print(f"unknown source(s) {sorted(unknown)}; known: {', '.join(SOURCES)}", file=sys.stderr)
        return 2
    git_dirs = parse_git_dirs(args.git_dir)
    overlap = OverlapIndex(args.overlap_threshold)
    eval_root = args.eval_root or default_data_root()
    eval_sets = overlap.add_eval_root(eval_root) if os.path.isdir(eval_root) else []
    if not eval_sets:
        print(f"warning: no evaluation images under {eval_root}: the overlap check cannot run", file=sys.stderr)
    os.makedirs(args.out, exist_ok=True)
    print(f"extracting {', '.join(names)} -> {args.out} (overlap check: {len(overlap.names)} evaluation images)")
    missing = []
    for name in names:
        source = SOURCES[name]
        git_dir = git_dirs.get(name) or find_git_dir(args.mirror_root, source.repo)
        if git_dir is None:
            missing.append(f"{name} (github:{source.repo})")
            continue
        extract_source(source, git_dir, args.out, overlap, eval_sets)
    if missing:
        print("no snapshot for: " + ", ".join(missing) + f"; fetch them into {args.mirror_root} or pass "
              "--git-dir NAME=PATH", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
