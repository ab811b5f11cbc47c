"""ONNX export of a :class:`~simpleclick.network.SimpleClickNet`, its self-check, and the way back.

The graph follows the model contract of docs/model-contract.md: inputs ``image`` and ``click_maps`` [B,3,S,S]
float32, output ``logits`` [B,1,S,S]; B dynamic, S static. ``metadata_props`` describe the model (keys in
:data:`REQUIRED_CALLER_KEYS` come from the caller, the others from the network) and ``simpleclick.config`` holds the
:class:`~simpleclick.variants.NetworkConfig` as JSON, so that an ONNX file is a complete, single source of weights:
initializer names equal state-dict keys (constant folding is off, and PyTorch's merging of equal-valued
parameters is undone), and :func:`load_network_from_onnx` rebuilds the PyTorch network from it.

Every export is written to a temporary folder next to the destination and renamed into place only after
``onnx.checker`` and the parity check passed, so a failed export leaves no partial file behind.
"""

from __future__ import annotations

import copy
import inspect
import json
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import numpy as np
import torch

from .network import SimpleClickNet, empty_network, is_unused_key
from .parity import ParityReport, compare_logits
from .weights_digest import METADATA_KEY as WEIGHTS_SHA256_KEY
from .weights_digest import WeightsDigestError, verify_weights_sha256, weights_sha256
from .variants import VARIANTS, NetworkConfig, name_layout

#: Version of the metadata layout written to ``simpleclick.format_version``.
FORMAT_VERSION = "1"
METADATA_PREFIX = "simpleclick."
#: Metadata the caller must give (with or without the ``simpleclick.`` prefix): nothing in the network says them.
#: ``trained`` may be None (unknown: the key is then left out, which the SDK reads as "not stated").
REQUIRED_CALLER_KEYS = ("trained", "training_data", "source")
#: Exported graphs must reproduce PyTorch's logits by :mod:`simpleclick.parity`'s criterion (onnxruntime-node vs
#: PyTorch, CPU): max |diff| <= 1e-4 + 5e-5 x max |logit|, and masks differing only within that band of the threshold.
#: fp16 weight storage: the graph (fp16 weights cast to fp32, fp32 compute) must meet the same criterion against
#: PyTorch run with the same fp16-rounded weights; against the original fp32 weights it must stay within
#: ``FP16_TOLERANCE_ABS + FP16_TOLERANCE_REL * max|logit|`` (weight rounding moves logits by a relative ~1e-3).
FP16_TOLERANCE_ABS = 1e-2
FP16_TOLERANCE_REL = 1e-2
#: Protobuf cannot serialise 2 GiB; above this many bytes of weights the exporter writes ONNX external data.
EXTERNAL_DATA_THRESHOLD_BYTES = 1_800_000_000
ONNX_OPSET = 17
INPUT_NAMES = ("image", "click_maps")
OUTPUT_NAME = "logits"
NODE_SCRIPT = Path(__file__).resolve().parent / "node" / "run-onnx.mjs"


class ExportError(Exception):
    """An export (or an ONNX read-back) that cannot be done; the message is one line for the user."""


@dataclass
class ExportResult:
    """What :func:`export_onnx` did."""

    path: Path
    data_path: Optional[Path]
    size_bytes: int
    seconds: float
    metadata: Dict[str, str]
    max_abs_diff: Optional[float] = None
    #: the logit tolerance the check applied (1e-4 + 5e-5 x max |logit|), the reference's max |logit|, and how
    #: many mask pixels changed (all within the rounding band, or the export would have failed)
    tolerance: Optional[float] = None
    max_abs_logit: Optional[float] = None
    mask_flips: Optional[int] = None
    max_abs_diff_vs_fp32: Optional[float] = None
    ort_run_ms: Optional[float] = None
    verify_batch: Optional[int] = None
    notes: Dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        size_mb = self.size_bytes / 1e6
        parts = [f"exported {self.path} ({size_mb:.1f} MB"]
        if self.data_path is not None:
            parts[0] += f" incl. external data {self.data_path.name}"
        parts[0] += (f", variant {self.metadata.get('simpleclick.variant')}, "
                     f"S={self.metadata.get('simpleclick.input_size')}, "
                     f"weights {self.metadata.get('simpleclick.weights_dtype')}) in {self.seconds:.1f} s")
        if self.max_abs_diff is not None:
            parts.append(f"parity onnxruntime-node vs PyTorch (batch {self.verify_batch}): "
                         f"max |logit diff| {self.max_abs_diff:.3g} (limit {self.tolerance:.3g}, "
                         f"max |logit| {self.max_abs_logit:.3g}, {self.mask_flips} mask px flipped near 0)")
            if self.max_abs_diff_vs_fp32 is not None:
                parts.append(f"vs fp32 weights: {self.max_abs_diff_vs_fp32:.3g}")
            if self.ort_run_ms is not None:
                parts.append(f"onnxruntime run {self.ort_run_ms:.0f} ms")
        else:
            parts.append("not verified")
        return "; ".join(parts)


# --------------------------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------------------------

def _metadata_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def variant_label(config: NetworkConfig) -> str:
    """The ``simpleclick.variant`` value: the released name when the layout is one, else the config's name
    (suffixed ``-custom`` when it borrows a released name for a different layout)."""
    label = name_layout(config)
    if label == config.name and config.name in VARIANTS and not VARIANTS[config.name].same_layout(
            config.with_overrides(img_size=VARIANTS[config.name].img_size)):
        return f"{config.name}-custom"
    return label


def build_metadata(config: NetworkConfig, size_px: int, metadata: Optional[Mapping[str, Any]],
                   fp16: bool) -> Dict[str, str]:
    """All ``metadata_props`` of an export (caller keys may omit the ``simpleclick.`` prefix)."""
    from . import __version__

    given: Dict[str, str] = {}
    stated = set()
    for key, value in (metadata or {}).items():
        full = key if key.startswith(METADATA_PREFIX) else METADATA_PREFIX + key
        stated.add(full)
        if value is None and full == METADATA_PREFIX + "trained":
            continue  # unknown (e.g. an official file with no training record): the key is left out
        given[full] = _metadata_value(value)
    missing = [k for k in REQUIRED_CALLER_KEYS if METADATA_PREFIX + k not in stated]
    if missing:
        raise ExportError(f"export metadata is missing {', '.join(missing)} (say whether and on what the weights "
                          f"were trained, and where they came from)")
    trained = given.get(METADATA_PREFIX + "trained", "true")
    if trained not in ("true", "false"):
        raise ExportError(f"metadata 'trained' must be true or false, got {trained!r}")
    computed = {
        "simpleclick.format_version": FORMAT_VERSION,
        "simpleclick.variant": variant_label(config),
        "simpleclick.input_size": str(size_px),
        "simpleclick.patch_size": str(config.patch_size),
        "simpleclick.version": __version__,
        "simpleclick.weights_dtype": "float16" if fp16 else "float32",
        "simpleclick.config": config.to_json(),
    }
    fixed = ("simpleclick.format_version", "simpleclick.input_size", "simpleclick.patch_size",
             "simpleclick.weights_dtype", "simpleclick.config")
    for key in fixed:
        if key in given and given[key] != computed[key]:
            raise ExportError(f"metadata {key}={given[key]!r} contradicts the export ({computed[key]!r})")
    computed.update(given)
    return computed


def read_onnx_metadata(path: Union[str, Path]) -> Dict[str, str]:
    """``metadata_props`` of an ONNX file as a dict (weights are not read)."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    return {prop.key: prop.value for prop in model.metadata_props}


def exported_input_size(metadata: Mapping[str, str]) -> Optional[int]:
    """The input size S a file was exported at (``simpleclick.input_size``), or None when it does not say. A
    re-export at another size keeps its training grid in ``simpleclick.config``, so this, not the config, is the S
    to run it at."""
    value = metadata.get("simpleclick.input_size", "")
    return int(value) if value.isdigit() else None


# --------------------------------------------------------------------------------------------------------------
# Graph post-processing
# --------------------------------------------------------------------------------------------------------------

def _undo_initializer_deduplication(model, wanted_keys) -> int:
    """PyTorch's exporter merges parameters with equal values (common in random init: all LayerNorm weights are
    1) and routes the duplicates through Identity nodes named after them. Turn those back into initializers so
    every state-dict key is an initializer of its own. Returns how many were restored."""
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    restored = 0
    kept_nodes = []
    for node in graph.node:
        if (node.op_type == "Identity" and node.input[0] in initializers and node.output[0] in wanted_keys
                and node.output[0] not in initializers):
            import onnx

            copy_ = onnx.TensorProto()
            copy_.CopyFrom(initializers[node.input[0]])
            copy_.name = node.output[0]
            graph.initializer.append(copy_)
            initializers[copy_.name] = copy_
            restored += 1
        else:
            kept_nodes.append(node)
    if restored:
        del graph.node[:]
        graph.node.extend(kept_nodes)
    return restored


def _declare_io_shapes(model, size_px: int) -> None:
    """State the contract's shapes on the graph's inputs and output (the tracer leaves the output's spatial
    size symbolic because it is computed from the input's shape)."""
    expected = {"image": 3, "click_maps": 3, OUTPUT_NAME: 1}
    for value in list(model.graph.input) + list(model.graph.output):
        if value.name not in expected:
            raise ExportError(f"internal export error: unexpected graph input/output {value.name}")
        dims = value.type.tensor_type.shape.dim
        del dims[:]
        batch = dims.add()
        batch.dim_param = "batch"
        for extent in (expected[value.name], size_px, size_px):
            dims.add().dim_value = extent


def _check_initializers(model, state: Mapping[str, torch.Tensor]) -> None:
    """Every used state-dict key must be an initializer with the right shape."""
    present = {init.name: tuple(init.dims) for init in model.graph.initializer}
    for key, tensor in state.items():
        if key not in present:
            raise ExportError(f"internal export error: parameter {key} is not an initializer of the graph")
        if present[key] != tuple(tensor.shape):
            raise ExportError(f"internal export error: initializer {key} has shape {present[key]}, "
                              f"expected {tuple(tensor.shape)}")


def _store_weights_fp16(model, keys) -> int:
    """Store the named float32 initializers as float16 and cast them back to float32 inside the graph, so the
    file halves while every operation still computes in float32. Returns the number of converted tensors."""
    import onnx
    from onnx import numpy_helper

    graph = model.graph
    casts = []
    renamed: Dict[str, str] = {}
    for index, init in enumerate(list(graph.initializer)):
        if init.name not in keys or init.data_type != onnx.TensorProto.FLOAT:
            continue
        values = numpy_helper.to_array(init)
        half = values.astype(np.float16)
        if not np.all(np.isfinite(half)):
            raise ExportError(f"weight {init.name} does not fit in float16 (max |w| {np.abs(values).max():.3g})")
        graph.initializer[index].CopyFrom(numpy_helper.from_array(half, init.name))
        cast_output = f"{init.name}::float32"
        renamed[init.name] = cast_output
        casts.append(onnx.helper.make_node("Cast", [init.name], [cast_output], to=onnx.TensorProto.FLOAT,
                                           name=f"cast_fp32::{init.name}"))
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in renamed:
                node.input[i] = renamed[name]
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return len(casts)


def _tensor_bytes(model) -> int:
    total = 0
    for init in model.graph.initializer:
        if init.raw_data:
            total += len(init.raw_data)
        else:
            elements = int(np.prod(init.dims)) if len(init.dims) else 1
            total += elements * 4
    return total


# --------------------------------------------------------------------------------------------------------------
# onnxruntime-node
# --------------------------------------------------------------------------------------------------------------

def verification_inputs(batch: int, size_px: int, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Deterministic test inputs: a random image in [0,1], a random previous-probability map and a few
    positive/negative click disks of radius 5 (as the predictor draws them)."""
    rng = np.random.default_rng(seed)
    image = rng.random((batch, 3, size_px, size_px), dtype=np.float32)
    clicks = np.zeros((batch, 3, size_px, size_px), dtype=np.float32)
    clicks[:, 0] = rng.random((batch, size_px, size_px), dtype=np.float32)
    rows, cols = np.mgrid[0:size_px, 0:size_px]
    for b in range(batch):
        for channel in (1, 2):
            for _ in range(3):
                y, x = rng.uniform(0, size_px, size=2)
                clicks[b, channel][(rows - y) ** 2 + (cols - x) ** 2 <= 25] = 1.0
    return image, clicks


def find_node() -> str:
    node = os.environ.get("SIMPLECLICK_NODE") or shutil.which("node")
    if not node:
        raise ExportError("Node.js is needed to check the export with onnxruntime-node but `node` is not on PATH "
                          "(install Node 20+, run npm ci in the repo, or export without verification)")
    return node


def run_onnx_in_node(onnx_path: Union[str, Path], image: np.ndarray, click_maps: np.ndarray,
                     timeout_s: float = 3600.0) -> Tuple[np.ndarray, Dict[str, Any]]:
    """Run an exported graph in onnxruntime-node (python/simpleclick/node/run-onnx.mjs).

    Returns (logits [B,1,S,S] float32, timing dict with ``runMs`` and ``loadMs``)."""
    batch, _, size, _ = image.shape
    node = find_node()
    with tempfile.TemporaryDirectory(prefix="simpleclick-ort-") as tmp:
        tmp_path = Path(tmp)
        image_file, clicks_file, out_file = tmp_path / "image.f32", tmp_path / "clicks.f32", tmp_path / "out.f32"
        np.ascontiguousarray(image, dtype="<f4").tofile(image_file)
        np.ascontiguousarray(click_maps, dtype="<f4").tofile(clicks_file)
        command = [node, str(NODE_SCRIPT), "--model", str(onnx_path), "--image", str(image_file),
                   "--clicks", str(clicks_file), "--batch", str(batch), "--size", str(size), "--out", str(out_file)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise ExportError(f"onnxruntime-node did not finish within {timeout_s:.0f} s") from None
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
            message = lines[-1]
            if "Cannot find module" in (done.stderr or ""):
                message = "onnxruntime-node is not installed (run npm ci in the repository root)"
            raise ExportError(f"onnxruntime-node could not run {Path(onnx_path).name}: {message}")
        info = json.loads(done.stdout.strip().splitlines()[-1])
        logits = np.fromfile(out_file, dtype="<f4").reshape(info["outputDims"])
    return logits, info


def _parity(net: SimpleClickNet, onnx_path: Path, size_px: int, fp16: bool, batch: int) -> Dict[str, Any]:
    image, clicks = verification_inputs(batch, size_px)
    ort_logits, timing = run_onnx_in_node(onnx_path, image, clicks)
    expected_shape = (batch, 1, size_px, size_px)
    if tuple(ort_logits.shape) != expected_shape:
        raise ExportError(f"exported graph returned logits of shape {tuple(ort_logits.shape)}, "
                          f"expected {expected_shape}")
    with torch.no_grad():
        reference = net(torch.from_numpy(image), torch.from_numpy(clicks)).numpy()
    result: Dict[str, Any] = {"ort_run_ms": timing.get("runMs")}
    if fp16:
        result["max_abs_diff_vs_fp32"] = float(np.abs(ort_logits - reference).max())
        rounded = copy.deepcopy(net)
        with torch.no_grad():
            for key, tensor in rounded.state_dict().items():
                tensor.copy_(tensor.half().float())
            reference_rounded = rounded(torch.from_numpy(image), torch.from_numpy(clicks)).numpy()
        del rounded
        report = compare_logits(reference_rounded, ort_logits)
        bound = FP16_TOLERANCE_ABS + FP16_TOLERANCE_REL * float(np.abs(reference).max())
        if not report.ok:
            raise ExportError(f"exported graph does not reproduce PyTorch: {report.describe()}")
        if not result["max_abs_diff_vs_fp32"] <= bound:
            raise ExportError(f"fp16 export drifts from the fp32 network: max |logit diff| "
                              f"{result['max_abs_diff_vs_fp32']:.3g} > {bound:.3g}")
    else:
        report = compare_logits(reference, ort_logits)
        if not report.ok:
            raise ExportError(f"exported graph does not reproduce PyTorch: {report.describe()}")
    result["report"] = report
    return result


# --------------------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------------------

def export_onnx(net: SimpleClickNet, out_path: Union[str, Path], size_px: int = 448,
                metadata: Optional[Mapping[str, Any]] = None, fp16: bool = False, verify: bool = True, *,
                verify_batch: int = 2, external_data: Optional[bool] = None, log=None) -> ExportResult:
    """Export ``net`` to ``out_path`` (.onnx) at a static input size ``size_px`` with a dynamic batch.

    Args:
        net: the network (its weights are exported as they are; it is put in eval mode).
        out_path: destination; ``<out_path>.data`` is written beside it when the weights need external data.
        size_px: S, a multiple of the patch size (448 for every released checkpoint, 672 for DAVIS parity).
        metadata: at least ``trained`` (bool or "true"/"false"), ``training_data`` and ``source``; any other
            ``simpleclick.*`` keys are added (prefix optional).
        fp16: store the weights as float16 (half the file; computation stays float32 through Cast nodes).
        verify: run the exported graph in onnxruntime-node on random inputs (batch ``verify_batch``) and compare
            with PyTorch; fail unless :func:`simpleclick.parity.compare_logits` accepts it (max |logit diff| within
            1e-4 + 5e-5 x max |logit|, no confident mask pixel flipped).
        external_data: force (True) or forbid (False) ONNX external data; default: only when the weights exceed
            :data:`EXTERNAL_DATA_THRESHOLD_BYTES`.
        log: optional callable taking a progress line.

    Raises:
        ExportError: bad input or failed check (one-line message); nothing is left at ``out_path``.
    """
    import onnx

    started = time.perf_counter()
    say = log or (lambda _line: None)
    if not isinstance(net, SimpleClickNet):
        raise ExportError(f"export_onnx needs a SimpleClickNet, got {type(net).__name__}")
    out_path = Path(out_path)
    if out_path.suffix != ".onnx":
        raise ExportError(f"output file must end with .onnx: {out_path}")
    if isinstance(size_px, bool) or not isinstance(size_px, int):
        raise ExportError(f"size must be an integer number of pixels, got {size_px!r}")
    try:
        net.check_input_size(size_px, size_px)
    except ValueError as error:
        raise ExportError(str(error)) from None
    if verify_batch < 1:
        raise ExportError("verify_batch must be at least 1")
    config = net.config
    props = build_metadata(config, size_px, metadata, fp16)
    if verify:
        find_node()

    out_dir = out_path.parent if str(out_path.parent) else Path(".")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.", suffix=".partial", dir=out_dir))
    try:
        net.eval()
        used_state = net.used_state_dict()
        traced_dir = work / "traced"
        traced_dir.mkdir()
        traced_path = traced_dir / "traced.onnx"
        example = (torch.zeros(1, 3, size_px, size_px), torch.zeros(1, 3, size_px, size_px))
        say(f"tracing {props['simpleclick.variant']} at {size_px} px")
        options: Dict[str, Any] = dict(
            input_names=list(INPUT_NAMES), output_names=[OUTPUT_NAME],
            dynamic_axes={name: {0: "batch"} for name in (*INPUT_NAMES, OUTPUT_NAME)},
            opset_version=ONNX_OPSET,
            do_constant_folding=False,  # keeps initializer names = state-dict keys (and pos_embed intact)
            export_params=True,
        )
        if "dynamo" in inspect.signature(torch.onnx.export).parameters:
            options["dynamo"] = False  # the TorchScript exporter (newer PyTorch defaults to the dynamo one)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about Python ints (S is static by design)
            torch.onnx.export(net, example, str(traced_path), **options)
        model = onnx.load(str(traced_path))
        shutil.rmtree(traced_dir)
        _declare_io_shapes(model, size_px)
        restored = _undo_initializer_deduplication(model, set(used_state))
        _check_initializers(model, used_state)
        if fp16:
            _store_weights_fp16(model, set(used_state))
        # Why here: the digest covers the tensors exactly as they are saved (after fp16 conversion); metadata is not
        # part of it, so writing it into the same model afterwards does not change it.
        props[WEIGHTS_SHA256_KEY] = weights_sha256(model)
        del model.metadata_props[:]
        for key in sorted(props):
            entry = model.metadata_props.add()
            entry.key, entry.value = key, props[key]
        model.producer_name = "simpleclick"
        model.producer_version = props["simpleclick.version"]
        trained_text = props.get("simpleclick.trained", "not stated")
        model.doc_string = (f"SimpleClick {props['simpleclick.variant']} interactive segmentation, S={size_px}, "
                            f"trained={trained_text} ({props['simpleclick.training_data']}); "
                            "inputs image/click_maps [B,3,S,S] float32, output logits [B,1,S,S]")
        model.graph.name = "simpleclick"

        final_dir = work / "final"
        final_dir.mkdir()
        staged = final_dir / out_path.name
        data_name = out_path.name + ".data"
        use_external = (_tensor_bytes(model) > EXTERNAL_DATA_THRESHOLD_BYTES if external_data is None
                        else bool(external_data))
        say(f"writing {'with external data ' if use_external else ''}(restored {restored} merged parameters)")
        if use_external:
            onnx.save_model(model, str(staged), save_as_external_data=True, all_tensors_to_one_file=True,
                            location=data_name, size_threshold=1024, convert_attribute=False)
        else:
            onnx.save_model(model, str(staged))
        del model
        onnx.checker.check_model(str(staged))

        result = ExportResult(path=out_path, data_path=out_dir / data_name if use_external else None,
                              size_bytes=0, seconds=0.0, metadata=props)
        result.notes["restored_merged_parameters"] = restored
        if verify:
            say("checking the graph in onnxruntime-node")
            parity = _parity(net, staged, size_px, fp16, verify_batch)
            report: ParityReport = parity["report"]
            result.max_abs_diff = report.max_abs_diff
            result.tolerance = report.tolerance
            result.max_abs_logit = report.max_abs_logit
            result.mask_flips = report.mask_flips
            result.max_abs_diff_vs_fp32 = parity.get("max_abs_diff_vs_fp32")
            result.ort_run_ms = parity.get("ort_run_ms")
            result.verify_batch = verify_batch

        # Commit: data first, then the .onnx (the file users open) last.
        stale_data = out_dir / data_name
        if use_external:
            os.replace(final_dir / data_name, stale_data)
        elif stale_data.exists():
            stale_data.unlink()
        os.replace(staged, out_path)
        result.size_bytes = out_path.stat().st_size + (stale_data.stat().st_size if use_external else 0)
        result.seconds = time.perf_counter() - started
        return result
    except ExportError:
        raise
    except onnx.checker.ValidationError as error:
        raise ExportError(f"exported graph failed the ONNX checker: {str(error).splitlines()[0]}") from error
    except Exception as error:  # one clear line for the CLI; the traceback stays chained for debugging
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(f"export failed: {type(error).__name__}: {first}") from error
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------------
# Back to PyTorch
# --------------------------------------------------------------------------------------------------------------

def _reset_unused(net: SimpleClickNet) -> None:
    """Defined values for the tensors an ONNX file does not carry (the forward never reads them)."""
    for name, module in net.named_modules():
        prefix = name + "."
        if not any(is_unused_key(prefix + p) for p in ("weight", "bias")):
            continue
        if isinstance(module, (torch.nn.LayerNorm, torch.nn.GroupNorm)):
            module.reset_parameters()
        elif isinstance(module, (torch.nn.Linear, torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            torch.nn.init.zeros_(module.weight)
            torch.nn.init.zeros_(module.bias)
    torch.nn.init.zeros_(net.backbone.cls_token)


def load_network_from_onnx(path: Union[str, Path]) -> SimpleClickNet:
    """Rebuild the PyTorch network from an exported ONNX file (architecture from ``simpleclick.config``, weights
    from the initializers named after the state-dict keys; float16 weights come back as float32). When the file
    records ``simpleclick.weights_sha256``, the weights must match it (ExportError otherwise).

    Tensors the forward never uses (class token, classifier, unused head up-convolutions) are not in ONNX files;
    they are set to zeros / norm defaults."""
    import onnx
    from onnx import numpy_helper

    path = Path(path)
    if not path.is_file():
        raise ExportError(f"ONNX file not found: {path}")
    try:
        model = onnx.load(str(path))
    except Exception as error:
        raise ExportError(f"cannot read {path.name} as ONNX: {type(error).__name__}: "
                          f"{str(error).strip().splitlines()[0] if str(error).strip() else ''}") from error
    props = {prop.key: prop.value for prop in model.metadata_props}
    try:
        verify_weights_sha256(model, path.name)
    except WeightsDigestError as error:
        raise ExportError(str(error)) from None
    if "simpleclick.config" not in props:
        raise ExportError(f"{path.name} is not a SimpleClick export (no simpleclick.config metadata)")
    try:
        config = NetworkConfig.from_json(props["simpleclick.config"])
    except (ValueError, TypeError) as error:
        raise ExportError(f"{path.name}: invalid simpleclick.config metadata: {error}") from error
    net = empty_network(config)
    initializers = {init.name: init for init in model.graph.initializer}
    with torch.no_grad():
        _reset_unused(net)
        for key, tensor in net.state_dict().items():
            if is_unused_key(key):
                continue
            if key not in initializers:
                raise ExportError(f"{path.name}: weight {key} is missing from the graph")
            values = numpy_helper.to_array(initializers[key])
            if tuple(values.shape) != tuple(tensor.shape):
                raise ExportError(f"{path.name}: weight {key} has shape {tuple(values.shape)}, "
                                  f"expected {tuple(tensor.shape)}")
            tensor.copy_(torch.from_numpy(np.array(values, dtype=np.float32)))
    return net.eval()
