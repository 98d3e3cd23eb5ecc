"""Small TFLite models in memory, and their flatbuffer encoding.

A :class:`Model` is one subgraph: tensors (with shape, type, optional
constant data and quantisation), operators in execution order, and the
indices of the graph inputs and outputs. :func:`serialize` writes it as a
TFLite flatbuffer (schema version 3, identifier ``TFL3``) with a FlatBuffer
encoder of its own; :func:`parse` reads one back (trusting the file: it is
for well-formed models, the importer's tests feed hostile ones to
``pex-translate``).

Only what the Pex importer handles is modelled: builtin operators with
their options tables (:data:`OPTIONS`), per-tensor and per-axis affine
quantisation, buffers inside the flatbuffer. Field numbers follow
``tensorflow/lite/schema/schema.fbs``; a union occupies two fields (type,
value).

The encoder lays objects out front to back: a table's vtable, then the
table, then its children, so that every unsigned offset points forward as
the format requires. ``serialize(model, layout)`` records where each object
went (``layout["subgraph.tensors"]`` is the position of a vector's length
word, ``layout["operator.0"]`` that of a table, ...), which
:mod:`pex.tflite_gen` uses to corrupt specific bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import numpy as np

SCHEMA_VERSION = 3

#: TensorType enum values, by the names the models use.
TENSOR_TYPES = {"float32": 0, "int32": 2, "uint8": 3, "int64": 4, "bool": 6,
                "int16": 7, "int8": 9}
TYPE_NAMES = {v: k for k, v in TENSOR_TYPES.items()}
NUMPY_TYPES = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4"),
               "uint8": np.dtype("u1"), "int64": np.dtype("<i8"),
               "bool": np.dtype("u1"), "int16": np.dtype("<i2"),
               "int8": np.dtype("i1")}

#: BuiltinOperator codes.
BUILTIN_CODES = {
    "ADD": 0, "AVERAGE_POOL_2D": 1, "CONCATENATION": 2, "CONV_2D": 3,
    "DEPTHWISE_CONV_2D": 4, "DEQUANTIZE": 6, "FULLY_CONNECTED": 9,
    "LOGISTIC": 14, "MAX_POOL_2D": 17, "RESHAPE": 22, "SOFTMAX": 25,
    "TANH": 28, "CUSTOM": 32, "PAD": 34, "MEAN": 40, "QUANTIZE": 114,
    "DIV": 42, "SUM": 74, "REDUCE_MAX": 82, "LEAKY_RELU": 98,
    "TRANSPOSE": 39, "SQUEEZE": 43, "LOG_SOFTMAX": 50,
}
BUILTIN_NAMES = {v: k for k, v in BUILTIN_CODES.items()}

PADDING = {"SAME": 0, "VALID": 1}
ACTIVATIONS = {"NONE": 0, "RELU": 1, "RELU_N1_TO_1": 2, "RELU6": 3, "TANH": 4,
               "SIGN_BIT": 5}

#: Per operator: BuiltinOptions union tag and the options table's fields as
#: (field number, scalar format, name, default). Enum fields take the names
#: of PADDING / ACTIVATIONS.
OPTIONS: dict[str, tuple[int, list[tuple[int, str, str, Any]]]] = {
    "CONV_2D": (1, [(0, "b", "padding", "SAME"), (1, "i", "stride_w", 1),
                    (2, "i", "stride_h", 1),
                    (3, "b", "fused_activation_function", "NONE"),
                    (4, "i", "dilation_w_factor", 1),
                    (5, "i", "dilation_h_factor", 1)]),
    "DEPTHWISE_CONV_2D": (2, [(0, "b", "padding", "SAME"), (1, "i", "stride_w", 1),
                              (2, "i", "stride_h", 1),
                              (3, "i", "depth_multiplier", 1),
                              (4, "b", "fused_activation_function", "NONE"),
                              (5, "i", "dilation_w_factor", 1),
                              (6, "i", "dilation_h_factor", 1)]),
    "AVERAGE_POOL_2D": (5, [(0, "b", "padding", "VALID"), (1, "i", "stride_w", 1),
                            (2, "i", "stride_h", 1), (3, "i", "filter_width", 1),
                            (4, "i", "filter_height", 1),
                            (5, "b", "fused_activation_function", "NONE")]),
    "FULLY_CONNECTED": (8, [(0, "b", "fused_activation_function", "NONE"),
                            (1, "b", "weights_format", 0),
                            (2, "B", "keep_num_dims", False)]),
    "SOFTMAX": (9, [(0, "f", "beta", 1.0)]),
    "CONCATENATION": (10, [(0, "i", "axis", 0),
                           (1, "b", "fused_activation_function", "NONE")]),
    "ADD": (11, [(0, "b", "fused_activation_function", "NONE")]),
    "RESHAPE": (17, []),
    "PAD": (22, []),
    "MEAN": (27, [(0, "B", "keep_dims", False)]),
    "DEQUANTIZE": (38, []),
    "QUANTIZE": (89, []),
    "SUM": (27, [(0, "B", "keep_dims", False)]),
    "LEAKY_RELU": (75, [(0, "f", "alpha", 0.0)]),
    "TRANSPOSE": (26, []),
    "LOG_SOFTMAX": (36, []),
}
OPTIONS["REDUCE_MAX"] = OPTIONS["SUM"]
OPTIONS["MAX_POOL_2D"] = OPTIONS["AVERAGE_POOL_2D"]
OPTIONS_BY_TAG = {tag: fields for tag, fields in OPTIONS.values()}


@dataclass
class Quantization:
    """Affine quantisation: ``real = scale[c] * (q - zero_point[c])``."""

    scale: list[float]
    zero_point: list[int]
    quantized_dimension: int = 0


@dataclass
class Tensor:
    name: str
    shape: tuple[int, ...]
    type: str
    data: Optional[np.ndarray] = None
    quant: Optional[Quantization] = None


@dataclass
class Operator:
    opcode: str                       # a BUILTIN_CODES name, or "CUSTOM"
    inputs: list[int]
    outputs: list[int]
    options: dict[str, Any] = field(default_factory=dict)
    custom_code: str = ""
    #: Overrides of the encoded union tag / options presence (for tests).
    options_type: Optional[int] = None


@dataclass
class Model:
    tensors: list[Tensor] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    description: str = "pex"
    version: int = SCHEMA_VERSION

    def add_tensor(self, name: str, shape: tuple[int, ...], type_: str,
                   data: Optional[np.ndarray] = None,
                   quant: Optional[Quantization] = None) -> int:
        """Append a tensor; return its index."""
        if data is not None:
            data = np.ascontiguousarray(data, dtype=NUMPY_TYPES[type_]).reshape(shape)
        self.tensors.append(Tensor(name, tuple(shape), type_, data, quant))
        return len(self.tensors) - 1

    def add_operator(self, opcode: str, inputs: list[int], outputs: list[int],
                     **options: Any) -> None:
        self.operators.append(Operator(opcode, list(inputs), list(outputs), options))


# --------------------------------------------------------------------------
# FlatBuffer encoding
# --------------------------------------------------------------------------

@dataclass
class _Table:
    fields: list[tuple[int, str, Any]]   # (field number, kind, value)
    name: str = ""                       # layout key


@dataclass
class _Vector:
    kind: str                            # struct format of scalars, or "offset"
    items: Any
    name: str = ""
    align: int = 4


@dataclass
class _String:
    text: str
    name: str = ""


_Object = Union[_Table, _Vector, _String]
_SIZES = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "f": 4, "q": 8, "Q": 8}


class _Encoder:
    def __init__(self) -> None:
        self.buf = bytearray()
        self.layout: dict[str, int] = {}

    def pad_to(self, alignment: int, offset: int = 0) -> None:
        while (len(self.buf) + offset) % alignment:
            self.buf.append(0)

    def put(self, fmt: str, *values: Any) -> int:
        position = len(self.buf)
        self.buf += struct.pack("<" + fmt, *values)
        return position

    def patch_offset(self, at: int, target: int) -> None:
        struct.pack_into("<I", self.buf, at, target - at)

    def write(self, obj: _Object) -> int:
        """Write ``obj`` and its children; return its position."""
        if isinstance(obj, _Table):
            return self._table(obj)
        if isinstance(obj, _Vector):
            return self._vector(obj)
        return self._string(obj)

    def _table(self, table: _Table) -> int:
        scalars = [(n, k, v) for n, k, v in table.fields if k in _SIZES and v is not None]
        children = [(n, v) for n, k, v in table.fields if k == "offset" and v is not None]
        slots = max([n for n, _, v in table.fields if v is not None], default=-1) + 1
        # Inline layout: soffset, then fields by decreasing size.
        inline: list[tuple[int, str, Any, int]] = []
        offset = 4
        for n, k, v in sorted(scalars, key=lambda f: -_SIZES[f[1]]):
            size = _SIZES[k]
            offset = (offset + size - 1) // size * size
            inline.append((n, k, v, offset))
            offset += size
        for n, v in children:
            offset = (offset + 3) // 4 * 4
            inline.append((n, "offset", v, offset))
            offset += 4
        table_size = (offset + 3) // 4 * 4
        vtable = [0] * slots
        for n, _, _, off in inline:
            vtable[n] = off
        self.pad_to(2)
        vtable_pos = self.put("HH" + "H" * slots, 4 + 2 * slots, table_size, *vtable)
        self.pad_to(8)
        table_pos = len(self.buf)
        self.buf += bytes(table_size)
        struct.pack_into("<i", self.buf, table_pos, table_pos - vtable_pos)
        if table.name:
            self.layout[table.name] = table_pos
        pending = []
        for n, k, v, off in inline:
            if k == "offset":
                pending.append((table_pos + off, v))
            else:
                struct.pack_into("<" + k, self.buf, table_pos + off, v)
        for at, child in pending:
            self.patch_offset(at, self.write(child))
        return table_pos

    def _vector(self, vector: _Vector) -> int:
        if vector.kind == "offset":
            self.pad_to(4)
            position = self.put("I", len(vector.items))
            slots = [self.put("I", 0) for _ in vector.items]
            if vector.name:
                self.layout[vector.name] = position
            for at, child in zip(slots, vector.items):
                self.patch_offset(at, self.write(child))
            return position
        data = vector.items if isinstance(vector.items, (bytes, bytearray)) else \
            struct.pack("<" + vector.kind * len(vector.items), *vector.items)
        element = 1 if isinstance(vector.items, (bytes, bytearray)) else _SIZES[vector.kind]
        self.pad_to(max(vector.align, element, 4), 4)
        position = self.put("I", len(data) // element)
        self.buf += data
        if vector.name:
            self.layout[vector.name] = position
        return position

    def _string(self, string: _String) -> int:
        self.pad_to(4)
        data = string.text.encode()
        position = self.put("I", len(data))
        self.buf += data + b"\0"
        if string.name:
            self.layout[string.name] = position
        return position


def _options_table(op: Operator, index: int) -> tuple[int, Optional[_Table]]:
    if op.opcode not in OPTIONS:
        return 0, None
    tag, fields = OPTIONS[op.opcode]
    values = []
    for number, fmt, name, default in fields:
        value = op.options.get(name, default)
        if name == "padding":
            value = PADDING[value]
        elif name == "fused_activation_function":
            value = ACTIVATIONS[value]
        values.append((number, fmt, int(value) if fmt != "f" else float(value)))
    unknown = set(op.options) - {name for _, _, name, _ in fields}
    if unknown:
        raise ValueError(f"{op.opcode}: unknown options {sorted(unknown)}")
    return tag, _Table(values, f"options.{index}")


def serialize(model: Model, layout: Optional[dict[str, int]] = None) -> bytes:
    """Encode ``model``; fill ``layout`` with object positions if given."""
    codes: list[tuple[str, str]] = []
    for op in model.operators:
        key = (op.opcode, op.custom_code)
        if key not in codes:
            codes.append(key)
    opcode_tables = []
    for opcode, custom in codes:
        builtin = BUILTIN_CODES[opcode]
        opcode_tables.append(_Table([(0, "b", min(builtin, 127)),
                                     (1, "offset", _String(custom) if custom else None),
                                     (2, "i", 1), (3, "i", builtin)]))
    buffers = [_Table([])]  # buffer 0: the empty sentinel
    tensor_tables = []
    for i, t in enumerate(model.tensors):
        buffer_index = 0
        if t.data is not None:
            raw = np.ascontiguousarray(t.data, dtype=NUMPY_TYPES[t.type]).tobytes()
            buffers.append(_Table([(0, "offset", _Vector("B", raw, f"buffer.{len(buffers)}", 16))]))
            buffer_index = len(buffers) - 1
        quant = None
        if t.quant is not None:
            quant = _Table([(2, "offset", _Vector("f", list(t.quant.scale))),
                            (3, "offset", _Vector("q", list(t.quant.zero_point))),
                            (6, "i", t.quant.quantized_dimension)], f"quantization.{i}")
        tensor_tables.append(_Table([
            (0, "offset", _Vector("i", list(t.shape), f"shape.{i}")),
            (1, "b", TENSOR_TYPES[t.type]), (2, "I", buffer_index),
            (3, "offset", _String(t.name, f"name.{i}")), (4, "offset", quant)],
            f"tensor.{i}"))
    operator_tables = []
    for i, op in enumerate(model.operators):
        tag, options = _options_table(op, i)
        if op.options_type is not None:
            tag = op.options_type
        operator_tables.append(_Table([
            (0, "I", codes.index((op.opcode, op.custom_code))),
            (1, "offset", _Vector("i", op.inputs, f"operator.{i}.inputs")),
            (2, "offset", _Vector("i", op.outputs, f"operator.{i}.outputs")),
            (3, "B", tag if options is not None or op.options_type else None),
            (4, "offset", options)], f"operator.{i}"))
    subgraph = _Table([
        (0, "offset", _Vector("offset", tensor_tables, "subgraph.tensors")),
        (1, "offset", _Vector("i", model.inputs, "subgraph.inputs")),
        (2, "offset", _Vector("i", model.outputs, "subgraph.outputs")),
        (3, "offset", _Vector("offset", operator_tables, "subgraph.operators")),
        (4, "offset", _String("main"))], "subgraph")
    root = _Table([
        (0, "I", model.version),
        (1, "offset", _Vector("offset", opcode_tables, "operator_codes")),
        (2, "offset", _Vector("offset", [subgraph], "subgraphs")),
        (3, "offset", _String(model.description, "description")),
        (4, "offset", _Vector("offset", buffers, "buffers"))], "model")
    encoder = _Encoder()
    encoder.put("I", 0)
    encoder.buf += b"TFL3"
    root_pos = encoder.write(root)
    struct.pack_into("<I", encoder.buf, 0, root_pos)
    if layout is not None:
        layout.update(encoder.layout)
    return bytes(encoder.buf)


# --------------------------------------------------------------------------
# Reading (well-formed files only)
# --------------------------------------------------------------------------

class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def u32(self, at: int) -> int:
        return struct.unpack_from("<I", self.data, at)[0]

    def table(self, at: int) -> "_TableView":
        return _TableView(self, at)

    def follow(self, at: int) -> int:
        return at + self.u32(at)


class _TableView:
    def __init__(self, reader: _Reader, position: int) -> None:
        self.r = reader
        self.pos = position
        vtable = position - struct.unpack_from("<i", reader.data, position)[0]
        size = struct.unpack_from("<H", reader.data, vtable)[0]
        self.slots = struct.unpack_from(f"<{(size - 4) // 2}H", reader.data, vtable + 4)

    def offset(self, number: int) -> int:
        return self.slots[number] if number < len(self.slots) else 0

    def scalar(self, number: int, fmt: str, default: Any) -> Any:
        off = self.offset(number)
        return struct.unpack_from("<" + fmt, self.r.data, self.pos + off)[0] if off else default

    def child(self, number: int) -> Optional[int]:
        off = self.offset(number)
        return self.r.follow(self.pos + off) if off else None

    def vector(self, number: int, fmt: str) -> Optional[list]:
        at = self.child(number)
        if at is None:
            return None
        n = self.r.u32(at)
        return list(struct.unpack_from(f"<{n}{fmt}", self.r.data, at + 4))

    def raw(self, number: int) -> Optional[bytes]:
        at = self.child(number)
        if at is None:
            return None
        return self.r.data[at + 4: at + 4 + self.r.u32(at)]

    def string(self, number: int) -> str:
        raw = self.raw(number)
        return raw.decode() if raw is not None else ""

    def tables(self, number: int) -> list["_TableView"]:
        at = self.child(number)
        if at is None:
            return []
        return [self.r.table(self.r.follow(at + 4 + 4 * i)) for i in range(self.r.u32(at))]


def parse(data: bytes) -> Model:
    """Decode a well-formed TFLite flatbuffer (subgraph 0)."""
    reader = _Reader(data)
    root = reader.table(reader.u32(0))
    codes = []
    for code in root.tables(1):
        builtin = max(code.scalar(0, "b", 0), code.scalar(3, "i", 0))
        codes.append((BUILTIN_NAMES.get(builtin, f"BUILTIN_{builtin}"), code.string(1)))
    buffers = [b.raw(0) for b in root.tables(4)]
    graph = root.tables(2)[0]
    model = Model(description=root.string(3), version=root.scalar(0, "I", 0))
    for t in graph.tables(0):
        type_ = TYPE_NAMES[t.scalar(1, "b", 0)]
        shape = tuple(t.vector(0, "i") or ())
        raw = buffers[t.scalar(2, "I", 0)]
        data = (np.frombuffer(raw, dtype=NUMPY_TYPES[type_]).reshape(shape)
                if raw else None)
        quant = None
        q_at = t.child(4)
        if q_at is not None:
            q = reader.table(q_at)
            scale = q.vector(2, "f")
            if scale:
                quant = Quantization(scale, q.vector(3, "q") or [], q.scalar(6, "i", 0))
        model.tensors.append(Tensor(t.string(3), shape, type_, data, quant))
    model.inputs = graph.vector(1, "i") or []
    model.outputs = graph.vector(2, "i") or []
    for op in graph.tables(3):
        opcode, custom = codes[op.scalar(0, "I", 0)]
        options: dict[str, Any] = {}
        tag = op.scalar(3, "B", 0)
        options_at = op.child(4)
        if options_at is not None and tag in OPTIONS_BY_TAG:
            table = reader.table(options_at)
            for number, fmt, name, default in OPTIONS_BY_TAG[tag]:
                value = table.scalar(number, fmt, None)
                if value is None:
                    value = default
                elif name == "padding":
                    value = {v: k for k, v in PADDING.items()}[value]
                elif name == "fused_activation_function":
                    value = {v: k for k, v in ACTIVATIONS.items()}[value]
                options[name] = value
        model.operators.append(Operator(opcode, op.vector(1, "i") or [],
                                        op.vector(2, "i") or [], options, custom))
    return model
