"""Re-export a shipped SimpleClick ONNX model unchanged at another input size S (export only, no training).

The weights are read back from the ONNX file (:func:`simpleclick.onnx_weights.read_onnx_weights`); the network
keeps its training grid, and the exporter resizes the position embedding bicubically inside the graph for the new
token grid, as the official inference does. Used for the resolution measurement in the training README
("Resolution and boundary refinement")::

    PYTHONPATH=python /usr/bin/python3 -m simpleclick.training.export_at_size \\
        models/simpleclick-xtiny-narrow-finetuned-384.onnx --size 384 --out build/resolution/xtiny-narrow-ft-at-384.onnx
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

# Keys that describe the weights themselves and stay valid at another S (the exporter recomputes the rest).
_CARRIED_KEYS = ("trained", "training_data", "licence", "training_samples", "training_steps")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m simpleclick.training.export_at_size", description=__doc__.split("\n")[0])
    parser.add_argument("model", type=Path, help="an ONNX model exported by this toolchain")
    parser.add_argument("--size", type=int, required=True, help="new static input size S (a multiple of the patch size)")
    parser.add_argument("--out", type=Path, required=True, help="output .onnx")
    parser.add_argument("--no-verify", action="store_true", help="skip the onnxruntime-node parity check")
    parser.add_argument("--fp16", action="store_true", help="store the weights as fp16 (as the shipped -fp16 file)")
    args = parser.parse_args(argv)

    import torch

    from ..export import export_onnx
    from ..network import SimpleClickNet, is_unused_key
    from ..onnx_weights import read_onnx_weights

    torch.set_num_threads(int(os.environ.get("SIMPLECLICK_THREADS", "1")))
    config, state, metadata = read_onnx_weights(args.model)
    net = SimpleClickNet(config)
    missing, unexpected = net.load_state_dict(state, strict=False)
    missing = [key for key in missing if not is_unused_key(key)]
    if missing or unexpected:
        print(f"weights do not match the layout: missing {missing}, unexpected {unexpected}", file=sys.stderr)
        return 1
    carried = {key: metadata[f"simpleclick.{key}"] for key in _CARRIED_KEYS if f"simpleclick.{key}" in metadata}
    carried["source"] = f"{args.model.name} (weights unchanged, re-exported at S={args.size})"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = export_onnx(net, args.out, size_px=args.size, metadata=carried, fp16=args.fp16, verify=not args.no_verify,
                         log=lambda line: print(line, file=sys.stderr, flush=True))
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
