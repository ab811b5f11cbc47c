"""Finish a training run: export to ONNX, evaluate with the project's evaluator, write the model card.

    cd python
    /usr/bin/python3 -m simpleclick.training.finish --run ../runs/main-xtiny-256

Steps:

1. load ``<run>/checkpoints/final.pth`` (else ``last.pth``, or ``--checkpoint``);
2. export fp32 to ``<models>/<name>.onnx`` with the toolchain's exporter (checked in onnxruntime-node), S = the
   training size (read back by the SDK from the metadata), and fp16 weights to ``<models>/<name>-fp16.onnx``;
3. run ``python3 -m simpleclick evaluate`` (the project's evaluator, official protocol, flip on, 20 clicks, no
   early stop so that every object has its whole IoU curve; NoC and NoF do not depend on early stop) on GrabCut,
   Berkeley and ssTEM for the fp32 file, and on GrabCut and Berkeley for the fp16 file (``--threads`` one-thread
   evaluator processes side by side); the fp16 file is kept only when its NoC@85/90 stay within
   ``--fp16-tolerance`` of fp32's;
4. write ``<models>/<name>.md`` (the model card: layout choice from ``<run>/notes.md``, else ``pilot-notes.md``;
   the run's stops and budget changes from ``<run>/run-history.md`` when there is one; data and licences, layout, steps, hardware, time, the evaluation
   table, mIoU-per-click curve data and ``<name>-curve.png``) and keep the evaluator's JSON in ``<run>/eval/``.

Without ``--name`` the files are called ``simpleclick-<variant>-<scratch|finetuned>-<S>`` (for example
``simpleclick-xtiny-narrow-finetuned-320``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .runtime import reexec_with_passive_openmp
from .pack_data import REPO_ROOT

PYTHON_DIR = os.path.join(REPO_ROOT, "python")

DATA_AND_LICENCES = [
    ("BSDS500 (train+val+test, minus the 100 ids in EXCLUDE_FROM_TRAINING.txt: the GrabCut/Berkeley evaluation "
     "images)", "every region of every human segmentation, 1-80% of the image",
     "non-commercial research and educational use (Berkeley BSDS terms)"),
    ("Weizmann Horse (328 images)", "figure-ground masks", "research use; cite Borenstein & Ullman, ECCV 2002"),
    ("Weizmann SED (200 images, 3 annotators)", "1-2 objects per image", "free for research; cite Alpert et al., "
     "CVPR 2007"),
    ("coco128-seg (126 COCO train2017 images)", "929 polygons rasterised, objects >= 0.3% of the image",
     "COCO annotations CC BY 4.0; Flickr images under per-image licences (some non-commercial); Ultralytics "
     "packaging GPL-3.0"),
    ("Clothing Co-Parsing, CCP (1,003 photos)", "garment/skin/hair connected components and the whole person",
     "repository Apache-2.0; street-fashion web photos remain under their owners' copyright"),
    ("Synthetic shapes and copy-paste composites (made on the fly)", "textured random shapes; pack objects pasted "
     "into other pack images", "generated here; composites inherit the licences above"),
]


LEDGER_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ledger.json")


def read_ledger(path: str = LEDGER_PATH) -> Dict:
    with open(path) as handle:
        return json.load(handle)


def ledger_entry(name: str, train_config: Dict, hours: float, samples: int, report: Dict, ledger: Dict) -> Dict:
    """The ledger row of this run; 'before' is the NoC@90 of the shipped model it started from, when it is one."""
    initial = train_config.get("init_weights")
    parent = os.path.splitext(os.path.basename(initial))[0] if initial else None
    before = next((run["noc90_after"] for run in reversed(ledger["runs"]) if run["model"] == parent), None)
    weights = train_config.get("source_weights", {})
    recipe = (f"S={train_config.get('size_px')}, batch {train_config.get('batch_size')}, Adam lr "
              f"{train_config.get('lr')} ({train_config.get('warmup_steps')} warm-up steps, cosine), pack "
              f"{os.path.basename(str(train_config.get('pack')))}, sources "
              + " / ".join(f"{k} {v:.2f}" for k, v in weights.items())
              + f", whole-layer picks {train_config.get('whole_layer_probs', {})}, "
              f"{100 * float(train_config.get('center_click_prob', 0)):.0f} % single centre clicks")
    after = {dataset: round(float(data["nocMean"][max(data["nocMean"], key=float)]), 2)
             for dataset, data in report["datasets"].items()}
    return {"model": name, "start": f"`{os.path.basename(initial)}`" if initial else "scratch",
            "recipe": recipe, "cpu_hours": round(hours, 2), "samples": samples, "noc90_before": before,
            "noc90_after": after, "shipped": False}


def ledger_table(runs: Sequence[Dict]) -> List[str]:
    def noc(values):
        if not values:
            return "-"
        return ", ".join(f"{k} {v:.2f}" for k, v in values.items())

    lines = ["| model | start weights | recipe | CPU hours | samples | NoC@90 before | NoC@90 after | shipped |",
             "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        lines.append(f"| {run['model']} | {run['start']} | {run['recipe']} | {run['cpu_hours']:.2f} | "
                     f"{run['samples']:,} | {noc(run['noc90_before'])} | {noc(run['noc90_after'])} | "
                     f"{'yes' if run['shipped'] else 'no'} |")
    return lines


def run_evaluator(model: str, datasets: str, n_clicks: int, json_path: str, threads: int, extra: Sequence[str] = ()
                  ) -> str:
    command = [sys.executable, "-m", "simpleclick", "evaluate", "--model", model, "--datasets", datasets,
               "--n-clicks", str(n_clicks), "--no-early-stop", "--json", json_path, "--threads", str(threads),
               *extra]
    print("$ " + " ".join(command), flush=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE")
    completed = subprocess.run(command, cwd=PYTHON_DIR, env=env, capture_output=True, text=True)
    sys.stdout.write(completed.stdout)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"evaluator failed ({completed.returncode})")
    return completed.stdout


def run_evaluations(jobs: Sequence[Tuple[str, str, str]], n_clicks: int, threads: int, extra: Sequence[str]
                    ) -> List[Tuple[str, Dict]]:
    """Runs (model, datasets, json path) evaluations side by side, ``threads`` processes of one torch thread each
    (on a shared 2-core machine two one-thread processes finish sooner than one two-thread process after another);
    returns each job's printed table and report, in the order given."""
    from concurrent.futures import ThreadPoolExecutor

    def one(job):
        model, datasets, json_path = job
        table = run_evaluator(model, datasets, n_clicks, json_path, 1, extra)
        with open(json_path) as handle:
            return table, json.load(handle)

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        return list(pool.map(one, jobs))


def merged(reports: Sequence[Dict]) -> Dict:
    """One report holding the datasets of several evaluator reports (the first one's other fields)."""
    out = dict(reports[0], datasets={})
    for report in reports:
        out["datasets"].update(report["datasets"])
    return out


def curves(report: Dict, n_clicks: int) -> Dict[str, List[float]]:
    """mIoU after each click per dataset (every object has n_clicks IoUs: no early stop)."""
    result = {}
    for name, data in report["datasets"].items():
        ious = np.array([obj["ious"][:n_clicks] for obj in data["objects"] if len(obj["ious"]) >= n_clicks],
                        dtype=np.float32)
        result[name] = [float(v) for v in np.nanmean(ious, axis=0)] if len(ious) else []
    return result


def plot_curves(curve_data: Dict[str, List[float]], path: str, title: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(5.5, 3.6), dpi=100)
    for name, values in curve_data.items():
        ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=name)
    ax.set_xlabel("clicks")
    ax.set_ylabel("mean IoU")
    ax.set_ylim(0, 1)
    ax.set_xticks(range(1, 21, 2))
    ax.grid(alpha=0.3)
    ax.axhline(0.9, color="gray", linestyle=":", linewidth=1)
    ax.legend(loc="lower right")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def noc_row(name: str, data: Dict) -> str:
    noc = data["nocMean"]
    nof = data["nof"]
    keys = sorted(noc, key=float)
    miou = data["miouAt"]

    def pct(k):
        value = miou.get(str(k))
        return "-" if value is None else f"{100 * value:.1f}"

    return (f"| {name} | {data['numObjects']} | {noc[keys[0]]:.2f} | {noc[keys[1]]:.2f} | {noc[keys[2]]:.2f} | "
            f"{nof[keys[1]]} | {nof[keys[2]]} | {pct(1)} | {pct(3)} | {pct(5)} |")


def per_click_ms(net, size_px: int) -> Dict[str, float]:
    import torch

    from .bench import inference_ms

    torch.set_num_threads(2)
    return {"b1": inference_ms(net, size_px, 1, 10), "b2": inference_ms(net, size_px, 2, 10)}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", required=True, help="run folder written by simpleclick.training.train")
    parser.add_argument("--checkpoint", default=None, help="default: <run>/checkpoints/final.pth, else last.pth")
    parser.add_argument("--name", default=None, help="model file stem (default simpleclick-<variant>-<scratch|finetuned>-<S>)")
    parser.add_argument("--models-dir", default=os.path.join(REPO_ROOT, "models"))
    parser.add_argument("--datasets", default="GrabCut,Berkeley,ssTEM")
    parser.add_argument("--n-clicks", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="evaluator processes side by side (1 thread each)")
    parser.add_argument("--no-fp16", action="store_true")
    parser.add_argument("--fp16-tolerance", type=float, default=0.1,
                        help="max NoC@85/90 change to keep fp16 (0.1 click: the bar for any faster variant of a model)")
    parser.add_argument("--version", default="0.1.0", help="model version for the metadata")
    parser.add_argument("--no-ledger", action="store_true", help="do not record the run in ledger.json (smoke runs)")
    parser.add_argument("--limit-images", type=int, default=None, help="evaluate only the first N images (smoke)")
    reexec_with_passive_openmp("simpleclick.training.finish", argv)
    args = parser.parse_args(argv)

    import torch

    from ..export import export_onnx
    from .trainer import network_from_checkpoint

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    torch.set_num_threads(args.threads)
    checkpoint_path = args.checkpoint
    if checkpoint_path is None:
        for candidate in ("final.pth", "last.pth"):
            path = os.path.join(args.run, "checkpoints", candidate)
            if os.path.exists(path):
                checkpoint_path = path
                break
    if checkpoint_path is None or not os.path.exists(checkpoint_path):
        raise SystemExit(f"no checkpoint in {args.run}/checkpoints (final.pth or last.pth)")
    net, checkpoint = network_from_checkpoint(checkpoint_path)
    config = net.config
    train_config = checkpoint.get("train_config", {})
    size_px = config.img_size
    origin = "finetuned" if train_config.get("init_weights") else "scratch"
    name = args.name or f"simpleclick-{config.name}-{origin}-{size_px}"
    os.makedirs(args.models_dir, exist_ok=True)
    eval_dir = os.path.join(args.run, "eval")
    os.makedirs(eval_dir, exist_ok=True)
    step = int(checkpoint["step"])
    samples = int(checkpoint.get("samples", step * train_config.get("batch_size", 0)))
    training_data = "BSDS500(minus eval ids)+WeizmannHorse+WeizmannSED+coco128-seg+CCP+synthetic"
    metadata = {
        "trained": True, "training_data": training_data,
        "source": f"{os.path.basename(os.path.normpath(args.run))}/{os.path.basename(checkpoint_path)}",
        "version": args.version, "licence": "research and non-commercial use only (training data licences)",
        "training_steps": str(step), "training_samples": str(samples),
    }

    fp32_path = os.path.join(args.models_dir, name + ".onnx")
    print(f"exporting {checkpoint_path} (step {step}) -> {fp32_path}", flush=True)
    fp32 = export_onnx(net, fp32_path, size_px=size_px, metadata=metadata, fp16=False, verify=True)
    print(fp32.summary(), flush=True)
    fp16 = None
    fp16_path = os.path.join(args.models_dir, name + "-fp16.onnx")
    if not args.no_fp16:
        fp16 = export_onnx(net, fp16_path, size_px=size_px, metadata=metadata, fp16=True, verify=True)
        print(fp16.summary(), flush=True)

    timing = per_click_ms(net, size_px)
    extra = ["--limit-images", str(args.limit_images)] if args.limit_images else []
    datasets = args.datasets.split(",")
    fp16_datasets = [d for d in datasets if d in ("GrabCut", "Berkeley")] if fp16 is not None else []
    # The long zero-shot set runs beside the rest; fp16's check comes after the fp32 datasets it compares with.
    long_sets = [d for d in datasets if d not in ("GrabCut", "Berkeley")]
    short_sets = [d for d in datasets if d in ("GrabCut", "Berkeley")]
    jobs = [(fp32_path, ",".join(group), os.path.join(eval_dir, f"{name}-fp32-{index}.json"))
            for index, group in enumerate((short_sets, long_sets)) if group]
    if fp16_datasets:
        jobs.append((fp16_path, ",".join(fp16_datasets), os.path.join(eval_dir, f"{name}-fp16.json")))
    results = run_evaluations(jobs, args.n_clicks, args.threads, extra)
    fp32_results = results[:len(jobs) - (1 if fp16_datasets else 0)]
    report = merged([r for _, r in fp32_results])
    fp32_table = "\n".join(t.strip() for t, _ in fp32_results)
    with open(os.path.join(eval_dir, f"{name}-fp32.json"), "w") as handle:
        json.dump(report, handle, indent=1)

    fp16_note = "not exported (--no-fp16)"
    fp16_report = results[-1][1] if fp16_datasets else None
    if fp16_report is not None:
        worst = 0.0
        for dataset, data in fp16_report["datasets"].items():
            for key, value in data["nocMean"].items():
                if float(key) > 0.84:
                    worst = max(worst, abs(value - report["datasets"][dataset]["nocMean"][key]))
        if worst <= args.fp16_tolerance:
            fp16_note = (f"kept: `{os.path.basename(fp16_path)}` ({fp16.size_bytes / 1e6:.1f} MB); NoC@85/90 on "
                         f"{','.join(fp16_datasets)} within {worst:.3f} of fp32")
        else:
            os.remove(fp16_path)
            fp16_note = f"dropped: NoC@85/90 moved by {worst:.3f} (> {args.fp16_tolerance})"
    print(f"fp16: {fp16_note}", flush=True)

    curve_data = curves(report, args.n_clicks)
    curve_png = os.path.join(args.models_dir, name + "-curve.png")
    plotted = plot_curves(curve_data, curve_png, f"{name}: mIoU per click (flip on, no early stop)")
    with open(os.path.join(eval_dir, f"{name}-curve.json"), "w") as handle:
        json.dump(curve_data, handle, indent=1)

    ledger = read_ledger()
    entry = ledger_entry(name, train_config, float(checkpoint["train_seconds"]) / 3600, samples, report, ledger)
    shipped = next((run for run in reversed(ledger["runs"]) if run["shipped"]), None)
    compared = ("GrabCut", "Berkeley")
    entry["shipped"] = shipped is None or all(
        dataset in entry["noc90_after"] and entry["noc90_after"][dataset] < shipped["noc90_after"][dataset]
        for dataset in compared)
    verdict = ("beats" if entry["shipped"] else "does NOT beat") + (
        f" the shipped {shipped['model']} on NoC@90 " + ", ".join(
            f"{d} {entry['noc90_after'].get(d, float('nan')):.2f} vs {shipped['noc90_after'][d]:.2f}" for d in compared)
        if shipped else " (no shipped model yet)")
    print(f"{name} {verdict}", flush=True)
    if not args.no_ledger:
        ledger["runs"] = [run for run in ledger["runs"] if run["model"] != name] + [entry]
        with open(LEDGER_PATH + ".tmp", "w") as handle:
            json.dump(ledger, handle, indent=2)
            handle.write("\n")
        os.replace(LEDGER_PATH + ".tmp", LEDGER_PATH)
    card = write_card(args, name, net, checkpoint, checkpoint_path, train_config, report, fp32, fp16_note,
                      fp16_report, curve_data, plotted, timing, fp32_table,
                      [run for run in ledger["runs"] if run["model"] != name] + [entry])
    card_path = os.path.join(args.models_dir, name + ".md")
    with open(card_path, "w") as handle:
        handle.write(card)
    print(f"wrote {fp32_path}, {card_path}" + (f", {curve_png}" if plotted else ""))
    return 0


def write_card(args, name, net, checkpoint, checkpoint_path, train_config, report, fp32, fp16_note, fp16_report,
               curve_data, plotted, timing, fp32_table, runs: Sequence[Dict] = ()) -> str:
    config = net.config
    size_px = config.img_size
    params = sum(p.numel() for k, p in net.used_state_dict().items())
    step = int(checkpoint["step"])
    batch = int(train_config.get("batch_size", 0))
    hours = float(checkpoint["train_seconds"]) / 3600
    initial = train_config.get("init_weights")
    how_trained = f"fine-tuned from `{os.path.basename(initial)}`" if initial else "trained from scratch"
    starting_point = (f"starting from the weights of `{initial}`" if initial
                      else "from scratch (no MAE weights)")
    lines = [f"# {name}", ""]
    lines += [
        f"SimpleClick **{fp32.metadata.get('simpleclick.variant')}** {how_trained} on CPU for this SDK's "
        f"embedded default model. Input size S = {size_px} (read by the SDK from the ONNX metadata). "
        "**Research and non-commercial use only**: the training data carries research-only licences, so the "
        "weights do too.",
        "",
        "## Files",
        "",
        f"- `{os.path.basename(str(fp32.path))}`: fp32, {fp32.size_bytes / 1e6:.1f} MB, parity in onnxruntime-node "
        f"vs PyTorch max |logit diff| {fp32.max_abs_diff:.2g}",
        f"- fp16 weights: {fp16_note}",
        f"- `{name}-curve.png`: mIoU per click" if plotted else "- curve: data below",
        "",
        "## Layout",
        "",
        f"ViT: patch {config.patch_size}, dim {config.embed_dim}, depth {config.depth}, heads {config.num_heads}, "
        f"global-attention blocks {list(config.global_blocks)} (a {size_px // config.patch_size}x"
        f"{size_px // config.patch_size} token grid with window {config.window_tokens} tokens is one global window "
        f"at this size); neck {list(config.neck_dims)}, head {config.head_channels} channels; "
        f"{params / 1e6:.2f} M parameters used by the forward.",
        "",
        f"Per-click network time on the training machine (PyTorch, 2 threads, median of 10): "
        f"{timing['b1']:.0f} ms without flip (batch 1), {timing['b2']:.0f} ms with flip (batch 2)"
        + (f"; onnxruntime-node batch 2: {fp32.ort_run_ms:.0f} ms" if fp32.ort_run_ms else "") + ".",
        "",
        "## Training",
        "",
        f"- Recipe (SimpleClick / RITM facts, re-implemented in `python/simpleclick/training/`): random initial "
        f"clicks (up to 24 positives and 24 negatives; negatives from the border band, other objects and the "
        f"background), 0-{train_config.get('max_extra_clicks', 3)} extra no-grad iterative rounds (click at a random "
        "pixel deep in the larger error region, previous output as the mask channel), normalized focal loss "
        f"(alpha {train_config.get('nfl_alpha')}, gamma {train_config.get('nfl_gamma')}), {starting_point}.",
        f"- {step} steps x batch {batch} = {step * batch} samples at {size_px} x {size_px} "
        f"(the paper: 448 crops, batch 32, far more steps on a GPU).",
        f"- Adam, peak lr {train_config.get('lr')} (linear warm-up {train_config.get('warmup_steps')} steps, cosine "
        f"decay to {train_config.get('min_lr_ratio')} x peak over the run), gradient norm clipped at "
        f"{train_config.get('grad_clip')}.",
        "- Augmentation: whole-image, zoom-in (object box x1.2-2.2) and official-style random crops warped to S x S "
        "(aspect ratio not kept, as the predictor does), flip, brightness/contrast and RGB shift.",
        f"- Hardware: {cpu_name()} (2 cores shared with other jobs), PyTorch {checkpoint.get('torch_version')}; "
        f"{hours:.2f} h of training wall time{' (this run only)' if initial else ''}. "
        f"Checkpoint `{os.path.basename(checkpoint_path)}`, saved "
        f"{checkpoint.get('saved_at')}.",
        f"- Repeat: see `python/simpleclick/training/README.md` (one command).",
        f"- **Deviation from the paper** (no GPU was lent to this task): trained on CPU at S = {size_px} instead of "
        "448 and for a small fraction of the paper's steps, with a higher learning rate to make the short run "
        "count. The ONNX graph is exported at the training size.",
    ]
    if runs:
        lines += ["", "## Every training run behind these weights", "",
                  "From `python/simpleclick/training/ledger.json` (NoC@90 by the project's evaluator, flip on, "
                  "20 clicks; 'before' is the model the run started from):", ""]
        lines += ledger_table(runs)
    history_path = os.path.join(args.run, "run-history.md")  # what happened to the run (stops, budget changes)
    if os.path.exists(history_path):
        with open(history_path) as handle:
            lines += ["", "## Run history", "", handle.read().strip()]
    notes_path = os.path.join(args.run, "notes.md")
    if not os.path.exists(notes_path):  # the pilot comparison behind the shipped layout
        notes_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pilot-notes.md")
    if os.path.exists(notes_path):
        with open(notes_path) as handle:
            lines += ["", "## Layout choice and pilot runs", "", handle.read().strip()]
    lines += [
        "",
        "## Data and licences",
        "",
        "| data | objects | licence |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in DATA_AND_LICENCES]
    lines += [
        "",
        "No evaluation image was trained on: the BSDS ids of GrabCut and Berkeley are excluded; ssTEM (electron "
        "microscopy) is zero-shot.",
        "",
        "## Evaluation",
        "",
        f"The project's evaluator (`python3 -m simpleclick evaluate`, official protocol: zoom-in, flip averaging, "
        f"threshold 0.49, {args.n_clicks} clicks, run without early stop so every curve is complete; NoC/NoF do not "
        f"depend on early stop) on `{args.datasets}` from ../shared/data, S = {size_px}, fp32:",
        "",
        "| dataset | objects | NoC@80 | NoC@85 | NoC@90 | NoF@85 | NoF@90 | mIoU@1 | mIoU@3 | mIoU@5 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [noc_row(n, d) for n, d in report["datasets"].items()]
    if fp16_report:
        lines += ["", "fp16 weights:", "",
                  "| dataset | objects | NoC@80 | NoC@85 | NoC@90 | NoF@85 | NoF@90 | mIoU@1 | mIoU@3 | mIoU@5 |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        lines += [noc_row(n, d) for n, d in fp16_report["datasets"].items()]
    lines += [
        "",
        "For orientation ([published numbers](../docs/evaluation-protocol.md#published-numbers), NoC@90 on GrabCut): "
        "classical graph cut about 10-11 clicks; "
        "RITM HRNet-18 (SBD) 2.04; SimpleClick ViT-B (SBD) 1.54. Those models were trained on GPUs for days on "
        f"SBD or COCO+LVIS; this one had a few CPU hours at S = {size_px} on ~2,000 images (see Training).",
        "",
        f"mIoU after each click (1..{args.n_clicks}):",
        "",
        "| dataset | " + " | ".join(str(i) for i in range(1, args.n_clicks + 1)) + " |",
        "|---|" + "---|" * args.n_clicks,
    ]
    for dataset, values in curve_data.items():
        lines.append(f"| {dataset} | " + " | ".join(f"{100 * v:.1f}" for v in values) + " |")
    if plotted:
        lines += ["", f"![mIoU per click]({name}-curve.png)"]
    lines += ["", "Evaluator output:", "", "```", fp32_table.strip(), "```", ""]
    return "\n".join(lines)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    sys.exit(main())
