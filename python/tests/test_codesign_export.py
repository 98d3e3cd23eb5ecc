"""Tests of the co-design demo's torch -> TOSA exporter, channel groups and
pruning (python/demo). Skipped without Debian's python3-torch."""

from __future__ import annotations

import os
import subprocess
import tempfile
import unittest

import numpy as np

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

if torch is not None:
    from demo import quantize
    from demo import torch_tosa as tt
    from pex import tosa_ref

PEX_OPT = os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin", "pex-opt")
BLOCKS = ((1, 4, 1), (3, 8, 2), (3, 8, 1))


def _model(seed: int = 0) -> "tt.DigitsNet":
    """A small DigitsNet with random weights and BatchNorm statistics."""
    torch.manual_seed(seed)
    model = tt.DigitsNet(stem=8, blocks=BLOCKS, head=16)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def _image(seed: int, size: int = 12) -> np.ndarray:
    return np.random.default_rng(seed).random((1, size, size, 1)).astype(np.float32)


@unittest.skipIf(torch is None, "needs python3-torch")
class ExportTest(unittest.TestCase):
    def test_f32_export_matches_torch(self) -> None:
        model = _model()
        ex = tt.export(model, 12)
        for seed in range(3):
            image = _image(seed)
            with torch.no_grad():
                expected = model(torch.from_numpy(image).permute(0, 3, 1, 2)).numpy()
            (logits,) = tosa_ref.run(ex.graph, image)
            np.testing.assert_allclose(logits, expected, atol=1e-5)

    def test_locations_name_torch_layers(self) -> None:
        text = tt.export(_model(), 12).mlir()
        self.assertIn('tosa.depthwise_conv2d', text)
        self.assertIn('loc("blocks.1.dw")', text)
        self.assertIn('loc("blocks.2.project")', text)

    @unittest.skipUnless(os.access(PEX_OPT, os.X_OK), "needs build/bin/pex-opt")
    def test_pex_accepts_exports(self) -> None:
        ex = tt.export(_model(), 12)
        q = quantize.quantize(ex, [_image(s) for s in range(2)])
        with tempfile.TemporaryDirectory() as tmp:
            for name, e in (("f32", ex), ("int8", q)):
                path = os.path.join(tmp, f"{name}.mlir")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(e.mlir())
                proc = subprocess.run([PEX_OPT, path, "--pex-verify-input", "-o", os.devnull],
                                      capture_output=True, text=True)
                self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_channel_groups(self) -> None:
        groups = tt.channel_groups(tt.export(_model(), 12))
        by_producers = {tuple(g.producers): g for g in groups}
        self.assertTrue(by_producers[()].pinned)  # the input
        self.assertTrue(by_producers[("classifier",)].pinned)
        stem = by_producers[("stem",)]
        self.assertEqual(stem.depthwise, ["blocks.0.dw"])
        self.assertEqual(stem.consumers, ["blocks.0.project"])
        # The residual add of block 2 joins the projections of blocks 1 and 2.
        joined = by_producers[("blocks.1.project", "blocks.2.project")]
        self.assertEqual(joined.consumers, ["blocks.2.expand", "head"])
        self.assertFalse(joined.pinned)

    def test_prune_slices_the_exported_weights(self) -> None:
        model = _model()
        ex = tt.export(model, 12)
        group = tt.group_of_producer(tt.channel_groups(ex), "blocks.1.project")
        keep = tt.rank_channels(ex, group, 5)
        self.assertEqual(len(keep), 5)
        self.assertTrue(np.all(np.diff(keep) > 0))
        tt.prune(model, group, keep)
        pruned = tt.export(model, 12)
        before, after = ex.graph.consts, pruned.graph.consts
        for layer in ("blocks_1_project", "blocks_2_project"):
            np.testing.assert_array_equal(after[f"{layer}_w"], before[f"{layer}_w"][keep])
            np.testing.assert_array_equal(after[f"{layer}_b"], before[f"{layer}_b"][keep])
        for layer in ("blocks_2_expand", "head"):
            np.testing.assert_array_equal(after[f"{layer}_w"], before[f"{layer}_w"][..., keep])
        # The pruned model still runs, in torch and as TOSA, with equal results.
        image = _image(7)
        with torch.no_grad():
            expected = model(torch.from_numpy(image).permute(0, 3, 1, 2)).numpy()
        np.testing.assert_allclose(tosa_ref.run(pruned.graph, image)[0], expected, atol=1e-5)

    def test_int8_follows_f32(self) -> None:
        ex = tt.export(_model(), 12)
        images = [_image(s) for s in range(4)]
        q = quantize.quantize(ex, images)
        self.assertEqual(q.graph.inputs[0].dtype, "i8")
        for image in images:
            (f32,) = tosa_ref.run(ex.graph, image)
            (i8,) = tosa_ref.run(q.graph, quantize.quantize_input(image))
            real = quantize.dequantize_output(q, i8)
            self.assertLess(float(np.abs(real - f32).max()), 0.05 * float(np.abs(f32).max()) + 0.05)


if __name__ == "__main__":
    unittest.main()
