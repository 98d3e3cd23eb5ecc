"""int8 post-training quantisation of the demo's exported f32 TOSA graphs.

:func:`quantize` turns the f32 graph that :func:`torch_tosa.export` makes
into the int8 graph TFLite post-training quantisation lowered to TOSA would
be, with the conventions of :mod:`pex.modelgen` (see python/README.md):

* int8 NHWC activations, per-tensor scale and zero point calibrated on real
  images (the f32 graph is run by :mod:`pex.tosa_ref`; each tensor's range
  covers what it saw and 0; ReLU6 outputs cap at 6);
* int8 weights, symmetric per output channel; int32 biases with scale
  ``input_scale * weight_scale[c]``;
* each convolution is followed by a per-channel ``rescale`` (i32 -> i8,
  ``scale32``, ``DOUBLE_ROUND``) and, after ReLU6, a ``clamp`` in the
  quantised domain;
* residual adds rescale both inputs to i32 with TFLite's extra 20-bit
  shift, add and rescale to i8; average pooling keeps its input's
  quantisation; the classifier is a 1x1 ``conv2d`` + ``rescale`` +
  ``reshape``.

Every new operation keeps the torch layer name of the f32 operation it comes
from, so hints on the int8 graph map back to the torch modules as well.
Needs only numpy.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from demo.torch_tosa import Export
from pex import tosa_ref
from pex.modelgen import ADD_INPUT_SHIFT, quantize_scale
from pex.tosa_graph import NUMPY_DTYPES, Graph, Op, QParams, Value

#: Quantisation of the [0, 1] images.
IMAGE_INPUT = QParams(1.0 / 255.0, -128)
#: Smallest calibrated range of a tensor, and smallest weight scale.
MIN_RANGE = 1e-3
MIN_WEIGHT_SCALE = 1e-8


def _round_half_away(x: float) -> int:
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _qparams(lo: float, hi: float, relu6: bool) -> QParams:
    lo, hi = min(0.0, lo), max(0.0, hi)
    if relu6:
        hi = min(hi, 6.0)
    scale = max(hi - lo, MIN_RANGE) / 255.0
    return QParams(scale, min(127, max(-128, _round_half_away(-128.0 - lo / scale))))


def _rescale_attrs(per_channel: bool) -> dict:
    return {"input_unsigned": False, "output_unsigned": False, "per_channel": per_channel,
            "rounding_mode": "DOUBLE_ROUND", "scale32": True}


def calibrate(ex: Export, images: Sequence[np.ndarray]) -> dict[str, tuple[float, float]]:
    """(min, max) of every f32 tensor over ``images`` (each 1 x H x W x 1)."""
    ranges: dict[str, tuple[float, float]] = {}
    for image in images:
        values = tosa_ref.run_all(ex.graph, np.asarray(image, dtype=np.float32))
        for op in ex.graph.ops:
            v = values[op.result.name]
            lo, hi = float(v.min()), float(v.max())
            old = ranges.get(op.result.name, (lo, hi))
            ranges[op.result.name] = (min(lo, old[0]), max(hi, old[1]))
    return ranges


class _Quantizer:
    def __init__(self, src: Export, ranges: dict[str, tuple[float, float]]) -> None:
        self.src, self.ranges = src, ranges
        g = src.graph
        self.out = Export(Graph(name=g.name, description=g.description + " (int8)"))
        self.value: dict[str, Value] = {}  # f32 value name -> int8 value
        self.zps: dict[tuple[str, int], Value] = {}
        self.uses: dict[str, int] = {}
        for op in g.ops:
            for v in op.operands:
                self.uses[v.name] = self.uses.get(v.name, 0) + 1

    @property
    def quant(self) -> dict[str, QParams]:
        return self.out.graph.quant

    def const(self, name: str, data: np.ndarray, dtype: str) -> Value:
        data = np.ascontiguousarray(data, dtype=NUMPY_DTYPES[dtype])
        value = Value(name, (data.size,) if dtype == "shape" else data.shape, dtype)
        self.out.graph.consts[name] = data
        return value

    def zp(self, dtype: str, value: int) -> Value:
        key = (dtype, value)
        if key not in self.zps:
            sign = "m" if value < 0 else ""
            self.zps[key] = self.const(f"zp_{dtype}_{sign}{abs(value)}", np.array([value]),
                                       dtype)
        return self.zps[key]

    def emit(self, kind: str, operands: Sequence[Value], shape: Sequence[int], dtype: str,
             attrs: dict, name: str, layer: str) -> Value:
        result = Value(name, tuple(shape), dtype)
        self.out.graph.ops.append(Op(kind, tuple(operands), result, dict(attrs)))
        self.out.layer_of[name] = layer
        return result

    def requantize(self, acc: Value, acc_scales: np.ndarray, q: QParams, per_channel: bool,
                   name: str, layer: str) -> Value:
        params = [quantize_scale(float(s) / q.scale) for s in acc_scales]
        mult = self.const(f"{name}_mult", np.array([m for m, _ in params]), "i32")
        shift = self.const(f"{name}_shift", np.array([s for _, s in params]), "i8")
        y = self.emit("rescale", (acc, mult, shift, self.zp("i32", 0), self.zp("i8", q.zp)),
                      acc.shape, "i8", _rescale_attrs(per_channel), name, layer)
        self.quant[name] = q
        return y

    def conv(self, op: Op, clamp: Op | None) -> None:
        src = self.src.graph
        layer = self.src.layer_of[op.result.name]
        x = self.value[op.operands[0].name]
        qx = self.quant[x.name]
        w = src.consts[op.operands[1].name].astype(np.float64)
        b = src.consts[op.operands[2].name].astype(np.float64)
        axis = 2 if op.kind == "depthwise_conv2d" else 0
        axes = tuple(a for a in range(w.ndim) if a != axis)
        max_abs = np.max(np.abs(w), axis=axes, keepdims=True)
        w_scales = np.maximum(max_abs / 127.0, MIN_WEIGHT_SCALE)
        qw = np.clip(np.rint(w / w_scales), -127, 127).astype(np.int8)
        acc_scales = qx.scale * w_scales.reshape(-1)
        qb = np.rint(b / acc_scales)
        if np.any(np.abs(qb) >= 2**31):
            raise ValueError(f"{layer}: bias does not fit in int32")
        out = clamp.result if clamp is not None else op.result
        name = out.name
        wv = self.const(f"{name}_w", qw, "i8")
        bv = self.const(f"{name}_b", qb.astype(np.int32), "i32")
        attrs = dict(op.attrs, acc_type="i32")
        acc = self.emit(op.kind, (x, wv, bv, self.zp("i8", qx.zp), self.zp("i8", 0)),
                        op.result.shape, "i32", attrs, f"{name}_acc", layer)
        q = _qparams(*self.ranges[out.name], relu6=clamp is not None)
        y = self.requantize(acc, acc_scales, q, True,
                            f"{name}_q" if clamp is not None else name, layer)
        if clamp is not None:
            lo, hi = clamp.attrs["min_val"], clamp.attrs["max_val"]
            if (lo, hi) != (0.0, 6.0):
                raise ValueError(f"{layer}: only ReLU6 clamps are supported")
            qmax = min(127, q.zp + _round_half_away(6.0 / q.scale))
            y = self.emit("clamp", (y,), y.shape, "i8",
                          {"max_val": qmax, "min_val": max(-128, q.zp)}, name, layer)
            self.quant[name] = q
            self.value[clamp.result.name] = y
        self.value[op.result.name] = y

    def add(self, op: Op) -> None:
        layer = self.src.layer_of[op.result.name]
        a, b = (self.value[v.name] for v in op.operands)
        name = op.result.name
        twice_max = 2.0 * max(self.quant[a.name].scale, self.quant[b.name].scale)
        wide = []
        for side, v in (("lhs", a), ("rhs", b)):
            q = self.quant[v.name]
            m, s = quantize_scale(q.scale / twice_max * (1 << ADD_INPUT_SHIFT))
            operands = (v, self.const(f"{name}_{side}_mult", np.array([m]), "i32"),
                        self.const(f"{name}_{side}_shift", np.array([s]), "i8"),
                        self.zp("i8", q.zp), self.zp("i32", 0))
            wide.append(self.emit("rescale", operands, v.shape, "i32", _rescale_attrs(False),
                                  f"{name}_{side}", layer))
        acc = self.emit("add", wide, a.shape, "i32", {}, f"{name}_acc", layer)
        q = _qparams(*self.ranges[name], relu6=False)
        self.value[name] = self.requantize(acc, np.array([twice_max / (1 << ADD_INPUT_SHIFT)]),
                                           q, False, name, layer)

    def run(self) -> Export:
        g = self.src.graph
        for v in g.inputs:
            x = Value(v.name, v.shape, "i8")
            self.out.graph.inputs.append(x)
            self.quant[x.name] = IMAGE_INPUT
            self.value[v.name] = x
        ops = g.ops
        skip = set()
        for i, op in enumerate(ops):
            if i in skip:
                continue
            layer = self.src.layer_of[op.result.name]
            if op.kind in ("conv2d", "depthwise_conv2d"):
                nxt = ops[i + 1] if i + 1 < len(ops) else None
                fused = (nxt is not None and nxt.kind == "clamp"
                         and nxt.operands[0].name == op.result.name
                         and self.uses[op.result.name] == 1)
                if fused:
                    skip.add(i + 1)
                self.conv(op, nxt if fused else None)
            elif op.kind == "add":
                self.add(op)
            elif op.kind == "avg_pool2d":
                x = self.value[op.operands[0].name]
                zp = self.zp("i8", self.quant[x.name].zp)
                y = self.emit("avg_pool2d", (x, zp, zp), op.result.shape, "i8",
                              dict(op.attrs, acc_type="i32"), op.result.name, layer)
                self.quant[y.name] = self.quant[x.name]
                self.value[op.result.name] = y
            elif op.kind == "reshape":
                x = self.value[op.operands[0].name]
                shape = op.operands[1]
                sv = self.const(shape.name, g.consts[shape.name], "shape")
                y = self.emit("reshape", (x, sv), op.result.shape, "i8", {}, op.result.name,
                              layer)
                self.quant[y.name] = self.quant[x.name]
                self.value[op.result.name] = y
            else:
                raise ValueError(f"cannot quantise tosa.{op.kind}")
        self.out.graph.outputs = [self.value[v.name] for v in g.outputs]
        return self.out


def quantize(ex: Export, calibration_images: Sequence[np.ndarray]) -> Export:
    """The int8 twin of the f32 export ``ex``, calibrated on the images."""
    return _Quantizer(ex, calibrate(ex, calibration_images)).run()


def quantize_input(image: np.ndarray) -> np.ndarray:
    """A [0, 1] f32 image as the int8 graph input."""
    q = IMAGE_INPUT
    return np.clip(np.rint(image / q.scale) + q.zp, -128, 127).astype(np.int8)


def dequantize_output(ex: Export, logits: np.ndarray) -> np.ndarray:
    q = ex.graph.quant[ex.graph.outputs[0].name]
    return (logits.astype(np.float64) - q.zp) * q.scale
