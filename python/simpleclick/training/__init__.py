"""Training toolchain for the embedded default model (SimpleClick-xTiny family, trained from scratch).

Modules, in the order data flows through them:

* :mod:`.pack_format` - the single-file training pack (JPEG images + label-map PNG layers + object lists).
* :mod:`.pack_data` - builds the pack from the research datasets in ``../shared/data`` (CLI).
* :mod:`.augment` - geometry (scale, crop, zoom-in crops, flip) and colour augmentation of one sample.
* :mod:`.synthetic` - synthetic shapes on textures and copy-paste composites.
* :mod:`.click_sampler` - random initial clicks (MultiPointSampler facts) and the iterative-training next click.
* :mod:`.click_raster` - radius-5 disk rasters at network resolution (the SDK's encoding rule).
* :mod:`.loss` - normalized focal loss (NFL).
* :mod:`.batches` - turns the pack into training batches.
* :mod:`.trainer` - the training loop: iterative rounds, NFL, Adam, checkpoints, resume, progress and log.
* :mod:`.train` - CLI of the trainer; :mod:`.bench` - throughput and per-click timing; :mod:`.finish` - export,
  evaluation and model card of a finished run.

Nothing here imports the datasets at import time; data only enters through the pack file, which lives in an
ignored folder (``build/``) and is never committed.
"""
