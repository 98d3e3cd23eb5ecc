"""Deterministic tiny int8 TFLite models, and corrupted copies of one.

:data:`MODELS` maps a name to a builder of a :class:`pex.tflite_model.Model`
that exercises a few operators the importer supports (parameters chosen to
reach the interesting arithmetic: per-channel scales, padding on one side
only, even and odd pooling windows, broadcasting, a mean over space and over
channels, ...). Weights and quantisation parameters come from
``numpy.random.default_rng(seed)``.

:func:`corruptions` derives malformed or hostile files from the
``conv_relu6`` model: truncated files, offsets and lengths pointing outside
the file, broken vtables, out-of-range indices, inconsistent shapes and
quantisation, shared sub-objects that would make a reader loop, ... Each
comes with the error the importer must report (see
test/Target/TFLite/corrupt.test).
"""

from __future__ import annotations

import struct
from typing import Callable

import numpy as np

from pex.tflite_model import Model, Operator, Quantization, serialize

Q = Quantization


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _weights(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(-127, 128, size=shape, dtype=np.int64).astype(np.int8)


def _channel_scales(rng: np.random.Generator, count: int) -> list[float]:
    return [float(np.float32(s)) for s in rng.uniform(0.002, 0.02, size=count)]


def _bias(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(-2000, 2000, size=count).astype(np.int32)


def conv_relu6(seed: int = 0) -> Model:
    """3x3 stride-2 SAME convolution (padded after only), RELU6."""
    rng = _rng(seed)
    m = Model()
    x = m.add_tensor("input", (1, 8, 8, 3), "int8", quant=Q([0.05], [-3]))
    w = m.add_tensor("filter", (4, 3, 3, 3), "int8", _weights(rng, (4, 3, 3, 3)),
                     Q(_channel_scales(rng, 4), [0] * 4, 0))
    b = m.add_tensor("bias", (4,), "int32", _bias(rng, 4), Q([1e-4] * 4, [0] * 4))
    y = m.add_tensor("output", (1, 4, 4, 4), "int8", quant=Q([0.03], [-128]))
    m.add_operator("CONV_2D", [x, w, b], [y], padding="SAME", stride_w=2, stride_h=2,
                   fused_activation_function="RELU6")
    m.inputs, m.outputs = [x], [y]
    return m


def dwconv(seed: int = 1) -> Model:
    """Depthwise 3x3, multiplier 2, dilation 2, VALID, RELU; then SAME stride 2."""
    rng = _rng(seed)
    m = Model()
    x = m.add_tensor("input", (1, 9, 8, 4), "int8", quant=Q([0.04], [5]))
    w = m.add_tensor("filter", (1, 3, 3, 8), "int8", _weights(rng, (1, 3, 3, 8)),
                     Q(_channel_scales(rng, 8), [0] * 8, 3))
    b = m.add_tensor("bias", (8,), "int32", _bias(rng, 8))
    y = m.add_tensor("dw1", (1, 5, 4, 8), "int8", quant=Q([0.06], [-128]))
    m.add_operator("DEPTHWISE_CONV_2D", [x, w, b], [y], padding="VALID", depth_multiplier=2,
                   dilation_w_factor=2, dilation_h_factor=2, fused_activation_function="RELU")
    w2 = m.add_tensor("filter2", (1, 3, 3, 8), "int8", _weights(rng, (1, 3, 3, 8)),
                      Q([0.01], [0]))
    z = m.add_tensor("dw2", (1, 3, 2, 8), "int8", quant=Q([0.05], [2]))
    m.add_operator("DEPTHWISE_CONV_2D", [y, w2, -1], [z], padding="SAME", stride_w=2,
                   stride_h=2)
    m.inputs, m.outputs = [x], [z]
    return m


def fully_connected(seed: int = 2) -> Model:
    """FC per tensor (float product of scales) without bias, then per channel."""
    rng = _rng(seed)
    m = Model()
    x = m.add_tensor("input", (2, 3, 4), "int8", quant=Q([0.1], [-10]))
    w = m.add_tensor("weights", (6, 12), "int8", _weights(rng, (6, 12)), Q([0.0123], [0]))
    h = m.add_tensor("hidden", (2, 6), "int8", quant=Q([0.2], [7]))
    m.add_operator("FULLY_CONNECTED", [x, w, -1], [h], fused_activation_function="RELU")
    w2 = m.add_tensor("weights2", (5, 6), "int8", _weights(rng, (5, 6)),
                      Q(_channel_scales(rng, 5), [0] * 5, 0))
    b2 = m.add_tensor("bias2", (5,), "int32", _bias(rng, 5))
    y = m.add_tensor("output", (2, 5), "int8", quant=Q([0.07], [-1]))
    m.add_operator("FULLY_CONNECTED", [h, w2, b2], [y])
    m.inputs, m.outputs = [x], [y]
    return m


def add(seed: int = 3) -> Model:
    """Quantised ADD with broadcasting of a lower-rank operand, RELU."""
    m = Model()
    a = m.add_tensor("a", (1, 4, 4, 8), "int8", quant=Q([0.031], [-7]))
    b = m.add_tensor("b", (4, 1, 8), "int8", quant=Q([0.0577], [12]))
    y = m.add_tensor("sum", (1, 4, 4, 8), "int8", quant=Q([0.061], [-128]))
    m.add_operator("ADD", [a, b], [y], fused_activation_function="RELU")
    c = m.add_tensor("c", (1, 4, 4, 8), "int8", quant=Q([0.013], [100]))
    z = m.add_tensor("sum2", (1, 4, 4, 8), "int8", quant=Q([0.05], [3]))
    m.add_operator("ADD", [y, c], [z])
    m.inputs, m.outputs = [a, b, c], [z]
    return m


def pools(seed: int = 4) -> Model:
    """Average pools with uneven (SAME) and odd (global) windows, max pool."""
    m = Model()
    x = m.add_tensor("input", (1, 7, 7, 3), "int8", quant=Q([0.02], [-20]))
    p = m.add_tensor("avg_same", (1, 4, 4, 3), "int8", quant=Q([0.02], [-20]))
    m.add_operator("AVERAGE_POOL_2D", [x], [p], padding="SAME", stride_w=2, stride_h=2,
                   filter_width=3, filter_height=3)
    g = m.add_tensor("avg_global", (1, 1, 1, 3), "int8", quant=Q([0.02], [-20]))
    m.add_operator("AVERAGE_POOL_2D", [x], [g], padding="VALID", stride_w=7, stride_h=7,
                   filter_width=7, filter_height=7)
    q = m.add_tensor("max", (1, 3, 3, 3), "int8", quant=Q([0.02], [-20]))
    m.add_operator("MAX_POOL_2D", [x], [q], padding="VALID", stride_w=2, stride_h=2,
                   filter_width=2, filter_height=2, fused_activation_function="RELU6")
    e = m.add_tensor("avg_even", (1, 3, 3, 3), "int8", quant=Q([0.02], [-20]))
    m.add_operator("AVERAGE_POOL_2D", [q], [e], padding="SAME", stride_w=1, stride_h=1,
                   filter_width=2, filter_height=2, fused_activation_function="RELU")
    m.inputs, m.outputs = [x], [p, g, e]
    return m


def reshape_softmax(seed: int = 5) -> Model:
    """RESHAPE then SOFTMAX over 10 and over 40 values (two betas)."""
    m = Model()
    x = m.add_tensor("input", (1, 2, 5, 4), "int8", quant=Q([0.11], [3]))
    r = m.add_tensor("rows", (4, 10), "int8", quant=Q([0.11], [3]))
    shape = m.add_tensor("shape", (2,), "int32", np.array([4, 10], dtype=np.int32))
    m.add_operator("RESHAPE", [x, shape], [r])
    s = m.add_tensor("softmax", (4, 10), "int8", quant=Q([1 / 256], [-128]))
    m.add_operator("SOFTMAX", [r], [s], beta=1.0)
    r2 = m.add_tensor("wide", (1, 40), "int8", quant=Q([0.11], [3]))
    m.add_operator("RESHAPE", [x], [r2])
    s2 = m.add_tensor("softmax2", (1, 40), "int8", quant=Q([1 / 256], [-128]))
    m.add_operator("SOFTMAX", [r2], [s2], beta=0.7)
    m.inputs, m.outputs = [x], [s, s2]
    return m


def mean(seed: int = 6) -> Model:
    """MEAN over H and W (kept) and over channels (dropped)."""
    m = Model()
    x = m.add_tensor("input", (1, 4, 6, 8), "int8", quant=Q([0.03], [-5]))
    axes = m.add_tensor("axes", (2,), "int32", np.array([1, 2], dtype=np.int32))
    s = m.add_tensor("spatial", (1, 1, 1, 8), "int8", quant=Q([0.021], [4]))
    m.add_operator("MEAN", [x, axes], [s], keep_dims=True)
    last = m.add_tensor("last", (1,), "int32", np.array([-1], dtype=np.int32))
    c = m.add_tensor("channels", (1, 4, 6), "int8", quant=Q([0.03], [-5]))
    m.add_operator("MEAN", [x, last], [c], keep_dims=False)
    m.inputs, m.outputs = [x], [s, c]
    return m


def pad_concat(seed: int = 7) -> Model:
    """PAD with the zero point, CONCATENATION along channels."""
    m = Model()
    x = m.add_tensor("input", (1, 3, 3, 2), "int8", quant=Q([0.05], [9]))
    paddings = m.add_tensor("paddings", (4, 2), "int32",
                            np.array([[0, 0], [1, 2], [2, 1], [0, 0]], dtype=np.int32))
    p = m.add_tensor("padded", (1, 6, 6, 2), "int8", quant=Q([0.05], [9]))
    m.add_operator("PAD", [x, paddings], [p])
    y = m.add_tensor("other", (1, 6, 6, 3), "int8", quant=Q([0.05], [9]))
    c = m.add_tensor("concat", (1, 6, 6, 5), "int8", quant=Q([0.05], [9]))
    m.add_operator("CONCATENATION", [p, y], [c], axis=-1)
    m.inputs, m.outputs = [x, y], [c]
    return m


def quantize(seed: int = 8) -> Model:
    """float32 -> int8 QUANTIZE, int8 -> int8 requantisation, DEQUANTIZE."""
    m = Model()
    x = m.add_tensor("input", (4, 64), "float32")
    q = m.add_tensor("quantized", (4, 64), "int8", quant=Q([0.0137], [-4]))
    m.add_operator("QUANTIZE", [x], [q])
    r = m.add_tensor("requantized", (4, 64), "int8", quant=Q([0.029], [11]))
    m.add_operator("QUANTIZE", [q], [r])
    d = m.add_tensor("dequantized", (4, 64), "float32")
    m.add_operator("DEQUANTIZE", [r], [d])
    m.inputs, m.outputs = [x], [d]
    return m


def logistic(seed: int = 9) -> Model:
    """int8 LOGISTIC (a 256-entry table)."""
    m = Model()
    x = m.add_tensor("input", (1, 256), "int8", quant=Q([0.045], [-6]))
    y = m.add_tensor("output", (1, 256), "int8", quant=Q([1 / 256], [-128]))
    m.add_operator("LOGISTIC", [x], [y])
    m.inputs, m.outputs = [x], [y]
    return m


def log_softmax(seed: int = 12) -> Model:
    """int8 LOG_SOFTMAX over 7 values with a coarse input scale (differences
    below -62 drop out of the sum), over 1000 values (sums up to 2^29) and
    over a single value."""
    m = Model()
    specs = [("coarse", (3, 7), 0.31, 5), ("wide", (2, 1000), 0.02, -20),
             ("single", (2, 1), 0.1, 0)]
    inputs, outputs = [], []
    for name, shape, scale, zero_point in specs:
        x = m.add_tensor(name, shape, "int8", quant=Q([scale], [zero_point]))
        y = m.add_tensor(name + "_log", shape, "int8", quant=Q([16 / 256], [127]))
        m.add_operator("LOG_SOFTMAX", [x], [y])
        inputs.append(x)
        outputs.append(y)
    m.inputs, m.outputs = inputs, outputs
    return m


def float_three_outputs(seed: int = 13) -> Model:
    """A float32 image in, three outputs: a float32 feature map (DEQUANTIZE
    of a convolution), an int8 pooled map, and float32 class scores (MEAN,
    RESHAPE, SOFTMAX, DEQUANTIZE): a detection-style boundary."""
    rng = _rng(seed)
    m = Model()
    x = m.add_tensor("image", (1, 8, 8, 3), "float32")
    q = m.add_tensor("quantized", (1, 8, 8, 3), "int8", quant=Q([1 / 64], [2]))
    m.add_operator("QUANTIZE", [x], [q])
    w = m.add_tensor("filter", (6, 3, 3, 3), "int8", _weights(rng, (6, 3, 3, 3)),
                     Q(_channel_scales(rng, 6), [0] * 6, 0))
    b = m.add_tensor("bias", (6,), "int32", _bias(rng, 6), Q([1e-4] * 6, [0] * 6))
    c = m.add_tensor("features", (1, 8, 8, 6), "int8", quant=Q([0.05], [-128]))
    m.add_operator("CONV_2D", [q, w, b], [c], padding="SAME", stride_w=1, stride_h=1,
                   fused_activation_function="RELU")
    f = m.add_tensor("features_float", (1, 8, 8, 6), "float32")
    m.add_operator("DEQUANTIZE", [c], [f])
    p = m.add_tensor("pooled", (1, 4, 4, 6), "int8", quant=Q([0.05], [-128]))
    m.add_operator("MAX_POOL_2D", [c], [p], padding="VALID", stride_w=2, stride_h=2,
                   filter_width=2, filter_height=2)
    axes = m.add_tensor("axes", (2,), "int32", np.array([1, 2], dtype=np.int32))
    g = m.add_tensor("pooled_mean", (1, 1, 1, 6), "int8", quant=Q([0.04], [-100]))
    m.add_operator("MEAN", [c, axes], [g], keep_dims=True)
    shape = m.add_tensor("shape", (2,), "int32", np.array([1, 6], dtype=np.int32))
    r = m.add_tensor("logits", (1, 6), "int8", quant=Q([0.04], [-100]))
    m.add_operator("RESHAPE", [g, shape], [r])
    s = m.add_tensor("scores", (1, 6), "int8", quant=Q([1 / 256], [-128]))
    m.add_operator("SOFTMAX", [r], [s], beta=1.0)
    sf = m.add_tensor("scores_float", (1, 6), "float32")
    m.add_operator("DEQUANTIZE", [s], [sf])
    m.inputs, m.outputs = [x], [f, p, sf]
    return m


MODELS: dict[str, Callable[[], Model]] = {
    "conv_relu6": conv_relu6, "dwconv": dwconv, "fully_connected": fully_connected,
    "add": add, "pools": pools, "reshape_softmax": reshape_softmax, "mean": mean,
    "pad_concat": pad_concat, "quantize": quantize, "logistic": logistic,
    "log_softmax": log_softmax, "float_three_outputs": float_three_outputs,
}


def options_tolerance(seed: int = 10) -> Model:
    """TRANSPOSE with a foreign (ReshapeOptions) table, which TFLite Micro
    ignores, then SQUEEZE without its options table (the defaults: every
    dimension of size 1 goes)."""
    m = Model()
    x = m.add_tensor("input", (1, 3, 1, 5), "int8", quant=Q([0.02], [-3]))
    perm = m.add_tensor("perm", (4,), "int32", np.array([0, 2, 3, 1], dtype=np.int32))
    t = m.add_tensor("transposed", (1, 1, 5, 3), "int8", quant=Q([0.02], [-3]))
    m.add_operator("TRANSPOSE", [x, perm], [t])
    m.operators[-1].options_type = 17
    y = m.add_tensor("squeezed", (5, 3), "int8", quant=Q([0.02], [-3]))
    m.add_operator("SQUEEZE", [t], [y])
    m.inputs, m.outputs = [x], [y]
    return m


def transpose_dynamic_perm(seed: int = 11) -> Model:
    """TRANSPOSE whose perm is not a constant: rejected."""
    m = Model()
    x = m.add_tensor("input", (1, 3, 5, 7), "int8", quant=Q([0.02], [-3]))
    perm = m.add_tensor("perm", (4,), "int32")
    t = m.add_tensor("transposed", (1, 5, 7, 3), "int8", quant=Q([0.02], [-3]))
    m.add_operator("TRANSPOSE", [x, perm], [t])
    m.inputs, m.outputs = [x], [t]
    return m


def duplicate_output(seed: int = 12) -> Model:
    """conv_relu6 listing its one output tensor twice: it imports, and the
    legality gate rejects the two aliased results."""
    m = conv_relu6(seed)
    m.outputs = m.outputs * 2
    return m


#: Models only for import tests (the numpy reference does not run them).
IMPORT_MODELS: dict[str, Callable[[], Model]] = {
    "options_tolerance": options_tolerance,
    "transpose_dynamic_perm": transpose_dynamic_perm,
    "duplicate_output": duplicate_output,
}


def random_inputs(model: Model, seed: int) -> list[np.ndarray]:
    """Uniform int8 inputs; float inputs spread over the quantised range."""
    rng = np.random.default_rng([seed, 2])
    arrays = []
    for index in model.inputs:
        t = model.tensors[index]
        if t.type == "int8":
            arrays.append(rng.integers(-128, 128, size=t.shape).astype(np.int8))
        else:
            values = rng.uniform(-3.0, 3.0, size=t.shape).astype(np.float32)
            # Include exact halfway points of the quantisation grid.
            values.flat[:4] = np.float32([0.5, -0.5, 2.5, -1.5]) * np.float32(0.0137)
            arrays.append(values)
    return arrays


# --------------------------------------------------------------------------
# Corrupted files
# --------------------------------------------------------------------------

def _patch(data: bytes, at: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into("<" + fmt, out, at, value)
    return bytes(out)


def _vtable_of(data: bytes, table: int) -> int:
    return table - struct.unpack_from("<i", data, table)[0]


def _field_slot(data: bytes, table: int, field: int) -> int:
    """Position of a table's field offset (uint16) in its vtable."""
    return _vtable_of(data, table) + 4 + 2 * field


def _field_position(data: bytes, table: int, field: int) -> int:
    return table + struct.unpack_from("<H", data, _field_slot(data, table, field))[0]


def _with(model_change: Callable[[Model], None]) -> bytes:
    m = conv_relu6()
    model_change(m)
    return serialize(m)


def _amplifier() -> bytes:
    """Operators sharing one table with a long input list: legal FlatBuffer
    sharing that makes a reader decode far more than the file holds."""
    m = conv_relu6()
    m.operators[0].inputs = [0] * 20000
    m.operators += [Operator("RESHAPE", [0], [3]) for _ in range(1999)]
    layout: dict[str, int] = {}
    data = bytearray(serialize(m, layout))
    operators = layout["subgraph.operators"]
    first = layout["operator.0"]
    # Every entry points at operator 0, which follows the vector (offsets
    # only point forward).
    for i in range(1, len(m.operators)):
        entry = operators + 4 + 4 * i
        struct.pack_into("<I", data, entry, first - entry)
    return bytes(data)


def corruptions() -> dict[str, bytes]:
    """Malformed variants of ``conv_relu6``, by name."""
    layout: dict[str, int] = {}
    good = serialize(conv_relu6(), layout)
    tensors = layout["subgraph.tensors"]
    op0 = layout["operator.0"]
    tensor0 = layout["tensor.0"]
    out: dict[str, bytes] = {}
    out["empty"] = b""
    out["truncated-header"] = good[:6]
    out["truncated"] = good[:len(good) // 2]
    out["bad-identifier"] = good[:4] + b"TFL2" + good[8:]
    out["root-outside"] = _patch(good, 0, "I", len(good) + 100)
    out["vtable-outside"] = _patch(good, layout["model"], "i", -0x7fff0000)
    out["vtable-size-odd"] = _patch(good, _vtable_of(good, layout["model"]), "H", 7)
    out["table-size-small"] = _patch(good, _vtable_of(good, layout["model"]) + 2, "H", 2)
    out["field-past-table"] = _patch(good, _field_slot(good, tensor0, 2), "H", 0xfff0)
    out["vector-length-huge"] = _patch(good, tensors, "I", 0x7fffffff)
    out["offset-outside"] = _patch(good, _field_position(good, tensor0, 0), "I", 0xfffffff0)
    name = layout["name.0"]
    length = struct.unpack_from("<I", good, name)[0]
    out["string-unterminated"] = _patch(good, name + 4 + length, "B", ord("x"))
    out["opcode-index"] = _patch(good, _field_position(good, op0, 0), "I", 7)
    out["tensor-index"] = _patch(good, layout["operator.0.inputs"] + 4, "i", 99)
    out["buffer-index"] = _patch(good, _field_position(good, tensor0, 2), "I", 1234)
    shape0 = layout["shape.0"]
    out["negative-dimension"] = _patch(good, shape0 + 8, "i", -9)
    out["huge-tensor"] = _patch(_patch(good, shape0 + 8, "i", 1 << 20), shape0 + 12,
                                "i", 1 << 20)
    out["rank-too-high"] = _patch(good, layout["shape.1"], "I", 7)
    out["schema-version"] = _patch(good, _field_position(good, layout["model"], 0), "I", 2)
    out["buffer-size-mismatch"] = _patch(good, layout["buffer.1"], "I", 17)
    out["amplification"] = _amplifier()

    def options_type(m: Model) -> None:
        m.operators[0].options_type = 17  # ReshapeOptions on a CONV_2D
    out["options-type"] = _with(options_type)

    def unsupported_op(m: Model) -> None:
        m.operators[0] = Operator("DIV", [0], [3])
    out["unsupported-operator"] = _with(unsupported_op)

    def custom_op(m: Model) -> None:
        m.operators[0] = Operator("CUSTOM", [0], [3], custom_code="MyOp")
    out["custom-operator"] = _with(custom_op)

    def read_before_write(m: Model) -> None:
        m.inputs = []
    out["read-before-write"] = _with(read_before_write)

    def output_shape(m: Model) -> None:
        m.tensors[3].shape = (1, 4, 3, 4)
    out["output-shape"] = _with(output_shape)

    def scale_count(m: Model) -> None:
        m.tensors[1].quant.scale = m.tensors[1].quant.scale[:3]
        m.tensors[1].quant.zero_point = [0] * 3
    out["filter-scales"] = _with(scale_count)

    def zero_point(m: Model) -> None:
        m.tensors[0].quant.zero_point = [300]
    out["zero-point-range"] = _with(zero_point)

    def bad_scale(m: Model) -> None:
        m.tensors[3].quant.scale = [float("nan")]
    out["scale-nan"] = _with(bad_scale)

    def dynamic_filter(m: Model) -> None:
        m.tensors[1].data = None
        m.inputs = [0, 1]
    out["dynamic-filter"] = _with(dynamic_filter)

    def double_write(m: Model) -> None:
        m.operators.append(m.operators[0])
    out["double-write"] = _with(double_write)

    def no_outputs(m: Model) -> None:
        m.outputs = []
    out["no-outputs"] = _with(no_outputs)
    return out
