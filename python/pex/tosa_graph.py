"""In-memory TOSA graphs and their MLIR (TOSA dialect, MLIR 22) printer.

A :class:`Graph` is a single function: graph inputs, constants, a list of
operations in execution order and graph outputs.  It is what
:mod:`pex.modelgen` builds, what :mod:`pex.tosa_ref` executes and what
:func:`to_mlir` prints.

Only the operations the generator emits are modelled: ``conv2d``,
``depthwise_conv2d``, ``rescale``, ``clamp``, ``add``, ``avg_pool2d``,
``max_pool2d``, ``concat``, ``matmul``, ``reshape`` and ``slice``, plus the
constants they use (``tosa.const`` and ``tosa.const_shape``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import numpy as np

#: Element types of values: tensors of i8/i32/f32 and TOSA shapes.
ELEMENT_TYPES = ("i8", "i32", "f32", "shape")

#: numpy storage type (little-endian) of each tensor element type.
NUMPY_DTYPES = {"i8": np.dtype("<i1"), "i32": np.dtype("<i4"),
                "f32": np.dtype("<f4"), "shape": np.dtype("<i8")}

#: Constants with at most this many elements are printed as literals (except
#: non-splat f32 constants, always printed as exact hex); larger ones as hex.
_MAX_LITERAL_ELEMENTS = 16

#: An attribute value: a flag, a number (typed like the op's result element),
#: a tuple of integers (``array<i64: ...>``) or a string printed verbatim.
Attr = Union[bool, int, float, tuple, str]


@dataclass(frozen=True)
class Value:
    """An SSA value: a graph input, a constant or an operation result."""

    name: str
    shape: tuple[int, ...]
    dtype: str

    def __post_init__(self) -> None:
        if self.dtype not in ELEMENT_TYPES:
            raise ValueError(f"unknown element type {self.dtype!r}")

    @property
    def mlir_type(self) -> str:
        """The MLIR type, e.g. ``tensor<1x8x8x4xi8>`` or ``!tosa.shape<4>``."""
        if self.dtype == "shape":
            return f"!tosa.shape<{self.shape[0]}>"
        return "tensor<" + "".join(f"{d}x" for d in self.shape) + self.dtype + ">"


@dataclass(frozen=True)
class QParams:
    """Affine quantisation of an int8 tensor: ``real = scale * (q - zp)``."""

    scale: float
    zp: int


@dataclass
class Op:
    """One TOSA operation (``kind`` is the name without ``tosa.``)."""

    kind: str
    operands: tuple[Value, ...]
    result: Value
    attrs: dict[str, Attr] = field(default_factory=dict)


@dataclass
class Graph:
    """A TOSA function.

    ``consts`` maps constant value names to their data (numpy arrays of the
    value's storage type); ``quant`` holds the quantisation of int8
    activations (for f32 graphs, only that of the input an int8 twin of the
    graph would use, see :func:`pex.modelgen.random_inputs`).
    """

    name: str
    inputs: list[Value] = field(default_factory=list)
    outputs: list[Value] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    consts: dict[str, np.ndarray] = field(default_factory=dict)
    quant: dict[str, QParams] = field(default_factory=dict)
    description: str = ""

    def ops_of_kind(self, kind: str) -> list[Op]:
        """The operations of one kind, in program order."""
        return [op for op in self.ops if op.kind == kind]


# --------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------

def _format_scalar(value: Union[int, float, np.generic], dtype: str) -> str:
    """An MLIR literal of one element (floats always with a '.')."""
    if dtype == "f32":
        return f"{float(value):.9e}"
    return str(int(value))


def _nested_literal(data: np.ndarray, dtype: str) -> str:
    if data.ndim == 0:
        return _format_scalar(data.item(), dtype)
    return "[" + ", ".join(_nested_literal(sub, dtype) for sub in data) + "]"


def dense_attr(data: np.ndarray, dtype: str) -> str:
    """The ``dense<...>`` attribute of a constant (without its type).

    Splats print as one element, small integer constants as nested lists and
    everything else as a hex string of the little-endian raw data, which is
    how MLIR prints and parses large elements attributes.
    """
    flat = data.reshape(-1)
    if flat.size > 0 and np.all(flat == flat[0]):
        return f"dense<{_format_scalar(flat[0], dtype)}>"
    if dtype == "shape" or (dtype != "f32" and flat.size <= _MAX_LITERAL_ELEMENTS):
        return f"dense<{_nested_literal(data, dtype)}>"
    raw = np.ascontiguousarray(data, dtype=NUMPY_DTYPES[dtype]).tobytes()
    return f'dense<"0x{raw.hex().upper()}">'


def _format_attr(value: Attr, element_type: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "array<i64: " + ", ".join(str(int(v)) for v in value) + ">"
    if isinstance(value, str):
        return value
    return f"{_format_scalar(value, element_type)} : {element_type}"


def _const_line(value: Value, data: np.ndarray) -> str:
    if value.dtype == "shape":
        attr = f"{dense_attr(data, 'shape')} : tensor<{value.shape[0]}xindex>"
        return (f"  %{value.name} = tosa.const_shape {{values = {attr}}} : () -> "
                f"{value.mlir_type}")
    attr = f"{dense_attr(data, value.dtype)} : {value.mlir_type}"
    return (f'  %{value.name} = "tosa.const"() {{values = {attr}}} : () -> '
            f"{value.mlir_type}")


def _op_line(op: Op) -> str:
    operands = ", ".join(f"%{v.name}" for v in op.operands)
    text = f"  %{op.result.name} = tosa.{op.kind} {operands}"
    if op.attrs:
        attrs = ", ".join(f"{key} = {_format_attr(op.attrs[key], op.result.dtype)}"
                          for key in sorted(op.attrs))
        text += f" {{{attrs}}}"
    types = ", ".join(v.mlir_type for v in op.operands)
    return f"{text} : ({types}) -> {op.result.mlir_type}"


def to_mlir(graph: Graph) -> str:
    """Print ``graph`` as an MLIR module with one ``func.func``.

    Each constant is printed just before its first use; the description and
    the quantisation of inputs and outputs become leading comments.
    """
    lines: list[str] = []
    if graph.description:
        lines.append(f"// {graph.description}")
    for role, values in (("input", graph.inputs), ("output", graph.outputs)):
        for v in values:
            q = graph.quant.get(v.name)
            if q is not None and v.dtype == "i8":
                lines.append(f"// {role} %{v.name}: scale = {q.scale!r}, zp = {q.zp}")
    args = ", ".join(f"%{v.name}: {v.mlir_type}" for v in graph.inputs)
    result_types = ", ".join(v.mlir_type for v in graph.outputs)
    if len(graph.outputs) != 1:
        result_types = f"({result_types})"
    lines.append(f"func.func @{graph.name}({args}) -> {result_types} {{")
    defined = {v.name for v in graph.inputs}
    for op in graph.ops:
        for v in op.operands:
            if v.name not in defined:
                lines.append(_const_line(v, graph.consts[v.name]))
                defined.add(v.name)
        lines.append(_op_line(op))
        defined.add(op.result.name)
    names = ", ".join(f"%{v.name}" for v in graph.outputs)
    lines.append(f"  return {names} : {', '.join(v.mlir_type for v in graph.outputs)}")
    lines.append("}")
    return "\n".join(lines) + "\n"
