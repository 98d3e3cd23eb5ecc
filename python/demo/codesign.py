#!/usr/bin/python3
"""Compiler-pruning co-design demo: Pex says which layers to narrow, torch prunes.

    /usr/bin/python3 python/demo/codesign.py [--out DIR]

1. Train a small MobileNetV2-style CNN (``torch_tosa.DigitsNet``) on
   scikit-learn's 8x8 digits upsampled to 24x24 (deterministic seed, CPU).
2. Export it to TOSA (``torch_tosa.export``: f32, BatchNorm folded, torch
   layer names as MLIR locations; by default then ``quantize.quantize``:
   int8 post-training quantisation calibrated on training images) and check
   it: ``pex-opt --pex-verify-input``, and its test accuracy with the
   reference interpreter ``pex.tosa_ref``.
3. Compile it with partial execution: peak P_partial. Ask Pex for pruning
   hints at the budget P_partial / 1.6 (``--pex-prune-hints``).
4. Map the ``prune_hints`` of the memory report back to the torch layers,
   prune the same channel groups in torch (L1 ranking of the producer filters,
   as ``--pex-apply-pruning``), check that the pruned export has the shapes
   ``--pex-apply-pruning`` gives the hinted model (and, in f32, the same
   constants), fine-tune, export and compile again.
5. Report accuracy and peaks before and after and the channel changes.

Acceptance (exit status 1 if missed): the fine-tuned pruned model is within
1 accuracy point of the unpruned one, at a peak at least 1.5x below
P_partial. Needs Debian's python3-torch and python3-sklearn
(``./scripts/setup.sh --demo``) and a built ``build/bin/pex-opt``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Optional, Sequence

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))  # python/: pex and demo

try:
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
except ImportError as err:  # pragma: no cover - environment check
    sys.exit(f"codesign: {err}; install python3-torch and python3-sklearn "
             "(./scripts/setup.sh --demo) and run with /usr/bin/python3")

from demo import quantize  # noqa: E402
from demo import torch_tosa as tt  # noqa: E402
from pex import tosa_ref  # noqa: E402

#: The demo's acceptance: accuracy loss (points) and peak reduction.
MAX_ACCURACY_LOSS = 1.0
MIN_PEAK_REDUCTION = 1.5
#: Training images the int8 activation ranges are calibrated on.
CALIBRATION_IMAGES = 128


def log(msg: str = "") -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------
# Data and training
# --------------------------------------------------------------------------

def load_data(resolution: int, seed: int):
    """Digits as N x 1 x R x R tensors in [0, 1] (bilinear upsampling), split
    75/25, stratified."""
    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=0.25, stratify=digits.target, random_state=seed)

    def up(a: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(a)[:, None]
        return torch.nn.functional.interpolate(t, size=(resolution, resolution),
                                               mode="bilinear", align_corners=False)

    return (up(x_train), torch.from_numpy(y_train).long(),
            up(x_test), torch.from_numpy(y_test).long())


def augment(x: torch.Tensor, shift: int, gen: torch.Generator) -> torch.Tensor:
    """Random translations of up to ``shift`` pixels (zero fill)."""
    if shift == 0:
        return x
    n, _, h, w = x.shape
    padded = torch.nn.functional.pad(x, (shift, shift, shift, shift))
    offsets = torch.randint(0, 2 * shift + 1, (n, 2), generator=gen)
    return torch.stack([padded[i, :, dy:dy + h, dx:dx + w]
                        for i, (dy, dx) in enumerate(offsets.tolist())])


def train(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, lr: float,
          seed: int, batch: int = 64, shift: int = 2) -> None:
    """AdamW with a one-cycle schedule; deterministic for a seed."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((len(x) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps,
                                                pct_start=0.15)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=gen)
        for start in range(0, len(x), batch):
            idx = perm[start:start + batch]
            if len(idx) < 2:  # BatchNorm needs two samples
                continue
            loss = loss_fn(model(augment(x[idx], shift, gen)), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    model.eval()


@torch.no_grad()
def accuracy(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    return 100.0 * float((model(x).argmax(1) == y).float().mean())


# --------------------------------------------------------------------------
# Pex
# --------------------------------------------------------------------------

class Pex:
    """Runs ``pex-opt`` on files in the output directory."""

    def __init__(self, binary: str, out: str) -> None:
        self.binary, self.out = binary, out

    def path(self, name: str) -> str:
        return os.path.join(self.out, name)

    def run(self, *args: str) -> None:
        cmd = [self.binary, *args]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"codesign: {' '.join(cmd)} failed:\n{proc.stderr}")

    def report(self, mlir: str, tag: str, *passes: str, output: str = os.devnull) -> dict:
        """The JSON memory report after ``passes`` (kept as ``<mlir>.<tag>.json``)."""
        report = self.path(f"{os.path.splitext(mlir)[0]}.{tag}.json")
        self.run(self.path(mlir), *passes,
                 f"--pex-memory-report=format=json file={report}", "-o", output)
        with open(report, encoding="utf-8") as f:
            return json.load(f)

    def partial_peak(self, mlir: str) -> tuple[int, int]:
        """(whole-buffer peak, peak with partial execution) in bytes."""
        r = self.report(mlir, "partial", "--pex-verify-input", "--partial-form-chains")
        return r["whole_buffer_peak_bytes"], r["peak_bytes"]


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class Target:
    """Exports torch models as the TOSA Pex compiles: f32, or int8 calibrated
    on training images."""

    def __init__(self, dtype: str, resolution: int, calibration: torch.Tensor) -> None:
        self.int8 = dtype == "int8"
        self.resolution = resolution
        self.calibration = [nhwc(calibration[i:i + 1]) for i in range(len(calibration))]

    def export(self, model: tt.DigitsNet, path: str, what: str) -> tuple[tt.Export, tt.Export]:
        """(f32 export, compiled export); writes the compiled one to ``path``."""
        model.eval()
        ex32 = tt.export(model, self.resolution, f"codesign demo: {what}")
        ex = quantize.quantize(ex32, self.calibration) if self.int8 else ex32
        write(path, ex.mlir())
        return ex32, ex

    def logits(self, ex: tt.Export, image: np.ndarray) -> np.ndarray:
        """The logits of ``ex`` for one NHWC [0, 1] image (pex.tosa_ref)."""
        if self.int8:
            (q,) = tosa_ref.run(ex.graph, quantize.quantize_input(image))
            return quantize.dequantize_output(ex, q)
        (out,) = tosa_ref.run(ex.graph, image)
        return out

    def accuracy(self, ex: tt.Export, model: tt.DigitsNet, x: torch.Tensor,
                 y: torch.Tensor) -> tuple[float, str]:
        """Test accuracy of the TOSA model, and how it compares with torch."""
        with torch.no_grad():
            expected = model(x).numpy()
        hits, agree, worst = 0, 0, 0.0
        for i in range(len(x)):
            logits = self.logits(ex, nhwc(x[i:i + 1]))
            hits += int(np.argmax(logits) == int(y[i]))
            agree += int(np.argmax(logits) == np.argmax(expected[i]))
            worst = max(worst, float(np.abs(logits - expected[i:i + 1]).max()))
        return 100.0 * hits / len(x), (f"same prediction as torch on {agree}/{len(x)}, "
                                        f"logits max |diff| {worst:.1e}")


def nhwc(x: torch.Tensor) -> np.ndarray:
    return x.permute(0, 2, 3, 1).numpy().astype(np.float32)


# --------------------------------------------------------------------------
# Reading pex-opt's output back (generic op form)
# --------------------------------------------------------------------------

_GENERIC_OP = re.compile(r'^\s*(?:%(\S+) = )?"([\w.]+)"\((.*?)\)(.*) : \((.*?)\) -> (.*?)'
                         r'(?: loc\(.*\))?$')


def _parse_dense(body: str, type_text: str) -> np.ndarray:
    """The data of an f32 ``dense<...>`` attribute (hex, nested list or splat)."""
    shape = tuple(int(d) for d in type_text.split("x")[:-1])
    body = body.strip()
    if body.startswith('"0x'):
        return np.frombuffer(bytes.fromhex(body[3:-1]), dtype="<f4").reshape(shape)
    values = np.array(json.loads(body if body.startswith("[") else f"[{body}]"),
                      dtype=np.float64)
    if values.size == 1:
        return np.full(shape, values.reshape(-1)[0])
    return values.reshape(shape)


def parse_generic(text: str) -> list[dict]:
    """The operations of a generic-form function: name, result type, operand
    types and, for constant operands, their data."""
    consts: dict[str, np.ndarray] = {}
    ops = []
    for line in text.splitlines():
        m = _GENERIC_OP.match(line)
        if not m:
            continue
        result, name, operands, attrs, in_types, out_type = m.groups()
        if name == "tosa.const":
            dense = re.search(r"values = dense<(.*)> : tensor<([^>]*)>", attrs)
            if dense and out_type.endswith("f32>"):
                consts[result] = _parse_dense(dense.group(1), dense.group(2))
            continue
        if name == "tosa.const_shape":
            continue
        names = [o.strip().lstrip("%") for o in operands.split(",") if o.strip()]
        ops.append({"op": name, "result": out_type.strip(), "operands": in_types,
                    "consts": [consts.get(n) for n in names]})
    return ops


def compare_models(a: str, b: str) -> tuple[bool, float, list[str]]:
    """Whether two printed generic-form models have the same operations and
    types; the largest difference of their f32 constants; the mismatches."""
    ops_a, ops_b = parse_generic(a), parse_generic(b)
    problems, worst = [], 0.0
    if len(ops_a) != len(ops_b):
        problems.append(f"{len(ops_a)} vs {len(ops_b)} operations")
    for i, (x, y) in enumerate(zip(ops_a, ops_b)):
        if (x["op"], x["result"], x["operands"]) != (y["op"], y["result"], y["operands"]):
            problems.append(f"op {i}: {x['op']} {x['operands']} -> {x['result']} vs "
                            f"{y['op']} {y['operands']} -> {y['result']}")
            continue
        for cx, cy in zip(x["consts"], y["consts"]):
            if cx is not None and cy is not None:
                worst = max(worst, float(np.abs(cx.astype(np.float64) - cy).max()))
    return not problems, worst, problems


# --------------------------------------------------------------------------
# The demo
# --------------------------------------------------------------------------

def hinted_groups(ex: tt.Export, hints: Sequence[dict]) -> list[tuple[tt.ChannelGroup, int, dict]]:
    """The channel groups the hints prune: (group, channels kept, one hint)."""
    groups = tt.channel_groups(ex)
    chosen: dict[int, tuple[tt.ChannelGroup, int, dict]] = {}
    for hint in hints:
        m = re.search(r'loc\("([^"]+)"\)', hint["layer"])
        if not m:
            raise SystemExit(f"codesign: hint on an unnamed layer: {hint['layer']}")
        group = tt.group_of_producer(groups, m.group(1))
        if group.channels != hint["channels_before"]:
            raise SystemExit(f"codesign: {m.group(1)} has {group.channels} channels, "
                             f"the hint says {hint['channels_before']}")
        key = id(group)
        if key in chosen and chosen[key][1] != hint["channels_after"]:
            raise SystemExit(f"codesign: conflicting hints for the group of {m.group(1)}")
        chosen[key] = (group, hint["channels_after"], hint)
    for group, _, hint in chosen.values():
        named = {re.search(r'loc\("([^"]+)"\)', h["layer"]).group(1)
                 for h in hints if h["group"] == hint["group"]}
        if named != set(group.producers):
            raise SystemExit(f"codesign: Pex's group {hint['group']} has producers "
                             f"{sorted(named)}, the torch graph {group.producers}")
    return list(chosen.values())


def layer_changes(before: tt.DigitsNet, after: tt.DigitsNet):
    """(name, (in, out) before, (in, out) after) of each layer pruning changed."""
    def widths(model: tt.DigitsNet) -> dict[str, tuple[int, int]]:
        out = {}
        for name, m in model.named_modules():
            if isinstance(m, tt.ConvBN):
                out[name] = (m.conv.in_channels, m.conv.out_channels)
            elif isinstance(m, torch.nn.Linear):
                out[name] = (m.in_features, m.out_features)
        return out

    old, new = widths(before), widths(after)
    return [(name, old[name], new[name]) for name in old if old[name] != new[name]]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "pex-codesign"),
                        help="directory of the MLIR files and reports (default: %(default)s)")
    parser.add_argument("--pex-opt", default=os.path.join(REPO, "build", "bin", "pex-opt"))
    parser.add_argument("--dtype", choices=("f32", "int8"), default="int8",
                        help="TOSA model Pex compiles: f32, or int8 post-training "
                             "quantised (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resolution", type=int, default=24,
                        help="input size: the 8x8 digits are upsampled to it (default: 24)")
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--finetune-epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=4e-3)
    parser.add_argument("--finetune-lr", type=float, default=1e-3)
    parser.add_argument("--ratio", type=float, default=1.6,
                        help="budget = partial-execution peak / RATIO (default: 1.6)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default: 1, the reproducible setting)")
    args = parser.parse_args(argv)

    if not os.access(args.pex_opt, os.X_OK):
        parser.error(f"{args.pex_opt} not found: build Pex first (see README.md)")
    os.makedirs(args.out, exist_ok=True)
    pex = Pex(args.pex_opt, args.out)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    t0 = time.time()

    x_train, y_train, x_test, y_test = load_data(args.resolution, args.seed)
    target = Target(args.dtype, args.resolution, x_train[:CALIBRATION_IMAGES])
    log(f"digits: {len(x_train)} training and {len(x_test)} test images, 8x8 -> "
        f"{args.resolution}x{args.resolution}; Pex compiles {args.dtype} TOSA")

    # 1. Train.
    model = tt.DigitsNet()
    train(model, x_train, y_train, args.epochs, args.lr, args.seed)
    torch_base = accuracy(model, x_test, y_test)
    params = sum(p.numel() for p in model.parameters())
    log(f"[1] trained {params} parameters, {args.epochs} epochs: "
        f"torch test accuracy {torch_base:.2f}% ({time.time() - t0:.0f} s)")

    # 2. Export and check.
    ex32, ex = target.export(model, pex.path("base.mlir"), "unpruned")
    acc_base, diff = target.accuracy(ex, model, x_test, y_test)
    whole_base, p_partial = pex.partial_peak("base.mlir")
    log(f"[2] base.mlir: --pex-verify-input ok; pex.tosa_ref: test accuracy {acc_base:.2f}%")
    log(f"    ({diff})")
    log(f"    whole-buffer peak {whole_base} B, partial execution alone {p_partial} B")

    # 3. Hints.
    budget = int(p_partial / args.ratio)
    # The demo's budget is a peak (P_partial / ratio), not an arena.
    hints = pex.report("base.mlir", "hints",
                       f"--pex-prune-hints=sram-budget={budget} arena-pipeline=",
                       output=pex.path("hinted.mlir"))["prune_hints"]
    log(f"[3] --pex-prune-hints=sram-budget={budget} (P_partial / {args.ratio}): "
        f"{len(hints)} hints")
    for h in hints:
        log(f"    {h['layer']}: {h['channels_before']} -> {h['channels_after']} "
            f"(group {h['group']})")

    # 4. Prune in torch, cross-check with --pex-apply-pruning, fine-tune.
    pruned = copy.deepcopy(model)
    changes = []
    for group, keep_n, hint in hinted_groups(ex, hints):
        # Rank on the f32 filters (BN folded): what --pex-apply-pruning does on
        # an f32 model; on int8 it ranks the quantised filters.
        keep = tt.rank_channels(ex32, group, keep_n)
        tt.prune(pruned, group, keep)
        changes.append((hint["group"], group, keep_n))
    torch_cut = accuracy(pruned, x_test, y_test)
    target.export(pruned, pex.path("pruned-before-finetune.mlir"), "pruned, not fine-tuned")
    pex.run(pex.path("hinted.mlir"), "--pex-apply-pruning", "--mlir-print-op-generic",
            "-o", pex.path("applied.mlir"))
    pex.run(pex.path("pruned-before-finetune.mlir"), "--mlir-print-op-generic",
            "-o", pex.path("pruned-before-finetune.generic.mlir"))
    with open(pex.path("applied.mlir"), encoding="utf-8") as f:
        applied = f.read()
    with open(pex.path("pruned-before-finetune.generic.mlir"), encoding="utf-8") as f:
        ours = f.read()
    same, const_diff, problems = compare_models(applied, ours)
    log(f"[4] pruned in torch: torch test accuracy {torch_cut:.2f}% before fine-tuning")
    verdict = "same operations and shapes" if same else "DIFFERENT"
    if not target.int8:  # int8 scales are recalibrated, so only f32 constants match
        verdict += f", f32 constants max |diff| {const_diff:.1e}"
    log(f"    --pex-apply-pruning on hinted.mlir vs the torch-pruned export: {verdict}")
    for p in problems[:10]:
        log(f"      {p}")

    train(pruned, x_train, y_train, args.finetune_epochs, args.finetune_lr, args.seed + 1)
    torch_pruned = accuracy(pruned, x_test, y_test)
    _, ex_pruned = target.export(pruned, pex.path("pruned.mlir"), "pruned and fine-tuned")
    acc_pruned, diff_pruned = target.accuracy(ex_pruned, pruned, x_test, y_test)
    whole_pruned, peak_pruned = pex.partial_peak("pruned.mlir")
    params_pruned = sum(p.numel() for p in pruned.parameters())
    log(f"    fine-tuned {args.finetune_epochs} epochs: torch test accuracy {torch_pruned:.2f}%")
    log(f"    pruned.mlir: --pex-verify-input ok; pex.tosa_ref: test accuracy {acc_pruned:.2f}%")
    log(f"    ({diff_pruned})")

    # 5. Report.
    log()
    log("channel changes:")
    for gid, group, keep_n in changes:
        log(f"  group {gid}: {group.channels} -> {keep_n} channels")
        log(f"    producers (output channels): {', '.join(group.producers)}")
        if group.depthwise:
            log(f"    depthwise (channels):        {', '.join(group.depthwise)}")
        log(f"    consumers (input channels):  {', '.join(group.consumers)}")
    log()
    log("torch layers changed (input -> output channels):")
    for name, before, after in layer_changes(model, pruned):
        log(f"  {name:18} {before[0]:3d} -> {before[1]:3d}  became  {after[0]:3d} -> {after[1]:3d}")
    log()
    log(f"{'':32}{'unpruned':>10}{'pruned':>10}")
    log(f"{'torch test accuracy (%)':32}{torch_base:10.2f}{torch_pruned:10.2f}")
    log(f"{args.dtype + ' TOSA test accuracy (%)':32}{acc_base:10.2f}{acc_pruned:10.2f}")
    log(f"{'parameters':32}{params:10d}{params_pruned:10d}")
    log(f"{'whole-buffer peak (B)':32}{whole_base:10d}{whole_pruned:10d}")
    log(f"{'partial-execution peak (B)':32}{p_partial:10d}{peak_pruned:10d}")
    reduction = p_partial / peak_pruned
    change = acc_pruned - acc_base + 0.0  # no "-0.00"
    ok = same and change >= -MAX_ACCURACY_LOSS and reduction >= MIN_PEAK_REDUCTION
    log(f"peak {reduction:.2f}x below partial execution alone (needs >= {MIN_PEAK_REDUCTION}x), "
        f"accuracy {change:+.2f} points (needs >= -{MAX_ACCURACY_LOSS:g}): "
        f"{'PASS' if ok else 'FAIL'} ({time.time() - t0:.0f} s)")

    summary = {
        "dtype": args.dtype, "seed": args.seed, "resolution": args.resolution,
        "budget_bytes": budget,
        "torch_accuracy_unpruned": torch_base, "torch_accuracy_pruned_before_finetune": torch_cut,
        "torch_accuracy_pruned": torch_pruned,
        "tosa_accuracy_unpruned": acc_base, "tosa_accuracy_pruned": acc_pruned,
        "parameters_unpruned": params, "parameters_pruned": params_pruned,
        "whole_buffer_peak_unpruned": whole_base, "partial_peak_unpruned": p_partial,
        "whole_buffer_peak_pruned": whole_pruned, "partial_peak_pruned": peak_pruned,
        "apply_pruning_same_shapes": same,
        "layers": {name: {"before": b, "after": a}
                   for name, b, a in layer_changes(model, pruned)},
        "groups": [{"group": gid, "channels_before": g.channels, "channels_after": k,
                    "producers": g.producers, "depthwise": g.depthwise,
                    "consumers": g.consumers} for gid, g, k in changes],
        "pass": ok,
    }
    write(pex.path("summary.json"), json.dumps(summary, indent=2) + "\n")
    log(f"files in {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
