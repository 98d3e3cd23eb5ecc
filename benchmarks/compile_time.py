#!/usr/bin/python3
"""Compile time of Pex against the number of operators.

Generates a chain of N TOSA operators on a 1x8x8x8 int8 tensor, compiles it
with ``pex-opt --pex-cortexm-pipeline`` (or ``--pex-host-pipeline``) under
``--mlir-timing`` and prints one table of wall-clock seconds per stage:

    benchmarks/compile_time.py [--build build] [--sizes 1250,2500,5000,10000]
                               [--model elementwise|blocks]
                               [--pipeline cortexm|host] [--work DIR]

Models: ``elementwise`` (default) chains int8 clamps of varying bounds,
which fuse into one kernel; ``blocks`` chains MobileNetV2 inverted residual
blocks (expansion 3, 3x3 depthwise, residual add: 12 operators a block),
each a chain candidate of the memory model.

A benchmark is a script, not a test: the figures depend on the machine and
its load. Stages group the passes of the pipeline (the last column is the
whole ``pex-opt`` run, parsing and printing included); ``obj`` is
``pex-translate --mlir-to-cortexm-obj`` (Cortex-M only).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "python"))

from pex import modelgen  # noqa: E402  (needs the path above)
from pex.tosa_graph import to_mlir  # noqa: E402

#: Stages of the table: a column name and whether a pass (as --mlir-timing
#: names it) belongs to it; passes of no stage go to "other".
STAGES = (
    ("form-chains", lambda p: p == "PartialFormChains"),
    ("tosa-to-linalg", lambda p: p.startswith("TosaTo")),
    ("fuse-kernels", lambda p: p == "PexFuseKernels"),
    ("bufferize", lambda p: any(k in p for k in ("Bufferiz", "EmptyTensor", "BufferResults",
                                                  "Dealloc", "PexPlanMemory"))),
    ("to-llvm", lambda p: any(k in p for k in ("LLVM", "Reconcile", "ToControlFlow",
                                                "LinalgToLoops", "ExpandStridedMetadata",
                                                "MathExpandOps", "LowerAffine"))),
)
#: Lines of --mlir-timing that add up others.
AGGREGATES = ("root", "Total", "Rest")


def chain_model(ops: int, model: str) -> tuple[str, int]:
    """MLIR of a chain of at least `ops` operators, and its operator count."""
    # One calibration sample: the quantisation does not change compile
    # time, and eight samples make 10,000 operators slow to generate.
    saved = modelgen.CALIBRATION_SAMPLES
    modelgen.CALIBRATION_SAMPLES = 1
    try:
        b = modelgen.Builder("int8", 0)
        x = b.input((1, 8, 8, 8), modelgen.LINEAR_INPUT)
        block = 0
        while len(b.graph.ops) < ops:
            block += 1
            if model == "blocks":
                x = modelgen._inverted_residual(b, x, 3, 8, 1, 3, True, f"b{block}")
            else:
                y = b._emit("clamp", (x,), x.shape, x.dtype,
                            {"max_val": 127 - block % 50, "min_val": -128 + block % 50},
                            f"c{block}")
                x = b._keep_quant(x, y)
        graph = b.finish([x])
    finally:
        modelgen.CALIBRATION_SAMPLES = saved
    graph.description = f"compile_time.py: {model} chain of {len(graph.ops)} operators"
    return to_mlir(graph), len(graph.ops)


# An optional user-time column, then the wall time and the name.
_COLUMN = r"([0-9.]+)\s+\(\s*[0-9.]+%\)\s+"
_TIMING = re.compile(r"^\s*(?:" + _COLUMN.replace("(", "(?:", 1) + r")?" + _COLUMN +
                     r"(.+?)\s*$")


def stage_seconds(timing: str) -> dict[str, float]:
    """Seconds per stage from --mlir-timing-display=list (wall time)."""
    seconds = {name: 0.0 for name, _ in STAGES}
    seconds["other"] = 0.0
    for line in timing.splitlines():
        match = _TIMING.match(line)
        if not match:
            continue
        name = match.group(2)
        if name in AGGREGATES or "Pipeline" in name or name.startswith("(A)"):
            continue
        stage = next((stage for stage, member in STAGES if member(name)), "other")
        seconds[stage] += float(match.group(1))
    return seconds


def measure(build: str, model: str, pipeline: str, work: str) -> dict[str, float]:
    pex_opt = os.path.join(build, "bin", "pex-opt")
    lowered = os.path.join(work, "lowered.mlir")
    option = ("--pex-cortexm-pipeline=name=net" if pipeline == "cortexm"
              else "--pex-host-pipeline")
    start = time.monotonic()
    result = subprocess.run([pex_opt, model, option, "--mlir-timing",
                             "--mlir-timing-display=list", "-o", lowered],
                            capture_output=True, text=True)
    total = time.monotonic() - start
    if result.returncode:
        raise SystemExit(f"compile_time.py: pex-opt failed:\n{result.stderr}")
    seconds = stage_seconds(result.stderr)
    seconds["pex-opt"] = total
    if pipeline == "cortexm":
        start = time.monotonic()
        subprocess.run([os.path.join(build, "bin", "pex-translate"), "--mlir-to-cortexm-obj",
                        lowered, "-o", os.path.join(work, "net.o")], check=True)
        seconds["obj"] = time.monotonic() - start
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"),
                        help="the CMake build directory (default: build)")
    parser.add_argument("--sizes", default="1250,2500,5000,10000",
                        help="comma-separated operator counts")
    parser.add_argument("--model", choices=("elementwise", "blocks"), default="elementwise")
    parser.add_argument("--pipeline", choices=("cortexm", "host"), default="cortexm")
    parser.add_argument("--work", help="keep the models here (default: a temporary directory)")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    if not os.path.isfile(os.path.join(build, "bin", "pex-opt")):
        parser.error(f"{build}/bin/pex-opt not found: build the project first")

    columns = [name for name, _ in STAGES] + ["other", "pex-opt"]
    if args.pipeline == "cortexm":
        columns.append("obj")
    print(f"{args.model} chains, --pex-{args.pipeline}-pipeline, wall-clock seconds")
    print("| operators | " + " | ".join(columns) + " |")
    print("| ---: |" + " ---: |" * len(columns), flush=True)
    with tempfile.TemporaryDirectory(prefix="pex-compile-time-") as scratch:
        work = args.work or scratch
        os.makedirs(work, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            text, count = chain_model(size, args.model)
            model = os.path.join(work, f"{args.model}{size}.mlir")
            with open(model, "w", encoding="utf-8") as f:
                f.write(text)
            seconds = measure(build, model, args.pipeline, work)
            print(f"| {count} | " + " | ".join(f"{seconds[c]:.2f}" for c in columns) + " |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
