"""Tests of pex.host that need no tools: signatures and pipeline options."""

import unittest

from pex import host

MODEL = """
// pex-modelgen mbv2_block: ...
func.func private @helper(%x: tensor<4xi8>) -> tensor<4xi8>
func.func @main(%input: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  return %input : tensor<1x8x8x4xi8>
}
"""

TWO = """
func.func @net(%a: tensor<1x4xf32>, %b: tensor<2x3xi32> {foo.bar = 1 : i32})
    -> (tensor<1x4xf32>, tensor<6xi8>) attributes {llvm.emit_c_interface} {
  return
}
func.func @other(%a: tensor<1xi8>) -> tensor<1xi8> {
  return %a : tensor<1xi8>
}
"""


class SignatureTest(unittest.TestCase):
    def test_single_public_function(self) -> None:
        signature = host.parse_signature(MODEL)
        self.assertEqual(signature.name, "main")
        self.assertEqual(signature.inputs, (host.TensorType((1, 8, 8, 4), "i8"),))
        self.assertEqual(signature.outputs, (host.TensorType((1, 8, 8, 4), "i8"),))
        self.assertEqual(signature.inputs[0].nbytes, 256)

    def test_entry_with_several_results(self) -> None:
        signature = host.parse_signature(TWO, "net")
        self.assertEqual([t.shape for t in signature.inputs], [(1, 4), (2, 3)])
        self.assertEqual([t.element for t in signature.outputs], ["f32", "i8"])
        self.assertEqual([t.nbytes for t in signature.inputs + signature.outputs],
                         [16, 24, 16, 6])

    def test_ambiguous_and_missing_entries(self) -> None:
        with self.assertRaisesRegex(host.HostError, "several public functions"):
            host.parse_signature(TWO)
        with self.assertRaisesRegex(host.HostError, "no public function @absent"):
            host.parse_signature(TWO, "absent")

    def test_unsupported_types(self) -> None:
        with self.assertRaisesRegex(host.HostError, r"unsupported tensor type tensor<\?x4xi8>"):
            host.parse_signature("func.func @f(%x: tensor<?x4xi8>) -> tensor<4xi8> {")
        with self.assertRaisesRegex(host.HostError, "bf16"):
            host.parse_signature("func.func @f(%x: tensor<4xbf16>) -> tensor<4xi8> {")

    def test_pipeline_options(self) -> None:
        self.assertEqual(host.pipeline_options(partial=False, slices=3),
                         "partial=false slices=3 slice-size=0 sram-budget=0")


if __name__ == "__main__":
    unittest.main()
