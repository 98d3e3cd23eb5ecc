"""Deterministic generator of int8 and f32 TOSA test models.

Networks (MobileNetV1/V2, the MLPerf Tiny DS-CNN and ResNet-8, an
MCUNet-like network) and single blocks are built as
:class:`~pex.tosa_graph.Graph` objects with random but deterministic
weights, printed as MLIR by :func:`~pex.tosa_graph.to_mlir` and executed
by :func:`pex.tosa_ref.run`.

int8 graphs follow what TFLite post-training quantisation lowered to TOSA
looks like:

* activations are int8 NHWC with a per-tensor scale and zero point; weights
  are int8, symmetric (zero point 0) per output channel; biases are int32
  with scale ``input_scale * weight_scale[c]``;
* every convolution is followed by ``tosa.rescale`` (i32 -> i8, per
  channel, ``scale32``, ``DOUBLE_ROUND``) and, for ReLU/ReLU6 layers, by a
  ``tosa.clamp`` in the quantised domain;
* residual additions rescale both inputs to i32 with TFLite's extra left
  shift of 20 bits, add in i32 and rescale to i8;
* average pooling keeps the quantisation of its input; fully connected
  layers are a 1x1 ``conv2d`` (or ``matmul`` plus a bias ``add``) and a
  ``reshape`` to ``[1, classes]``.

Output scales are calibrated like post-training quantisation: while the
graph is built, every operation is evaluated by the reference interpreter on
a few random inputs and each output scale covers the observed range of real
values (``[0, max]`` after ReLU, so those zero points are -128; ReLU6 caps
the range at 6).  Reference outputs are therefore neither all saturated nor
all zero.

f32 graphs have the same structure and the float weights the int8 weights
are quantised from, without rescales (zero points are f32 0.0, ReLU6 is
``clamp`` to [0, 6]).

Determinism: weights come from ``numpy.random.default_rng(seed)``, the
calibration inputs from ``default_rng([seed, 1])`` and the inputs of
:func:`random_inputs` from ``default_rng([seed, 2])``; the same arguments
give the same text with the same numpy.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import math
import sys
from typing import Callable, Optional, Sequence, Union

import numpy as np

from pex import tosa_ref
from pex.tosa_graph import NUMPY_DTYPES, Graph, Op, QParams, Value, to_mlir

DTYPES = ("int8", "f32")
FC_MODES = ("conv2d", "matmul")
#: Extra left shift of 8-bit ADD inputs in TFLite (and its TOSA lowering).
ADD_INPUT_SHIFT = 20
#: Number of random inputs the int8 output scales are calibrated on.
CALIBRATION_SAMPLES = 8
#: Standard deviation of the (float) biases.
BIAS_STD = 0.1
#: Smallest calibrated real range of a tensor (guards against dead layers).
MIN_RANGE = 1e-3
#: Largest float32, the upper bound of an f32 ReLU.
F32_MAX = float(np.finfo(np.float32).max)

#: Input quantisation of image models ([-1, 1], as TFLite int8 MobileNets).
IMAGE_INPUT = QParams(2.0 / 255.0, -1)
#: Input quantisation of DS-CNN (MFCC features in about [-106, 22]).
MFCC_INPUT = QParams(0.5, 83)
#: Input quantisation of blocks whose input follows a ReLU6.
RELU6_INPUT = QParams(6.0 / 255.0, -128)
#: Input quantisation of blocks whose input follows a ReLU.
RELU_INPUT = QParams(0.02, -128)
#: Input quantisation of blocks whose input is a linear bottleneck.
LINEAR_INPUT = QParams(0.04, 5)

Activation = Optional[str]  # None, "relu" or "relu6"
IntPair = Union[int, tuple[int, int]]


# --------------------------------------------------------------------------
# Quantisation helpers
# --------------------------------------------------------------------------

def make_divisible(value: float, divisor: int = 8, min_value: Optional[int] = None) -> int:
    """Round a channel count to a multiple of ``divisor`` (MobileNet rule).

    Rounds to the nearest multiple, at least ``min_value`` (default
    ``divisor``), and never more than 10% below ``value``.
    """
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def _round_half_away(x: float) -> int:
    """``std::round``: halves round away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def quantize_scale(real: float) -> tuple[int, int]:
    """32-bit TOSA multiplier and shift with ``multiplier * 2**-shift ~ real``.

    Same as MLIR's ``computeMultiplierAndShift`` for ``scale32``: the
    multiplier is in ``[2**30, 2**31)``.  Raises ``ValueError`` if the shift
    falls outside TOSA's ``[2, 62]``.
    """
    if not real > 0.0:
        raise ValueError(f"scale must be positive, got {real}")
    mantissa, exponent = math.frexp(real)  # real = mantissa * 2**exponent
    multiplier = _round_half_away(mantissa * (1 << 31))
    if multiplier == 1 << 31:
        multiplier //= 2
        exponent += 1
    shift = 31 - exponent
    if not 2 <= shift <= 62:
        raise ValueError(f"scale {real} needs shift {shift} outside [2, 62]")
    return multiplier, shift


def _calibrated_qparams(real: np.ndarray, act: Activation) -> QParams:
    """Asymmetric int8 quantisation covering ``real`` (and 0)."""
    lo = min(0.0, float(real.min()))
    hi = max(0.0, float(real.max()))
    if act == "relu6":
        hi = min(hi, 6.0)
    scale = max(hi - lo, MIN_RANGE) / 255.0
    zp = min(127, max(-128, _round_half_away(-128.0 - lo / scale)))
    return QParams(scale, zp)


def _random_tensor(rng: np.random.Generator, value: Value, q: QParams) -> np.ndarray:
    """Uniform int8 data, dequantised with ``q`` for f32 values."""
    data = rng.integers(-128, 128, size=value.shape, dtype=np.int8)
    if value.dtype == "f32":
        return ((data.astype(np.float32) - q.zp) * np.float32(q.scale)).astype(np.float32)
    return data


def _rescale_attrs(per_channel: bool) -> dict[str, object]:
    """Attributes of the (signed, 32-bit, double-rounding) rescales."""
    return {"input_unsigned": False, "output_unsigned": False, "per_channel": per_channel,
            "rounding_mode": "DOUBLE_ROUND", "scale32": True}


def _pair(v: IntPair) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _same_padding(size: int, kernel: int, stride: int) -> tuple[int, int, int, int]:
    """TensorFlow ``padding='same'``: (before, after, crop, output size).

    TF puts the odd padding element after.  When the last window ends before
    the input does (1x1 kernels with stride 2 on even sizes), TOSA's exact
    output-size rule needs the ``crop`` trailing rows/columns sliced off.
    """
    out = -(-size // stride)
    total = (out - 1) * stride + kernel - size
    if total >= 0:
        return total // 2, total - total // 2, 0, out
    return 0, 0, -total, out


# --------------------------------------------------------------------------
# Graph builder
# --------------------------------------------------------------------------

class Builder:
    """Appends layers to a :class:`Graph` and calibrates them as it goes.

    Every emitted operation is evaluated at once with
    :func:`pex.tosa_ref.eval_op` on the calibration inputs, so int8 layers
    can choose their output quantisation from real accumulator values.
    """

    def __init__(self, dtype: str, seed: int) -> None:
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
        self.int8 = dtype == "int8"
        self.act_type = "i8" if self.int8 else "f32"
        self.graph = Graph(name="main")
        self._rng = np.random.default_rng(seed)
        self._calibration_rng = np.random.default_rng([seed, 1])
        samples = CALIBRATION_SAMPLES if self.int8 else 1
        self._envs: list[dict[str, np.ndarray]] = [{} for _ in range(samples)]
        self._zero_points: dict[tuple[str, float], Value] = {}
        self._names: set[str] = set()

    # -- values --------------------------------------------------------------

    def _unique(self, name: str) -> str:
        """Reserve ``name``, or ``name_N`` if it is taken."""
        unique, suffix = name, 0
        while unique in self._names:
            suffix += 1
            unique = f"{name}_{suffix}"
        self._names.add(unique)
        return unique

    def _const(self, name: str, data: np.ndarray, dtype: str) -> Value:
        data = np.ascontiguousarray(data, dtype=NUMPY_DTYPES[dtype])
        shape = (data.size,) if dtype == "shape" else data.shape
        value = Value(self._unique(name), shape, dtype)
        self.graph.consts[value.name] = data
        for env in self._envs:
            env[value.name] = data
        return value

    def _shape(self, name: str, dims: Sequence[int]) -> Value:
        return self._const(name, np.array(dims), "shape")

    def _zp(self, value: float, dtype: str) -> Value:
        """A shared one-element zero-point constant."""
        key = (dtype, value)
        if key not in self._zero_points:
            sign = "m" if value < 0 else ""
            label = "f32" if dtype == "f32" else f"{dtype}_{sign}{abs(int(value))}"
            self._zero_points[key] = self._const(f"zp_{label}", np.array([value]), dtype)
        return self._zero_points[key]

    def _in_zp(self, x: Value) -> Value:
        """The zero point of activation ``x`` (0.0 for f32)."""
        return self._zp(self.graph.quant[x.name].zp, "i8") if self.int8 else self._zp(0.0, "f32")

    def _emit(self, kind: str, operands: Sequence[Value], shape: Sequence[int], dtype: str,
              attrs: dict, name: str) -> Value:
        result = Value(self._unique(name), tuple(shape), dtype)
        op = Op(kind, tuple(operands), result, dict(attrs))
        self.graph.ops.append(op)
        for env in self._envs:
            env[result.name] = tosa_ref.eval_op(op, env)
        return result

    def _keep_quant(self, src: Value, dst: Value) -> Value:
        """Give ``dst`` the quantisation of ``src`` (int8 graphs); return ``dst``."""
        if self.int8:
            self.graph.quant[dst.name] = self.graph.quant[src.name]
        return dst

    def _calibration(self, value: Value) -> np.ndarray:
        """The calibration data of ``value``, stacked along a new axis 0."""
        return np.stack([env[value.name] for env in self._envs])

    def input(self, shape: Sequence[int], q: QParams, name: str = "input") -> Value:
        """Add a graph input; ``q`` is its quantisation in the int8 graph."""
        value = Value(self._unique(name), tuple(shape), self.act_type)
        self.graph.inputs.append(value)
        self.graph.quant[value.name] = q
        for env in self._envs:
            env[value.name] = _random_tensor(self._calibration_rng, value, q)
        return value

    def finish(self, outputs: Sequence[Value], func_name: str = "main") -> Graph:
        """Set the outputs and the function name; return the graph."""
        self.graph.outputs = list(outputs)
        self.graph.name = func_name
        return self.graph

    # -- parameters ----------------------------------------------------------

    def _weights(self, shape: tuple[int, ...], fan_in: int,
                 channel_axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """He-normal float weights, their int8 per-channel quantisation and scales."""
        real = self._rng.standard_normal(shape) * math.sqrt(2.0 / fan_in)
        axes = tuple(a for a in range(len(shape)) if a != channel_axis)
        max_abs = np.max(np.abs(real), axis=axes, keepdims=True)
        quantized = np.clip(np.rint(real * 127.0 / max_abs), -127, 127).astype(np.int8)
        return real.astype(np.float32), quantized, (max_abs / 127.0).reshape(-1)

    def _bias(self, channels: int) -> np.ndarray:
        return self._rng.normal(0.0, BIAS_STD, channels)

    def _quantized_bias(self, real: np.ndarray, scales: np.ndarray) -> np.ndarray:
        bias = np.rint(real / scales)
        if np.any(np.abs(bias) >= 2**31):
            raise ValueError("bias does not fit in int32")
        return bias.astype(np.int32)

    # -- int8 requantisation and activations ---------------------------------

    def _requantize(self, acc: Value, acc_scales: np.ndarray, act: Activation,
                    per_channel: bool, name: str) -> Value:
        """Rescale an i32 accumulator (real value ``acc * acc_scales``) to i8."""
        real = self._calibration(acc) * acc_scales
        if act is not None:
            real = np.maximum(real, 0.0)
        q = _calibrated_qparams(real, act)
        params = [quantize_scale(s / q.scale) for s in acc_scales]
        multiplier = self._const(f"{name}_mult", np.array([m for m, _ in params]), "i32")
        shift = self._const(f"{name}_shift", np.array([s for _, s in params]), "i8")
        zps = (self._zp(0, "i32"), self._zp(q.zp, "i8"))
        y = self._emit("rescale", (acc, multiplier, shift, *zps), acc.shape, "i8",
                       _rescale_attrs(per_channel), name if act is None else f"{name}_q")
        self.graph.quant[y.name] = q
        return self._activation(y, act, name)

    def _activation(self, y: Value, act: Activation, name: str) -> Value:
        """``tosa.clamp`` for ReLU/ReLU6 (in the quantised domain for int8)."""
        if act is None:
            return y
        if act not in ("relu", "relu6"):
            raise ValueError(f"unknown activation {act!r}")
        if self.int8:
            q = self.graph.quant[y.name]
            lo: Union[int, float] = max(-128, q.zp)
            hi: Union[int, float] = 127 if act == "relu" else \
                min(127, q.zp + _round_half_away(6.0 / q.scale))
        else:
            lo, hi = 0.0, (F32_MAX if act == "relu" else 6.0)
        out = self._emit("clamp", (y,), y.shape, y.dtype, {"max_val": hi, "min_val": lo}, name)
        return self._keep_quant(y, out)

    # -- layers ----------------------------------------------------------------

    def _padded(self, x: Value, kernel: tuple[int, int], stride: tuple[int, int],
                name: str) -> tuple[Value, tuple[int, int, int, int], tuple[int, int]]:
        """Same padding of ``x``: maybe-cropped input, TOSA pad, output size."""
        top, bottom, crop_h, oh = _same_padding(x.shape[1], kernel[0], stride[0])
        left, right, crop_w, ow = _same_padding(x.shape[2], kernel[1], stride[1])
        if crop_h or crop_w:
            x = self._slice(x, (1, x.shape[1] - crop_h, x.shape[2] - crop_w, x.shape[3]),
                            f"{name}_crop")
        return x, (top, bottom, left, right), (oh, ow)

    def _conv(self, kind: str, x: Value, weights: tuple[np.ndarray, np.ndarray, np.ndarray],
              pad: tuple[int, ...], stride: tuple[int, int], out_shape: tuple[int, ...],
              act: Activation, name: str, dilation: tuple[int, int] = (1, 1)) -> Value:
        real_w, quant_w, w_scales = weights
        real_b = self._bias(out_shape[-1])
        attrs = {"acc_type": "i32" if self.int8 else "f32", "dilation": dilation,
                 "pad": pad, "stride": stride}
        if not self.int8:
            w = self._const(f"{name}_w", real_w, "f32")
            b = self._const(f"{name}_b", real_b, "f32")
            zp = self._zp(0.0, "f32")
            y = self._emit(kind, (x, w, b, zp, zp), out_shape, "f32", attrs,
                           name if act is None else f"{name}_conv")
            return self._activation(y, act, name)
        acc_scales = self.graph.quant[x.name].scale * w_scales
        w = self._const(f"{name}_w", quant_w, "i8")
        b = self._const(f"{name}_b", self._quantized_bias(real_b, acc_scales), "i32")
        acc = self._emit(kind, (x, w, b, self._in_zp(x), self._zp(0, "i8")), out_shape, "i32",
                         attrs, f"{name}_acc")
        return self._requantize(acc, acc_scales, act, True, name)

    def conv2d(self, x: Value, cout: int, kernel: IntPair, stride: IntPair = 1,
               act: Activation = None, name: str = "conv") -> Value:
        """Convolution with TF 'same' padding, bias and optional activation."""
        kernel, stride = _pair(kernel), _pair(stride)
        x, pad, (oh, ow) = self._padded(x, kernel, stride, name)
        cin = x.shape[3]
        weights = self._weights((cout, kernel[0], kernel[1], cin),
                                kernel[0] * kernel[1] * cin, channel_axis=0)
        return self._conv("conv2d", x, weights, pad, stride, (1, oh, ow, cout), act, name)

    def depthwise(self, x: Value, kernel: IntPair = 3, stride: IntPair = 1,
                  act: Activation = None, name: str = "dw", dilation: IntPair = 1) -> Value:
        """Depthwise convolution (multiplier 1) with TF 'same' padding; a
        dilated window pads as the window it spans."""
        kernel, stride, dilation = _pair(kernel), _pair(stride), _pair(dilation)
        span = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
        x, pad, (oh, ow) = self._padded(x, span, stride, name)
        c = x.shape[3]
        weights = self._weights((kernel[0], kernel[1], c, 1), kernel[0] * kernel[1],
                                channel_axis=2)
        return self._conv("depthwise_conv2d", x, weights, pad, stride, (1, oh, ow, c), act,
                          name, dilation)

    def add(self, a: Value, b: Value, act: Activation = None, name: str = "add") -> Value:
        """Residual addition (quantised as TFLite's ADD lowered to TOSA)."""
        if a.shape != b.shape:
            raise ValueError(f"add: shapes {a.shape} and {b.shape} differ")
        if not self.int8:
            y = self._emit("add", (a, b), a.shape, "f32", {},
                           name if act is None else f"{name}_sum")
            return self._activation(y, act, name)
        twice_max = 2.0 * max(self.graph.quant[a.name].scale, self.graph.quant[b.name].scale)
        lhs = self._rescale_to_i32(a, twice_max, f"{name}_lhs")
        rhs = self._rescale_to_i32(b, twice_max, f"{name}_rhs")
        acc = self._emit("add", (lhs, rhs), a.shape, "i32", {}, f"{name}_acc")
        acc_scale = np.array([twice_max / (1 << ADD_INPUT_SHIFT)])
        return self._requantize(acc, acc_scale, act, False, name)

    def _rescale_to_i32(self, x: Value, twice_max: float, name: str) -> Value:
        """i8 -> i32 with scale ``x_scale / twice_max * 2**ADD_INPUT_SHIFT``."""
        q = self.graph.quant[x.name]
        m, s = quantize_scale(q.scale / twice_max * (1 << ADD_INPUT_SHIFT))
        operands = (x, self._const(f"{name}_mult", np.array([m]), "i32"),
                    self._const(f"{name}_shift", np.array([s]), "i8"),
                    self._zp(q.zp, "i8"), self._zp(0, "i32"))
        return self._emit("rescale", operands, x.shape, "i32", _rescale_attrs(False), name)

    def pool(self, kind: str, x: Value, kernel: IntPair, stride: IntPair,
             name: str = "pool") -> Value:
        """``avg_pool2d`` or ``max_pool2d`` with TF 'same' padding (quantisation kept).

        An average counts only the window's positions inside the input (TOSA
        and TFLite agree); a maximum never takes the padding.
        """
        kernel, stride = _pair(kernel), _pair(stride)
        x, pad, (oh, ow) = self._padded(x, kernel, stride, name)
        attrs = {"kernel": kernel, "pad": pad, "stride": stride}
        if kind == "avg_pool2d":
            attrs["acc_type"] = "i32" if self.int8 else "f32"
            zp = self._in_zp(x)
            operands: tuple[Value, ...] = (x, zp, zp)
        elif kind == "max_pool2d":
            operands = (x,)
        else:
            raise ValueError(f"unknown pooling {kind!r}")
        return self._keep_quant(x, self._emit(kind, operands, (1, oh, ow, x.shape[3]), x.dtype,
                                              attrs, name))

    def concat(self, values: Sequence[Value], axis: int, name: str = "concat") -> Value:
        """``tosa.concat`` along ``axis``; int8 inputs are first rescaled to one
        quantisation that covers all of theirs (TFLite gives a
        concatenation's inputs its output's quantisation)."""
        shape = list(values[0].shape)
        shape[axis] = sum(v.shape[axis] for v in values)
        if self.int8:
            quants = [self.graph.quant[v.name] for v in values]
            lo = min(q.scale * (-128 - q.zp) for q in quants)
            hi = max(q.scale * (127 - q.zp) for q in quants)
            scale = (hi - lo) / 255.0
            q = QParams(scale, min(127, max(-128, _round_half_away(-128.0 - lo / scale))))
            values = [v if self.graph.quant[v.name] == q else
                      self._rescale_i8(v, q, f"{name}_in{i}") for i, v in enumerate(values)]
        y = self._emit("concat", tuple(values), shape, values[0].dtype,
                       {"axis": f"{axis} : i32"}, name)
        if self.int8:
            self.graph.quant[y.name] = q
        return y

    def _rescale_i8(self, x: Value, q: QParams, name: str) -> Value:
        """i8 -> i8 rescale of ``x`` to quantisation ``q``."""
        m, s = quantize_scale(self.graph.quant[x.name].scale / q.scale)
        operands = (x, self._const(f"{name}_mult", np.array([m]), "i32"),
                    self._const(f"{name}_shift", np.array([s]), "i8"),
                    self._in_zp(x), self._zp(q.zp, "i8"))
        y = self._emit("rescale", operands, x.shape, "i8", _rescale_attrs(False), name)
        self.graph.quant[y.name] = q
        return y

    def global_avg_pool(self, x: Value, name: str = "pool") -> Value:
        """``avg_pool2d`` over the whole spatial extent (quantisation kept)."""
        _, h, w, c = x.shape
        attrs = {"acc_type": "i32" if self.int8 else "f32", "kernel": (h, w),
                 "pad": (0, 0, 0, 0), "stride": (1, 1)}
        zp = self._in_zp(x)
        return self._keep_quant(x, self._emit("avg_pool2d", (x, zp, zp), (1, 1, 1, c), x.dtype,
                                              attrs, name))

    def reshape(self, x: Value, shape: Sequence[int], name: str) -> Value:
        """``tosa.reshape`` (quantisation kept)."""
        new_shape = self._shape(f"{name}_shape", shape)
        return self._keep_quant(x, self._emit("reshape", (x, new_shape), shape, x.dtype, {},
                                              name))

    def _slice(self, x: Value, size: Sequence[int], name: str) -> Value:
        """Leading ``size`` elements of ``x`` (quantisation kept)."""
        start = self._shape(f"{name}_start", [0] * len(size))
        operands = (x, start, self._shape(f"{name}_size", size))
        return self._keep_quant(x, self._emit("slice", operands, size, x.dtype, {}, name))

    def fully_connected(self, x: Value, units: int, mode: str = "conv2d",
                        name: str = "fc") -> Value:
        """Dense layer on a ``[1, 1, 1, C]`` tensor, returns ``[1, units]``.

        ``mode="conv2d"`` is a 1x1 convolution (as the TFLite-to-TOSA
        legalisation does);
        ``mode="matmul"`` reshapes to ``[1, 1, C]``, multiplies by
        ``[1, C, units]`` and adds the bias in i32 (f32) before rescaling.
        """
        if x.shape[:3] != (1, 1, 1):
            raise ValueError(f"fully_connected expects [1, 1, 1, C], got {x.shape}")
        if mode == "conv2d":
            y = self.conv2d(x, units, 1, 1, None, f"{name}_conv")
        elif mode == "matmul":
            y = self._matmul_fc(x, units, name)
        else:
            raise ValueError(f"fully-connected mode must be one of {FC_MODES}, got {mode!r}")
        return self.reshape(y, (1, units), name)

    def _matmul_fc(self, x: Value, units: int, name: str) -> Value:
        cin = x.shape[3]
        rows = self.reshape(x, (1, 1, cin), f"{name}_rows")
        real_w, quant_w, w_scales = self._weights((1, cin, units), cin, channel_axis=2)
        real_b = self._bias(units)
        if not self.int8:
            zp = self._zp(0.0, "f32")
            mm = self._emit("matmul", (rows, self._const(f"{name}_w", real_w, "f32"), zp, zp),
                            (1, 1, units), "f32", {}, f"{name}_mm")
            bias = self._const(f"{name}_b", real_b.reshape(1, 1, units), "f32")
            return self._emit("add", (mm, bias), mm.shape, "f32", {}, f"{name}_biased")
        acc_scales = self.graph.quant[x.name].scale * w_scales
        mm = self._emit("matmul", (rows, self._const(f"{name}_w", quant_w, "i8"),
                                   self._in_zp(x), self._zp(0, "i8")),
                        (1, 1, units), "i32", {}, f"{name}_mm")
        bias = self._const(f"{name}_b",
                           self._quantized_bias(real_b, acc_scales).reshape(1, 1, units), "i32")
        acc = self._emit("add", (mm, bias), mm.shape, "i32", {}, f"{name}_acc")
        return self._requantize(acc, acc_scales, None, True, f"{name}_q")

    def classifier(self, x: Value, num_classes: int, fc: str, func_name: str) -> Graph:
        """Global average pool, fully connected layer; finish the graph."""
        pooled = self.global_avg_pool(x, "pool")
        return self.finish([self.fully_connected(pooled, num_classes, fc, "logits")], func_name)


# --------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------

def _inverted_residual(b: Builder, x: Value, expansion: int, cout: int, stride: int,
                       kernel: int, residual: Optional[bool], name: str,
                       dilation: int = 1) -> Value:
    """MobileNetV2 block: 1x1 expand (unless expansion 1), dw, 1x1 project.

    ``residual=None`` adds the shortcut whenever it is possible (stride 1 and
    as many output as input channels).
    """
    cin = x.shape[3]
    possible = stride == 1 and cin == cout
    if residual is None:
        residual = possible
    elif residual and not possible:
        raise ValueError(f"{name}: a residual needs stride 1 and cin == cout")
    h = x
    if expansion != 1:
        h = b.conv2d(h, cin * expansion, 1, 1, "relu6", f"{name}_expand")
    h = b.depthwise(h, kernel, stride, "relu6", f"{name}_dw", dilation)
    h = b.conv2d(h, cout, 1, 1, None, f"{name}_project")
    return b.add(x, h, None, f"{name}_add") if residual else h


def _separable(b: Builder, x: Value, cout: int, stride: int, act: str, name: str) -> Value:
    """Depthwise 3x3 then pointwise 1x1, both followed by ``act``."""
    x = b.depthwise(x, 3, stride, act, f"{name}_dw")
    return b.conv2d(x, cout, 1, 1, act, f"{name}_pw")


def _basic_block(b: Builder, x: Value, cout: int, stride: int, name: str) -> Value:
    """ResNet basic block: conv3x3-ReLU-conv3x3 + shortcut, add, ReLU."""
    y = b.conv2d(x, cout, 3, stride, "relu", f"{name}_conv1")
    y = b.conv2d(y, cout, 3, 1, None, f"{name}_conv2")
    if stride != 1 or x.shape[3] != cout:
        x = b.conv2d(x, cout, 1, stride, None, f"{name}_shortcut")
    return b.add(x, y, "relu", f"{name}_add")


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

#: Model and block builders by CLI name.
MODELS: dict[str, Callable[..., Graph]] = {}


def _model(name: str) -> Callable[[Callable[..., Graph]], Callable[..., Graph]]:
    """Register a builder; the graph's description records its arguments."""
    def register(fn: Callable[..., Graph]) -> Callable[..., Graph]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def build(*args: object, **kwargs: object) -> Graph:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            graph = fn(*bound.args, **bound.kwargs)
            graph.description = f"pex-modelgen {name}: " + ", ".join(
                f"{key}={value!r}" for key, value in bound.arguments.items())
            return graph

        MODELS[name] = build
        return build
    return register


#: MobileNetV1 depthwise-separable pairs: (pointwise channels, dw stride).
MOBILENET_V1_PAIRS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                      (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2),
                      (1024, 1))

#: MobileNetV2 stages (expansion t, channels c, repeats n, first stride s).
MOBILENET_V2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))

#: MCUNet-like inverted residual blocks (expansion, channels, kernel, stride),
#: after a 3x3 stride-2 stem of 16 channels.  Fixed by hand in the style of
#: the MCUNet ImageNet/VWW models: mixed 3/5/7 kernels, expansions 3/4/6,
#: five stride-2 stages in all (96 -> 3, 80 -> 3).
MCUNET_BLOCKS = ((1, 8, 3, 1),
                 (3, 16, 7, 2), (6, 16, 3, 1),
                 (4, 24, 5, 2), (3, 24, 3, 1), (6, 24, 5, 1),
                 (4, 40, 7, 2), (3, 40, 3, 1), (6, 40, 5, 1),
                 (6, 48, 5, 1), (4, 48, 3, 1),
                 (6, 96, 7, 2), (4, 96, 3, 1), (3, 96, 5, 1),
                 (6, 160, 3, 1))


def _truncated(layers: Sequence, blocks: Optional[int]) -> Sequence:
    if blocks is None:
        return layers
    if not 1 <= blocks <= len(layers):
        raise ValueError(f"blocks must be in [1, {len(layers)}], got {blocks}")
    return layers[:blocks]


@_model("mobilenet_v1")
def mobilenet_v1(width: float = 0.25, resolution: int = 96, num_classes: int = 2,
                 blocks: Optional[int] = None, *, dtype: str = "int8", seed: int = 0,
                 fc: str = "conv2d", func_name: str = "main") -> Graph:
    """MobileNetV1: 3x3 s2 conv, 13 dw/pw pairs (ReLU6), pool, FC.

    Channels are ``make_divisible(c * width)``; ``blocks`` keeps only the
    first pairs.
    """
    b = Builder(dtype, seed)
    x = b.input((1, resolution, resolution, 3), IMAGE_INPUT)
    x = b.conv2d(x, make_divisible(32 * width), 3, 2, "relu6", "conv0")
    for i, (channels, stride) in enumerate(_truncated(MOBILENET_V1_PAIRS, blocks), 1):
        x = _separable(b, x, make_divisible(channels * width), stride, "relu6", f"b{i}")
    return b.classifier(x, num_classes, fc, func_name)


@_model("mobilenet_v2")
def mobilenet_v2(width: float = 0.35, resolution: int = 144, num_classes: int = 10,
                 blocks: Optional[int] = None, *, dtype: str = "int8", seed: int = 0,
                 fc: str = "conv2d", func_name: str = "main") -> Graph:
    """MobileNetV2: 3x3 s2 conv, 17 inverted residual blocks, 1x1 conv, pool, FC.

    Channels are ``make_divisible(c * width)`` and the last 1x1 conv has
    1280 channels, scaled only for ``width > 1`` (as in the paper and Keras).
    ``blocks=k`` keeps the first k blocks and drops the last 1x1 conv.
    """
    b = Builder(dtype, seed)
    x = b.input((1, resolution, resolution, 3), IMAGE_INPUT)
    x = b.conv2d(x, make_divisible(32 * width), 3, 2, "relu6", "conv0")
    layers = [(t, c, s if i == 0 else 1)
              for t, c, n, s in MOBILENET_V2_STAGES for i in range(n)]
    for i, (t, c, s) in enumerate(_truncated(layers, blocks), 1):
        x = _inverted_residual(b, x, t, make_divisible(c * width), s, 3, None, f"b{i}")
    if blocks is None:
        last = make_divisible(1280 * width) if width > 1.0 else 1280
        x = b.conv2d(x, last, 1, 1, "relu6", "conv_last")
    return b.classifier(x, num_classes, fc, func_name)


@_model("ds_cnn")
def ds_cnn(width: float = 1.0, num_classes: int = 12, *, dtype: str = "int8", seed: int = 0,
           fc: str = "conv2d", func_name: str = "main") -> Graph:
    """MLPerf Tiny keyword spotting DS-CNN on a [1, 49, 10, 1] MFCC input.

    10x4 stride-2 conv (64 channels), 4 x (dw 3x3 + pw 1x1), all ReLU,
    average pool over 25x5, FC.
    """
    b = Builder(dtype, seed)
    channels = make_divisible(64 * width)
    x = b.input((1, 49, 10, 1), MFCC_INPUT)
    x = b.conv2d(x, channels, (10, 4), 2, "relu", "conv0")
    for i in range(1, 5):
        x = _separable(b, x, channels, 1, "relu", f"b{i}")
    return b.classifier(x, num_classes, fc, func_name)


@_model("resnet8")
def resnet8(width: float = 1.0, resolution: int = 32, num_classes: int = 10, *,
            dtype: str = "int8", seed: int = 0, fc: str = "conv2d",
            func_name: str = "main") -> Graph:
    """MLPerf Tiny image classification ResNet-8 (CIFAR-10).

    3x3 conv (16), three basic blocks (16 s1, 32 s2, 64 s2; 1x1 stride-2
    shortcut convolutions when the shape changes), pool, FC.
    """
    b = Builder(dtype, seed)
    x = b.input((1, resolution, resolution, 3), IMAGE_INPUT)
    x = b.conv2d(x, make_divisible(16 * width), 3, 1, "relu", "conv0")
    for i, (channels, stride) in enumerate(((16, 1), (32, 2), (64, 2)), 1):
        x = _basic_block(b, x, make_divisible(channels * width), stride, f"stage{i}")
    return b.classifier(x, num_classes, fc, func_name)


@_model("mcunet")
def mcunet_like(resolution: int = 96, width: float = 1.0, num_classes: int = 10,
                blocks: Optional[int] = None, *, dtype: str = "int8", seed: int = 0,
                fc: str = "conv2d", func_name: str = "main") -> Graph:
    """MCUNet-like network: stem and the blocks of :data:`MCUNET_BLOCKS`, pool, FC."""
    b = Builder(dtype, seed)
    x = b.input((1, resolution, resolution, 3), IMAGE_INPUT)
    x = b.conv2d(x, make_divisible(16 * width), 3, 2, "relu6", "conv0")
    for i, (t, c, k, s) in enumerate(_truncated(MCUNET_BLOCKS, blocks), 1):
        x = _inverted_residual(b, x, t, make_divisible(c * width), s, k, None, f"b{i}")
    return b.classifier(x, num_classes, fc, func_name)


@_model("mbv2_block")
def mbv2_block(h: int = 8, w: int = 8, cin: int = 4, expansion: int = 6, cout: int = 4,
               stride: int = 1, residual: bool = True, kernel: int = 3, dilation: int = 1, *,
               dtype: str = "int8", seed: int = 0, func_name: str = "main") -> Graph:
    """One MobileNetV2 inverted residual block on a linear-bottleneck input
    (its depthwise convolution dilated by ``dilation``)."""
    b = Builder(dtype, seed)
    x = b.input((1, h, w, cin), LINEAR_INPUT)
    y = _inverted_residual(b, x, expansion, cout, stride, kernel, residual, "b1", dilation)
    return b.finish([y], func_name)


@_model("mbv1_pair")
def mbv1_pair(h: int = 8, w: int = 8, cin: int = 8, cout: int = 16, stride: int = 1, *,
              dtype: str = "int8", seed: int = 0, func_name: str = "main") -> Graph:
    """One MobileNetV1 pair (dw 3x3 + pw 1x1, ReLU6) on a ReLU6 output."""
    b = Builder(dtype, seed)
    x = b.input((1, h, w, cin), RELU6_INPUT)
    return b.finish([_separable(b, x, cout, stride, "relu6", "b1")], func_name)


@_model("dscnn_block")
def dscnn_block(h: int = 25, w: int = 5, c: int = 64, *, dtype: str = "int8", seed: int = 0,
                func_name: str = "main") -> Graph:
    """One DS-CNN block (dw 3x3 + pw 1x1, ReLU) on a ReLU output."""
    b = Builder(dtype, seed)
    x = b.input((1, h, w, c), RELU_INPUT)
    return b.finish([_separable(b, x, c, 1, "relu", "b1")], func_name)


@_model("resnet_block")
def resnet_block(h: int = 16, w: int = 16, cin: int = 16, cout: int = 16, stride: int = 1, *,
                 dtype: str = "int8", seed: int = 0, func_name: str = "main") -> Graph:
    """One ResNet basic block on a ReLU output."""
    b = Builder(dtype, seed)
    x = b.input((1, h, w, cin), RELU_INPUT)
    return b.finish([_basic_block(b, x, cout, stride, "b1")], func_name)


#: Input quantisations a random graph picks from.
RANDOM_INPUTS = (IMAGE_INPUT, RELU6_INPUT, RELU_INPUT, LINEAR_INPUT)
#: Motifs of random graphs and their relative weights.
RANDOM_MOTIFS = (("inverted_residual", 4), ("separable", 2), ("conv", 2), ("pool", 1),
                 ("branches", 2), ("add", 1), ("concat_hw", 0.5))


@_model("random")
def random_graph(resolution: Optional[int] = None, blocks: Optional[int] = None,
                 max_channels: int = 16, max_outputs: int = 3, *, dtype: str = "int8",
                 seed: int = 0, func_name: str = "main") -> Graph:
    """A random DAG of the operators partial execution meets, deterministic per seed.

    ``blocks`` motifs (default: 3 to 8) follow a ``1xHxWxC`` input (H and W
    from 4 to 12 unless ``resolution`` is given, C from 1 to 12): inverted
    residual blocks (expansion 2 to 6, kernel 3 or 5, stride 1 or 2, with
    or without the shortcut), depthwise-separable pairs, 1x1 and 3x3
    convolutions, average and max pooling, two or three branches joined by
    a channel concatenation, residual adds of an earlier tensor of the same
    shape and concatenations along H or W. A motif usually reads the newest
    tensor, sometimes an older one (fan-out); tensors left unread at the end
    are joined or returned as extra outputs (at most ``max_outputs``, the
    newest; the others are dead code), and the main path may end in a
    classifier. Channel counts are any from 1 to ``max_channels`` (odd ones
    included); activations are none, ReLU or ReLU6. The structure comes from
    ``default_rng([seed, 3])``, the weights and calibration as for every
    other model.
    """
    rng = np.random.default_rng([seed, 3])
    b = Builder(dtype, seed)

    def pick(options: Sequence) -> object:
        return options[int(rng.integers(len(options)))]

    def channels() -> int:
        return int(rng.integers(1, max_channels + 1))

    def activation() -> Activation:
        return pick((None, "relu", "relu6"))

    def stride(v: Value) -> int:
        return 2 if min(v.shape[1:3]) >= 3 and rng.random() < 0.3 else 1

    if resolution is None:
        h, w = int(rng.integers(4, 13)), int(rng.integers(4, 13))
    else:
        h = w = resolution
    x = b.input((1, h, w, int(rng.integers(1, 13))), pick(RANDOM_INPUTS))
    activations = [x]   # every activation, for fan-out and shortcuts
    leaves = [x]        # activations nobody reads yet
    motifs = [m for m, _ in RANDOM_MOTIFS]
    weights = np.array([w for _, w in RANDOM_MOTIFS], dtype=np.float64)
    count = blocks if blocks is not None else int(rng.integers(3, 9))

    def branch(v: Value, s: int, name: str) -> Value:
        """One branch of a `branches` motif: stride `s`, random channels."""
        kind = pick(("conv1", "conv3", "separable", "dw", "pool"))
        if kind == "conv1":
            return b.conv2d(v, channels(), 1, s, activation(), name)
        if kind == "conv3":
            return b.conv2d(v, channels(), 3, s, activation(), name)
        if kind == "separable":
            return _separable(b, v, channels(), s, pick(("relu", "relu6")), name)
        if kind == "dw":
            return b.depthwise(v, 3, s, activation(), name)
        return b.pool(pick(("avg_pool2d", "max_pool2d")), v, 3, s, name)

    for i in range(1, count + 1):
        name = f"m{i}"
        src = leaves[-1] if leaves and rng.random() >= 0.25 else pick(activations)
        motif = motifs[int(rng.choice(len(motifs), p=weights / weights.sum()))]
        same_shape = [v for v in activations if v.shape == src.shape and v is not src]
        if motif == "add" and not same_shape:
            motif = "conv"
        if motif == "inverted_residual":
            cin, s = src.shape[3], stride(src)
            cout = cin if s == 1 and rng.random() < 0.5 else channels()
            residual = s == 1 and cin == cout and rng.random() < 0.8
            expansion = int(rng.integers(2, 7))
            y = _inverted_residual(b, src, expansion, cout, s, pick((3, 3, 5)), residual, name)
        elif motif == "separable":
            y = _separable(b, src, channels(), stride(src), pick(("relu", "relu6")), name)
        elif motif == "conv":
            y = b.conv2d(src, channels(), pick((1, 3)), stride(src), activation(), name)
        elif motif == "pool":
            kind = pick(("avg_pool2d", "max_pool2d"))
            s = stride(src)
            y = b.pool(kind, src, s if s == 2 and rng.random() < 0.5 else 3, s, name)
        elif motif == "branches":
            s = stride(src)
            parts = [branch(src, s, f"{name}_{k}") for k in range(int(rng.integers(2, 4)))]
            y = b.concat(parts, 3, name)
        elif motif == "add":
            y = b.add(src, pick(same_shape), activation(), name)
        else:  # concat_hw
            axis = int(rng.integers(1, 3))
            other = b.conv2d(src, src.shape[3], 1, 1, activation(), f"{name}_b")
            y = b.concat([src, other], axis, name)
        if src in leaves:
            leaves.remove(src)
        leaves.append(y)
        activations.append(y)

    # Join what nobody reads: same shape by an add, same H and W by a
    # concatenation; the rest become outputs.
    outputs = list(leaves)
    joined = True
    while joined and len(outputs) > 1:
        joined = False
        for j in range(len(outputs) - 1):
            a, c = outputs[j], outputs[-1]
            if a.shape[:3] == c.shape[:3]:
                y = (b.add(a, c, None, f"join{len(outputs)}") if a.shape == c.shape
                     else b.concat([a, c], 3, f"join{len(outputs)}"))
                outputs = outputs[:j] + outputs[j + 1:-1] + [y]
                joined = True
                break
    if rng.random() < 0.2:
        main = b.global_avg_pool(outputs[-1], "pool")
        outputs[-1] = b.fully_connected(main, channels(), "conv2d", "logits")
    return b.finish(outputs[-max_outputs:], func_name)


def random_inputs(graph: Graph, seed: int) -> list[np.ndarray]:
    """Deterministic inputs: uniform int8, dequantised for f32 graphs."""
    rng = np.random.default_rng([seed, 2])
    return [_random_tensor(rng, v, graph.quant[v.name]) for v in graph.inputs]


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _parse_value(text: str) -> object:
    """An --arg value: int, float, true/false/none or a string."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _write_raw(path: str, arrays: Sequence[np.ndarray]) -> None:
    """Concatenated raw little-endian data of ``arrays``."""
    with open(path, "wb") as f:
        for a in arrays:
            f.write(np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes())


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``pex-modelgen`` command line."""
    parser = argparse.ArgumentParser(
        prog="pex-modelgen",
        description="Generate a deterministic int8/f32 TOSA model as MLIR, and "
                    "optionally a random input and the reference output.")
    parser.add_argument("model", choices=sorted(MODELS), help="model or block to build")
    parser.add_argument("--width", type=float, help="width multiplier")
    parser.add_argument("--resolution", type=int, help="input height and width")
    parser.add_argument("--num-classes", type=int, help="classifier outputs")
    parser.add_argument("--blocks", type=int, help="keep only the first K blocks")
    parser.add_argument("--dtype", choices=DTYPES, default="int8", help="default: int8")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of weights, calibration and input (default: 0)")
    parser.add_argument("--fc", choices=FC_MODES, help="fully connected layer as")
    parser.add_argument("--func-name", help="name of the function (default: main)")
    parser.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                        help="another parameter of the builder, e.g. --arg cin=8")
    parser.add_argument("-o", "--output", default="-", help="MLIR file (default: stdout)")
    parser.add_argument("--emit-input", metavar="FILE", help="write the raw input")
    parser.add_argument("--emit-reference", metavar="FILE",
                        help="write the raw reference output for that input")
    args = parser.parse_args(argv)
    for flag, path in (("-o", args.output), ("--emit-input", args.emit_input),
                       ("--emit-reference", args.emit_reference)):
        if path == "":
            parser.error(f"{flag} needs a file name")

    kwargs: dict[str, object] = {"dtype": args.dtype, "seed": args.seed}
    for key in ("width", "resolution", "num_classes", "blocks", "fc", "func_name"):
        if getattr(args, key) is not None:
            kwargs[key] = getattr(args, key)
    for item in args.arg:
        key, sep, text = item.partition("=")
        if not sep:
            parser.error(f"--arg expects NAME=VALUE, got {item!r}")
        kwargs[key] = _parse_value(text)
    builder = MODELS[args.model]
    accepted = inspect.signature(builder).parameters
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        parser.error(f"{args.model} has no parameter {', '.join(unknown)} "
                     f"(it takes {', '.join(accepted)})")
    try:
        graph = builder(**kwargs)
    except (ValueError, TypeError) as err:
        # A parameter of the wrong type or out of range for the builder.
        parser.error(f"{args.model}: {err}")

    text = to_mlir(graph)
    try:
        if args.output == "-":
            sys.stdout.write(text)
        else:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        if args.emit_input or args.emit_reference:
            inputs = random_inputs(graph, args.seed)
            if args.emit_input:
                _write_raw(args.emit_input, inputs)
            if args.emit_reference:
                _write_raw(args.emit_reference, tosa_ref.run(graph, inputs))
    except OSError as err:
        print(f"pex-modelgen: error: cannot write {err.filename}: {err.strerror}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
