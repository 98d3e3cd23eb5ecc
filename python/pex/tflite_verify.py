"""Run imported TFLite models and compare them with reference tensors.

``pex-translate --import-tflite --tflite-return-intermediates`` gives a
function that also returns every operator output, each tagged with its
TFLite tensor index (``tflite.tensor_index``). This module lowers that TOSA
with the upstream MLIR passes (``tosa-to-linalg``, ``tosa-to-arith`` with
``include-apply-rescale``, one-shot bufferization, LLVM), runs it with
``mlir-runner-22`` on any number of inputs in one process, and compares each
returned tensor with a reference: the model's ``outputK.bin`` and the
per-tensor dumps ``tensorsK/tensorN.bin`` of TensorFlow Lite Micro
(/work/shared/models layout), or arrays supplied by the caller.

Every result is read back bit-exactly: int8 and int32 through ``tosa.cast``
to int32, float32 through ``arith.bitcast`` to int32.

Entry points: :func:`import_model`, :func:`run_model` and
:func:`verify_model_dir`; ``python/tools/pex-tflite-verify`` is the command
line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

MLIR_OPT = shutil.which("mlir-opt-22")
MLIR_RUNNER = shutil.which("mlir-runner-22")
RUNNER_LIBS = [os.path.join("/usr/lib/llvm-22/lib", name)
               for name in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so")]

#: Lowering of the imported TOSA to LLVM, as verified bit-exact against the
#: numpy TOSA reference (python/tests/test_modelgen.py).
TOSA_PIPELINE = ("--pass-pipeline=builtin.module(func.func(tosa-to-linalg-named, "
                 "tosa-to-linalg, tosa-to-arith{include-apply-rescale=true}, "
                 "tosa-to-tensor))")
LLVM_PASSES = ["--one-shot-bufferize=bufferize-function-boundaries",
               "--convert-linalg-to-loops", "--convert-scf-to-cf",
               "--expand-strided-metadata", "--lower-affine",
               "--finalize-memref-to-llvm", "--convert-math-to-llvm",
               "--convert-arith-to-llvm", "--convert-cf-to-llvm",
               "--convert-func-to-llvm", "--reconcile-unrealized-casts"]

_NUMPY = {"i8": np.dtype("<i1"), "i32": np.dtype("<i4"), "f32": np.dtype("<f4")}


class VerifyError(RuntimeError):
    """A tool failed or its output could not be read."""


@dataclass(frozen=True)
class TensorSpec:
    """A function argument or result: shape, element type, TFLite index."""

    shape: tuple[int, ...]
    dtype: str
    tensor_index: int

    @property
    def mlir_type(self) -> str:
        return "tensor<" + "".join(f"{d}x" for d in self.shape) + self.dtype + ">"


@dataclass
class ImportedModel:
    """The imported MLIR text and its signature."""

    text: str
    function: str
    inputs: list[TensorSpec]
    results: list[TensorSpec]
    num_outputs: int


def pex_translate_path() -> str:
    """pex-translate from $PEX_TOOLS_DIR, the default build tree or PATH."""
    candidates = []
    if os.environ.get("PEX_TOOLS_DIR"):
        candidates.append(os.path.join(os.environ["PEX_TOOLS_DIR"], "pex-translate"))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    candidates.append(os.path.join(root, "build", "bin", "pex-translate"))
    for path in candidates:
        if os.path.exists(path):
            return path
    found = shutil.which("pex-translate")
    if not found:
        raise VerifyError("pex-translate not found (set PEX_TOOLS_DIR)")
    return found


_TYPE_RE = re.compile(r"tensor<((?:\d+x)*)(i8|i32|f32)>")
_SPEC_RE = re.compile(r"(tensor<(?:\d+x)*(?:i8|i32|f32)>)\s*\{([^}]*)\}")


def _spec(type_text: str, attrs: str) -> TensorSpec:
    match = _TYPE_RE.fullmatch(type_text)
    if not match:
        raise VerifyError(f"unsupported type {type_text}")
    dims = tuple(int(d) for d in match.group(1).split("x") if d)
    index = re.search(r"tflite\.tensor_index = (-?\d+)", attrs)
    return TensorSpec(dims, match.group(2), int(index.group(1)) if index else -1)


def parse_signature(text: str, function: str = "main") -> tuple[list[TensorSpec],
                                                                 list[TensorSpec]]:
    """Arguments and results of ``function`` in pex-translate's output."""
    start = text.find(f"func.func @{function}(")
    if start < 0:
        raise VerifyError(f"no function @{function} in the imported module")
    header = text[start:text.index("{\n", start)]
    arrow = header.index(") -> ")
    inputs = [_spec(t, a) for t, a in _SPEC_RE.findall(header[:arrow])]
    results = [_spec(t, a) for t, a in _SPEC_RE.findall(header[arrow:])]
    return inputs, results


def import_model(model_path: str, intermediates: bool = True,
                 extra_args: Sequence[str] = ()) -> ImportedModel:
    """Import a .tflite file with pex-translate."""
    args = [pex_translate_path(), "--import-tflite", model_path, *extra_args]
    if intermediates:
        args.append("--tflite-return-intermediates")
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode:
        raise VerifyError(f"pex-translate failed on {model_path}:\n{result.stderr}")
    inputs, results = parse_signature(result.stdout)
    # Intermediates follow the model outputs; the outputs are the results
    # before the first operator output, i.e. all of them without the flag.
    plain = subprocess.run([pex_translate_path(), "--import-tflite", model_path,
                            *extra_args], capture_output=True, text=True)
    num_outputs = len(parse_signature(plain.stdout)[1]) if intermediates else len(results)
    return ImportedModel(result.stdout, "main", inputs, results, num_outputs)


def _dense_hex(data: np.ndarray) -> str:
    return f'dense<"0x{np.ascontiguousarray(data).tobytes().hex().upper()}">'


def _driver(model: ImportedModel, inputs: Sequence[Sequence[np.ndarray]]) -> str:
    """An @entry that calls the model on each input set and prints each result
    as int32 (float32 as its bit pattern)."""
    lines = ["func.func private @printMemrefI32(memref<*xi32>)", "func.func @entry() {"]
    arg_types = ", ".join(s.mlir_type for s in model.inputs)
    result_types = ", ".join(s.mlir_type for s in model.results)
    for run, arrays in enumerate(inputs):
        names = []
        for position, (spec, data) in enumerate(zip(model.inputs, arrays)):
            name = f"%in{run}_{position}"
            names.append(name)
            lines.append(f'  {name} = "tosa.const"() {{values = {_dense_hex(data)} : '
                         f"{spec.mlir_type}}} : () -> {spec.mlir_type}")
        outs = ", ".join(f"%r{run}_{i}" for i in range(len(model.results)))
        call = f"call @{model.function}({', '.join(names)}) : ({arg_types}) -> ({result_types})"
        lines.append(f"  {outs} = {call}")
        for i, spec in enumerate(model.results):
            wide = spec.mlir_type.replace(f"x{spec.dtype}>", "xi32>").replace(
                f"<{spec.dtype}>", "<i32>")
            value = f"%r{run}_{i}"
            widened = f"%w{run}_{i}"
            if spec.dtype == "i8":
                lines.append(f"  {widened} = tosa.cast {value} : ({spec.mlir_type}) -> {wide}")
            elif spec.dtype == "f32":
                # Bit patterns, element by element (tensor bitcasts do not
                # bufferize).
                rank = len(spec.shape)
                dims = ", ".join(f"d{k}" for k in range(rank))
                identity = f"affine_map<({dims}) -> ({dims})>"
                parallel = ", ".join(['"parallel"'] * rank)
                lines.append(f"  %e{run}_{i} = tensor.empty() : {wide}")
                lines.append(
                    f"  {widened} = linalg.generic {{indexing_maps = [{identity}, {identity}], "
                    f"iterator_types = [{parallel}]}} ins({value} : {spec.mlir_type}) "
                    f"outs(%e{run}_{i} : {wide}) {{\n"
                    f"  ^bb0(%a: f32, %b: i32):\n"
                    f"    %c = arith.bitcast %a : f32 to i32\n"
                    f"    linalg.yield %c : i32\n"
                    f"  }} -> {wide}")
            else:
                widened = value
            memref = wide.replace("tensor<", "memref<")
            lines.append(f"  %m{run}_{i} = bufferization.to_buffer {widened} : {wide} to {memref}")
            lines.append(f"  %u{run}_{i} = memref.cast %m{run}_{i} : {memref} to memref<*xi32>")
            lines.append(f"  call @printMemrefI32(%u{run}_{i}) : (memref<*xi32>) -> ()")
    lines += ["  return", "}"]
    return "\n".join(lines) + "\n"


def _mlir_opt(text: str, *args: str) -> str:
    result = subprocess.run([MLIR_OPT, *args], input=text, capture_output=True, text=True)
    if result.returncode:
        raise VerifyError(f"mlir-opt-22 {' '.join(args)[:80]} failed:\n{result.stderr[:4000]}")
    return result.stdout


def can_run() -> bool:
    """Whether mlir-opt-22, mlir-runner-22 and the runner libraries exist."""
    return (MLIR_OPT is not None and MLIR_RUNNER is not None
            and all(os.path.exists(lib) for lib in RUNNER_LIBS))


def run_model(model: ImportedModel,
              inputs: Sequence[Sequence[np.ndarray]]) -> list[list[np.ndarray]]:
    """Execute the imported model on each input set; return all its results."""
    if not can_run():
        raise VerifyError("mlir-opt-22, mlir-runner-22 or the runner libraries are missing")
    for arrays in inputs:
        if len(arrays) != len(model.inputs):
            raise VerifyError(f"expected {len(model.inputs)} inputs, got {len(arrays)}")
        for spec, data in zip(model.inputs, arrays):
            if tuple(data.shape) != spec.shape or data.dtype != _NUMPY[spec.dtype]:
                raise VerifyError(f"input {spec.tensor_index}: expected {spec.mlir_type}, "
                                  f"got {data.dtype}{list(data.shape)}")
    # The driver goes inside the imported module, next to @main.
    body = model.text.rstrip()
    if not body.endswith("}"):
        raise VerifyError("unexpected pex-translate output")
    text = body[:-1] + _driver(model, inputs) + "}\n"
    text = _mlir_opt(text, TOSA_PIPELINE)
    text = _mlir_opt(text, *LLVM_PASSES)
    result = subprocess.run([MLIR_RUNNER, "-e", "entry", "-entry-point-result=void", "-O2",
                             "-shared-libs=" + ",".join(RUNNER_LIBS)],
                            input=text, capture_output=True, text=True)
    if result.returncode:
        raise VerifyError(f"mlir-runner-22 failed:\n{result.stderr[:4000]}")
    chunks = result.stdout.split("Unranked Memref")[1:]
    expected = len(inputs) * len(model.results)
    if len(chunks) != expected:
        raise VerifyError(f"expected {expected} printed tensors, got {len(chunks)}")
    runs = []
    for run in range(len(inputs)):
        values = []
        for i, spec in enumerate(model.results):
            chunk = chunks[run * len(model.results) + i]
            data = chunk[chunk.index("data =") + len("data ="):]
            numbers = np.array(data.replace("[", " ").replace("]", " ").replace(",", " ")
                               .split(), dtype=np.int64)
            wide = numbers.astype(np.int32).reshape(spec.shape)
            values.append(wide.view(np.float32) if spec.dtype == "f32"
                          else wide.astype(_NUMPY[spec.dtype]))
        runs.append(values)
    return runs


@dataclass
class TensorReport:
    """Comparison of one result with its reference."""

    tensor_index: int
    shape: tuple[int, ...]
    mismatches: int
    max_abs_diff: float
    reference: Optional[str]  # file compared against, None when missing

    @property
    def exact(self) -> bool:
        return self.reference is not None and self.mismatches == 0


@dataclass
class RunReport:
    """All tensors of one input."""

    input_name: str
    outputs: list[TensorReport] = field(default_factory=list)
    intermediates: list[TensorReport] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return all(t.exact for t in self.outputs) and all(
            t.exact for t in self.intermediates if t.reference is not None)

    def first_departure(self) -> Optional[TensorReport]:
        """The first intermediate (in operator order) that differs."""
        for t in self.intermediates:
            if t.reference is not None and t.mismatches:
                return t
        return None


def _compare(got: np.ndarray, path: str, spec: TensorSpec) -> TensorReport:
    if not os.path.exists(path):
        return TensorReport(spec.tensor_index, spec.shape, 0, 0.0, None)
    want = np.fromfile(path, dtype=_NUMPY[spec.dtype])
    if want.size != got.size:
        raise VerifyError(f"{path}: {want.size} elements, the model computes {got.size}")
    want = want.reshape(got.shape)
    if spec.dtype == "f32":
        differs = got.view(np.int32) != want.view(np.int32)
    else:
        differs = got != want
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    return TensorReport(spec.tensor_index, spec.shape, int(differs.sum()),
                        float(diff.max()) if diff.size else 0.0, path)


def input_files(model_dir: str) -> list[str]:
    """inputK.bin files of a model directory, in K order."""
    names = [n for n in os.listdir(model_dir) if re.fullmatch(r"input\d+\.bin", n)]
    return sorted(names, key=lambda n: int(n[5:-4]))


def verify_model_dir(model_dir: str, extra_args: Sequence[str] = ()) -> list[RunReport]:
    """Run ``model_dir/model.tflite`` on every inputK.bin; compare the output
    with outputK.bin and each intermediate with tensorsK/tensorN.bin."""
    model = import_model(os.path.join(model_dir, "model.tflite"), True, extra_args)
    if len(model.inputs) != 1:
        raise VerifyError("only single-input models are supported here")
    spec = model.inputs[0]
    names = input_files(model_dir)
    arrays = [[np.fromfile(os.path.join(model_dir, n), dtype=_NUMPY[spec.dtype])
               .reshape(spec.shape)] for n in names]
    runs = run_model(model, arrays)
    reports = []
    for name, values in zip(names, runs):
        k = name[5:-4]
        report = RunReport(name)
        for i, (result, value) in enumerate(zip(model.results, values)):
            if i < model.num_outputs:
                path = os.path.join(model_dir, f"output{k}.bin")
                report.outputs.append(_compare(value, path, result))
            else:
                path = os.path.join(model_dir, f"tensors{k}", f"tensor{result.tensor_index}.bin")
                report.intermediates.append(_compare(value, path, result))
        reports.append(report)
    return reports


def format_reports(name: str, reports: Sequence[RunReport]) -> str:
    """One line per input: exact or the first departing tensor."""
    lines = []
    for report in reports:
        checked = sum(t.reference is not None for t in report.intermediates)
        if report.exact:
            lines.append(f"{name} {report.input_name}: bit-exact (output and "
                         f"{checked} intermediate tensors)")
            continue
        first = report.first_departure()
        where = (f"first departing tensor {first.tensor_index} "
                 f"({first.mismatches} of {int(np.prod(first.shape))} elements, "
                 f"max |diff| {first.max_abs_diff:g})" if first else "outputs only")
        bad = sum(t.mismatches for t in report.outputs)
        lines.append(f"{name} {report.input_name}: NOT bit-exact: {bad} output elements "
                     f"differ; {where}")
    return "\n".join(lines)
