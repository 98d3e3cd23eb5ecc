// RUN: pex-opt %s -split-input-file --pex-prune-hints="sram-budget=50000 arena-pipeline=pex-cortexm-pipeline{rows=false}" -verify-diagnostics | FileCheck %s
// RUN: pex-opt %s -split-input-file --pex-prune-hints="sram-budget=50000 arena-pipeline=pex-cortexm-pipeline{rows=false}" --pex-memory-report="format=json" -verify-diagnostics -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: pex-opt %s -split-input-file --pex-prune-hints="sram-budget=60000 arena-pipeline=pex-cortexm-pipeline{rows=false}" | FileCheck %s --check-prefix=ENOUGH
// RUN: not pex-opt %s -split-input-file --pex-prune-hints="sram-budget=30000 arena-pipeline=pex-cortexm-pipeline{rows=false}" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not pex-opt %s -split-input-file --pex-prune-hints 2>&1 | FileCheck %s --check-prefix=OPTIONS
// RUN: not pex-opt %s -split-input-file --pex-prune-hints="sram-budget=50000 min-channel-fraction=1.5" 2>&1 | FileCheck %s --check-prefix=OPTIONS
// RUN: not pex-opt %s -split-input-file --pex-prune-hints="sram-budget=32300 arena-pipeline=pex-cortexm-pipeline{rows=false}" 2>&1 | FileCheck %s --check-prefix=ARENA
// RUN: pex-opt %s -split-input-file --pex-prune-hints="sram-budget=32300 arena-pipeline=" | FileCheck %s --check-prefix=PEAK
// RUN: pex-opt %s -split-input-file --pex-prune-hints="sram-budget=30000" | FileCheck %s --check-prefix=ROWS
// RUN: not pex-opt %s -split-input-file --pex-prune-hints="sram-budget=50000 arena-pipeline=no-such-pipeline" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not pex-opt %s -split-input-file --pex-prune-hints="sram-budget=50000 arena-pipeline=pex-partial-pipeline" 2>&1 | FileCheck %s --check-prefix=NO_ARENA

// The search below models channel chains only; most cases plan the arena
// with them too (rows=false). The default arena pipeline also streams rows,
// which can meet a budget with less pruning: at 30000 bytes the residual
// block's row chain (29952 bytes) needs none, and the stride-1 block (32640
// bytes unpruned) keeps 69 of its 96 expanded channels, the most whose arena
// the search finds within the budget.
// ROWS-LABEL: func.func @mbv2_stride1(
// ROWS:         pex.prune_hint = {channels_after = 69 : i64, channels_before = 96 : i64
// ROWS-LABEL: func.func @mbv2_residual(
// ROWS-NOT:     pex.prune_hint

// A budget of 60000 bytes: partial execution alone meets it for the
// residual block (55296), which gets no hint.
// ENOUGH-LABEL: func.func @mbv2_residual(
// ENOUGH-NOT:     pex.prune_hint

// A budget of 30000 bytes cannot be met for the residual block: at the floor
// (24 of 96 channels) the best schedule peaks at the projection with
// x + D + y = 9216 + 13824 + 9216 = 32256 bytes.
// INFEASIBLE: error: sram-budget of 30000 bytes cannot be met: with partial execution and every prunable layer at min-channel-fraction=0.25, the best peak reachable is 32256 bytes (55296 bytes without pruning)

// OPTIONS: error: pex-prune-hints needs sram-budget > 0 and 0 < min-channel-fraction <= 1

// A budget of 32300 bytes is met by the residual block's peak at the floor
// (32256), but not by the arena the Cortex-M pipeline plans for it, which
// also holds a kernel's scratch; for the peak alone, the hints exist.
// ARENA: error: sram-budget of 32300 bytes cannot be met by the arena: planned by pex-cortexm-pipeline{rows=false}, it needs 32352 bytes for a pruned model whose peak is at most 32256 bytes (the best reachable with every prunable layer at min-channel-fraction=0.25)
// PEAK-LABEL: func.func @mbv2_residual(
// PEAK:         pex.prune_hint = {channels_after = 24 : i64, channels_before = 96 : i64

// UNKNOWN: error: arena-pipeline 'no-such-pipeline' is invalid: {{.*}}'no-such-pipeline' does not refer to a registered pass or pass pipeline
// NO_ARENA: error: arena-pipeline 'pex-partial-pipeline' plans no arena (pex.arena)

// MobileNetV2 block x = 24x24x16 -> expand 96 -> depthwise -> project 24,
// budget 50000 bytes. Only the expanded channels (E and D, 576 bytes per
// channel each) can be pruned: x is the model input, y the output. Partial
// execution alone peaks at the projection: D (55296) + y (13824) = 69120.
// With C expanded channels that step holds 576C + 13824 <= 50000, so C <= 62;
// the chain's loop then holds x + D + an 8-channel slice = 9216 + 35712 +
// 4608 = 49536. D is what the group holds at the unpruned peak: 55296 bytes.

// CHECK-LABEL: func.func @mbv2_stride1(
// CHECK:         tosa.conv2d {{.*}}pex.prune_hint = {channels_after = 62 : i64, channels_before = 96 : i64, group = 1 : i64, peak_bytes = 55296 : i64}
// CHECK-SAME:      -> tensor<1x24x24x96xi32>
// CHECK-NOT:     pex.prune_hint
// CHECK:         return
// JSON-LABEL: "function": "mbv2_stride1"
// JSON:       "prune_hints": [
// JSON-NEXT:    {
// JSON-NEXT:      "channels_after": 62,
// JSON-NEXT:      "channels_before": 96,
// JSON-NEXT:      "group": 1,
// JSON-NEXT:      "layer": "tosa.conv2d at {{.*}}prune-hints.mlir:{{[0-9]+}}:{{[0-9]+}}",
// JSON-NEXT:      "peak_contribution_bytes": 55296
// JSON-NEXT:    }
// JSON-NEXT:  ],
func.func @mbv2_stride1(%x: tensor<1x24x24x16xi8>) -> tensor<1x24x24x24xi8> {
  %c1 = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %c2 = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c3 = "tosa.const"() {values = dense<3> : tensor<96x1x1x16xi8>} : () -> tensor<96x1x1x16xi8>
  %c4 = "tosa.const"() {values = dense<17> : tensor<96xi32>} : () -> tensor<96xi32>
  %v5 = tosa.conv2d %x, %c3, %c4, %c1, %c2 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x24x24x16xi8>, tensor<96x1x1x16xi8>, tensor<96xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x24x24x96xi32>
  %c6 = "tosa.const"() {values = dense<1518500250> : tensor<96xi32>} : () -> tensor<96xi32>
  %c7 = "tosa.const"() {values = dense<38> : tensor<96xi8>} : () -> tensor<96xi8>
  %c8 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %v9 = tosa.rescale %v5, %c6, %c7, %c8, %c1 {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x96xi32>, tensor<96xi32>, tensor<96xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x24x24x96xi8>
  %v10 = tosa.clamp %v9 {max_val = 127 : i8, min_val = -128 : i8} : (tensor<1x24x24x96xi8>) -> tensor<1x24x24x96xi8>
  %c11 = "tosa.const"() {values = dense<3> : tensor<3x3x96x1xi8>} : () -> tensor<3x3x96x1xi8>
  %v12 = tosa.depthwise_conv2d %v10, %c11, %c4, %c1, %c2 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x24x24x96xi8>, tensor<3x3x96x1xi8>, tensor<96xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x24x24x96xi32>
  %v13 = tosa.rescale %v12, %c6, %c7, %c8, %c1 {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x96xi32>, tensor<96xi32>, tensor<96xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x24x24x96xi8>
  %v14 = tosa.clamp %v13 {max_val = 127 : i8, min_val = -128 : i8} : (tensor<1x24x24x96xi8>) -> tensor<1x24x24x96xi8>
  %c15 = "tosa.const"() {values = dense<3> : tensor<24x1x1x96xi8>} : () -> tensor<24x1x1x96xi8>
  %c16 = "tosa.const"() {values = dense<17> : tensor<24xi32>} : () -> tensor<24xi32>
  %v17 = tosa.conv2d %v14, %c15, %c16, %c1, %c2 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x24x24x96xi8>, tensor<24x1x1x96xi8>, tensor<24xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x24x24x24xi32>
  %c18 = "tosa.const"() {values = dense<1518500250> : tensor<24xi32>} : () -> tensor<24xi32>
  %c19 = "tosa.const"() {values = dense<38> : tensor<24xi8>} : () -> tensor<24xi8>
  %v20 = tosa.rescale %v17, %c18, %c19, %c8, %c1 {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x24xi32>, tensor<24xi32>, tensor<24xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x24x24x24xi8>
  return %v20 : tensor<1x24x24x24xi8>
}

// -----

// The same block with the residual add (project to 16). Partial execution
// peaks at the finish of the accumulating chain: x + acc + y = 9216 + 36864
// + 9216 = 55296, which no pruning of the expanded channels changes (they
// hold nothing there: peak_bytes = 0). Pruning helps by letting a chain
// that materialises D win: the projection then holds x + D + y = 18432 +
// 576C <= 50000, so C <= 54.

// CHECK-LABEL: func.func @mbv2_residual(
// CHECK:         tosa.conv2d {{.*}}pex.prune_hint = {channels_after = 54 : i64, channels_before = 96 : i64, group = 1 : i64, peak_bytes = 0 : i64}
// CHECK-NOT:     pex.prune_hint
// CHECK:         return
func.func @mbv2_residual(%x: tensor<1x24x24x16xi8>) -> tensor<1x24x24x16xi8> {
  %c1 = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %c2 = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c3 = "tosa.const"() {values = dense<3> : tensor<96x1x1x16xi8>} : () -> tensor<96x1x1x16xi8>
  %c4 = "tosa.const"() {values = dense<17> : tensor<96xi32>} : () -> tensor<96xi32>
  %v5 = tosa.conv2d %x, %c3, %c4, %c1, %c2 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x24x24x16xi8>, tensor<96x1x1x16xi8>, tensor<96xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x24x24x96xi32>
  %c6 = "tosa.const"() {values = dense<1518500250> : tensor<96xi32>} : () -> tensor<96xi32>
  %c7 = "tosa.const"() {values = dense<38> : tensor<96xi8>} : () -> tensor<96xi8>
  %c8 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %v9 = tosa.rescale %v5, %c6, %c7, %c8, %c1 {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x96xi32>, tensor<96xi32>, tensor<96xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x24x24x96xi8>
  %v10 = tosa.clamp %v9 {max_val = 127 : i8, min_val = -128 : i8} : (tensor<1x24x24x96xi8>) -> tensor<1x24x24x96xi8>
  %c11 = "tosa.const"() {values = dense<3> : tensor<3x3x96x1xi8>} : () -> tensor<3x3x96x1xi8>
  %v12 = tosa.depthwise_conv2d %v10, %c11, %c4, %c1, %c2 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x24x24x96xi8>, tensor<3x3x96x1xi8>, tensor<96xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x24x24x96xi32>
  %v13 = tosa.rescale %v12, %c6, %c7, %c8, %c1 {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x96xi32>, tensor<96xi32>, tensor<96xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x24x24x96xi8>
  %v14 = tosa.clamp %v13 {max_val = 127 : i8, min_val = -128 : i8} : (tensor<1x24x24x96xi8>) -> tensor<1x24x24x96xi8>
  %c15 = "tosa.const"() {values = dense<3> : tensor<16x1x1x96xi8>} : () -> tensor<16x1x1x96xi8>
  %c16 = "tosa.const"() {values = dense<17> : tensor<16xi32>} : () -> tensor<16xi32>
  %v17 = tosa.conv2d %v14, %c15, %c16, %c1, %c2 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x24x24x96xi8>, tensor<16x1x1x96xi8>, tensor<16xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x24x24x16xi32>
  %c18 = "tosa.const"() {values = dense<1518500250> : tensor<16xi32>} : () -> tensor<16xi32>
  %c19 = "tosa.const"() {values = dense<38> : tensor<16xi8>} : () -> tensor<16xi8>
  %v20 = tosa.rescale %v17, %c18, %c19, %c8, %c1 {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x24x24x16xi8>
  %c21 = "tosa.const"() {values = dense<1518500250> : tensor<1xi32>} : () -> tensor<1xi32>
  %c22 = "tosa.const"() {values = dense<20> : tensor<1xi8>} : () -> tensor<1xi8>
  %v23 = tosa.rescale %x, %c21, %c22, %c1, %c8 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x16xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x24x24x16xi32>
  %v24 = tosa.rescale %v20, %c21, %c22, %c1, %c8 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x16xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x24x24x16xi32>
  %v25 = tosa.add %v23, %v24 : (tensor<1x24x24x16xi32>, tensor<1x24x24x16xi32>) -> tensor<1x24x24x16xi32>
  %c26 = "tosa.const"() {values = dense<38> : tensor<1xi8>} : () -> tensor<1xi8>
  %v27 = tosa.rescale %v25, %c21, %c26, %c8, %c1 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x24x24x16xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x24x24x16xi8>
  return %v27 : tensor<1x24x24x16xi8>
}

