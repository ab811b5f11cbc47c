"""One user click, in full-image pixel coordinates.

The official SimpleClick code stores clicks as (y, x) = (row, column); the TypeScript SDK's `Click` uses
`xPx`, `yPx`, `isPositive`. This class carries the same three facts with the same names in Python style.
Coordinates are integers when they come from the click simulator; the predictor also accepts floats
(an interactive user may click between pixel centres).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

Number = Union[int, float]


@dataclass(frozen=True)
class Click:
    """A positive (inside the object) or negative (outside) click at row `y_px`, column `x_px`."""

    y_px: Number
    x_px: Number
    is_positive: bool

    def to_json(self) -> dict:
        """The parity-fixture form: {"xPx", "yPx", "isPositive"}."""
        return {"xPx": _plain(self.x_px), "yPx": _plain(self.y_px), "isPositive": bool(self.is_positive)}

    @staticmethod
    def from_json(data: dict) -> "Click":
        return Click(y_px=data["yPx"], x_px=data["xPx"], is_positive=bool(data["isPositive"]))


def _plain(value: Number) -> Number:
    """numpy scalars -> Python int/float so that json can write them."""
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float
