"""Tests of pex.modelgen, pex.tosa_graph and pex.tosa_ref.

Run from the repository root with
``/usr/bin/python3 -m unittest discover -s python/tests -t python``.
Tests needing ``mlir-opt-22`` (and ``mlir-runner-22`` for execution) are
skipped when the tools are missing.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import unittest
from typing import Optional

import numpy as np

from pex import modelgen, tosa_ref
from pex.tosa_graph import Graph, QParams, dense_attr, to_mlir

MLIR_OPT = shutil.which("mlir-opt-22")
MLIR_RUNNER = shutil.which("mlir-runner-22")
RUNNER_LIBS = [os.path.join("/usr/lib/llvm-22/lib", name)
               for name in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so")]
CAN_EXECUTE = (MLIR_OPT is not None and MLIR_RUNNER is not None
               and all(os.path.exists(lib) for lib in RUNNER_LIBS))
TOOL = os.path.join(os.path.dirname(__file__), os.pardir, "tools", "pex-modelgen")

#: Every builder with (mostly default) parameters covering all op kinds.
CONFIGS = {
    "mobilenet_v1": {},
    "mobilenet_v2": {},
    "ds_cnn": {},
    "resnet8": {},
    "mcunet": {},
    "mbv2_block": {},
    "mbv1_pair": {"stride": 2},
    "dscnn_block": {},
    "resnet_block": {"cout": 32, "stride": 2},
    "random": {"seed": 1},
}


@functools.lru_cache(maxsize=None)
def _graph(name: str, dtype: str = "int8", **kwargs: object) -> Graph:
    """Build (once) a model; ``kwargs`` override :data:`CONFIGS`."""
    return modelgen.MODELS[name](dtype=dtype, **{**CONFIGS[name], **kwargs})


def _mlir_opt(text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([MLIR_OPT, *args], input=text, capture_output=True, text=True)


# --------------------------------------------------------------------------
# Independent scalar implementations of the TOSA specification
# --------------------------------------------------------------------------

def spec_apply_scale_32(value: int, multiplier: int, shift: int, double_round: bool) -> int:
    round_ = 1 << (shift - 1)
    if double_round and shift > 31:
        round_ += (1 << 30) if value >= 0 else -(1 << 30)
    return (value * multiplier + round_) >> shift  # Python's >> floors like int64 >>


def spec_reciprocal_scale(count: int) -> tuple[int, int]:
    k = (count - 1).bit_length()
    return (((1 << 30) + 1) << k) // count, 30 + k


def naive_conv2d(x, w, b, x_zp, w_zp, pad, stride):
    n, ih, iw, ci = x.shape
    co, kh, kw, _ = w.shape
    oh = (ih + pad[0] + pad[1] - kh) // stride[0] + 1
    ow = (iw + pad[2] + pad[3] - kw) // stride[1] + 1
    out = np.zeros((n, oh, ow, co), dtype=np.int64)
    for bn in range(n):
        for oy in range(oh):
            for ox in range(ow):
                for oc in range(co):
                    acc = 0
                    for ky in range(kh):
                        for kx in range(kw):
                            iy, ix = oy * stride[0] - pad[0] + ky, ox * stride[1] - pad[2] + kx
                            if 0 <= iy < ih and 0 <= ix < iw:
                                for ic in range(ci):
                                    acc += (int(x[bn, iy, ix, ic]) - x_zp) * \
                                        (int(w[oc, ky, kx, ic]) - w_zp)
                    out[bn, oy, ox, oc] = acc + int(b[oc])
    return out


def naive_depthwise(x, w, b, x_zp, pad, stride):
    n, ih, iw, c = x.shape
    kh, kw, _, m = w.shape
    oh = (ih + pad[0] + pad[1] - kh) // stride[0] + 1
    ow = (iw + pad[2] + pad[3] - kw) // stride[1] + 1
    out = np.zeros((n, oh, ow, c * m), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            for ch in range(c):
                for mm in range(m):
                    acc = 0
                    for ky in range(kh):
                        for kx in range(kw):
                            iy, ix = oy * stride[0] - pad[0] + ky, ox * stride[1] - pad[2] + kx
                            if 0 <= iy < ih and 0 <= ix < iw:
                                acc += (int(x[0, iy, ix, ch]) - x_zp) * int(w[ky, kx, ch, mm])
                    out[0, oy, ox, ch * m + mm] = acc + int(b[ch * m + mm])
    return out


def naive_avg_pool(x, in_zp, out_zp, kernel, stride, pad):
    _, ih, iw, c = x.shape
    oh = (ih + pad[0] + pad[1] - kernel[0]) // stride[0] + 1
    ow = (iw + pad[2] + pad[3] - kernel[1]) // stride[1] + 1
    out = np.zeros((1, oh, ow, c), dtype=np.int8)
    for oy in range(oh):
        for ox in range(ow):
            for ch in range(c):
                acc = count = 0
                for ky in range(kernel[0]):
                    for kx in range(kernel[1]):
                        iy, ix = oy * stride[0] - pad[0] + ky, ox * stride[1] - pad[2] + kx
                        if 0 <= iy < ih and 0 <= ix < iw:
                            acc += int(x[0, iy, ix, ch]) - in_zp
                            count += 1
                m, s = spec_reciprocal_scale(count)
                out[0, oy, ox, ch] = min(127, max(-128, spec_apply_scale_32(acc, m, s, False)
                                                  + out_zp))
    return out


# --------------------------------------------------------------------------
# Reference interpreter
# --------------------------------------------------------------------------

class ReferenceKernelTest(unittest.TestCase):
    """tosa_ref kernels against naive loops and hand-computed cases."""

    def setUp(self) -> None:
        self.rng = np.random.default_rng(1234)

    def _int8(self, *shape: int) -> np.ndarray:
        return self.rng.integers(-128, 128, size=shape, dtype=np.int8)

    def test_conv2d_1x1_matches_naive_loop(self) -> None:
        x, w = self._int8(1, 3, 4, 5), self._int8(6, 1, 1, 5)
        b = self.rng.integers(-1000, 1000, size=6).astype(np.int32)
        got = tosa_ref.conv2d(x, w, b, -7, 0, (0, 0, 0, 0), (1, 1), (1, 1))
        self.assertEqual(got.dtype, np.int32)
        np.testing.assert_array_equal(got, naive_conv2d(x, w, b, -7, 0, (0, 0, 0, 0), (1, 1)))

    def test_conv2d_padded_strided_matches_naive_loop(self) -> None:
        x, w = self._int8(2, 7, 6, 3), self._int8(4, 3, 3, 3)
        b = self.rng.integers(-1000, 1000, size=4).astype(np.int32)
        pad, stride = (1, 1, 0, 1), (2, 2)
        got = tosa_ref.conv2d(x, w, b, 11, 3, pad, stride, (1, 1))
        np.testing.assert_array_equal(got, naive_conv2d(x, w, b, 11, 3, pad, stride))

    def test_depthwise_matches_naive_loop(self) -> None:
        x, w = self._int8(1, 6, 5, 4), self._int8(3, 3, 4, 2)
        b = self.rng.integers(-1000, 1000, size=8).astype(np.int32)
        pad, stride = (0, 1, 1, 1), (1, 2)
        got = tosa_ref.depthwise_conv2d(x, w, b, -128, 0, pad, stride, (1, 1))
        np.testing.assert_array_equal(got, naive_depthwise(x, w, b, -128, pad, stride))

    def test_conv2d_rejects_inexact_output_size(self) -> None:
        x, w = self._int8(1, 4, 4, 1), self._int8(1, 1, 1, 1)
        with self.assertRaises(tosa_ref.TosaError):
            tosa_ref.conv2d(x, w, np.zeros(1, np.int32), 0, 0, (0, 0, 0, 0), (2, 2), (1, 1))

    def test_apply_scale_32_hand_cases(self) -> None:
        cases = [  # value, multiplier, shift, double_round, expected
            (3, 1 << 30, 31, False, 2),      # 1.5 -> 2
            (-3, 1 << 30, 31, False, -1),    # -1.5 -> -1 (round half up)
            (-5, 1 << 30, 31, True, -2),     # -2.5 -> -2 (shift 31: no double rounding)
            (1, 1 << 30, 32, False, 0),      # 0.25 -> 0
            (1, 1 << 30, 32, True, 1),       # 0.25 -> 0.5 -> 1 with double rounding
            (-1, 1 << 30, 32, True, 0),      # -0.25 -> 0
            (-1, 1717986918, 32, False, 0),  # -0.4 -> 0
            (-1, 1717986918, 32, True, -1),  # -0.4 -> -1 with double rounding
            (1, 1717986918, 32, True, 1),    # 0.4 -> 1 with double rounding
            (-(1 << 31), (1 << 31) - 1, 62, True, -1),
        ]
        for value, multiplier, shift, double_round, expected in cases:
            with self.subTest(value=value, multiplier=multiplier, shift=shift,
                              double_round=double_round):
                got = tosa_ref.apply_scale_32(np.array([value]), multiplier, shift, double_round)
                self.assertEqual(int(got[0]), expected)
                self.assertEqual(spec_apply_scale_32(value, multiplier, shift, double_round),
                                 expected)

    def test_apply_scale_32_random_against_scalar_spec(self) -> None:
        values = np.concatenate([self.rng.integers(-(1 << 31), 1 << 31, 300),
                                 self.rng.integers(-300, 300, 300)])
        for shift in (2, 11, 20, 31, 32, 33, 40, 49, 62):
            multiplier = int(self.rng.integers(1 << 30, 1 << 31))
            half = 1 << (shift - 1)
            ok = values[(values >= -half) & (values < half)]
            for double_round in (False, True):
                got = tosa_ref.apply_scale_32(ok, multiplier, shift, double_round)
                want = [spec_apply_scale_32(int(v), multiplier, shift, double_round) for v in ok]
                np.testing.assert_array_equal(got, want)

    def test_apply_scale_32_requirements(self) -> None:
        with self.assertRaises(tosa_ref.TosaError):
            tosa_ref.apply_scale_32(np.array([1]), 1 << 30, 1, True)
        with self.assertRaises(tosa_ref.TosaError):
            tosa_ref.apply_scale_32(np.array([1]), 1 << 30, 63, True)
        with self.assertRaises(tosa_ref.TosaError):  # |value| >= 1 << (shift - 1)
            tosa_ref.apply_scale_32(np.array([1 << 10]), 1 << 30, 11, True)

    def test_rescale_zero_points_rounding_and_saturation(self) -> None:
        acc = np.array([[-5000, -1000, -8, 0, 8, 24, 5000]], dtype=np.int32)
        # Real scale 1/16 (shift 34): ties (-62.5, -0.5, 0.5, 1.5) round away
        # from zero with double rounding, up (towards +inf) without.
        expected = {True: [[-128, -73, -11, -10, -9, -8, 127]],
                    False: [[-128, -72, -10, -10, -9, -8, 127]]}
        for double_round, want in expected.items():
            got = tosa_ref.rescale(acc, np.array([1 << 30]), np.array([34]), 0, -10, "i8",
                                   per_channel=False, scale32=True, double_round=double_round)
            np.testing.assert_array_equal(got, want)
            self.assertEqual(got.dtype, np.int8)
        # i8 -> i32 with an input zero point, as for residual additions.
        x = np.array([[-128, -3, 0, 127]], dtype=np.int8)
        got = tosa_ref.rescale(x, np.array([1 << 30]), np.array([11]), -3, 0, "i32",
                               per_channel=False, scale32=True, double_round=True)
        np.testing.assert_array_equal(got, [[-125 << 19, 0, 3 << 19, 130 << 19]])
        self.assertEqual(got.dtype, np.int32)

    def test_rescale_per_channel_uses_last_axis(self) -> None:
        acc = np.full((1, 2, 2, 3), 64, dtype=np.int32)
        got = tosa_ref.rescale(acc, np.array([1 << 30] * 3), np.array([31, 32, 33]), 0, 0,
                               "i8", per_channel=True, scale32=True, double_round=True)
        np.testing.assert_array_equal(got[0, 1, 1], [32, 16, 8])

    def test_reciprocal_scale_range(self) -> None:
        counts = np.arange(1, 5000)
        multiplier, shift = tosa_ref.reciprocal_scale(counts)
        self.assertTrue(np.all(multiplier >= 1 << 30) and np.all(multiplier < 1 << 31))
        for c in (1, 2, 3, 9, 64, 125, 4999):
            self.assertEqual((int(multiplier[c - 1]), int(shift[c - 1])),
                             spec_reciprocal_scale(c))

    def test_avg_pool_rounds_halves_away_from_zero(self) -> None:
        # The reciprocal of 2 is slightly above 1/2, so -1.5 -> -2 and 1.5 -> 2.
        x = np.array([[[[-1], [-2]], [[1], [2]]]], dtype=np.int8)
        got = tosa_ref.avg_pool2d(x, 0, 0, (1, 2), (1, 1), (0, 0, 0, 0))
        np.testing.assert_array_equal(got.reshape(-1), [-2, 2])

    def test_avg_pool_with_padding_matches_naive_loop(self) -> None:
        x = self._int8(1, 7, 5, 3)
        pad = (1, 1, 1, 1)
        got = tosa_ref.avg_pool2d(x, -20, 7, (3, 3), (2, 2), pad)
        np.testing.assert_array_equal(got, naive_avg_pool(x, -20, 7, (3, 3), (2, 2), pad))

    def test_max_pool_with_padding_matches_naive_loop(self) -> None:
        x = self._int8(1, 7, 5, 3)
        got = tosa_ref.max_pool2d(x, (3, 2), (2, 2), (1, 1, 0, 1))
        want = np.full((1, 4, 3, 3), -128, dtype=np.int8)
        for i in range(4):
            for j in range(3):
                for kh in range(3):
                    for kw in range(2):
                        h, w = 2 * i + kh - 1, 2 * j + kw
                        if 0 <= h < 7 and 0 <= w < 5:
                            want[0, i, j] = np.maximum(want[0, i, j], x[0, h, w])
        np.testing.assert_array_equal(got, want)

    def test_concat(self) -> None:
        a, b = self._int8(1, 2, 3, 4), self._int8(1, 2, 3, 1)
        np.testing.assert_array_equal(tosa_ref.concat([a, b], 3)[..., 4], b[..., 0])
        with self.assertRaises(tosa_ref.TosaError):
            tosa_ref.concat([a, b.astype(np.int32)], 3)

    def test_matmul_with_zero_points(self) -> None:
        a, b = self._int8(1, 2, 5), self._int8(1, 5, 3)
        got = tosa_ref.matmul(a, b, -4, 0)
        want = (a.astype(np.int64) + 4) @ b.astype(np.int64)
        np.testing.assert_array_equal(got, want)
        self.assertEqual(got.dtype, np.int32)

    def test_float_avg_pool_is_the_mean(self) -> None:
        x = self.rng.standard_normal((1, 4, 4, 2)).astype(np.float32)
        got = tosa_ref.avg_pool2d(x, 0, 0, (4, 4), (1, 1), (0, 0, 0, 0))
        np.testing.assert_allclose(got.reshape(-1), x.mean(axis=(0, 1, 2)), rtol=1e-6)


# --------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------

class QuantisationHelperTest(unittest.TestCase):

    def test_make_divisible(self) -> None:
        self.assertEqual([modelgen.make_divisible(c * 0.25) for c in (32, 64, 128, 1024)],
                         [8, 16, 32, 256])
        self.assertEqual([modelgen.make_divisible(c * 0.35) for c in (16, 24, 32, 96, 320)],
                         [8, 8, 16, 32, 112])
        self.assertEqual(modelgen.make_divisible(3), 8)

    def test_quantize_scale(self) -> None:
        for real in (1.0, 0.5, 2.0 ** -20, 3.3e-4, 0.999999999999, 1.7e6):
            m, s = modelgen.quantize_scale(real)
            self.assertTrue(1 << 30 <= m < 1 << 31, real)
            self.assertLessEqual(abs(m * 2.0 ** -s - real), real * 2.0 ** -30)
        with self.assertRaises(ValueError):
            modelgen.quantize_scale(2.0 ** -40)


class GeneratorTest(unittest.TestCase):

    def test_deterministic_text(self) -> None:
        for name in ("mobilenet_v2", "resnet8"):
            with self.subTest(model=name):
                kwargs = {"blocks": 2, "resolution": 32} if name == "mobilenet_v2" else {}
                first = to_mlir(modelgen.MODELS[name](seed=5, **kwargs))
                self.assertEqual(first, to_mlir(modelgen.MODELS[name](seed=5, **kwargs)))
                self.assertNotEqual(first, to_mlir(modelgen.MODELS[name](seed=6, **kwargs)))

    def test_shapes_and_channels(self) -> None:
        cases = {  # model: (input shape, output shape)
            "mobilenet_v1": ((1, 96, 96, 3), (1, 2)),
            "mobilenet_v2": ((1, 144, 144, 3), (1, 10)),
            "ds_cnn": ((1, 49, 10, 1), (1, 12)),
            "resnet8": ((1, 32, 32, 3), (1, 10)),
            "mcunet": ((1, 96, 96, 3), (1, 10)),
        }
        for name, (in_shape, out_shape) in cases.items():
            with self.subTest(model=name):
                g = _graph(name)
                self.assertEqual((g.inputs[0].shape, g.outputs[0].shape), (in_shape, out_shape))
        convs = _graph("mobilenet_v2").ops_of_kind("conv2d")
        self.assertEqual(convs[0].operands[1].shape, (16, 3, 3, 3))        # 32 * 0.35 -> 16
        self.assertEqual(convs[-2].operands[1].shape, (1280, 1, 1, 112))   # last 1x1 conv
        self.assertEqual(len(_graph("mobilenet_v2").ops_of_kind("depthwise_conv2d")), 17)
        self.assertEqual(len(_graph("mobilenet_v2").ops_of_kind("add")), 10)
        self.assertEqual(len(_graph("mobilenet_v1").ops_of_kind("depthwise_conv2d")), 13)
        ds_conv0 = _graph("ds_cnn").ops_of_kind("conv2d")[0]
        self.assertEqual(ds_conv0.attrs["pad"], (4, 5, 1, 1))
        self.assertEqual(ds_conv0.result.shape, (1, 25, 5, 64))
        self.assertEqual(len(_graph("resnet8").ops_of_kind("slice")), 2)  # 1x1 s2 shortcuts
        mcunet_dw = _graph("mcunet").ops_of_kind("depthwise_conv2d")
        kernels = {op.operands[1].shape[0] for op in mcunet_dw}
        self.assertEqual(kernels, {3, 5, 7})

    def test_blocks_truncates(self) -> None:
        g = modelgen.mobilenet_v2(blocks=3, resolution=32)
        self.assertEqual(len(g.ops_of_kind("depthwise_conv2d")), 3)
        # stem, b1 project, b2 and b3 expand + project, fc
        self.assertEqual(len(g.ops_of_kind("conv2d")), 1 + 1 + 2 + 2 + 1)
        with self.assertRaises(ValueError):
            modelgen.mobilenet_v2(blocks=18)

    def test_rescale_parameter_ranges(self) -> None:
        for name in CONFIGS:
            g = _graph(name)
            rescales = g.ops_of_kind("rescale")
            self.assertTrue(rescales)
            for op in rescales:
                with self.subTest(model=name, op=op.result.name):
                    multiplier = g.consts[op.operands[1].name]
                    shift = g.consts[op.operands[2].name]
                    self.assertTrue(np.all(multiplier >= 1 << 30) and np.all(multiplier < 1 << 31))
                    self.assertTrue(np.all(shift >= 2) and np.all(shift <= 62))
                    self.assertEqual(op.attrs["rounding_mode"], "DOUBLE_ROUND")
                    if op.operands[0].dtype == "i32" and op.attrs["per_channel"]:
                        self.assertTrue(np.all(shift >= 30), shift)  # conv: scale < 2

    def test_int8_conventions(self) -> None:
        for name in CONFIGS:
            g = _graph(name)
            with self.subTest(model=name):
                for op in g.ops_of_kind("conv2d") + g.ops_of_kind("depthwise_conv2d"):
                    w = g.consts[op.operands[1].name]
                    self.assertEqual(g.consts[op.operands[4].name].tolist(), [0])
                    self.assertTrue(w.min() >= -127 and w.max() <= 127)
                    self.assertEqual(op.operands[2].dtype, "i32")
                for op in g.ops_of_kind("clamp"):
                    q = g.quant[op.result.name]
                    self.assertEqual((op.attrs["min_val"], q.zp), (-128, -128))  # after ReLU
                    self.assertLessEqual(op.attrs["max_val"], 127)

    def test_f32_graph_has_no_rescale(self) -> None:
        g = _graph("mobilenet_v2", "f32")
        self.assertFalse(g.ops_of_kind("rescale"))
        self.assertEqual({op.attrs["max_val"] for op in g.ops_of_kind("clamp")}, {6.0})
        self.assertTrue(all(v.dtype == "f32" for op in g.ops for v in op.operands
                            if v.dtype != "shape"))

    def test_reference_outputs_not_saturated(self) -> None:
        g = modelgen.mobilenet_v2(blocks=4, resolution=48, seed=1)
        env = tosa_ref.run_all(g, modelgen.random_inputs(g, 1))
        before_relu = {op.operands[0].name for op in g.ops_of_kind("clamp")}
        for op in g.ops:
            if op.result.dtype != "i8" or op.result.name in before_relu:
                continue
            value = env[op.result.name]
            with self.subTest(value=op.result.name):
                self.assertLess(np.mean(value == 127), 0.1)
                if op.kind != "clamp":  # -128 is 0.0 after a ReLU
                    self.assertLess(np.mean(value == -128), 0.1)
                self.assertGreaterEqual(len(np.unique(value)), min(16, value.size // 2))

    def test_int8_tracks_f32(self) -> None:
        """The dequantised int8 reference follows the f32 twin on the same input."""
        for name in ("mbv2_block", "mbv1_pair", "dscnn_block", "resnet_block", "resnet8"):
            with self.subTest(model=name):
                q8, f32 = _graph(name), _graph(name, "f32")
                out8 = tosa_ref.run(q8, modelgen.random_inputs(q8, 3))[0]
                out32 = tosa_ref.run(f32, modelgen.random_inputs(f32, 3))[0]
                q = q8.quant[q8.outputs[0].name]
                real = (out8.astype(np.float64) - q.zp) * q.scale
                self.assertGreater(np.corrcoef(real.ravel(), out32.ravel())[0, 1], 0.95)

    def test_random_graphs(self) -> None:
        """Deterministic per seed, and together the seeds cover every motif."""
        self.assertEqual(to_mlir(modelgen.random_graph(seed=4)),
                         to_mlir(modelgen.random_graph(seed=4)))
        self.assertNotEqual(to_mlir(modelgen.random_graph(seed=4)),
                            to_mlir(modelgen.random_graph(seed=5)))
        kinds, channels, strides, axes = set(), set(), set(), set()
        for seed in range(20):
            g = modelgen.random_graph(seed=seed)
            kinds |= {op.kind for op in g.ops}
            channels |= {op.result.shape[-1] for op in g.ops if len(op.result.shape) == 4}
            strides |= {op.attrs["stride"] for op in g.ops if "stride" in op.attrs}
            axes |= {op.attrs["axis"] for op in g.ops_of_kind("concat")}
            env = tosa_ref.run_all(g, modelgen.random_inputs(g, seed))
            for out in g.outputs:
                self.assertGreater(len(np.unique(env[out.name])), 1, seed)
        self.assertLessEqual({"conv2d", "depthwise_conv2d", "avg_pool2d", "max_pool2d",
                              "concat", "add", "rescale", "clamp"}, kinds)
        self.assertTrue(any(c % 2 for c in channels))
        self.assertLessEqual({(1, 1), (2, 2)}, strides)
        self.assertLessEqual({"3 : i32", "1 : i32", "2 : i32"}, axes)
        self.assertEqual(len(modelgen.random_graph(seed=0, max_outputs=1).outputs), 1)

    def test_func_name(self) -> None:
        text = to_mlir(modelgen.mbv1_pair(func_name="pair"))
        self.assertIn("func.func @pair(", text)

    def test_dense_attr_hex_is_little_endian(self) -> None:
        data = np.array([1, -2, 3, 4] * 5, dtype=np.int32)
        self.assertTrue(dense_attr(data, "i32").startswith('dense<"0x01000000FEFFFFFF03000000'))
        self.assertEqual(dense_attr(np.array([[3, -1]], np.int8), "i8"), "dense<[[3, -1]]>")
        self.assertEqual(dense_attr(np.full(40, -128, np.int8), "i8"), "dense<-128>")
        self.assertEqual(dense_attr(np.array([1.0, 0.5], np.float32), "f32"),
                         'dense<"0x0000803F0000003F">')

    def test_random_inputs_match_between_dtypes(self) -> None:
        q8, f32 = _graph("mbv2_block"), _graph("mbv2_block", "f32")
        x8, = modelgen.random_inputs(q8, 9)
        x32, = modelgen.random_inputs(f32, 9)
        q = QParams(0.04, 5)
        np.testing.assert_array_equal(((x8.astype(np.float32) - q.zp) * np.float32(q.scale)), x32)


# --------------------------------------------------------------------------
# MLIR tools
# --------------------------------------------------------------------------

@unittest.skipIf(MLIR_OPT is None, "mlir-opt-22 not found on PATH")
class MlirVerifyTest(unittest.TestCase):
    """mlir-opt-22 parses and verifies every model family."""

    def _check(self, graph: Graph) -> None:
        text = to_mlir(graph)
        result = _mlir_opt(text, "--verify-each", "-o", os.devnull)
        self.assertEqual(result.returncode, 0, result.stderr[:2000])
        result = _mlir_opt(text, "--tosa-attach-target=profiles=pro_int,pro_fp "
                           "extensions=doubleround", "--tosa-validate=strict-op-spec-alignment",
                           "-o", os.devnull)
        self.assertEqual(result.returncode, 0, result.stderr[:2000])

    def test_every_family_verifies(self) -> None:
        for name in CONFIGS:
            for dtype in modelgen.DTYPES:
                with self.subTest(model=name, dtype=dtype):
                    self._check(_graph(name, dtype))

    def test_variants_verify(self) -> None:
        for dtype in modelgen.DTYPES:
            with self.subTest(dtype=dtype):
                self._check(modelgen.mobilenet_v2(blocks=5, resolution=40, fc="matmul",
                                                  dtype=dtype, func_name="net"))
                self._check(modelgen.mbv2_block(h=9, w=7, cin=8, expansion=4, cout=16, stride=2,
                                                residual=False, kernel=5, dtype=dtype))
                self._check(modelgen.mcunet_like(resolution=80, blocks=6, dtype=dtype))
        for seed in range(2, 6):
            with self.subTest(seed=seed):
                self._check(modelgen.random_graph(seed=seed))


def _execute_with_mlir(graph: Graph, inputs: list[np.ndarray]) -> np.ndarray:
    """Lower ``graph`` with upstream TOSA -> linalg passes and run it on the JIT."""
    x, y = graph.inputs[0], graph.outputs[0]
    elem = "i32" if y.dtype == "i8" else "f32"
    wide = y.mlir_type.replace("xi8>", "xi32>")
    memref = wide.replace("tensor<", "memref<")
    widen = (f"tosa.cast %y : ({y.mlir_type}) -> {wide}" if y.dtype == "i8" else
             f"tosa.clamp %y {{max_val = 3.40282347E+38 : f32, min_val = -3.40282347E+38 : f32}}"
             f" : ({y.mlir_type}) -> {wide}")
    driver = f"""
func.func private @printMemref{elem.upper()}(memref<*x{elem}>)
func.func @entry() {{
  %x = "tosa.const"() {{values = {dense_attr(inputs[0], x.dtype)} : {x.mlir_type}}}
      : () -> {x.mlir_type}
  %y = call @{graph.name}(%x) : ({x.mlir_type}) -> {y.mlir_type}
  %w = {widen}
  %m = bufferization.to_buffer %w : {wide} to {memref}
  %u = memref.cast %m : {memref} to memref<*x{elem}>
  call @printMemref{elem.upper()}(%u) : (memref<*x{elem}>) -> ()
  return
}}
"""
    steps = [
        ["--pass-pipeline=builtin.module(func.func(tosa-to-linalg-named, tosa-to-linalg, "
         "tosa-to-arith{include-apply-rescale=true}, tosa-to-tensor))"],
        ["--one-shot-bufferize=bufferize-function-boundaries", "--convert-linalg-to-loops",
         "--convert-scf-to-cf", "--expand-strided-metadata", "--lower-affine",
         "--finalize-memref-to-llvm", "--convert-math-to-llvm", "--convert-arith-to-llvm",
         "--convert-cf-to-llvm", "--convert-func-to-llvm", "--reconcile-unrealized-casts"],
    ]
    text = to_mlir(graph) + driver
    for args in steps:
        result = _mlir_opt(text, *args)
        if result.returncode:
            raise RuntimeError(result.stderr[:2000])
        text = result.stdout
    result = subprocess.run([MLIR_RUNNER, "-e", "entry", "-entry-point-result=void",
                             "-shared-libs=" + ",".join(RUNNER_LIBS)],
                            input=text, capture_output=True, text=True, check=True)
    data = result.stdout[result.stdout.index("data =") + len("data ="):]
    return np.array(data.replace("[", " ").replace("]", " ").replace(",", " ").split(),
                    dtype=np.float64).reshape(y.shape)


@unittest.skipUnless(CAN_EXECUTE, "mlir-opt-22, mlir-runner-22 or the runner libraries missing")
class MlirExecutionTest(unittest.TestCase):
    """The reference agrees with MLIR's own TOSA lowering, bit-exactly for int8."""

    def _compare(self, graph: Graph, seed: int, rtol: Optional[float] = None) -> None:
        inputs = modelgen.random_inputs(graph, seed)
        want = tosa_ref.run(graph, inputs)[0].astype(np.float64)
        got = _execute_with_mlir(graph, inputs)
        if rtol is None:
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * np.abs(want).max())

    def test_int8_blocks_and_models(self) -> None:
        graphs = {
            "mbv2_block": _graph("mbv2_block"),
            "resnet_block_s2": _graph("resnet_block"),
            "ds_cnn": _graph("ds_cnn"),
            "mobilenet_v2_matmul": modelgen.mobilenet_v2(blocks=4, resolution=40, fc="matmul",
                                                         seed=2),
            "random": modelgen.random_graph(seed=9, max_outputs=1),
        }
        for label, graph in graphs.items():
            with self.subTest(graph=label):
                self._compare(graph, seed=4)

    def test_f32_block(self) -> None:
        self._compare(_graph("mbv2_block", "f32"), seed=4, rtol=1e-5)


class CliTest(unittest.TestCase):
    """The pex-modelgen script."""

    def test_writes_model_input_and_reference(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            paths = {k: os.path.join(tmp, k) for k in ("m.mlir", "in.bin", "out.bin")}
            subprocess.run([TOOL, "mobilenet_v2", "--blocks", "2", "--resolution", "32",
                            "--seed", "7", "--num-classes", "5", "-o", paths["m.mlir"],
                            "--emit-input", paths["in.bin"], "--emit-reference", paths["out.bin"]],
                           check=True)
            graph = modelgen.mobilenet_v2(blocks=2, resolution=32, seed=7, num_classes=5)
            with open(paths["m.mlir"], encoding="utf-8") as f:
                self.assertEqual(f.read(), to_mlir(graph))
            x = np.fromfile(paths["in.bin"], dtype=np.int8).reshape(graph.inputs[0].shape)
            np.testing.assert_array_equal(x, modelgen.random_inputs(graph, 7)[0])
            y = np.fromfile(paths["out.bin"], dtype=np.int8)
            np.testing.assert_array_equal(y, tosa_ref.run(graph, [x])[0].ravel())

    def test_block_arguments(self) -> None:
        result = subprocess.run([TOOL, "mbv2_block", "--arg", "cin=8", "--arg", "cout=8",
                                 "--arg", "expansion=3", "--dtype", "f32"],
                                capture_output=True, text=True, check=True)
        self.assertIn("tensor<1x8x8x8xf32>", result.stdout)
        self.assertIn("tensor<24x1x1x8xf32>", result.stdout)

    def test_rejects_unknown_parameter(self) -> None:
        result = subprocess.run([TOOL, "ds_cnn", "--resolution", "32"],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("ds_cnn has no parameter resolution", result.stderr)


if __name__ == "__main__":
    unittest.main()
