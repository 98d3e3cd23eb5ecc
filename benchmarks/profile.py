#!/usr/bin/python3
"""Pex's per-operator profile next to TensorFlow Lite Micro + CMSIS-NN's.

    benchmarks/profile.py MODEL [--build build] [--input FILE] [--work DIR]
                                [--json FILE]

MODEL is a TFLite model: a name of ../shared/models (``vww``, ``kws``,
``ic``, ``ad`` for the MLPerf Tiny models, or any folder name there such as
``vww_96_int8`` or ``micro_speech_quantized``), a folder holding
``model.tflite``, or a ``.tflite`` file. The script runs ``pex-compile
MODEL --run INPUT --profile`` (INPUT: the folder's ``input0.bin`` unless
given), reads the ``profile`` of its report, and prints a markdown table with
one row per TFLite operator: its MACs, pex's instructions and instructions
per MAC, the pex kernel (or generic loops) that ran it, TensorFlow Lite
Micro + CMSIS-NN's instructions from ``tflm-cmsis-nn-m4.txt`` next to the
model (TFLM's MicroProfiler on the same QEMU machine: mps2-an386,
``-icount shift=0``, 40 instructions per SysTick tick) and the ratio.

The join: the TFLite importer names every TOSA operation it makes for
operator K of the model's subgraph ``opK.TYPE:tensorN``, and pex's profile
rows carry that location, so a pex row belongs to operator K; TFLM's lines
``op K TYPE ticks=T instr=I`` count operators in the same execution order of
the same subgraph. Rows are matched by K, and the types must agree (a
mismatch is reported in the row). Pex rows of one operator (inside and
outside a chain) are summed. Operators pex runs as views (RESHAPE) or folds
into another (a PAD before a convolution) have no pex row and show ``-``.
The last rows compare what is outside operators: pex's ``other`` row (copies,
glue, slice loops) against TFLM's invoke total minus its operators (the
interpreter between them), then the totals.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, os.pardir))
#: The MLPerf Tiny models by their benchmark's short names.
ALIASES = {"vww": "mlperf-tiny/vww_96_int8", "kws": "mlperf-tiny/kws_ref_model",
           "ic": "mlperf-tiny/pretrainedResnet_quant", "resnet": "mlperf-tiny/pretrainedResnet_quant",
           "ad": "mlperf-tiny/ad01_int8"}
LOCATION = re.compile(r"^op(\d+)\.(\w+):")


def models_dir() -> str:
    mlperf = os.environ.get("PEX_MLPERF_TINY_DIR",
                            os.path.join(os.path.dirname(ROOT), "shared", "models",
                                         "mlperf-tiny"))
    return os.path.dirname(os.path.abspath(mlperf))


def find_model(name: str) -> str:
    """The .tflite file MODEL names."""
    if os.path.isfile(name):
        return name
    if os.path.isdir(name):
        return os.path.join(name, "model.tflite")
    shared = models_dir()
    candidates = [os.path.join(shared, ALIASES[name])] if name in ALIASES else []
    candidates += [os.path.join(shared, group, name)
                   for group in ("mlperf-tiny", "tflm-examples", "ops")]
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, "model.tflite")):
            return os.path.join(folder, "model.tflite")
    sys.exit(f"profile.py: no model {name!r}: give a .tflite file, a folder with "
             f"model.tflite, or a name of {shared} (vww, kws, ic, ad, ...)")


def read_tflm(path: str) -> tuple[list[tuple[int, str, int]], int]:
    """TFLM's operators (index, type, instructions) and invoke total."""
    ops, total = [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            found = re.match(r"op (\d+) (\w+) ticks=\d+ instr=(\d+)", line)
            if found:
                ops.append((int(found.group(1)), found.group(2), int(found.group(3))))
            elif line.startswith("invoke_instructions="):
                total = int(line.split("=")[1])
    return ops, total


def per_mac(instructions: int, macs: int) -> str:
    return f"{instructions / macs:.2f}" if macs else "-"


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def table(report: dict, tflm_ops: list, tflm_total: int) -> str:
    """The joined table, markdown."""
    rows = report["profile"]
    by_index: dict[int, list] = {}
    unmatched = []
    other = 0
    for row in rows:
        found = LOCATION.match(row["location"])
        if row["op"] == "other" and not row["location"]:
            other += row["instructions"]
        elif found:
            by_index.setdefault(int(found.group(1)), []).append((found.group(2), row))
        else:
            unmatched.append(row)
    lines = ["| # | operator | MACs | pex instr | pex instr/MAC | pex code | "
             "TFLM + CMSIS-NN instr | TFLM instr/MAC | pex / TFLM |",
             "| ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |"]
    indices = sorted(set(by_index) | {index for index, _, _ in tflm_ops})
    tflm = {index: (kind, instructions) for index, kind, instructions in tflm_ops}
    pex_sum = tflm_sum = 0
    for index in indices:
        matched = by_index.get(index, [])
        kind = tflm[index][0] if index in tflm else matched[0][0]
        note = ""
        if matched and index in tflm and any(t != tflm[index][0] for t, _ in matched):
            note = f" (pex: {matched[0][0]}: types differ)"
        macs = sum(row["macs"] for _, row in matched)
        instructions = sum(row["instructions"] for _, row in matched)
        chains = sorted({row["chain"] for _, row in matched if "chain" in row})
        code = " + ".join(dict.fromkeys(row["op"] for _, row in matched)) or "-"
        if chains:
            code += " (chain " + ", ".join(map(str, chains)) + ")"
        theirs = tflm.get(index, (kind, 0))[1]
        pex_sum += instructions
        tflm_sum += theirs
        lines.append(f"| {index} | {kind}{note} | {macs} | "
                     f"{instructions if matched else '-'} | "
                     f"{per_mac(instructions, macs) if matched else '-'} | {code} | "
                     f"{theirs if index in tflm else '-'} | "
                     f"{per_mac(theirs, macs) if index in tflm else '-'} | "
                     f"{ratio(instructions, theirs)} |")
    for row in unmatched:
        pex_sum += row["instructions"]
        lines.append(f"| - | {row['location']} (no TFLite operator) | {row['macs']} | "
                     f"{row['instructions']} | {per_mac(row['instructions'], row['macs'])} | "
                     f"{row['op']} | - | - | - |")
    interpreter = tflm_total - tflm_sum if tflm_total else 0
    lines.append(f"| | outside operators (pex: copies, glue, slice loops; TFLM: the "
                 f"interpreter) | | {other} | | | {interpreter} | | |")
    macs = report.get("macs", 0)
    pex_total = pex_sum + other
    lines.append(f"| | **total** | {macs} | **{pex_total}** | {per_mac(pex_total, macs)} | | "
                 f"**{tflm_total}** | {per_mac(tflm_total, macs)} | "
                 f"**{ratio(pex_total, tflm_total)}** |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", metavar="MODEL",
                        help="a .tflite file, a folder with model.tflite, or a name of "
                             "../shared/models (vww, kws, ic, ad, vww_96_int8, ...)")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"),
                        help="the build folder (default: build)")
    parser.add_argument("--input", help="raw input (default: input0.bin next to the model)")
    parser.add_argument("--work", help="keep pex-compile's files here (default: a "
                                       "temporary folder)")
    parser.add_argument("--json", metavar="FILE", help="also write pex-compile's report here")
    args = parser.parse_args()

    model = find_model(args.model)
    folder = os.path.dirname(os.path.abspath(model))
    tflm_path = os.path.join(folder, "tflm-cmsis-nn-m4.txt")
    if not os.path.isfile(tflm_path):
        sys.exit(f"profile.py: no TFLM + CMSIS-NN figures next to {model} "
                 f"(tflm-cmsis-nn-m4.txt)")
    input_path = args.input or os.path.join(folder, "input0.bin")
    compiler = os.path.join(args.build, "bin", "pex-compile")
    with tempfile.TemporaryDirectory(prefix="pex-profile-") as temporary:
        work = args.work or temporary
        os.makedirs(work, exist_ok=True)
        prefix = os.path.join(work, "model")
        result = subprocess.run([compiler, model, "-o", prefix, "--quiet", "--run",
                                 input_path, "--profile"],
                                capture_output=True, text=True, errors="replace")
        if result.returncode:
            sys.stderr.write(result.stderr)
            return 1
        with open(prefix + ".json", encoding="utf-8") as f:
            report = json.load(f)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2, sort_keys=True)
    tflm_ops, tflm_total = read_tflm(tflm_path)
    name = os.path.basename(folder)
    print(f"{name}: pex {report['qemu']['instructions']} instructions "
          f"(profile sum {sum(r['instructions'] for r in report['profile'])}), "
          f"TFLM + CMSIS-NN {tflm_total}; QEMU mps2-an386, -icount shift=0\n")
    print(table(report, tflm_ops, tflm_total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
