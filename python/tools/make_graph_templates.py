"""Write the graph templates that ``simpleclick convert`` (the npm CLI, packages/cli) fills from a checkpoint.

Run at development time (not at npm build time) from ``python/``, then commit the output folder::

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/make_graph_templates.py --out ../packages/cli/templates
    # a custom layout (e.g. the official-code fixture's reduced width), for tests:
    /usr/bin/python3 tools/make_graph_templates.py --checkpoint tests/fixtures/official-v1.0-small/plainvit-small-official-v1.0.pth \
        --out ../packages/cli/src/convert/test-fixtures/templates --sizes 448 672

For each layout (default: the released xTiny, ViT-B, ViT-L, ViT-H) and each input size and weight dtype, the layout's
network (random weights, seed 0: the graph does not depend on them) is exported with :func:`export_onnx` (no parity
check) and :func:`simpleclick.graph_template.make_template` removes the weights and per-file metadata. Each template
is stored gzip-compressed (``<layout>-<size>-<fp32|fp16>.onnx.gz``, deterministic: no name, mtime 0) and
``index.json`` lists them with each layout's config and full state-dict key/shape list (what the converter checks a
checkpoint against, like the Python loader's strict load). Exports are written with external data so the weights are
never read back; the template is the same either way (checked for the first layout).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import torch  # noqa: E402

from simpleclick import __version__  # noqa: E402
from simpleclick.export import export_onnx, variant_label  # noqa: E402
from simpleclick.graph_template import make_template  # noqa: E402
from simpleclick.network import SimpleClickNet, build_network  # noqa: E402
from simpleclick.variants import VARIANTS, NetworkConfig  # noqa: E402

INDEX_FORMAT = 1
TEMPLATE_METADATA = {"source": "template", "trained": None, "training_data": "unknown"}


def _template_bytes(net, size_px: int, fp16: bool, work: Path, external: bool) -> bytes:
    import onnx

    out = work / f"t-{size_px}-{int(fp16)}-{int(external)}.onnx"
    export_onnx(net, out, size_px=size_px, fp16=fp16, verify=False, metadata=TEMPLATE_METADATA,
                external_data=external)
    model = onnx.load(str(out), load_external_data=False)
    data = make_template(model).SerializeToString()
    out.unlink()
    data_file = out.with_name(out.name + ".data")
    if data_file.exists():
        data_file.unlink()
    return data


def _state_dict_shapes(config: NetworkConfig):
    net = SimpleClickNet(config, device="meta")
    return [[key, list(tensor.shape)] for key, tensor in net.state_dict().items()]


def dump_index(index) -> str:
    """index.json text: sorted keys, one template or state-dict entry per line (readable diffs, ~40 KB)."""
    compact = lambda value: json.dumps(value, sort_keys=True, separators=(", ", ": "))  # noqa: E731
    lines = ["{", f' "format": {index["format"]},', ' "layouts": {']
    layouts = sorted(index["layouts"].items())
    for number, (label, layout) in enumerate(layouts):
        lines.append(f'  {json.dumps(label)}: {{"config": {compact(layout["config"])}, "state_dict": [')
        entries = layout["state_dict"]
        lines += [f"   {compact(e)}{',' if i + 1 < len(entries) else ''}" for i, e in enumerate(entries)]
        lines.append("  ]}" + ("," if number + 1 < len(layouts) else ""))
    lines.append(" },")
    lines.append(' "templates": [')
    templates = index["templates"]
    lines += [f"  {compact(t)}{',' if i + 1 < len(templates) else ''}" for i, t in enumerate(templates)]
    lines.append(" ],")
    lines.append(f' "toolchain_version": {json.dumps(index["toolchain_version"])}')
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == json.loads(json.dumps(index)), "index.json formatting lost data"
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (index.json + *.onnx.gz)")
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), help="released layouts (default: all)")
    parser.add_argument("--checkpoint", type=Path, help="make templates for this checkpoint's layout instead")
    parser.add_argument("--sizes", nargs="*", type=int, default=[448, 672])
    parser.add_argument("--dtypes", nargs="*", default=["fp32", "fp16"], choices=["fp32", "fp16"])
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    if args.checkpoint is not None:
        from simpleclick.checkpoint import load_official_checkpoint

        net0, info = load_official_checkpoint(args.checkpoint)
        layouts = [(variant_label(info["config"]), lambda net0=net0: net0)]
    else:
        layouts = [(name, lambda name=name: build_network(name, seed=0)) for name in args.variants]

    args.out.mkdir(parents=True, exist_ok=True)
    index_path = args.out / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    index = {"format": INDEX_FORMAT, "toolchain_version": __version__, "templates": index.get("templates", []),
             "layouts": index.get("layouts", {})}
    checked_external = False
    with tempfile.TemporaryDirectory(prefix="simpleclick-templates-") as tmp:
        work = Path(tmp)
        for label, build in layouts:
            net = build()
            config = net.config
            index["layouts"][label] = {"config": config.to_dict(), "state_dict": _state_dict_shapes(config)}
            for size_px in args.sizes:
                for dtype in args.dtypes:
                    fp16 = dtype == "fp16"
                    data = _template_bytes(net, size_px, fp16, work, external=True)
                    if not checked_external:
                        assert data == _template_bytes(net, size_px, fp16, work, external=False), \
                            "template differs between inline and external-data exports"
                        checked_external = True
                    name = f"{label}-{size_px}-{dtype}.onnx.gz"
                    (args.out / name).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
                    entry = {"file": name, "layout": label, "input_size": size_px,
                             "weights_dtype": "float16" if fp16 else "float32",
                             "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                    index["templates"] = [t for t in index["templates"] if t["file"] != name] + [entry]
                    print(f"{name}: {len(data)} bytes, {(args.out / name).stat().st_size} gzipped", flush=True)
                    index["templates"].sort(key=lambda t: t["file"])
                    index_path.write_text(dump_index(index))
            del net
    return 0


if __name__ == "__main__":
    sys.exit(main())
