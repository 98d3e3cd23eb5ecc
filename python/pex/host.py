"""Compile TOSA models with ``--pex-host-pipeline`` and run them on the host.

A model is lowered by ``pex-opt --pex-host-pipeline`` to the LLVM dialect,
translated by ``pex-translate --mlir-to-llvmir`` and linked by ``clang`` with
the C harness of ``tools/pex-run-host``. The entry point of the executable
takes one bare pointer per input and per output (the pipeline turns results
into out-parameters), and the harness reads and writes them as raw
little-endian files.

Used by the ``pex-run-host`` and ``pex-difftest`` tools.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
from typing import Optional, Sequence

import numpy as np

#: Bytes per element of the tensor element types the harness passes.
ELEMENT_BYTES = {"i1": 1, "i8": 1, "i16": 2, "i32": 4, "i64": 8, "f16": 2, "f32": 4,
                 "f64": 8}
#: numpy dtypes of those element types.
NUMPY_DTYPES = {"i1": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32,
                "i64": np.int64, "f16": np.float16, "f32": np.float32, "f64": np.float64}


class HostError(RuntimeError):
    """A tool of the host flow failed; the message holds its diagnostics."""


@dataclasses.dataclass(frozen=True)
class TensorType:
    """A statically shaped tensor type, e.g. ``tensor<1x8x8x4xi8>``."""

    shape: tuple[int, ...]
    element: str

    @staticmethod
    def parse(text: str) -> "TensorType":
        """Parses the inside of ``tensor<...>``."""
        *dims, element = text.split("x")
        if element not in ELEMENT_BYTES or any(not d.isdigit() for d in dims):
            raise HostError(f"unsupported tensor type tensor<{text}> (static shapes and "
                            f"{', '.join(ELEMENT_BYTES)} only)")
        return TensorType(tuple(int(d) for d in dims), element)

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * ELEMENT_BYTES[self.element]

    @property
    def dtype(self) -> type:
        return NUMPY_DTYPES[self.element]


@dataclasses.dataclass(frozen=True)
class Signature:
    """The entry function of a model."""

    name: str
    inputs: tuple[TensorType, ...]
    outputs: tuple[TensorType, ...]


_FUNC = re.compile(r"func\.func\s+(?:(public|private|nested)\s+)?@([\w$.]+)\s*\(")
_TENSOR = re.compile(r"tensor<([^<>]*)>")


def _closing(text: str, open_index: int) -> int:
    """Index of the parenthesis closing the one at ``open_index``."""
    depth = 0
    for i in range(open_index, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise HostError("unbalanced parentheses in a function signature")


def parse_signature(text: str, entry: Optional[str] = None) -> Signature:
    """The signature of function ``entry``, or of the only public function."""
    found = []
    for match in _FUNC.finditer(text):
        visibility, name = match.group(1), match.group(2)
        if visibility == "private" or (entry is not None and name != entry):
            continue
        close = _closing(text, match.end() - 1)
        args = text[match.end():close]
        rest = text[close + 1:]
        results = ""
        arrow = re.match(r"\s*->\s*", rest)
        if arrow:
            rest = rest[arrow.end():]
            if rest.startswith("("):
                results = rest[:_closing(rest, 0) + 1]
            else:
                results = re.match(r"[^{]*?(?=\s*(\{|attributes\b))", rest, re.S).group(0)
        found.append(Signature(
            name,
            tuple(TensorType.parse(t) for t in _TENSOR.findall(args)),
            tuple(TensorType.parse(t) for t in _TENSOR.findall(results))))
    if not found:
        raise HostError(f"no public function {'@' + entry if entry else ''} in the model")
    if len(found) > 1:
        raise HostError("several public functions; choose one with --entry: " +
                        ", ".join("@" + s.name for s in found))
    signature = found[0]
    if not signature.outputs:
        raise HostError(f"@{signature.name} returns no tensor")
    return signature


@dataclasses.dataclass
class Tools:
    """Where the tools of the host flow are."""

    pex_opt: str
    pex_translate: str
    clang: str
    harness: str
    #: Directory of libmlir_c_runner_utils (memrefCopy for strided copies).
    runtime_dir: str


def _run(command: Sequence[str]) -> subprocess.CompletedProcess:
    # errors="replace": diagnostics quoting a file that is not UTF-8.
    try:
        result = subprocess.run(list(command), capture_output=True, text=True,
                                errors="replace")
    except OSError as err:
        raise HostError(f"cannot run {command[0]}: {err.strerror}")
    if result.returncode != 0:
        raise HostError(f"{os.path.basename(command[0])} failed ({result.returncode}):\n"
                        f"{' '.join(command)}\n{result.stderr}")
    return result


def _linker_flags(clang: str) -> list[str]:
    """LLVM's lld when it sits beside clang: it links a model several times
    faster than the system linker, which dominates the build of a small
    model."""
    real = os.path.realpath(shutil.which(clang) or clang)
    return ["-fuse-ld=lld"] if os.path.exists(os.path.join(os.path.dirname(real),
                                                           "ld.lld")) else []


def pipeline_options(partial: bool = True, slices: int = 0, slice_size: int = 0,
                     sram_budget: int = 0, rows: bool = True, band: int = 0) -> str:
    """The option string of ``--pex-host-pipeline``."""
    options = (f"partial={'true' if partial else 'false'} slices={slices} "
               f"slice-size={slice_size} sram-budget={sram_budget}")
    return options + row_options(rows, band)


def row_options(rows: bool = True, band: int = 0) -> str:
    """The row-chain options of the pipelines, when not the defaults (row
    chains where they lower the peak)."""
    return ("" if rows else " rows=false") + (f" band={band}" if band else "")


def compile_model(model: str, exe: str, tools: Tools, *, partial: bool = True,
                  slices: int = 0, slice_size: int = 0, sram_budget: int = 0,
                  rows: bool = True, band: int = 0, entry: Optional[str] = None, workdir: Optional[str] = None,
                  opt_level: int = 2) -> Signature:
    """Compiles the MLIR file ``model`` into the executable ``exe``; clang
    optimises the LLVM IR and the harness at ``-O<opt_level>``."""
    try:
        with open(model, encoding="utf-8", errors="replace") as f:
            signature = parse_signature(f.read(), entry)
    except OSError as err:
        raise HostError(f"cannot read {model}: {err.strerror}")
    with tempfile.TemporaryDirectory() as scratch:
        work = workdir or scratch
        try:
            os.makedirs(work, exist_ok=True)
        except OSError as err:
            raise HostError(f"cannot create {work}: {err.strerror}")
        llvm_mlir = os.path.join(work, "model.llvm.mlir")
        llvm_ir = os.path.join(work, "model.ll")
        options = pipeline_options(partial, slices, slice_size, sram_budget, rows, band)
        _run([tools.pex_opt, model, f"--pex-host-pipeline={options}", "-o", llvm_mlir])
        _run([tools.pex_translate, "--mlir-to-llvmir", llvm_mlir, "-o", llvm_ir])
        _run([tools.clang, f"-O{opt_level}", "-w",
              f"-DPEX_ENTRY=pex_{signature.name}",
              f"-DPEX_NUM_INPUTS={len(signature.inputs)}",
              f"-DPEX_NUM_OUTPUTS={len(signature.outputs)}",
              *_linker_flags(tools.clang), tools.harness, llvm_ir, "-o", exe,
              f"-L{tools.runtime_dir}", "-lmlir_c_runner_utils", "-lm",
              f"-Wl,-rpath,{tools.runtime_dir}"])
    return signature


def run_files(exe: str, signature: Signature, inputs: Sequence[str],
              outputs: Sequence[str]) -> None:
    """Runs ``exe`` on raw input files, writing raw output files."""
    if len(inputs) != len(signature.inputs) or len(outputs) != len(signature.outputs):
        raise HostError(f"@{signature.name} takes {len(signature.inputs)} inputs and "
                        f"{len(signature.outputs)} outputs, got {len(inputs)} and "
                        f"{len(outputs)}")
    specs = [f"{path}:{t.nbytes}" for path, t in zip(inputs, signature.inputs)]
    specs += [f"{path}:{t.nbytes}" for path, t in zip(outputs, signature.outputs)]
    _run([os.path.abspath(exe), *specs])


def run_arrays(exe: str, signature: Signature,
               inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Runs ``exe`` on numpy inputs and returns its outputs."""
    with tempfile.TemporaryDirectory() as work:
        in_paths, out_paths = [], []
        for i, (array, t) in enumerate(zip(inputs, signature.inputs)):
            path = os.path.join(work, f"in{i}.bin")
            np.ascontiguousarray(array, dtype=np.dtype(t.dtype).newbyteorder("<")).tofile(path)
            in_paths.append(path)
        out_paths = [os.path.join(work, f"out{i}.bin") for i in range(len(signature.outputs))]
        run_files(exe, signature, in_paths, out_paths)
        return [np.fromfile(path, dtype=np.dtype(t.dtype).newbyteorder("<")).reshape(t.shape)
                for path, t in zip(out_paths, signature.outputs)]
