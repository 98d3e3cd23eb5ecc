"""Tests of the TFLite tooling and of the importer's arithmetic.

Run from the repository root with
``/usr/bin/python3 -m unittest discover -s python/tests -t python -p 'test_tflite.py'``
(the lit suite runs them with PEX_TOOLS_DIR pointing at the build's tools).

- The flatbuffer writer and reader round-trip every generated model.
- The numpy emulation of TensorFlow Lite Micro (pex.tflm_ref) reproduces
  TFLM's own tensor dumps of the MLPerf Tiny models and TFLM's outputs on
  the per-operator cases it emulates (skipped without them).
- Every generated model, imported by pex-translate and run through the
  upstream TOSA lowering with mlir-runner-22, equals that emulation on every
  tensor, for random inputs and for inputs aimed at the rounding corner
  cases (all 256 logistic inputs, floats next to each quantisation step,
  ties of average pools). Skipped without the tools.
"""

from __future__ import annotations

import os
import subprocess
import unittest

import numpy as np

from pex import tflite_gen, tflite_verify, tflm_ref
from pex.tflite_model import NUMPY_TYPES, Model, parse, serialize

MODELS_DIR = os.environ.get(
    "PEX_MLPERF_TINY_DIR",
    os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "shared",
                 "models", "mlperf-tiny"))


OPS_DIR = os.environ.get(
    "PEX_TFLM_OPS_DIR",
    os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "shared",
                 "models", "ops"))


def _translate_available() -> bool:
    try:
        tflite_verify.pex_translate_path()
        return True
    except tflite_verify.VerifyError:
        return False


class WriterReaderTest(unittest.TestCase):
    """serialize and parse are inverse on the generated models."""

    def test_round_trip(self) -> None:
        for name, build in tflite_gen.MODELS.items():
            with self.subTest(model=name):
                model = build()
                data = serialize(model)
                self.assertEqual(data[4:8], b"TFL3")
                back = parse(data)
                self.assertEqual(back.inputs, model.inputs)
                self.assertEqual(back.outputs, model.outputs)
                self.assertEqual(len(back.tensors), len(model.tensors))
                for a, b in zip(model.tensors, back.tensors):
                    self.assertEqual((a.name, a.shape, a.type), (b.name, b.shape, b.type))
                    self.assertEqual(a.data is None, b.data is None)
                    if a.data is not None:
                        np.testing.assert_array_equal(a.data, b.data)
                    self.assertEqual(a.quant is None, b.quant is None)
                    if a.quant is not None:
                        self.assertEqual(list(np.float32(a.quant.scale)),
                                         list(np.float32(b.quant.scale)))
                        self.assertEqual(list(a.quant.zero_point), list(b.quant.zero_point))
                for a, b in zip(model.operators, back.operators):
                    self.assertEqual((a.opcode, a.inputs, a.outputs), (b.opcode, b.inputs, b.outputs))
                    for key, value in a.options.items():
                        self.assertAlmostEqual(b.options[key], value, places=6)

    def test_deterministic(self) -> None:
        self.assertEqual(serialize(tflite_gen.conv_relu6()), serialize(tflite_gen.conv_relu6()))

    def test_corruptions_differ_from_the_model(self) -> None:
        good = serialize(tflite_gen.conv_relu6())
        for name, data in tflite_gen.corruptions().items():
            with self.subTest(kind=name):
                self.assertNotEqual(data, good)


class FixedPointTest(unittest.TestCase):
    """Hand-checked values of the emulated TFLite helpers."""

    def test_quantize_multiplier(self) -> None:
        self.assertEqual(tflm_ref.quantize_multiplier(0.5), (1 << 30, 0))
        self.assertEqual(tflm_ref.quantize_multiplier(0.0), (0, 0))
        # 1 - 2^-40 rounds up to 2^31, renormalised to 2^30 with shift + 1.
        self.assertEqual(tflm_ref.quantize_multiplier(1 - 2.0**-40), (1 << 30, 1))

    def test_rounding_divide_by_pot_rounds_halves_away(self) -> None:
        got = tflm_ref.rdpot(np.array([5, -5, 6, -6, 7, -7]), 1)
        np.testing.assert_array_equal(got, [3, -3, 3, -3, 4, -4])

    def test_srdhm_rounds_halves_up(self) -> None:
        # (a * b) / 2^31 = +-0.5 exactly.
        self.assertEqual(int(tflm_ref.srdhm(1 << 30, 1)), 1)
        self.assertEqual(int(tflm_ref.srdhm(-(1 << 30), 1)), 0)
        self.assertEqual(int(tflm_ref.srdhm(-(1 << 31), -(1 << 31))), (1 << 31) - 1)

    def test_exp_and_reciprocal(self) -> None:
        # exp(0) = 1 (saturated), exp(-1) in Q0.31, 1/(1+0) = 1.
        self.assertEqual(int(tflm_ref.exp_on_negative_values(0, 5)), (1 << 31) - 1)
        exp_minus_one = int(tflm_ref.exp_on_negative_values(-(1 << 26), 5))
        self.assertAlmostEqual(exp_minus_one / 2**31, np.exp(-1.0), places=6)
        half = int(tflm_ref.one_over_one_plus_x(1 << 30 | (1 << 29)))
        self.assertAlmostEqual(half / 2**31, 1 / 1.75, places=6)


@unittest.skipUnless(os.path.isdir(MODELS_DIR), "MLPerf Tiny models not found")
class EmulatorOnReferenceModelsTest(unittest.TestCase):
    """pex.tflm_ref equals TensorFlow Lite Micro's dumps on every tensor."""

    def test_every_tensor(self) -> None:
        for name in sorted(os.listdir(MODELS_DIR)):
            directory = os.path.join(MODELS_DIR, name)
            with open(os.path.join(directory, "model.tflite"), "rb") as f:
                model = parse(f.read())
            for input_name in tflite_verify.input_files(directory):
                k = input_name[5:-4]
                x = np.fromfile(os.path.join(directory, input_name), dtype=np.int8)
                env = tflm_ref.run(model, [x])
                for op in model.operators:
                    index = op.outputs[0]
                    path = os.path.join(directory, f"tensors{k}", f"tensor{index}.bin")
                    want = np.fromfile(path, dtype=np.int8).reshape(env[index].shape)
                    with self.subTest(model=name, input=k, tensor=index):
                        np.testing.assert_array_equal(env[index], want)


@unittest.skipUnless(os.path.isdir(OPS_DIR), "the TFLite Micro operator cases not found")
class EmulatorOnOperatorCasesTest(unittest.TestCase):
    """pex.tflm_ref equals TensorFlow Lite Micro's outputs on every operator
    case of ../shared/models/ops whose operators it emulates."""

    def test_every_emulated_case(self) -> None:
        checked = []
        for case in sorted(os.listdir(OPS_DIR)):
            directory = os.path.join(OPS_DIR, case)
            if not os.path.isdir(directory):
                continue
            with open(os.path.join(directory, "model.tflite"), "rb") as f:
                model = parse(f.read())
            if any(op.opcode not in tflm_ref.EMULATED for op in model.operators):
                continue
            many_in, many_out = len(model.inputs) > 1, len(model.outputs) > 1
            k = 0
            while True:
                names = [f"input{k}.{j}.bin" if many_in else f"input{k}.bin"
                         for j in range(len(model.inputs))]
                if not os.path.exists(os.path.join(directory, names[0])):
                    break
                arrays = [np.fromfile(os.path.join(directory, name),
                                      dtype=NUMPY_TYPES[model.tensors[index].type])
                          for name, index in zip(names, model.inputs)]
                try:
                    env = tflm_ref.run(model, arrays)
                except tflm_ref.UnsupportedModel:
                    break  # an option the emulation lacks (a fused TANH)
                for j, index in enumerate(model.outputs):
                    name = f"output{k}.{j}.bin" if many_out else f"output{k}.bin"
                    got = env[index].ravel()
                    want = np.fromfile(os.path.join(directory, name), dtype=got.dtype)
                    with self.subTest(case=case, input=k, output=j):
                        np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))
                k += 1
            if k:
                checked.append(case)
        self.assertIn("log_softmax_d10", checked)
        self.assertIn("log_softmax_rows13", checked)
        self.assertGreaterEqual(len(checked), 30)


def _stress_inputs(name: str, model: Model) -> list[list[np.ndarray]]:
    """Inputs aimed at the rounding corner cases of a model."""
    if name == "logistic":
        return [[np.arange(-128, 128, dtype=np.int8).reshape(1, 256)]]
    if name == "quantize":
        scale = np.float32(0.0137)
        levels = np.arange(-140, 141, dtype=np.float32)
        values = []
        for base in (levels + np.float32(0.5)) * scale:
            neighbours = [base]
            for _ in range(2):
                neighbours.append(np.nextafter(neighbours[-1], np.float32(np.inf)))
            down = base
            for _ in range(2):
                down = np.nextafter(down, np.float32(-np.inf))
                neighbours.append(down)
            values.extend(neighbours)
        values.extend(levels * scale)
        values += [np.float32(v) for v in (0.0, -0.0, 1e30, -1e30, np.inf, -np.inf)]
        flat = np.array(values, dtype=np.float32)
        size = 4 * 64
        flat = np.concatenate([flat, np.zeros((-len(flat)) % size, np.float32)])
        return [[chunk.reshape(4, 64)] for chunk in flat.reshape(-1, size)]
    if name == "log_softmax":
        # Rows of equal values (the largest sum for a depth) and one-hot rows
        # (a sum of 1, the smallest).
        flat = [np.full(s, v, np.int8) for s, v in (((3, 7), -128), ((2, 1000), 127),
                                                     ((2, 1), -1))]
        hot = [np.full(a.shape, -128, np.int8) for a in flat]
        for a in hot:
            a[:, 0] = 127
        return [flat, hot]
    if name == "pools":
        # Pairs of values whose sums are odd and negative: ties of the
        # even-count windows.
        rng = np.random.default_rng(11)
        x = rng.integers(-128, 0, size=(1, 7, 7, 3)).astype(np.int8)
        x[:, ::2] |= 1
        return [[x], [(-x - 1).astype(np.int8)]]
    return []


@unittest.skipUnless(tflite_verify.can_run() and _translate_available(),
                     "pex-translate, mlir-opt-22 or mlir-runner-22 missing")
class ImportedModelsMatchEmulatorTest(unittest.TestCase):
    """The imported TOSA, run by MLIR, equals TFLite Micro's arithmetic."""

    def test_every_model_and_tensor(self) -> None:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            for name, build in tflite_gen.MODELS.items():
                model = build()
                path = os.path.join(tmp, name + ".tflite")
                with open(path, "wb") as f:
                    f.write(serialize(model))
                imported = tflite_verify.import_model(path)
                inputs = [tflite_gen.random_inputs(model, seed) for seed in range(3)]
                inputs += _stress_inputs(name, model)
                runs = tflite_verify.run_model(imported, inputs)
                for run, (arrays, values) in enumerate(zip(inputs, runs)):
                    env = tflm_ref.run(model, arrays)
                    for spec, value in zip(imported.results, values):
                        want = env[spec.tensor_index]
                        with self.subTest(model=name, run=run, tensor=spec.tensor_index):
                            if value.dtype == np.float32:
                                np.testing.assert_array_equal(value.view(np.int32),
                                                              want.view(np.int32))
                            else:
                                np.testing.assert_array_equal(value, want)


@unittest.skipUnless(_translate_available(), "pex-translate missing")
class CorruptFilesTest(unittest.TestCase):
    """Every corruption is a clean error: exit status 1 and a located message."""

    def test_clean_errors(self) -> None:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            for kind, data in tflite_gen.corruptions().items():
                path = os.path.join(tmp, kind + ".tflite")
                with open(path, "wb") as f:
                    f.write(data)
                result = subprocess.run([tflite_verify.pex_translate_path(), "--import-tflite",
                                         path, "-o", os.devnull],
                                        capture_output=True, text=True, timeout=60)
                with self.subTest(kind=kind):
                    self.assertEqual(result.returncode, 1, result.stderr)
                    self.assertRegex(result.stderr, r"error: offset \d+ \(0x[0-9a-f]+\): ")


if __name__ == "__main__":
    unittest.main()
