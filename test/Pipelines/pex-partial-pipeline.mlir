// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-partial-pipeline | FileCheck %s
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-partial-pipeline="partial=false report=text" -o /dev/null | FileCheck %s --check-prefix=BASELINE
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-partial-pipeline=rows=false | FileCheck %s --check-prefix=CHANNELS
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-partial-pipeline="rows=false slices=4 report=json" -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: not pex-opt %s --pex-partial-pipeline 2>&1 | FileCheck %s --check-prefix=GATE

// By default the block streams by rows (its peak is lowest so).
// CHECK-LABEL: func.func @mobilenetv2_block(
// CHECK:         partial.row_chain(%{{.*}}) band(1)

// With channel chains only.
// CHANNELS-LABEL: func.func @mobilenetv2_block(
// CHANNELS:         partial.chain(%{{.*}}) channels(96) slice(8) accumulate
// CHANNELS-NOT:     partial.row_chain

// Without chains the peak is the whole-buffer peak.
// BASELINE:      whole-buffer peak: 119808 bytes
// BASELINE-NEXT: peak: 119808 bytes
// BASELINE:      chains: 0

// JSON: "slice_size": 24

// The legality gate runs first.
// GATE: error: 'func.func' op is not supported by Pex: argument #0: dynamic shape
func.func @dynamic(%x: tensor<?x4xi8>) -> tensor<?x4xi8> {
  return %x : tensor<?x4xi8>
}
