// RUN: pex-opt %s --pex-memory-report=record=true | FileCheck %s --check-prefix=RECORD
// RUN: pex-opt %s --pex-memory-report=record=true --pex-host-pipeline --pex-memory-report=format=json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: pex-opt %s --pex-memory-report=record=true --pex-host-pipeline --pex-memory-report -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: pex-opt %s --pex-memory-report=record=true --pex-memory-report -o /dev/null | FileCheck %s --check-prefix=FRESH
// RUN: pex-opt %s --pex-host-pipeline | not pex-opt --pex-memory-report=record=true 2>&1 | FileCheck %s --check-prefix=NOTOSA

// The report is recorded on the module and printing is left to a later run:
// once the model is lowered (here by the host pipeline), that run prints the
// recorded report. While the TOSA function is there, a fresh report wins.
// The block's expansion (4x4x4 int8 -> 4x4x12) peaks at x + E = 256 bytes.

// RECORD:      module attributes {pex.memory_report = [{chains = [], function = "block",
// RECORD-SAME:   live_bytes_bound = 256 : i64, peak_bytes = 256 : i64, peak_op = "tosa.conv2d"
// RECORD:      func.func @block(

// JSON:      "function": "block",
// JSON:      "live_bytes_bound": 256,
// JSON:      "peak_bytes": 256,
// JSON:      "peak_op": "tosa.conv2d",

// TEXT:      memory report for @block (recorded)
// TEXT-NEXT:   whole-buffer peak: 256 bytes (tosa.conv2d)
// TEXT-NEXT:   peak: 256 bytes (tosa.conv2d)
// TEXT-NEXT:   live-bytes bound: 256 bytes
// TEXT-NEXT:   chains: 0

// FRESH:      memory report for @block
// FRESH-NEXT:   whole-buffer peak: 256 bytes at step 0 (tosa.conv2d)

// NOTOSA: error: no TOSA function to record a memory report of
func.func @block(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x12xi8> {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %w = "tosa.const"() {values = dense<1> : tensor<12x1x1x4xi8>} : () -> tensor<12x1x1x4xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<12xi32>} : () -> tensor<12xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<12xi32>} : () -> tensor<12xi32>
  %s = "tosa.const"() {values = dense<35> : tensor<12xi8>} : () -> tensor<12xi8>
  %e = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<12x1x1x4xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x12xi32>
  %e8 = tosa.rescale %e, %m, %s, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x12xi32>, tensor<12xi32>, tensor<12xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x12xi8>
  return %e8 : tensor<1x4x4x12xi8>
}
