"""The repo's copy of the official state-dict shapes must equal the project's shared reference."""

import json

import pytest

from conftest import REFERENCE_SHAPES, SHARED_REFERENCE_SHAPES


@pytest.mark.skipif(not SHARED_REFERENCE_SHAPES.is_file(), reason=f"no shared reference at {SHARED_REFERENCE_SHAPES}")
def test_copy_equals_shared_reference():
    assert json.loads(REFERENCE_SHAPES.read_text()) == json.loads(SHARED_REFERENCE_SHAPES.read_text())


def test_copy_lists_every_released_layout():
    layouts = json.loads(REFERENCE_SHAPES.read_text())
    assert set(layouts) == {"xtiny448", "base448", "large448", "huge448", "base1024"}
