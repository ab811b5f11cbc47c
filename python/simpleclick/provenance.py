"""What a checkpoint says about its own training, and how sure that is: the ``trained`` and ``training_data``
metadata of an export, each with the basis it rests on (issue 13 item 4).

Bases, in the order they are tried:

- ``checkpoint``: the file records it. Files written by :func:`simpleclick.checkpoint.save_official_checkpoint`
  with ``trained``/``training_data`` carry both in their ``simpleclick`` entry; a trainer checkpoint's ``step``
  says whether it was trained (step > 0).
- ``file-name guess``: official files record no training at all (their config is the model's constructor
  arguments), so for the released names (``sbd_vit_base.pth``, ``cocolvis_vit_huge.pth``, ...) trained = true and
  the data set comes from the prefix. The training-data value itself then says "(guessed from the file name)", so
  every tool that shows it shows the guess.
- ``unknown``: nothing says; ``trained`` is left out of the metadata (the SDK reads it as "not stated") and the
  training data is "unknown".

The user can state either (``user``), which overrides the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

#: Training data named by the official release's file-name prefixes.
TRAINING_DATA_BY_PREFIX = (("cocolvis", "COCO+LVIS"), ("sbd", "SBD"))
#: The released official files: {sbd,cocolvis}_vit_{xtiny,base,large,huge}.pth (any case).
OFFICIAL_RELEASE_NAME = re.compile(r"^(sbd|cocolvis)_vit_(xtiny|base|large|huge)\.pth$", re.IGNORECASE)
GUESS_NOTE = "(guessed from the file name)"

BASIS_CHECKPOINT = "checkpoint"
BASIS_FILE_NAME = "file-name guess"
BASIS_USER = "user"
BASIS_UNKNOWN = "unknown"


@dataclass(frozen=True)
class Provenance:
    """``trained`` (None: unknown) and ``training_data``, each with its basis."""

    trained: Optional[bool]
    trained_basis: str
    training_data: str
    training_data_basis: str

    def export_metadata(self) -> Dict[str, Any]:
        """The ``trained``/``training_data`` entries (and their bases) for :func:`simpleclick.export.export_onnx`;
        ``trained`` is None when unknown (the exporter then leaves the key out)."""
        return {"trained": self.trained, "trained_basis": self.trained_basis,
                "training_data": self.training_data, "training_data_basis": self.training_data_basis}

    def overridden(self, trained: Optional[bool] = None, training_data: Optional[str] = None) -> "Provenance":
        """The same with what the user stated replacing the file's or the guess."""
        return Provenance(
            trained=self.trained if trained is None else trained,
            trained_basis=self.trained_basis if trained is None else BASIS_USER,
            training_data=self.training_data if training_data is None else training_data,
            training_data_basis=self.training_data_basis if training_data is None else BASIS_USER)


def _training_data_from_name(file_name: str) -> Optional[str]:
    lower = file_name.lower()
    for prefix, label in TRAINING_DATA_BY_PREFIX:
        if lower.startswith(prefix):
            return label
    return None


def checkpoint_provenance(checkpoint: Mapping[str, Any], file_name: str) -> Provenance:
    """Provenance of a loaded checkpoint dict (the top-level object of the file) named ``file_name``."""
    ours = checkpoint.get("simpleclick")
    ours = ours if isinstance(ours, Mapping) else {}
    trained: Optional[bool] = None
    trained_basis = BASIS_UNKNOWN
    if isinstance(ours.get("trained"), bool):
        trained, trained_basis = ours["trained"], BASIS_CHECKPOINT
    elif isinstance(checkpoint.get("step"), int) and not isinstance(checkpoint.get("step"), bool):
        trained, trained_basis = checkpoint["step"] > 0, BASIS_CHECKPOINT
    elif OFFICIAL_RELEASE_NAME.match(file_name):
        trained, trained_basis = True, BASIS_FILE_NAME

    if isinstance(ours.get("training_data"), str) and ours["training_data"].strip():
        training_data, data_basis = ours["training_data"].strip(), BASIS_CHECKPOINT
    elif _training_data_from_name(file_name) is not None:
        training_data, data_basis = f"{_training_data_from_name(file_name)} {GUESS_NOTE}", BASIS_FILE_NAME
    else:
        training_data, data_basis = "unknown", BASIS_UNKNOWN
    return Provenance(trained=trained, trained_basis=trained_basis, training_data=training_data,
                      training_data_basis=data_basis)
