#!/usr/bin/env python3
"""Checks the kernel library against Pex's numpy TOSA interpreter.

Loads a host build of runtime/kernels (the portable path of pex_kernels.c
and the reference kernels of pex_kernels_ref.c) with ctypes and compares,
on random cases, both with python/pex/tosa_ref.py's conv2d /
depthwise_conv2d followed by rescale (scale32, double rounding, per
channel) and clamp: the reference kernels are what the QEMU tests compare
the DSP kernels with, so this ties the whole chain to the TOSA semantics
the compiler uses. Also checks the partial-execution consumer + finish
against the whole convolution.

    kernels-vs-tosa-ref.py LIBRARY.so [--cases N] [--seed S]
"""

import argparse
import ctypes
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)),
                                "..", "..", "..", "python"))
from pex import tosa_ref  # noqa: E402

CONV_FIELDS = ["in_h", "in_w", "in_c", "in_pixel_stride", "out_h", "out_w",
               "out_c", "out_pixel_stride", "kernel_h", "kernel_w",
               "stride_h", "stride_w", "dilation_h", "dilation_w", "pad_top",
               "pad_left", "weight_in_stride", "input_zp", "output_zp",
               "act_min", "act_max"]
FC_FIELDS = ["batch", "in_features", "out_features", "in_row_stride",
             "out_row_stride", "weight_in_stride", "input_zp", "output_zp",
             "act_min", "act_max"]


class ConvParams(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int32) for name in CONV_FIELDS]


class FcParams(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int32) for name in FC_FIELDS]


def ptr(array):
    return array.ctypes.data_as(ctypes.c_void_p)


def tosa_output(acc, mult, shift, out_zp, act_min, act_max):
    y = tosa_ref.rescale(acc, mult.astype(np.int64), shift.astype(np.int64), 0,
                         out_zp, "i8", True, True, True)
    return tosa_ref.clamp(y, act_min, act_max)


def pick_scales(rng, acc):
    """Multiplier and shift per channel, shifts below 32 only where TOSA's
    REQUIRE on the rescale input holds."""
    channels = acc.shape[-1]
    mags = np.abs(acc.reshape(-1, channels).astype(np.int64)).max(axis=0)
    mult = np.empty(channels, np.int32)
    shift = np.empty(channels, np.int8)
    for c in range(channels):
        need = max(2, int(mags[c]).bit_length() + 1)
        choice = rng.integers(0, 5)
        if choice == 0:
            s = need
        elif choice == 1:
            s = rng.integers(need, 63)
        elif choice == 2:
            s = int(rng.choice([31, 32, 33]))  # where double rounding matters most
        else:
            s = min(62, need + 28 + int(rng.integers(-3, 8)))
        shift[c] = max(need, min(62, s))
        mult[c] = rng.choice([0, 1, 0x7FFFFFFF, int(rng.integers(1 << 30, 1 << 31))])
    return mult, shift


def quant(rng):
    in_zp, out_zp = (int(v) for v in rng.integers(-128, 128, 2))
    if rng.integers(0, 2):
        return in_zp, out_zp, -128, 127
    lo, hi = sorted(int(v) for v in rng.integers(-128, 128, 2))
    return in_zp, out_zp, lo, hi


def conv_case(rng, depthwise):
    """A random convolution whose output size divides exactly (TOSA)."""
    while True:
        kh, kw = (int(rng.choice([1, 2, 3, 5])) for _ in range(2))
        sh, sw = (int(rng.integers(1, 3)) for _ in range(2))
        dh, dw = (int(rng.integers(1, 3)) for _ in range(2))
        h, w = (int(rng.integers(1, 10)) for _ in range(2))
        pt, pl = int(rng.integers(0, kh)), int(rng.integers(0, kw))
        span_h = h - 1 + pt - (kh - 1) * dh
        span_w = w - 1 + pl - (kw - 1) * dw
        pb = (-span_h) % sh + sh * int(rng.integers(0, 2))
        pr = (-span_w) % sw + sw * int(rng.integers(0, 2))
        if span_h + pb < 0 or span_w + pr < 0 or pb >= kh * dh + sh or pr >= kw * dw + sw:
            continue
        cin = int(rng.integers(1, 20))
        cout = cin if depthwise else int(rng.integers(1, 20))
        return (h, w, cin, cout, kh, kw, sh, sw, dh, dw, (pt, pb, pl, pr))


def run(lib, rng):
    failures = 0
    for depthwise in (False, True):
        h, w, cin, cout, kh, kw, sh, sw, dh, dw, pad = conv_case(rng, depthwise)
        in_zp, out_zp, lo, hi = quant(rng)
        x = rng.integers(-128, 128, (1, h, w, cin), dtype=np.int8)
        if depthwise:
            wt = rng.integers(-128, 128, (kh, kw, cin, 1), dtype=np.int8)
            acc = tosa_ref.depthwise_conv2d(x, wt, np.zeros(cin, np.int32), in_zp, 0,
                                            pad, (sh, sw), (dh, dw))
        else:
            wt = rng.integers(-128, 128, (cout, kh, kw, cin), dtype=np.int8)
            acc = tosa_ref.conv2d(x, wt, np.zeros(cout, np.int32), in_zp, 0, pad,
                                  (sh, sw), (dh, dw))
        bias = rng.integers(-30000, 30000, cout, dtype=np.int32)
        acc = acc + bias
        mult, shift = pick_scales(rng, acc)
        expect = tosa_output(acc, mult, shift, out_zp, lo, hi)[0]
        oh, ow = expect.shape[:2]
        p = ConvParams(h, w, cin, cin, oh, ow, cout, cout, kh, kw, sh, sw, dh, dw,
                       pad[0], pad[2], cin, in_zp, out_zp, lo, hi)
        fast = np.zeros_like(expect)
        ref = np.zeros_like(expect)
        args = (ctypes.byref(p), ptr(x), ptr(wt), ptr(bias), ptr(mult), ptr(shift))
        if depthwise:
            lib.pex_depthwise_conv2d_s8(*args, ptr(fast))
            lib.pex_ref_depthwise_conv2d_s8(*args, ptr(ref))
        else:
            scratch = np.zeros(lib.pex_conv2d_s8_scratch_bytes(ctypes.byref(p)) // 4 + 1,
                               np.int32)
            lib.pex_conv2d_s8(*args, ptr(fast), ptr(scratch))
            lib.pex_ref_conv2d_s8(*args, ptr(ref))
            # Consumer slices + finish give the same output.
            k = int(rng.integers(1, cin + 1))
            accum = np.zeros((oh, ow, cout), np.int32)
            scratch = np.zeros(lib.pex_conv2d_s8_consume_scratch_bytes(
                ctypes.byref(p), k) // 4 + 1, np.int32)
            for c0 in range(0, cin, k):
                n = min(k, cin - c0)
                lib.pex_conv2d_s8_consume(ctypes.byref(p), c0, n,
                                          ctypes.c_void_p(x.ctypes.data + c0),
                                          ptr(wt), ptr(accum), ptr(scratch))
            finished = np.zeros_like(expect)
            lib.pex_requantize_s32_s8(ptr(accum), oh * ow, cout, cout, ptr(bias),
                                      ptr(mult), ptr(shift), out_zp, lo, hi,
                                      ptr(finished), cout)
            if not np.array_equal(accum + bias, acc[0]) or not np.array_equal(finished, expect):
                failures += 1
                print("MISMATCH consume+finish", (h, w, cin, cout, kh, kw, pad, k))
        kind = "depthwise" if depthwise else "conv2d"
        for name, got in (("fast", fast), ("ref", ref)):
            if not np.array_equal(got, expect):
                failures += 1
                print(f"MISMATCH {kind} {name}", (h, w, cin, cout, kh, kw, sh, sw, dh, dw, pad))
    # Fully connected: tosa conv2d 1x1 over `batch` rows.
    batch, fin, fout = (int(rng.integers(1, n)) for n in (4, 300, 30))
    in_zp, out_zp, lo, hi = quant(rng)
    x = rng.integers(-128, 128, (batch, 1, 1, fin), dtype=np.int8)
    wt = rng.integers(-128, 128, (fout, 1, 1, fin), dtype=np.int8)
    bias = rng.integers(-30000, 30000, fout, dtype=np.int32)
    acc = tosa_ref.conv2d(x, wt, bias, in_zp, 0, (0, 0, 0, 0), (1, 1), (1, 1))
    mult, shift = pick_scales(rng, acc)
    expect = tosa_output(acc, mult, shift, out_zp, lo, hi).reshape(batch, fout)
    p = FcParams(batch, fin, fout, fin, fout, fin, in_zp, out_zp, lo, hi)
    for fn in (lib.pex_fully_connected_s8, lib.pex_ref_fully_connected_s8):
        got = np.zeros_like(expect)
        fn(ctypes.byref(p), ptr(x), ptr(wt), ptr(bias), ptr(mult), ptr(shift), ptr(got))
        if not np.array_equal(got, expect):
            failures += 1
            print(f"MISMATCH {fn.__name__}", (batch, fin, fout))
    return failures


def check_apply_scale(lib, rng):
    """apply_scale_32 (double rounding) of both libraries against tosa_ref on
    every shift, with edge and random values and multipliers."""
    for fn in (lib.pex_apply_scale_32, lib.pex_ref_apply_scale_32):
        fn.restype = ctypes.c_int32
        fn.argtypes = [ctypes.c_int32] * 3
    edges = [-(1 << 31), -(1 << 30) - 1, -(1 << 30), -65537, -256, -129, -2, -1,
             0, 1, 2, 127, 255, 65535, (1 << 30) - 1, 1 << 30, (1 << 31) - 1]
    mults = [0, 1, 3, 1 << 30, 0x55555555, 0x7FFFFFFF]
    failures = 0
    for s in range(2, 63):
        half = 1 << (s - 1)
        values = [v for v in edges + [int(v) for v in rng.integers(-(1 << 31), 1 << 31, 24)]
                  + [int(v) for v in rng.integers(-min(half, 1 << 20), min(half, 1 << 20), 24)]
                  if s >= 32 or -half <= v < half]
        ms = mults + [int(v) for v in rng.integers(0, 1 << 31, 6)]
        vv, mm = np.meshgrid(np.array(values, np.int64), np.array(ms, np.int64))
        expect = tosa_ref.apply_scale_32(vv, mm, np.int64(s), True)
        for fn in (lib.pex_apply_scale_32, lib.pex_ref_apply_scale_32):
            got = np.array([[fn(int(v), int(m), s) for v in row_v]
                            for row_v, m in zip(vv, mm[:, 0])], np.int64)
            if not np.array_equal(got, expect):
                failures += 1
                print(f"MISMATCH {fn.__name__} shift {s}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library")
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lib = ctypes.CDLL(args.library)
    lib.pex_conv2d_s8_scratch_bytes.restype = ctypes.c_int32
    lib.pex_conv2d_s8_consume_scratch_bytes.restype = ctypes.c_int32
    rng = np.random.default_rng(args.seed)
    scale_failures = check_apply_scale(lib, rng)
    print(f"tosa_ref: apply_scale_32 on shifts 2..62, {scale_failures} failures")
    failures = scale_failures + sum(run(lib, rng) for _ in range(args.cases))
    print(f"tosa_ref: {args.cases} rounds of conv2d, depthwise, consumer + finish "
          f"and fully connected, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
