"""Numpy emulation of TensorFlow Lite Micro's int8 reference kernels.

Written from the reference kernels' arithmetic (tensorflow/lite/kernels/
internal/reference and the gemmlowp fixed-point helpers they call),
independently of the C++ importer, so that the TOSA the importer emits can
be checked against it on models TensorFlow Lite Micro itself is not
available for. On the four MLPerf Tiny models it reproduces the TFLM tensor
dumps bit for bit (python/tests/test_tflite.py).

Integer arithmetic runs in int64 numpy with explicit wrap-around where the
kernels rely on int32; float kernels (QUANTIZE, DEQUANTIZE) run in float32
as the C++ does. :func:`run` executes a :class:`pex.tflite_model.Model` and
returns every tensor by index.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from pex.tflite_model import ACTIVATIONS, NUMPY_TYPES, Model, Operator, Tensor

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


class UnsupportedModel(ValueError):
    """The model uses something this emulation (or TFLite Micro) rejects."""


# --------------------------------------------------------------------------
# Fixed-point helpers
# --------------------------------------------------------------------------

def tflite_round(value: float) -> float:
    """std::round: halves away from zero."""
    return math.copysign(math.floor(abs(value) + 0.5), value) if abs(value) < 2**52 else value


def quantize_multiplier(real: float) -> tuple[int, int]:
    """QuantizeMultiplier: (multiplier in [2^30, 2^31), shift)."""
    if real == 0.0:
        return 0, 0
    fraction, shift = math.frexp(real)
    fixed = int(tflite_round(fraction * (1 << 31)))
    if fixed == 1 << 31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return fixed, shift


def wrap32(x: np.ndarray) -> np.ndarray:
    """Two's complement wrap of int64 values to int32."""
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def srdhm(a, b) -> np.ndarray:
    """SaturatingRoundingDoublingHighMul (division truncating toward 0)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    product = a * b
    nudged = product + np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    result = np.where(nudged >= 0, nudged >> 31, -((-nudged) >> 31))
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, result)


def rdpot(x, exponent) -> np.ndarray:
    """RoundingDivideByPOT (to nearest, halves away from zero)."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def mbqm(x, multiplier, shift) -> np.ndarray:
    """MultiplyByQuantizedMultiplier (double rounding, the default build)."""
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    shifted = wrap32(np.asarray(x, dtype=np.int64) << left)
    return rdpot(srdhm(shifted, multiplier), right)


def sat_shl(x, exponent: int) -> np.ndarray:
    """SaturatingRoundingMultiplyByPOT with a positive exponent."""
    x = np.asarray(x, dtype=np.int64)
    threshold = (1 << (31 - exponent)) - 1
    return np.where(x > threshold, INT32_MAX,
                    np.where(x < -threshold, INT32_MIN, wrap32(x << exponent)))


def _exp_quarter(a: np.ndarray) -> np.ndarray:
    """exp on [-1/4, 0) for Q0.31 (Taylor series around -1/8)."""
    constant_term, one_third = 1895147668, 715827883
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = rdpot(x4, 2)
    poly = rdpot(wrap32(srdhm(wrap32(x4_over_4 + x3), one_third) + x2), 1)
    return wrap32(constant_term + srdhm(constant_term, wrap32(x + poly)))


def exp_on_negative_values(a, integer_bits: int) -> np.ndarray:
    """gemmlowp exp_on_negative_values for Q(integer_bits).(31-integer_bits)."""
    a = np.asarray(a, dtype=np.int64)
    fractional = 31 - integer_bits
    quarter = 1 << (fractional - 2)
    a_mod = wrap32((a & (quarter - 1)) - quarter)
    result = _exp_quarter(sat_shl(a_mod, integer_bits))
    remainder = wrap32(a_mod - a)
    multipliers = {-2: 1672461947, -1: 1302514674, 0: 790015084, 1: 290630308,
                   2: 39332535, 3: 720401, 4: 242}
    for exponent, multiplier in multipliers.items():
        if integer_bits > exponent:
            bit = (remainder >> (fractional + exponent)) & 1
            result = np.where(bit == 1, srdhm(result, multiplier), result)
    if integer_bits > 5:
        result = np.where(a < -(1 << (36 - integer_bits)), 0, result)
    return np.where(a == 0, INT32_MAX, result)


def one_over_one_plus_x(a) -> np.ndarray:
    """gemmlowp one_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out)."""
    a = np.asarray(a, dtype=np.int64)
    total = a + INT32_MAX
    half = np.where(total >= 0, (total + 1) // 2, -((-(total - 1)) // 2))
    x = wrap32(1515870810 + srdhm(half, -1010580540))
    for _ in range(3):
        x = wrap32(x + sat_shl(srdhm(x, wrap32((1 << 29) - srdhm(half, x))), 2))
    return sat_shl(x, 1)


def logistic_fixed(a, integer_bits: int) -> np.ndarray:
    """gemmlowp logistic for Q(integer_bits) input, Q0.31 output."""
    a = np.asarray(a, dtype=np.int64)
    absolute = np.where(a > 0, a, wrap32(-a))
    positive = one_over_one_plus_x(exp_on_negative_values(wrap32(-absolute), integer_bits))
    negative = wrap32(INT32_MAX - positive)
    return np.where(a == 0, 1 << 30, np.where(a > 0, positive, negative))


# --------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------

def _quant(tensor: Tensor) -> tuple[float, int]:
    if tensor.quant is None or len(tensor.quant.scale) != 1:
        raise UnsupportedModel(f"tensor {tensor.name} needs per-tensor quantisation")
    return float(np.float32(tensor.quant.scale[0])), int(tensor.quant.zero_point[0])


def activation_range(name: str, scale: float, zero_point: int) -> tuple[int, int]:
    """CalculateActivationRangeQuantized (float division, then round)."""
    def quantize(real: float) -> int:
        return zero_point + int(tflite_round(float(np.float32(real) / np.float32(scale))))
    if name == "NONE":
        return -128, 127
    if name == "RELU":
        return max(-128, quantize(0.0)), 127
    if name == "RELU6":
        return max(-128, quantize(0.0)), min(127, quantize(6.0))
    if name == "RELU_N1_TO_1":
        return max(-128, quantize(-1.0)), min(127, quantize(1.0))
    raise UnsupportedModel(f"activation {name}")


def window(size: int, kernel: int, stride: int, dilation: int, padding: str) -> tuple[int, int]:
    """TFLite's output size and leading padding of one dimension."""
    effective = (kernel - 1) * dilation + 1
    out = (size + stride - 1) // stride if padding == "SAME" else (size - effective + stride) // stride
    total = max((out - 1) * stride + effective - size, 0)
    return out, total // 2


def _conv_like(x, w, bias, op, m, depthwise):
    """Shared loop of CONV_2D (w [O,KH,KW,I]) and DEPTHWISE ([1,KH,KW,C*M])."""
    o = op.options
    n, h, wd, c = x.shape
    kh, kw = w.shape[1], w.shape[2]
    oh, pad_t = window(h, kh, o.get("stride_h", 1), o.get("dilation_h_factor", 1), o["padding"])
    ow, pad_l = window(wd, kw, o.get("stride_w", 1), o.get("dilation_w_factor", 1), o["padding"])
    sh, sw = o.get("stride_h", 1), o.get("stride_w", 1)
    dh, dw = o.get("dilation_h_factor", 1), o.get("dilation_w_factor", 1)
    _, in_zp = _quant(m.tensors[op.inputs[0]])
    # Centred input, zero-padded: outside positions contribute nothing, as
    # the kernel skips them.
    xc = np.pad(x.astype(np.int64) - in_zp,
                ((0, 0), (pad_t, kh * dh + oh * sh), (pad_l, kw * dw + ow * sw), (0, 0)))
    channels = w.shape[3] if depthwise else w.shape[0]
    acc = np.zeros((n, oh, ow, channels), dtype=np.int64)
    for ky in range(kh):
        for kx in range(kw):
            patch = xc[:, ky * dh: ky * dh + (oh - 1) * sh + 1: sh,
                       kx * dw: kx * dw + (ow - 1) * sw + 1: sw, :]
            if depthwise:
                acc += np.repeat(patch, channels // c, axis=3) * w[0, ky, kx].astype(np.int64)
            else:
                acc += patch @ w[:, ky, kx, :].astype(np.int64).T
    if bias is not None:
        acc += bias.astype(np.int64)
    return acc


def _requantize_conv(acc, op, m, per_tensor_float_product: bool = False):
    out = m.tensors[op.outputs[0]]
    x = m.tensors[op.inputs[0]]
    w = m.tensors[op.inputs[1]]
    in_scale, _ = _quant(x)
    out_scale, out_zp = _quant(out)
    scales = [float(np.float32(s)) for s in w.quant.scale]
    multipliers, shifts = [], []
    for s in scales:
        if per_tensor_float_product and len(scales) == 1:
            real = float(np.float32(in_scale) * np.float32(s)) / out_scale
        else:
            real = in_scale * s / out_scale
        q, e = quantize_multiplier(real)
        multipliers.append(q)
        shifts.append(e)
    mult = np.array(multipliers, dtype=np.int64)
    shift = np.array(shifts, dtype=np.int64)
    result = mbqm(acc, mult, shift) + out_zp
    lo, hi = activation_range(op.options.get("fused_activation_function", "NONE"),
                              out_scale, out_zp)
    return np.clip(result, lo, hi).astype(np.int8)


def _pool(x, op, m, average):
    o = op.options
    n, h, wd, c = x.shape
    kh, kw = o["filter_height"], o["filter_width"]
    sh, sw = o.get("stride_h", 1), o.get("stride_w", 1)
    oh, pad_t = window(h, kh, sh, 1, o["padding"])
    ow, pad_l = window(wd, kw, sw, 1, o["padding"])
    out = np.zeros((n, oh, ow, c), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = oy * sh - pad_t, ox * sw - pad_l
            ys = slice(max(y0, 0), min(y0 + kh, h))
            xs = slice(max(x0, 0), min(x0 + kw, wd))
            region = x[:, ys, xs, :].astype(np.int64)
            if average:
                count = region.shape[1] * region.shape[2]
                acc = region.sum(axis=(1, 2))
                # (acc +/- count / 2) / count with C++ truncating division.
                num = np.where(acc > 0, acc + count // 2, acc - count // 2)
                out[:, oy, ox, :] = np.where(num >= 0, num // count, -((-num) // count))
            else:
                out[:, oy, ox, :] = region.max(axis=(1, 2))
    scale, zp = _quant(m.tensors[op.outputs[0]])
    lo, hi = activation_range(o.get("fused_activation_function", "NONE"), scale, zp)
    return np.clip(out, lo, hi).astype(np.int8)


def _add(a, b, op, m):
    (sa, za), (sb, zb) = _quant(m.tensors[op.inputs[0]]), _quant(m.tensors[op.inputs[1]])
    so, zo = _quant(m.tensors[op.outputs[0]])
    twice_max = 2 * float(max(np.float32(sa), np.float32(sb)))
    ma, ea = quantize_multiplier(sa / twice_max)
    mb, eb = quantize_multiplier(sb / twice_max)
    mo, eo = quantize_multiplier(twice_max / ((1 << 20) * so))
    va = mbqm((a.astype(np.int64) - za) << 20, ma, ea)
    vb = mbqm((b.astype(np.int64) - zb) << 20, mb, eb)
    raw = mbqm(wrap32(va + vb), mo, eo) + zo
    lo, hi = activation_range(op.options.get("fused_activation_function", "NONE"), so, zo)
    return np.clip(raw, lo, hi).astype(np.int8)


def softmax_tables(beta: float, input_scale: float) -> tuple[np.ndarray, np.ndarray, int]:
    """exp and Rescale<12>(exp) of every difference d in [-255, 0]."""
    real = min(float(np.float32(beta)) * input_scale * (1 << 26), (1 << 31) - 1.0)
    if real <= 1.0:
        raise UnsupportedModel("softmax: beta * scale too small")
    multiplier, left_shift = quantize_multiplier(real)
    radius = math.floor(31 * (1 << 26) / (1 << left_shift))
    diff_min = -radius
    d = np.arange(-255, 1, dtype=np.int64)
    rescaled = srdhm(wrap32(d << left_shift), multiplier)
    exp = exp_on_negative_values(rescaled, 5)
    valid = d >= diff_min
    return np.where(valid, exp, 0), np.where(valid, rdpot(exp, 12), 0), diff_min


def _softmax(x, op, m):
    scale, _ = _quant(m.tensors[op.inputs[0]])
    exp, exp_sum, _ = softmax_tables(op.options.get("beta", 1.0), scale)
    flat = x.reshape(-1, x.shape[-1]).astype(np.int64)
    out = np.empty_like(flat)
    for row in range(flat.shape[0]):
        index = flat[row] - flat[row].max() + 255
        total = int(exp_sum[index].sum())
        headroom = 32 - total.bit_length()          # CountLeadingZeros
        bits_over_unit = 12 - headroom
        shifted = ((total << headroom) - (1 << 31)) & 0xFFFFFFFF
        reciprocal = int(one_over_one_plus_x(shifted))
        exponent = bits_over_unit + 31 - 8
        unsat = rdpot(srdhm(reciprocal, exp[index]), exponent)
        out[row] = np.clip(unsat - 128, -128, 127)
    return out.reshape(x.shape).astype(np.int8)


def log_x_ge_1(x: int) -> int:
    """log_x_for_x_greater_than_or_equal_to_1<5> of a raw Q12.19 value: raw Q5.26.

    gemmlowp's fixed-point steps one by one, on Python integers (the kernel
    reinterprets x as Q0.31, normalises it twice and evaluates a rational
    approximation around sqrt(sqrt(1/2))); accumulation in Q6.25.
    """
    def mul(a: int, b: int) -> int:
        return int(srdhm(a, b))

    def shl_param(v: int, exponent: int) -> int:  # SaturatingRoundingMultiplyByPOTParam
        return v if exponent == 0 else int(sat_shl(v, exponent))

    def clz(v: int) -> int:
        return 32 - (v & 0xFFFFFFFF).bit_length()

    def add(a: int, b: int) -> int:
        return int(wrap32(a + b))

    log_2, sqrt_sqrt_half, sqrt_half = 1488522236, 1805811301, 1518500250
    alpha_n, alpha_d, alpha_i, alpha_f = 117049297, 127690142, 1057819769, 638450708
    input_bits, accum_bits = 12, 6
    shifted_quarter = int(rdpot(536870912, accum_bits))
    headroom_plus_1 = clz(x)
    r_a = shl_param(mul(shl_param(x, headroom_plus_1 - 1), sqrt_half), 1)
    z_a_pow_2_adj = max(min(shl_param(input_bits - headroom_plus_1, 31 - accum_bits)
                            + shifted_quarter, INT32_MAX), INT32_MIN)
    z_b = mul(x, sqrt_half)
    z_b_headroom = clz(z_b) - 1
    r_b = shl_param(x, z_b_headroom)  # the kernel shifts x, not z_b
    z_b_pow_2_adj = max(min(shl_param(input_bits - z_b_headroom, 31 - accum_bits)
                            - shifted_quarter, INT32_MAX), INT32_MIN)
    r = min(r_a, r_b)
    z_pow_2_adj = max(z_a_pow_2_adj, z_b_pow_2_adj)
    total = r + sqrt_sqrt_half  # RoundingHalfSum in 64 bits
    p = (total + 1) // 2 if total >= 0 else -((1 - total) // 2)
    q = add(r, -sqrt_sqrt_half)
    q = add(q, q)
    common_sq = mul(q, q)
    num = add(mul(q, r), mul(mul(q, common_sq), alpha_n))
    denom_minus_one = add(mul(p, add(add(alpha_i, q), mul(alpha_d, common_sq))),
                          mul(alpha_f, q))
    recip = int(one_over_one_plus_x(denom_minus_one))
    num_scaled = int(rdpot(num, accum_bits))
    accumulated = add(mul(z_pow_2_adj, log_2), mul(num_scaled, recip))
    return int(sat_shl(accumulated, accum_bits - 5))


def _log_softmax(x, op, m):
    """reference_ops::LogSoftmax<int8_t> (output scale 16/256, zero point 127)."""
    scale, _ = _quant(m.tensors[op.inputs[0]])
    real = min(scale * (1 << 26), (1 << 31) - 1.0)
    if real <= 1.0:
        raise UnsupportedModel("log_softmax: input scale too small")
    multiplier, left_shift = quantize_multiplier(real)
    reverse_real = (1 << (31 - left_shift)) / multiplier
    if not 0.0 < reverse_real < 1.0:
        raise UnsupportedModel("log_softmax: reverse scaling not below 1")
    reverse_multiplier, reverse_shift = quantize_multiplier(reverse_real)
    diff_min = -math.floor(31 * (1 << 26) / (1 << left_shift))
    flat = x.reshape(-1, x.shape[-1]).astype(np.int64)
    out = np.empty_like(flat)
    for row in range(flat.shape[0]):
        diff = flat[row] - flat[row].max()
        in_q5 = mbqm(diff, multiplier, left_shift)
        valid = diff >= diff_min
        total = int(np.where(valid, rdpot(exp_on_negative_values(in_q5, 5), 12), 0).sum())
        log_sum = log_x_ge_1(total)
        adjusted = max(diff_min - 1,
                       int(mbqm(int(wrap32(log_sum + INT32_MIN)), reverse_multiplier,
                                reverse_shift)))
        value = np.clip(rdpot(wrap32(in_q5 - log_sum), 22) + 127, -128, 127)
        out[row] = np.where(diff > adjusted, value, -128)
    return out.reshape(x.shape).astype(np.int8)


def logistic_table(scale: float, zero_point: int) -> np.ndarray:
    """reference_integer_ops::Logistic for every int8 input, by x + 128."""
    fraction, left_shift = math.frexp(scale * (1 << 27))
    multiplier = int(tflite_round(fraction * (1 << 31)))
    radius = math.floor(15 * (1 << 27) / (1 << left_shift))
    x = np.arange(-128, 128, dtype=np.int64)
    value = x - zero_point
    q4 = mbqm(value, multiplier, left_shift)
    q0 = logistic_fixed(q4, 4)
    result = np.clip(rdpot(q0, 23) - 128, -128, 127)
    result = np.where(value <= -radius, -128, np.where(value >= radius, 127, result))
    return result.astype(np.int8)


def _mean(x, axes, op, m):
    (si, zi), (so, zo) = _quant(m.tensors[op.inputs[0]]), _quant(m.tensors[op.outputs[0]])
    rank = x.ndim
    axes = sorted({a + rank if a < 0 else a for a in axes})
    count = int(np.prod([x.shape[a] for a in axes]))
    total = x.astype(np.int64).sum(axis=tuple(axes), keepdims=True)
    multiplier, shift = quantize_multiplier(si / so)
    s = min(count.bit_length() - 1, 32, 31 + shift)
    multiplier = (multiplier << s) // count
    shift -= s
    out = np.clip(mbqm(wrap32(total - zi * count), multiplier, shift) + zo, -128, 127)
    out_shape = m.tensors[op.outputs[0]].shape
    return out.astype(np.int8).reshape(out_shape)


def _quantize(x, op, m):
    so, zo = _quant(m.tensors[op.outputs[0]])
    src = m.tensors[op.inputs[0]]
    if src.type == "int8":
        si, zi = _quant(src)
        multiplier, shift = quantize_multiplier(si / so)
        return np.clip(mbqm(x.astype(np.int64) - zi, multiplier, shift) + zo,
                       -128, 127).astype(np.int8)
    quotient = (x.astype(np.float32) / np.float32(so)).astype(np.float64)
    whole = np.trunc(quotient)
    with np.errstate(invalid="ignore"):  # inf - inf for infinite inputs
        fraction = np.abs(quotient - whole)
    rounded = whole + np.where(fraction >= 0.5, np.sign(quotient), 0)
    rounded = np.clip(rounded, -1e9, 1e9)
    return np.clip(rounded.astype(np.int64) + zo, -128, 127).astype(np.int8)


def _dequantize(x, op, m):
    scale, zp = _quant(m.tensors[op.inputs[0]])
    return (np.float32(scale) * (x.astype(np.int64) - zp).astype(np.float32)).astype(np.float32)


def eval_operator(op: Operator, m: Model, env: dict[int, np.ndarray]) -> np.ndarray:
    """One operator on tensors by index (constants included in ``env``)."""
    args = [env[i] if i >= 0 else None for i in op.inputs]
    code = op.opcode
    if code in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        bias = args[2] if len(args) > 2 else None
        acc = _conv_like(args[0], args[1], bias, op, m, code == "DEPTHWISE_CONV_2D")
        return _requantize_conv(acc, op, m)
    if code == "FULLY_CONNECTED":
        x, w = args[0], args[1]
        bias = args[2] if len(args) > 2 else None
        _, in_zp = _quant(m.tensors[op.inputs[0]])
        w_zp = m.tensors[op.inputs[1]].quant.zero_point[0]
        rows = x.reshape(-1, w.shape[1]).astype(np.int64) - in_zp
        acc = rows @ (w.astype(np.int64) - w_zp).T
        if bias is not None:
            acc += bias.astype(np.int64)
        out = _requantize_conv(acc, op, m, per_tensor_float_product=True)
        return out.reshape(m.tensors[op.outputs[0]].shape)
    if code == "ADD":
        return _add(args[0], args[1], op, m)
    if code in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        return _pool(args[0], op, m, code == "AVERAGE_POOL_2D")
    if code == "RESHAPE":
        return args[0].reshape(m.tensors[op.outputs[0]].shape)
    if code == "SOFTMAX":
        return _softmax(args[0], op, m)
    if code == "LOG_SOFTMAX":
        return _log_softmax(args[0], op, m)
    if code == "LOGISTIC":
        scale, zp = _quant(m.tensors[op.inputs[0]])
        return logistic_table(scale, zp)[args[0].astype(np.int64) + 128]
    if code == "MEAN":
        return _mean(args[0], [int(a) for a in np.ravel(args[1])], op, m)
    if code == "PAD":
        _, zp = _quant(m.tensors[op.outputs[0]]) if m.tensors[op.outputs[0]].type == "int8" \
            else (1.0, 0)
        return np.pad(args[0], [tuple(p) for p in args[1].reshape(-1, 2)],
                      constant_values=zp).astype(args[0].dtype)
    if code == "CONCATENATION":
        axis = op.options.get("axis", 0)
        return np.concatenate(args, axis=axis)
    if code == "QUANTIZE":
        return _quantize(args[0], op, m)
    if code == "DEQUANTIZE":
        return _dequantize(args[0], op, m)
    raise UnsupportedModel(f"operator {code}")


#: The operators :func:`eval_operator` emulates.
EMULATED = frozenset({
    "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "AVERAGE_POOL_2D",
    "MAX_POOL_2D", "RESHAPE", "SOFTMAX", "LOG_SOFTMAX", "LOGISTIC", "MEAN", "PAD",
    "CONCATENATION", "QUANTIZE", "DEQUANTIZE"})


def run(m: Model, inputs: Sequence[np.ndarray]) -> dict[int, np.ndarray]:
    """Execute ``m``; return every tensor (inputs, constants, results) by index."""
    env: dict[int, np.ndarray] = {}
    for i, t in enumerate(m.tensors):
        if t.data is not None:
            env[i] = t.data
    for index, data in zip(m.inputs, inputs):
        env[index] = np.asarray(data, dtype=NUMPY_TYPES[m.tensors[index].type]).reshape(
            m.tensors[index].shape)
    for op in m.operators:
        env[op.outputs[0]] = eval_operator(op, m, env)
    return env


__all__ = ["run", "eval_operator", "UnsupportedModel", "ACTIVATIONS"]
