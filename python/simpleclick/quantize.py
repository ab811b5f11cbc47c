"""int8 weight quantization of an exported SimpleClick ONNX graph (issue 12, item 3: a faster model path).

Written for this project (no onnxruntime Python package here): it rewrites the graph with the ``onnx`` package only,
and the self-check runs the result in onnxruntime-node (python/simpleclick/node/run-onnx.mjs), the SDK's runtime.

What is quantized: every ``MatMul`` whose second input is a weight, i.e. an initializer, possibly through the
exporter's ``Transpose`` (PyTorch ``Linear``: ``x @ W.T``) and, in an fp16 file, its ``Cast`` to float32. In the
SimpleClick ViT those are the 4 linear layers of each block (``attn.qkv``, ``attn.proj``, ``mlp.fc1``,
``mlp.fc2``): 32 MatMuls that hold 2.5 M of the 3.3 M parameters and most of the backbone's arithmetic. The two
patch embeddings (Conv), the neck and the head (Conv / ConvTranspose), LayerNorms, biases and the attention's
activation x activation MatMuls stay float32. ``--exclude`` keeps more MatMuls in float32 by name.

Weights: symmetric int8 (zero point 0, values in [-127, 127]), one scale per output channel (``per_channel``, the
default) or one per tensor; stored transposed ([in, out], the layout MatMul reads), so the Transpose disappears.

Modes (``--mode``):

- ``dynamic``: standard ONNX ops (opset >= 11): ``DynamicQuantizeLinear(x)`` -> uint8 activations, a per-tensor scale
  and zero point computed at run time; ``MatMulInteger(x_q, W_q, x_zp)`` -> int32; ``Cast`` to float;
  ``Mul(x_scale * w_scale)``. onnxruntime's CPU EP fuses the chain into its ``DynamicQuantizeMatMul`` contrib kernel
  at load (graph optimisation level 2, which the SDK uses).
- ``dynamic-ms``: the fused com.microsoft ``DynamicQuantizeMatMul(x, W_q, w_scale, w_zp, bias)`` written directly,
  bias included (onnxruntime's CPU EP contrib op; not part of standard ONNX).
- ``qdq``: weight-only: ``DequantizeLinear(W_q, w_scale, axis=1) -> MatMul`` in float32. The file shrinks to about a
  third; whether it runs faster depends on the runtime (onnxruntime keeps a DequantizeLinear of a constant unfolded
  when its QDQ optimisations are on, and has no int8 kernel for a float activation, so it dequantizes per run).

Metadata: every ``metadata_props`` entry of the source is kept, except ``simpleclick.weights_dtype`` (the SDK reads
only "float32" or "float16" there; a file with int8 and float32 tensors is neither, and the key is optional), and
``simpleclick.weights_sha256`` is recomputed over the new initializers (the SDK verifies it). Added:
``simpleclick.quantization`` (what was done, one line) and ``simpleclick.quantized_from_sha256`` (the source's
weights digest). The file name convention is ``<model>-int8.onnx`` (``<model>-fp16.onnx`` for fp16 weights), with a
suffix for the non-default modes.

Command line: ``/usr/bin/python3 -m simpleclick quantize --model in.onnx --out out.onnx [--mode dynamic]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from .weights_digest import METADATA_KEY as WEIGHTS_SHA256_KEY
from .weights_digest import weights_sha256

MODES = ("dynamic", "dynamic-ms", "qdq")
QUANTIZATION_KEY = "simpleclick.quantization"
QUANTIZED_FROM_KEY = "simpleclick.quantized_from_sha256"
WEIGHTS_DTYPE_KEY = "simpleclick.weights_dtype"
MS_DOMAIN = "com.microsoft"
#: Symmetric int8 range (-128 is left out so that the range is symmetric and -w quantizes to -q).
QMAX = 127


class QuantizeError(Exception):
    """A quantization that cannot be done; one line for the user."""


@dataclass
class QuantizeReport:
    """What :func:`quantize_model` did."""

    mode: str
    per_channel: bool
    quantized: List[str] = field(default_factory=list)
    kept_float: List[str] = field(default_factory=list)
    #: largest relative weight rounding error, max |W - dequant(W_q)| / max |W|, over the quantized tensors
    max_weight_error: float = 0.0
    size_bytes: Optional[int] = None
    source_size_bytes: Optional[int] = None
    verify: Dict[str, float] = field(default_factory=dict)

    def description(self) -> str:
        """The ``simpleclick.quantization`` metadata value."""
        what = {"dynamic": "DynamicQuantizeLinear + MatMulInteger (uint8 activations per tensor at run time)",
                "dynamic-ms": "com.microsoft DynamicQuantizeMatMul (uint8 activations per tensor at run time)",
                "qdq": "weight-only DequantizeLinear -> float32 MatMul"}[self.mode]
        scales = "per output channel" if self.per_channel else "per tensor"
        return (f"int8 {self.mode}: {len(self.quantized)} MatMul weights symmetric int8 {scales}, {what}; "
                f"Conv, ConvTranspose, LayerNorm, biases and attention float32")

    def summary(self) -> str:
        parts = [f"quantized {len(self.quantized)} MatMul weights ({self.mode}, "
                 f"{'per-channel' if self.per_channel else 'per-tensor'}), kept {len(self.kept_float)} float32",
                 f"max weight rounding error {self.max_weight_error:.3g} of max |w|"]
        if self.size_bytes is not None and self.source_size_bytes:
            parts.append(f"{self.source_size_bytes / 1e6:.1f} MB -> {self.size_bytes / 1e6:.1f} MB")
        if self.verify:
            parts.append("onnxruntime-node vs source: " + ", ".join(
                f"{key} {value:.4g}" for key, value in self.verify.items()))
        return "; ".join(parts)


def quantize_weight(weight_in_out: np.ndarray, per_channel: bool) -> Tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 quantization of a MatMul weight laid out [in, out]: returns (int8 [in, out], float32 scales
    [out] per channel or a scalar per tensor). A channel of zeros gets scale 1 (its values stay 0)."""
    weight = np.asarray(weight_in_out, dtype=np.float32)
    if weight.ndim != 2:
        raise QuantizeError(f"expected a 2-D MatMul weight, got shape {weight.shape}")
    peak = np.abs(weight).max(axis=0) if per_channel else np.abs(weight).max()
    scale = np.where(peak > 0, peak / QMAX, 1.0).astype(np.float32)
    quantized = np.clip(np.rint(weight / scale), -QMAX, QMAX).astype(np.int8)
    return quantized, scale


def dequantize_weight(quantized: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return quantized.astype(np.float32) * scale.astype(np.float32)


def _constant_weight(name: str, producers, initializers) -> Optional[Tuple[np.ndarray, List]]:
    """The [in, out] float32 value of a MatMul's B input when it is a weight: an initializer [in, out], or one
    reached through Transpose (perm [1, 0]) and/or Cast to float. Returns (value, nodes on the way) or None."""
    from onnx import numpy_helper

    chain = []
    transposed = False
    while name not in initializers:
        node = producers.get(name)
        if node is None:
            return None
        if node.op_type == "Transpose":
            perm = next((list(a.ints) for a in node.attribute if a.name == "perm"), [1, 0])
            if perm != [1, 0] or transposed:
                return None
            transposed = True
        elif node.op_type == "Cast":
            to = next((a.i for a in node.attribute if a.name == "to"), None)
            if to != 1:  # FLOAT
                return None
        else:
            return None
        chain.append(node)
        name = node.input[0]
    value = numpy_helper.to_array(initializers[name]).astype(np.float32)
    if value.ndim != 2:
        return None
    return (value.T if transposed else value), chain


def _bias_add(matmul, consumers, initializers, producers):
    """The ``Add(bias, matmul_out)`` right after a MatMul (the exporter's Linear bias), if it is the only consumer:
    returns (add node, bias initializer name or the Cast output, bias value) or None."""
    from onnx import numpy_helper

    users = consumers.get(matmul.output[0], [])
    if len(users) != 1 or users[0].op_type != "Add":
        return None
    add = users[0]
    other = add.input[0] if add.input[1] == matmul.output[0] else add.input[1]
    source = other
    while source not in initializers:
        node = producers.get(source)
        if node is None or node.op_type != "Cast":
            return None
        source = node.input[0]
    value = numpy_helper.to_array(initializers[source]).astype(np.float32)
    if value.ndim != 1:
        return None
    return add, value


def quantize_model(model, mode: str = "dynamic", per_channel: bool = True,
                   exclude: Sequence[str] = ()) -> QuantizeReport:
    """Rewrite ``model`` (an ``onnx.ModelProto`` with its weights loaded) in place; see the module docstring.

    ``exclude``: regular expressions; a MatMul whose node name or weight name matches one stays float32."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    if mode not in MODES:
        raise QuantizeError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
    graph = model.graph
    metadata = {prop.key: prop.value for prop in model.metadata_props}
    if QUANTIZATION_KEY in metadata:
        raise QuantizeError("the model is already quantized (it has simpleclick.quantization)")
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    if opset < 13:
        raise QuantizeError(f"opset {opset} is too old (per-channel DequantizeLinear needs opset 13)")
    patterns = [re.compile(p) for p in exclude]
    initializers = {init.name: init for init in graph.initializer}
    producers = {out: node for node in graph.node for out in node.output}
    consumers: Dict[str, List] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    report = QuantizeReport(mode=mode, per_channel=per_channel)

    replacements: Dict[int, List] = {}  # index of a node in graph.node -> the nodes that replace it
    removed_ids = set()
    new_initializers = []
    for index, node in enumerate(graph.node):
        if node.op_type != "MatMul":
            continue
        found = _constant_weight(node.input[1], producers, initializers)
        if found is None:
            continue
        weight, chain = found
        source_name = chain[-1].input[0] if chain else node.input[1]
        label = node.name or node.output[0]
        if any(p.search(label) or p.search(source_name) for p in patterns):
            report.kept_float.append(label)
            continue
        q, scale = quantize_weight(weight, per_channel)
        peak = float(np.abs(weight).max()) or 1.0
        report.max_weight_error = max(report.max_weight_error,
                                      float(np.abs(dequantize_weight(q, scale) - weight).max()) / peak)
        base = source_name
        q_name, scale_name, zp_name = f"{base}::int8", f"{base}::scale", f"{base}::zero_point"
        new_initializers += [numpy_helper.from_array(q, q_name), numpy_helper.from_array(scale, scale_name)]
        x, y = node.input[0], node.output[0]
        prefix = f"quant::{label}"
        nodes = []
        if mode == "qdq":
            new_initializers.append(numpy_helper.from_array(np.zeros(scale.shape, np.int8), zp_name))
            attrs = {"axis": 1} if per_channel else {}
            nodes.append(helper.make_node("DequantizeLinear", [q_name, scale_name, zp_name], [f"{prefix}::w"],
                                          name=f"{prefix}/DequantizeLinear", **attrs))
            nodes.append(helper.make_node("MatMul", [x, f"{prefix}::w"], [y], name=node.name))
        elif mode == "dynamic":
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x],
                                          [f"{prefix}::x_q", f"{prefix}::x_scale", f"{prefix}::x_zp"],
                                          name=f"{prefix}/DynamicQuantizeLinear"))
            nodes.append(helper.make_node("MatMulInteger", [f"{prefix}::x_q", q_name, f"{prefix}::x_zp"],
                                          [f"{prefix}::acc"], name=f"{prefix}/MatMulInteger"))
            nodes.append(helper.make_node("Cast", [f"{prefix}::acc"], [f"{prefix}::acc_f"], to=TensorProto.FLOAT,
                                          name=f"{prefix}/Cast"))
            nodes.append(helper.make_node("Mul", [f"{prefix}::x_scale", scale_name], [f"{prefix}::scale"],
                                          name=f"{prefix}/ScaleMul"))
            nodes.append(helper.make_node("Mul", [f"{prefix}::acc_f", f"{prefix}::scale"], [y],
                                          name=f"{prefix}/Mul"))
        else:  # dynamic-ms
            new_initializers.append(numpy_helper.from_array(np.zeros(scale.shape, np.int8), zp_name))
            inputs = [x, q_name, scale_name, zp_name]
            bias = _bias_add(node, consumers, initializers, producers)
            output = y
            if bias is not None:
                add, bias_value = bias
                bias_name = f"{base}::bias"
                new_initializers.append(numpy_helper.from_array(bias_value, bias_name))
                inputs.append(bias_name)
                output = add.output[0]
                removed_ids.add(id(add))
            nodes.append(helper.make_node("DynamicQuantizeMatMul", inputs, [output], domain=MS_DOMAIN,
                                          name=f"{prefix}/DynamicQuantizeMatMul"))
        replacements[index] = nodes
        report.quantized.append(label)
    if not report.quantized:
        raise QuantizeError("no MatMul with a constant weight found: nothing to quantize")

    rebuilt = []
    for index, node in enumerate(graph.node):
        if index in replacements:
            rebuilt.extend(replacements[index])
        elif id(node) not in removed_ids:
            rebuilt.append(node)
    del graph.node[:]
    graph.node.extend(rebuilt)
    graph.initializer.extend(new_initializers)
    _remove_unused(graph)
    if mode == "dynamic-ms" and not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))

    kept = [prop for prop in model.metadata_props
            if prop.key not in (WEIGHTS_DTYPE_KEY, WEIGHTS_SHA256_KEY)]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    if WEIGHTS_SHA256_KEY in metadata:
        _set_prop(model, QUANTIZED_FROM_KEY, metadata[WEIGHTS_SHA256_KEY])
    _set_prop(model, QUANTIZATION_KEY, report.description())
    _set_prop(model, WEIGHTS_SHA256_KEY, weights_sha256(model))
    if mode != "dynamic-ms":
        onnx.checker.check_model(model)
    return report


def _set_prop(model, key: str, value: str) -> None:
    for prop in model.metadata_props:
        if prop.key == key:
            prop.value = value
            return
    entry = model.metadata_props.add()
    entry.key, entry.value = key, value


def _remove_unused(graph) -> None:
    """Drop nodes whose outputs nobody reads (the weights' Transpose / Cast) and initializers nobody reads,
    repeatedly, keeping graph outputs."""
    wanted_outputs = {out.name for out in graph.output}
    while True:
        used = set(wanted_outputs)
        for node in graph.node:
            used.update(node.input)
        kept = [n for n in graph.node if any(o in used for o in n.output)]
        if len(kept) == len(graph.node):
            break
        del graph.node[:]
        graph.node.extend(kept)
    used = set(wanted_outputs)
    for node in graph.node:
        used.update(node.input)
    kept_init = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept_init)


def verify_against_source(source: Union[str, Path], quantized: Union[str, Path], size_px: int,
                          batch: int = 2) -> Dict[str, float]:
    """Run both files in onnxruntime-node on the exporter's deterministic inputs: max |logit diff|, the fraction of
    mask pixels (logit > 0) that differ, and the masks' IoU."""
    from .export import run_onnx_in_node, verification_inputs

    image, clicks = verification_inputs(batch, size_px)
    reference, _ = run_onnx_in_node(source, image, clicks)
    logits, _ = run_onnx_in_node(quantized, image, clicks)
    ref_mask, mask = reference > 0, logits > 0
    union = np.logical_or(ref_mask, mask).sum()
    return {
        "max_abs_logit_diff": float(np.abs(reference - logits).max()),
        "max_abs_logit": float(np.abs(reference).max()),
        "mask_px_changed": float((ref_mask != mask).mean()),
        "mask_iou": float(np.logical_and(ref_mask, mask).sum() / union) if union else 1.0,
    }


def quantize_file(source: Union[str, Path], out: Union[str, Path], mode: str = "dynamic", per_channel: bool = True,
                  exclude: Sequence[str] = (), verify: bool = True) -> QuantizeReport:
    """Quantize an ONNX file into ``out`` (written atomically: a temporary file renamed into place)."""
    import onnx

    source, out = Path(source), Path(out)
    if not source.is_file():
        raise QuantizeError(f"ONNX file not found: {source}")
    if source.resolve() == out.resolve():
        raise QuantizeError("--out must differ from the source model")
    model = onnx.load(str(source))
    report = quantize_model(model, mode=mode, per_channel=per_channel, exclude=exclude)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".quantize-", suffix=".onnx", dir=str(out.parent))
    os.close(handle)
    try:
        onnx.save(model, tmp)
        report.size_bytes = os.path.getsize(tmp)
        report.source_size_bytes = os.path.getsize(source)
        if verify:
            size_px = int({p.key: p.value for p in model.metadata_props}.get("simpleclick.input_size", "0"))
            if size_px <= 0:
                raise QuantizeError("cannot verify: the model has no simpleclick.input_size")
            report.verify = verify_against_source(source, tmp, size_px)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return report


def default_out_path(source: Union[str, Path], mode: str, per_channel: bool) -> Path:
    """``<model>-int8.onnx`` for the default (dynamic, per channel); other settings add a suffix."""
    source = Path(source)
    suffix = "-int8" + {"dynamic": "", "dynamic-ms": "-ms", "qdq": "-qdq"}[mode]
    if not per_channel:
        suffix += "-pt"
    return source.with_name(source.stem + suffix + ".onnx")


# --------------------------------------------------------------------------------------------------------------
# Command line (python3 -m simpleclick quantize ...)
# --------------------------------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "int8 weight quantization of a SimpleClick ONNX file's MatMul weights (see --mode)."
    parser.add_argument("--model", type=Path, required=True, help="source .onnx (float32 or float16 weights)")
    parser.add_argument("--out", type=Path, help="output .onnx (default: <model>-int8[-ms|-qdq][-pt].onnx)")
    parser.add_argument("--mode", choices=MODES, default="dynamic",
                        help="dynamic: DynamicQuantizeLinear+MatMulInteger (default); dynamic-ms: com.microsoft "
                             "DynamicQuantizeMatMul; qdq: weight-only DequantizeLinear -> MatMul")
    parser.add_argument("--per-tensor", action="store_true", help="one weight scale per tensor (default: per "
                                                                  "output channel)")
    parser.add_argument("--exclude", action="append", default=[], metavar="REGEX",
                        help="keep MatMuls whose node or weight name matches in float32 (repeatable)")
    parser.add_argument("--no-verify", action="store_true", help="skip the onnxruntime-node comparison")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    per_channel = not args.per_tensor
    out = args.out or default_out_path(args.model, args.mode, per_channel)
    try:
        report = quantize_file(args.model, out, mode=args.mode, per_channel=per_channel, exclude=args.exclude,
                               verify=not args.no_verify)
    except QuantizeError as error:
        raise ValueError(str(error)) from None
    if args.json:
        print(json.dumps({"out": str(out), "mode": report.mode, "per_channel": report.per_channel,
                          "quantized": report.quantized, "kept_float": report.kept_float,
                          "max_weight_error": report.max_weight_error, "size_bytes": report.size_bytes,
                          "source_size_bytes": report.source_size_bytes, "verify": report.verify}, indent=2))
    else:
        print(f"{out}: {report.summary()}")
    return 0
