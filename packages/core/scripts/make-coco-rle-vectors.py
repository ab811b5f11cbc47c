#!/usr/bin/python3
"""Fixture generator: COCO RLE test vectors from the reference C implementation (cocoapi's maskApi.c).

Usage:
    /usr/bin/python3 packages/core/scripts/make-coco-rle-vectors.py <cocoapi-checkout>

<cocoapi-checkout> is a checkout of github.com/ppwwyyxx/cocoapi (the source of the `pycocotools` package on PyPI)
or cocodataset/cocoapi; the script compiles <checkout>/common/maskApi.c with gcc into a temporary shared library
and calls rleEncode, rleToString, rleFrString, rleDecode, rleArea and rleToBbox through ctypes (pycocotools itself is
not installable here: no PyPI, no Debian package). Nothing from cocoapi is copied into this repository; only its
outputs are written, to packages/core/src/formats/__fixtures__/coco-rle-vectors.json.
"""
import ctypes
import hashlib
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_files import write_mask_fixture  # noqa: E402
from mask_fixture_masks import fixture_masks  # noqa: E402

# Published strings (cocoapi tests/test_cases.py, pycocotools' own tests).
ZERO_LEADING = {
    'size': [1350, 1080],
    'counts': '000lg0Zb01O00001O00001O001O00001O00001O001O00001O01O2N3M3M3M2N3M3N2M3M2N1O1O1O1O2N1O1O1O2N1O1O101N1O1O1O2N1O1O1O2N3M2N1O2N1O2O0O2N1O1O2N1O2N1O2N1O2N1O2N1O2O0O2N1O3M2N1O2N2N2N2N2N1O2N2N2N2N1O2N2N2N2N2N1N3N2N00O1O1O1O100000000000000O100000000000000001O0000001O00001O0O5L7I5K4L4L3M2N2N2N1O2m]OoXOm`0Sg0j^OVYOTa0lf0c^O]YO[a0ef0\\^OdYOba0bg0N2N2N2N2N2N2N2N2N2N2N2N2N2N2N2N2N3M2M4M2N3M2N3M2N3M2N3M2N3M2N3M2N3M2N3M2M4M2N2N3M2M4M2N2N3M2M3N3M2N3M2M3N3M2N2N3L3N2N3M2N3L3N2N3M5J4M3M4L3M3L5L3M3M4L3L4\\EXTOd6jo0K6J5K6I4M1O1O1O1N2O1O1O001N2O00001O0O101O000O2O00001N101N101N2N101N101N101N2O0O2O0O2O0O2O1N101N2N2O1N2O1N2O1N101N2O1N2O1N2O0O2O1N2N2O1N2O0O2O1N2O1N2N2N1N4M2N2M4M2N3L3N2N3L3N3L3N2N3L3N2N3L3M4L3M3M4L3M5K5K5K6J5K5K6J7I7I7Ibijn0',
}

# pycocotools' testInvalidRLECounts: `mask.decode` must raise ValueError (runs overflow the 1024 x 1024 mask).
INVALID_COUNTS = {
    'size': [1024, 1024],
    'counts': "jd`0=`o06J5L4M3L3N2N2N2N2N1O2N2N101N1O2O0O1O2N100O1O2N100O1O1O1O1O101N1O1O1O1O1O1O101N1O100O101O0O100000000000000001O00001O1O0O2O1N3N1N3N3L5Kh0XO6J4K5L5Id[o5N]dPJ7K4K4M3N2M3N2N1O2N100O2O0O1000O01000O101N1O1O2N2N2M3M3M4J7Inml5H[RSJ6L2N2N2N2O000000000000O2O1N2N2Mkm81SRG6L3L3N2O1N2N2O0O2O00001O0000000000O2O001N2O0O2N2N3M3L5JRjf6MPVYI8J4L3N3M2N1O2O1N101N1000000O10000001O000O101N101N1O2N2N2N3L4L7FWZ_50ne`J0000001O000000001O0000001O1O0N3M3N1O2N2N2O1N2O001N2`RO^O`k0c0[TOEak0;\\\\TOJbk07\\\\TOLck03[TO0dk01ZTO2dk0OYTO4gk0KXTO7gk0IXTO8ik0HUTO:kk0ETTO=lk0CRTO>Pl0@oSOb0Rl0\\\\OmSOe0Tl0[OjSOg0Ul0YOiSOi0Wl0XOgSOi0Yl0WOeSOk0[l0VOaSOn0kh0cNmYO",
}


class RLE(ctypes.Structure):
    _fields_ = [('h', ctypes.c_ulong), ('w', ctypes.c_ulong), ('m', ctypes.c_ulong), ('cnts', ctypes.POINTER(ctypes.c_uint))]


def load_mask_api(checkout):
    source = os.path.join(checkout, 'common', 'maskApi.c')
    build_dir = tempfile.mkdtemp(prefix='maskapi-')
    library = os.path.join(build_dir, 'libmaskapi.so')
    subprocess.run(['gcc', '-O2', '-shared', '-fPIC', '-o', library, source, '-lm'], check=True)
    api = ctypes.CDLL(library)
    api.rleToString.restype = ctypes.c_void_p
    api.rleDecode.restype = ctypes.c_ubyte
    with open(source, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return api, digest


def counts_of(rle):
    return [int(rle.cnts[i]) for i in range(rle.m)]


def to_string(api, rle):
    pointer = api.rleToString(ctypes.byref(rle))
    text = ctypes.string_at(pointer).decode('ascii')
    ctypes.CDLL(None).free(ctypes.c_void_p(pointer))
    return text


def from_string(api, text, h, w):
    rle = RLE()
    api.rleFrString(ctypes.byref(rle), ctypes.c_char_p(text.encode('ascii')), ctypes.c_ulong(h), ctypes.c_ulong(w))
    return rle


def area_and_bbox(api, rle):
    area = ctypes.c_uint()
    api.rleArea(ctypes.byref(rle), ctypes.c_ulong(1), ctypes.byref(area))
    bbox = (ctypes.c_double * 4)()
    api.rleToBbox(ctypes.byref(rle), bbox, ctypes.c_ulong(1))
    return int(area.value), [float(v) for v in bbox]


def decode(api, rle):
    h, w = rle.h, rle.w
    buffer = (ctypes.c_ubyte * max(1, h * w))()
    ok = api.rleDecode(ctypes.byref(rle), buffer, ctypes.c_ulong(1))
    mask = np.frombuffer(buffer, dtype=np.uint8)[: h * w].reshape((w, h)).T  # column-major
    return bool(ok), mask


def encode(api, mask):
    h, w = mask.shape
    fortran = np.asfortranarray(mask.astype(np.uint8))
    column_major = fortran.tobytes(order='F')
    rle = RLE()
    api.rleEncode(ctypes.byref(rle), ctypes.c_char_p(column_major), ctypes.c_ulong(h), ctypes.c_ulong(w), ctypes.c_ulong(1))
    return rle


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    api, digest = load_mask_api(sys.argv[1])
    masks = []
    for description, mask in fixture_masks():
        rle = encode(api, mask)
        counts = counts_of(rle)
        text = to_string(api, rle)
        back = from_string(api, text, mask.shape[0], mask.shape[1])
        assert counts_of(back) == counts, description['name']
        ok, decoded = decode(api, back)
        assert ok and np.array_equal(decoded, mask), description['name']
        area, bbox = area_and_bbox(api, rle)
        masks.append({**description, 'counts': counts, 'string': text, 'area': area, 'bbox': bbox})

    strings = []
    # The published zero-leading string: decode with C, then re-encode the decoded mask.
    rle = from_string(api, ZERO_LEADING['counts'], *ZERO_LEADING['size'])
    ok, decoded = decode(api, rle)
    area, bbox = area_and_bbox(api, rle)
    reencoded = to_string(api, encode(api, decoded))
    strings.append({'name': 'cocoapi-test-zero-leading', 'size': ZERO_LEADING['size'], 'string': ZERO_LEADING['counts'],
                    'counts': counts_of(rle), 'decodeOk': ok, 'area': area, 'bbox': bbox, 'reencoded': reencoded})
    rle = from_string(api, INVALID_COUNTS['counts'], *INVALID_COUNTS['size'])
    ok, _ = decode(api, rle)
    assert not ok, 'the published invalid string must fail to decode'
    strings.append({'name': 'pycocotools-test-invalid-counts', 'size': INVALID_COUNTS['size'], 'string': INVALID_COUNTS['counts'],
                    'counts': counts_of(rle), 'decodeOk': ok})
    # Runs that overflow the mask (the C decoder reports failure) and runs that fall short (the C decoder
    # reports success and leaves the last pixels undefined; our decoder rejects both).
    for name, size, text in [('overflow-by-one', [3, 4], '0='), ('one-run-too-long', [2, 2], '5'), ('short-by-one', [3, 4], '0;')]:
        rle = from_string(api, text, *size)
        ok, _ = decode(api, rle)
        strings.append({'name': name, 'size': size, 'string': text, 'counts': counts_of(rle), 'decodeOk': ok})

    out = {
        'generator': 'python3 packages/core/scripts/make-coco-rle-vectors.py <cocoapi-checkout>',
        'reference': 'cocoapi common/maskApi.c compiled with gcc, called through ctypes',
        'maskApiSha256': digest,
        'masks': masks,
        'strings': strings,
    }
    target = write_mask_fixture('coco-rle-vectors.json', out)
    print(f'wrote {len(masks)} masks and {len(strings)} strings to {target}')


if __name__ == '__main__':
    main()
