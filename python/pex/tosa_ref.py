"""Numpy reference interpreter of the TOSA subset emitted by pex.modelgen.

Integer operations follow the TOSA 1.0 specification bit-exactly: zero
points are subtracted before multiplying, convolutions accumulate in 32 bits
(computed here in float64 or int64, which is exact for these sizes, and
checked to fit in int32), ``rescale`` uses ``apply_scale_32`` with optional
double rounding and ``avg_pool2d`` divides with ``reciprocal_scale``.  The
specification's REQUIRE conditions (accumulator overflow, the value range of
``apply_scale_32``) raise :class:`TosaError`.  Floating-point operations run
in float32 numpy and are only as exact as a different summation order
allows.

Entry points: :func:`run` executes a whole :class:`~pex.tosa_graph.Graph`
(:func:`run_all` also returns every intermediate tensor), :func:`eval_op` a
single operation; the kernels are public for tests.
"""

from __future__ import annotations

from typing import Mapping, Sequence, Union

import numpy as np

from pex.tosa_graph import NUMPY_DTYPES, Graph, Op

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
_INT_RANGES = {"i8": (-128, 127), "i32": (INT32_MIN, INT32_MAX)}

Pad = tuple[int, int, int, int]
Pair = tuple[int, int]


class TosaError(ValueError):
    """An ERROR_IF or REQUIRE condition of the TOSA specification failed."""


def _check_int32(acc: np.ndarray, what: str) -> np.ndarray:
    if acc.size and (acc.min() < INT32_MIN or acc.max() > INT32_MAX):
        raise TosaError(f"{what}: int32 accumulator overflow")
    return acc.astype(np.int32)


def _output_size(size: int, kernel: int, before: int, after: int, stride: int,
                 dilation: int, what: str) -> int:
    """Output extent; TOSA requires the division by the stride to be exact."""
    span = size - 1 + before + after - (kernel - 1) * dilation
    if span < 0 or span % stride:
        raise TosaError(f"{what}: ({size} - 1 + {before} + {after} - ({kernel} - 1)"
                        f" * {dilation}) is not a non-negative multiple of {stride}")
    return span // stride + 1


def _windows(xp: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair,
             out: Pair) -> np.ndarray:
    """Read-only view ``[N, OH, OW, KH, KW, C]`` of a padded NHWC tensor."""
    n, _, _, c = xp.shape
    s_n, s_h, s_w, s_c = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp, shape=(n, out[0], out[1], kernel[0], kernel[1], c),
        strides=(s_n, s_h * stride[0], s_w * stride[1], s_h * dilation[0],
                 s_w * dilation[1], s_c),
        writeable=False)


def _pad_hw(x: np.ndarray, pad: Pad) -> np.ndarray:
    top, bottom, left, right = pad
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def _shifted(x: np.ndarray, zp: int, dtype: type) -> np.ndarray:
    """``x - zp`` in a wide type (integers) or ``x`` in float32."""
    if np.issubdtype(x.dtype, np.floating):
        if zp != 0:
            raise TosaError("floating-point zero points must be 0")
        return x.astype(np.float32)
    return x.astype(dtype) - dtype(zp)


def conv2d(x: np.ndarray, w: np.ndarray, bias: np.ndarray, x_zp: int, w_zp: int,
           pad: Pad, stride: Pair, dilation: Pair) -> np.ndarray:
    """TOSA CONV2D: NHWC input, [O, KH, KW, I] weights, int32 or f32 output."""
    n, ih, iw, ci = x.shape
    co, kh, kw, wci = w.shape
    if wci != ci:
        raise TosaError(f"conv2d: weight has {wci} input channels, input {ci}")
    oh = _output_size(ih, kh, pad[0], pad[1], stride[0], dilation[0], "conv2d")
    ow = _output_size(iw, kw, pad[2], pad[3], stride[1], dilation[1], "conv2d")
    # float64 products and sums of int8 - zp values are exact integers.
    xp = _pad_hw(_shifted(x, x_zp, np.float64), pad)
    wv = _shifted(w, w_zp, np.float64)
    patches = _windows(xp, (kh, kw), stride, dilation, (oh, ow))
    acc = patches.reshape(n * oh * ow, kh * kw * ci) @ wv.reshape(co, -1).T
    acc = acc.reshape(n, oh, ow, co)
    if x.dtype == np.int8:
        return _check_int32(acc.astype(np.int64) + bias.astype(np.int64), "conv2d")
    return (acc + bias).astype(np.float32)


def depthwise_conv2d(x: np.ndarray, w: np.ndarray, bias: np.ndarray, x_zp: int,
                     w_zp: int, pad: Pad, stride: Pair, dilation: Pair) -> np.ndarray:
    """TOSA DEPTHWISE_CONV2D: [KH, KW, C, M] weights, output channel c*M+m."""
    n, ih, iw, c = x.shape
    kh, kw, wc, m = w.shape
    if wc != c:
        raise TosaError(f"depthwise_conv2d: weight has {wc} channels, input {c}")
    oh = _output_size(ih, kh, pad[0], pad[1], stride[0], dilation[0], "depthwise_conv2d")
    ow = _output_size(iw, kw, pad[2], pad[3], stride[1], dilation[1], "depthwise_conv2d")
    xp = _pad_hw(_shifted(x, x_zp, np.int64), pad)
    wv = _shifted(w, w_zp, np.int64)
    view = _windows(xp, (kh, kw), stride, dilation, (oh, ow))
    acc = np.zeros((n, oh, ow, c, m), dtype=wv.dtype)
    for ky in range(kh):
        for kx in range(kw):
            acc += view[:, :, :, ky, kx, :, None] * wv[ky, kx]
    acc = acc.reshape(n, oh, ow, c * m)
    if x.dtype == np.int8:
        return _check_int32(acc + bias.astype(np.int64), "depthwise_conv2d")
    return (acc + bias).astype(np.float32)


def apply_scale_32(value: np.ndarray, multiplier: np.ndarray, shift: np.ndarray,
                   double_round: bool) -> np.ndarray:
    """TOSA ``apply_scale_32`` on broadcastable int64 arrays.

    ``round = 1 << (shift - 1)``, adjusted by ``+/- (1 << 30)`` (the sign of
    ``value``) when double rounding and ``shift > 31``; the result is
    ``(value * multiplier + round) >> shift`` (arithmetic shift).
    """
    value = np.asarray(value, dtype=np.int64)
    multiplier = np.asarray(multiplier, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    if np.any(multiplier < 0):
        raise TosaError("apply_scale_32: negative multiplier")
    if np.any((shift < 2) | (shift > 62)):
        raise TosaError("apply_scale_32: shift outside [2, 62]")
    half = np.left_shift(np.int64(1), shift - 1)
    if np.any((value < -half) | (value >= half)):
        raise TosaError("apply_scale_32: value outside [-(1 << (shift-1)), 1 << (shift-1))")
    round_ = half
    if double_round:
        adjust = np.where(value >= 0, np.int64(1 << 30), np.int64(-(1 << 30)))
        round_ = half + np.where(shift > 31, adjust, np.int64(0))
    return np.right_shift(value * multiplier + round_, shift)


def rescale(x: np.ndarray, multiplier: np.ndarray, shift: np.ndarray, input_zp: int,
            output_zp: int, out_dtype: str, per_channel: bool, scale32: bool,
            double_round: bool) -> np.ndarray:
    """TOSA RESCALE of signed integers (scale32 only)."""
    if not scale32:
        raise TosaError("rescale: only scale32 = true is implemented")
    if x.dtype != np.int8 and input_zp != 0:
        raise TosaError("rescale: a non-int8 input needs input_zp 0")
    if out_dtype != "i8" and output_zp != 0:
        raise TosaError("rescale: a non-int8 output needs output_zp 0")
    channels = x.shape[-1] if per_channel else 1
    if multiplier.shape != (channels,) or shift.shape != (channels,):
        raise TosaError(f"rescale: expected {channels} multipliers and shifts")
    value = x.astype(np.int64) - input_zp
    result = apply_scale_32(value, multiplier, shift, double_round) + output_zp
    lo, hi = _INT_RANGES[out_dtype]
    return np.clip(result, lo, hi).astype(NUMPY_DTYPES[out_dtype])


def clamp(x: np.ndarray, min_val: Union[int, float], max_val: Union[int, float]) -> np.ndarray:
    """TOSA CLAMP."""
    if min_val > max_val:
        raise TosaError("clamp: min_val > max_val")
    return np.clip(x, min_val, max_val).astype(x.dtype)


def add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """TOSA ADD with broadcasting of size-1 dimensions (same rank)."""
    if a.ndim != b.ndim:
        raise TosaError("add: operands must have the same rank")
    if a.dtype == np.int32:
        return _check_int32(a.astype(np.int64) + b.astype(np.int64), "add")
    return (a + b).astype(a.dtype)


def reciprocal_scale(count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TOSA ``reciprocal_scale``: multiplier and shift approximating 1/count."""
    count = np.asarray(count, dtype=np.int64)
    if np.any(count <= 0):
        raise TosaError("reciprocal_scale: count must be positive")
    # k = 32 - count_leading_zeros(count - 1), i.e. the bit length of count-1.
    k = np.vectorize(lambda c: int(c - 1).bit_length(), otypes=[np.int64])(count)
    multiplier = np.left_shift(np.int64((1 << 30) + 1), k) // count
    return multiplier, 30 + k


def avg_pool2d(x: np.ndarray, input_zp: int, output_zp: int, kernel: Pair,
               stride: Pair, pad: Pad) -> np.ndarray:
    """TOSA AVG_POOL2D; the divisor counts valid (non-padding) positions."""
    n, ih, iw, c = x.shape
    oh = _output_size(ih, kernel[0], pad[0], pad[1], stride[0], 1, "avg_pool2d")
    ow = _output_size(iw, kernel[1], pad[2], pad[3], stride[1], 1, "avg_pool2d")
    xp = _pad_hw(_shifted(x, input_zp, np.int64), pad)
    acc = _windows(xp, kernel, stride, (1, 1), (oh, ow)).sum(axis=(3, 4), dtype=xp.dtype)
    valid = _pad_hw(np.ones((1, ih, iw, 1), dtype=np.int64), pad)
    count = _windows(valid, kernel, stride, (1, 1), (oh, ow)).sum(axis=(3, 4))
    if x.dtype != np.int8:
        if output_zp != 0:
            raise TosaError("avg_pool2d: floating-point zero points must be 0")
        return (acc / count.astype(np.float32)).astype(np.float32)
    multiplier, shift = reciprocal_scale(count)
    result = apply_scale_32(acc, multiplier, shift, double_round=False) + output_zp
    return np.clip(result, -128, 127).astype(np.int8)


def max_pool2d(x: np.ndarray, kernel: Pair, stride: Pair, pad: Pad) -> np.ndarray:
    """TOSA MAX_POOL2D; padding never wins (it is below every value)."""
    n, ih, iw, c = x.shape
    oh = _output_size(ih, kernel[0], pad[0], pad[1], stride[0], 1, "max_pool2d")
    ow = _output_size(iw, kernel[1], pad[2], pad[3], stride[1], 1, "max_pool2d")
    if np.issubdtype(x.dtype, np.floating):
        low = -np.inf
    else:
        low = np.iinfo(x.dtype).min
    xp = np.pad(x, ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)), constant_values=low)
    return _windows(xp, kernel, stride, (1, 1), (oh, ow)).max(axis=(3, 4)).astype(x.dtype)


def concat(values: Sequence[np.ndarray], axis: int) -> np.ndarray:
    """TOSA CONCAT."""
    if len({v.dtype for v in values}) != 1:
        raise TosaError("concat: operands must have one element type")
    return np.concatenate(values, axis=axis)


def matmul(a: np.ndarray, b: np.ndarray, a_zp: int, b_zp: int) -> np.ndarray:
    """TOSA MATMUL: [N, H, C] x [N, C, W] -> [N, H, W]."""
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise TosaError(f"matmul: incompatible shapes {a.shape} and {b.shape}")
    acc = _shifted(a, a_zp, np.float64) @ _shifted(b, b_zp, np.float64)
    if a.dtype == np.int8:
        return _check_int32(acc.astype(np.int64), "matmul")
    return acc.astype(np.float32)


def _scalar(env: Mapping[str, np.ndarray], op: Op, index: int) -> Union[int, float]:
    """A zero-point operand (a one-element constant) as a Python number."""
    return env[op.operands[index].name].reshape(-1)[0].item()


def eval_op(op: Op, env: Mapping[str, np.ndarray]) -> np.ndarray:
    """Evaluate one operation; ``env`` maps value names (incl. constants) to data."""
    args = [env[v.name] for v in op.operands]
    a = op.attrs
    if op.kind in ("conv2d", "depthwise_conv2d"):
        kernel = conv2d if op.kind == "conv2d" else depthwise_conv2d
        out = kernel(args[0], args[1], args[2], _scalar(env, op, 3), _scalar(env, op, 4),
                     a["pad"], a["stride"], a["dilation"])
    elif op.kind == "rescale":
        out = rescale(args[0], args[1], args[2], _scalar(env, op, 3), _scalar(env, op, 4),
                      op.result.dtype, bool(a["per_channel"]), bool(a["scale32"]),
                      a["rounding_mode"] == "DOUBLE_ROUND")
    elif op.kind == "clamp":
        out = clamp(args[0], a["min_val"], a["max_val"])
    elif op.kind == "add":
        out = add(args[0], args[1])
    elif op.kind == "avg_pool2d":
        out = avg_pool2d(args[0], _scalar(env, op, 1), _scalar(env, op, 2),
                         a["kernel"], a["stride"], a["pad"])
    elif op.kind == "max_pool2d":
        out = max_pool2d(args[0], a["kernel"], a["stride"], a["pad"])
    elif op.kind == "concat":
        out = concat(args, int(str(a["axis"]).split(":")[0]))
    elif op.kind == "matmul":
        out = matmul(args[0], args[1], _scalar(env, op, 2), _scalar(env, op, 3))
    elif op.kind == "reshape":
        out = args[0].reshape(tuple(int(d) for d in args[1]))
    elif op.kind == "slice":
        start, size = (tuple(int(d) for d in arg) for arg in args[1:])
        out = args[0][tuple(slice(s, s + z) for s, z in zip(start, size))]
    else:
        raise TosaError(f"unsupported operation tosa.{op.kind}")
    expected = NUMPY_DTYPES[op.result.dtype]
    if out.shape != op.result.shape or out.dtype != expected:
        raise TosaError(f"tosa.{op.kind} %{op.result.name}: computed {out.dtype}"
                        f"{list(out.shape)}, declared {op.result.mlir_type}")
    return out


def run_all(model: Graph, inputs: Union[np.ndarray, Sequence[np.ndarray]]) -> dict[str, np.ndarray]:
    """Execute ``model``; return every value (inputs, constants, results) by name."""
    if isinstance(inputs, np.ndarray):
        inputs = [inputs]
    if len(inputs) != len(model.inputs):
        raise ValueError(f"expected {len(model.inputs)} inputs, got {len(inputs)}")
    env: dict[str, np.ndarray] = dict(model.consts)
    for value, data in zip(model.inputs, inputs):
        data = np.asarray(data)
        if data.shape != value.shape or data.dtype != NUMPY_DTYPES[value.dtype]:
            raise ValueError(f"input %{value.name}: expected {value.mlir_type}, got "
                             f"{data.dtype}{list(data.shape)}")
        env[value.name] = data
    for op in model.ops:
        env[op.result.name] = eval_op(op, env)
    return env


def run(model: Graph, inputs: Union[np.ndarray, Sequence[np.ndarray]]) -> list[np.ndarray]:
    """Execute ``model`` on ``inputs`` (one array per graph input); return its outputs."""
    env = run_all(model, inputs)
    return [env[v.name] for v in model.outputs]
