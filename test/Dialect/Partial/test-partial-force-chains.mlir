// RUN: pex-opt %s -split-input-file -verify-diagnostics --test-partial-force-chains | FileCheck %s
// RUN: pex-opt %s -split-input-file --test-partial-force-chains="boundary=materialize slice-size=3" | FileCheck %s --check-prefix=MAT
// RUN: not pex-opt %s --test-partial-force-chains=boundary=sideways 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: unknown boundary 'sideways'

// A depthwise -> pointwise pair lowers no peak on its own, so chain formation
// leaves it whole; the test pass wraps it anyway, to exercise the lowering.

// CHECK-LABEL: func.func @pair(
// CHECK:         partial.chain(%{{.*}}) channels(8) slice(1) accumulate
// CHECK:           tosa.depthwise_conv2d
// CHECK:           tosa.conv2d
// CHECK:           partial.yield

// No materialised candidate: the pair stays as it is.

// MAT-LABEL: func.func @pair(
// MAT-NOT:     partial.chain
// MAT:         return
func.func @pair(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x16xi8> {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %w1 = "tosa.const"() {values = dense<1> : tensor<3x3x8x1xi8>} : () -> tensor<3x3x8x1xi8>
  %b1 = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %m1 = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
  %s1 = "tosa.const"() {values = dense<35> : tensor<8xi8>} : () -> tensor<8xi8>
  %d = tosa.depthwise_conv2d %x, %w1, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi8>, tensor<3x3x8x1xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %d8 = tosa.rescale %d, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  %w2 = "tosa.const"() {values = dense<1> : tensor<16x1x1x8xi8>} : () -> tensor<16x1x1x8xi8>
  %b2 = "tosa.const"() {values = dense<0> : tensor<16xi32>} : () -> tensor<16xi32>
  %m2 = "tosa.const"() {values = dense<1073741824> : tensor<16xi32>} : () -> tensor<16xi32>
  %s2 = "tosa.const"() {values = dense<35> : tensor<16xi8>} : () -> tensor<16xi8>
  %p = tosa.conv2d %d8, %w2, %b2, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi8>, tensor<16x1x1x8xi8>, tensor<16xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x16xi32>
  %y = tosa.rescale %p, %m2, %s2, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x16xi8>
  return %y : tensor<1x4x4x16xi8>
}

