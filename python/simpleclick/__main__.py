"""Command line: ``/usr/bin/python3 -m simpleclick <command> ...``.

Commands:
  export    official checkpoint (or a random-initialised variant) -> ONNX, checked in onnxruntime-node
  inspect   print what a checkpoint or ONNX file holds (architecture, metadata)
  evaluate  reference evaluator (simpleclick.evaluate), loaded only when called
  fixtures  parity fixtures for the TypeScript tests (simpleclick.fixtures), loaded only when called
  quantize  int8 MatMul weights of an exported ONNX file (simpleclick.quantize), loaded only when called

Errors print one line ``error: ...`` on stderr and exit with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import import_module
from pathlib import Path
from typing import List, Optional

#: Commands implemented in other modules of the package; each module provides add_arguments(parser) and run(args).
DELEGATED_COMMANDS = {
    "evaluate": ("simpleclick.evaluate", "NoC evaluation with the PyTorch reference predictor"),
    "fixtures": ("simpleclick.fixtures", "write the parity fixtures read by the TypeScript tests"),
    "quantize": ("simpleclick.quantize", "int8 MatMul weights of an ONNX file (a faster model variant), checked in "
                                         "onnxruntime-node"),
}


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path, help="official SimpleClick checkpoint (.pth)")
    source.add_argument("--random-init", metavar="VARIANT",
                        help="random weights of a variant (xtiny, base, large, huge): for tests and demos only")
    parser.add_argument("--out", type=Path, required=True, help="output .onnx path")
    parser.add_argument("--size", type=int, default=448,
                        help="static input size S in pixels, a multiple of the patch size (default 448; 672 "
                             "reproduces the official DAVIS runs)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --random-init (default 0)")
    parser.add_argument("--fp16", action="store_true",
                        help="store weights as float16 (half the file; computation stays float32)")
    parser.add_argument("--training-data", help="training data for the metadata (default: the checkpoint's own "
                                                "record, else guessed from an official file name and marked so)")
    parser.add_argument("--model-version", dest="model_version", help="model version for the metadata "
                                                                "(default: the toolchain version)")
    parser.add_argument("--external-data", choices=("auto", "always", "never"), default="auto",
                        help="ONNX external data (default auto: only above ~1.8 GB of weights, e.g. ViT-H fp32)")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip the onnxruntime-node parity check (not recommended)")
    parser.add_argument("--verify-batch", type=int, default=2, help="batch size of the parity check (default 2)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print progress lines on stderr")


def _run_export(args: argparse.Namespace) -> int:
    import torch

    from .export import export_onnx
    from .network import build_network

    torch.set_num_threads(int(os.environ.get("SIMPLECLICK_THREADS", "2")))
    log = (lambda line: print(line, file=sys.stderr, flush=True)) if args.verbose else None
    metadata = {}
    if args.checkpoint is not None:
        from .checkpoint import load_official_checkpoint

        if log:
            log(f"loading {args.checkpoint}")
        net, info = load_official_checkpoint(args.checkpoint)
        # Whether and on what it was trained: the file's own record, else a marked file-name guess, else unknown.
        provenance = info["provenance"].overridden(training_data=args.training_data)
        metadata.update(source=info["file_name"], **provenance.export_metadata())
        if log:
            log(f"architecture {info['variant']} from {info['config_source']}: {info['config'].to_json()}")
    else:
        net = build_network(args.random_init, seed=args.seed)
        metadata.update(trained=False, source="random-init", training_data=args.training_data or "untrained",
                        seed=args.seed)
    if args.model_version:
        metadata["version"] = args.model_version
    external = {"auto": None, "always": True, "never": False}[args.external_data]
    result = export_onnx(net, args.out, size_px=args.size, metadata=metadata, fp16=args.fp16,
                         verify=not args.no_verify, verify_batch=args.verify_batch, external_data=external, log=log)
    print(result.summary())
    return 0


def _add_inspect_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="an official checkpoint (.pth) or an exported .onnx")


def _run_inspect(args: argparse.Namespace) -> int:
    if args.path.suffix == ".onnx":
        from .export import read_onnx_metadata

        if not args.path.is_file():
            from .export import ExportError

            raise ExportError(f"ONNX file not found: {args.path}")
        print(json.dumps(read_onnx_metadata(args.path), indent=2, sort_keys=True))
        return 0
    from .checkpoint import load_official_checkpoint

    net, info = load_official_checkpoint(args.path)
    shown = {k: v for k, v in info.items() if k != "config"}
    shown["config"] = info["config"].to_dict()
    shown["parameters"] = sum(t.numel() for t in net.state_dict().values())
    print(json.dumps(shown, indent=2, sort_keys=True, default=str))
    return 0


def _build_parser(delegated: Optional[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python3 -m simpleclick",
                                     description="SimpleClick PyTorch toolchain")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    export = commands.add_parser("export", help="checkpoint or random-init variant -> ONNX (verified)",
                                 description="Export a SimpleClick network to ONNX and check it in "
                                             "onnxruntime-node.")
    _add_export_arguments(export)
    export.set_defaults(handler=_run_export)
    inspect = commands.add_parser("inspect", help="show what a checkpoint or ONNX file holds")
    _add_inspect_arguments(inspect)
    inspect.set_defaults(handler=_run_inspect)

    for name, (module_name, help_text) in DELEGATED_COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, add_help=name == delegated)
        if name != delegated:
            sub.add_argument("rest", nargs=argparse.REMAINDER)
            continue
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            missing = error.name or ""
            reason = ("not implemented yet" if missing == module_name
                      else f"it needs the Python module {missing!r}")
            sub.add_argument("rest", nargs=argparse.REMAINDER)
            sub.set_defaults(unavailable=f"command {name} is not available: {reason} ({module_name})")
            continue
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    delegated = next((a for a in argv if not a.startswith("-")), None)
    delegated = delegated if delegated in DELEGATED_COMMANDS else None
    parser = _build_parser(delegated)
    args = parser.parse_args(argv)
    if getattr(args, "unavailable", None):
        print(f"error: {args.unavailable}", file=sys.stderr)
        return 1

    from .checkpoint import CheckpointError
    from .export import ExportError

    try:
        result = args.handler(args)
    except (CheckpointError, ExportError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
