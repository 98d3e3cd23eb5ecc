// RUN: pex-opt %s -split-input-file | FileCheck %s
// RUN: pex-opt %s -split-input-file | pex-opt -split-input-file | FileCheck %s
// RUN: pex-opt %s -split-input-file -mlir-print-op-generic | pex-opt -split-input-file | FileCheck %s

// An expand -> depthwise -> project chain ending in the accumulator of the
// projection, with a remainder slice (12 channels in slices of 5).

// CHECK-LABEL: func.func @accumulate_chain(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x4xi8>)
// CHECK:         %[[Y:.*]] = partial.chain(%[[X]]) channels(12) slice(5) accumulate : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8> {
// CHECK:         ^bb0(%[[IN:.*]]: tensor<1x4x4x4xi8>):
// CHECK:           %[[E:.*]] = tosa.conv2d %[[IN]]
// CHECK:           %[[E8:.*]] = tosa.rescale %[[E]]
// CHECK:           %[[D:.*]] = tosa.depthwise_conv2d %[[E8]]
// CHECK:           %[[D8:.*]] = tosa.rescale %[[D]]
// CHECK:           %[[P:.*]] = tosa.conv2d %[[D8]]
// CHECK:           %[[R:.*]] = tosa.rescale %[[P]]
// CHECK:           partial.yield %[[R]] : tensor<1x4x4x4xi8>
// CHECK:         }
// CHECK:         return %[[Y]]
func.func @accumulate_chain(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8> {
  %y = partial.chain(%x) channels(12) slice(5) accumulate : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8> {
  ^bb0(%in: tensor<1x4x4x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
    %w1 = "tosa.const"() {values = dense<1> : tensor<12x1x1x4xi8>} : () -> tensor<12x1x1x4xi8>
    %b1 = "tosa.const"() {values = dense<0> : tensor<12xi32>} : () -> tensor<12xi32>
    %m1 = "tosa.const"() {values = dense<1073741824> : tensor<12xi32>} : () -> tensor<12xi32>
    %s1 = "tosa.const"() {values = dense<35> : tensor<12xi8>} : () -> tensor<12xi8>
    %e = tosa.conv2d %in, %w1, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<12x1x1x4xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x12xi32>
    %e8 = tosa.rescale %e, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x12xi32>, tensor<12xi32>, tensor<12xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x12xi8>
    %w2 = "tosa.const"() {values = dense<1> : tensor<3x3x12x1xi8>} : () -> tensor<3x3x12x1xi8>
    %d = tosa.depthwise_conv2d %e8, %w2, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x12xi8>, tensor<3x3x12x1xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x12xi32>
    %d8 = tosa.rescale %d, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x12xi32>, tensor<12xi32>, tensor<12xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x12xi8>
    %w3 = "tosa.const"() {values = dense<1> : tensor<4x1x1x12xi8>} : () -> tensor<4x1x1x12xi8>
    %b3 = "tosa.const"() {values = dense<0> : tensor<4xi32>} : () -> tensor<4xi32>
    %m3 = "tosa.const"() {values = dense<1073741824> : tensor<4xi32>} : () -> tensor<4xi32>
    %s3 = "tosa.const"() {values = dense<35> : tensor<4xi8>} : () -> tensor<4xi8>
    %p = tosa.conv2d %d8, %w3, %b3, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x12xi8>, tensor<4x1x1x12xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi32>
    %r = tosa.rescale %p, %m3, %s3, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
    partial.yield %r : tensor<1x4x4x4xi8>
  }
  return %y : tensor<1x4x4x4xi8>
}

// -----

// A pointwise producer followed by a depthwise convolution whose output is
// materialised slice by slice (the MobileNetV1 pattern).

// CHECK-LABEL: func.func @materialize_chain(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x4xi8>)
// CHECK:         %[[Y:.*]] = partial.chain(%[[X]]) channels(8) slice(8) materialize : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
// CHECK:           tosa.conv2d
// CHECK:           tosa.clamp
// CHECK:           %[[D:.*]] = tosa.depthwise_conv2d
// CHECK:           %[[D8:.*]] = tosa.rescale %[[D]]
// CHECK:           partial.yield %[[D8]] : tensor<1x4x4x8xi8>
func.func @materialize_chain(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
  %y = partial.chain(%x) channels(8) slice(8) materialize : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
  ^bb0(%in: tensor<1x4x4x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
    %w1 = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
    %b1 = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
    %m1 = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
    %s1 = "tosa.const"() {values = dense<35> : tensor<8xi8>} : () -> tensor<8xi8>
    %e = tosa.conv2d %in, %w1, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
    %e8 = tosa.rescale %e, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
    %c = tosa.clamp %e8 {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8>
    %w2 = "tosa.const"() {values = dense<1> : tensor<3x3x8x1xi8>} : () -> tensor<3x3x8x1xi8>
    %d = tosa.depthwise_conv2d %c, %w2, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi8>, tensor<3x3x8x1xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
    %d8 = tosa.rescale %d, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
    partial.yield %d8 : tensor<1x4x4x8xi8>
  }
  return %y : tensor<1x4x4x8xi8>
}

// -----

// A depthwise -> pointwise chain of f32 that starts at a channel-local op on
// its materialised input and finishes with a residual add of that input.

// CHECK-LABEL: func.func @float_chain_with_residual(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x6xf32>)
// CHECK:         partial.chain(%[[X]]) channels(6) slice(2) accumulate : (tensor<1x4x4x6xf32>) -> tensor<1x4x4x6xf32> {
// CHECK:         ^bb0(%[[IN:.*]]: tensor<1x4x4x6xf32>):
// CHECK:           %[[D:.*]] = tosa.depthwise_conv2d %[[IN]]
// CHECK:           %[[P:.*]] = tosa.conv2d %[[D]]
// CHECK:           %[[S:.*]] = tosa.add %[[P]], %[[IN]]
// CHECK:           partial.yield %[[S]]
func.func @float_chain_with_residual(%x: tensor<1x4x4x6xf32>) -> tensor<1x4x4x6xf32> {
  %y = partial.chain(%x) channels(6) slice(2) accumulate : (tensor<1x4x4x6xf32>) -> tensor<1x4x4x6xf32> {
  ^bb0(%in: tensor<1x4x4x6xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w1 = "tosa.const"() {values = dense<0.5> : tensor<3x3x6x1xf32>} : () -> tensor<3x3x6x1xf32>
    %b1 = "tosa.const"() {values = dense<0.0> : tensor<6xf32>} : () -> tensor<6xf32>
    %d = tosa.depthwise_conv2d %in, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<3x3x6x1xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
    %w2 = "tosa.const"() {values = dense<0.25> : tensor<6x1x1x6xf32>} : () -> tensor<6x1x1x6xf32>
    %p = tosa.conv2d %d, %w2, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<6x1x1x6xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
    %s = tosa.add %p, %in : (tensor<1x4x4x6xf32>, tensor<1x4x4x6xf32>) -> tensor<1x4x4x6xf32>
    partial.yield %s : tensor<1x4x4x6xf32>
  }
  return %y : tensor<1x4x4x6xf32>
}

// -----

// CHECK-LABEL: func.func @row_chain
// CHECK:         %[[Y:.*]] = partial.row_chain(%{{.*}}) band(2) : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32> {
// CHECK:           tosa.clamp
// CHECK:           partial.yield
// CHECK:         %[[R:.*]] = partial.rotate_rows %{{.*}} by 1 keep 2 : tensor<1x3x8x2xf32>
func.func @row_chain(%x: tensor<1x8x8x2xf32>, %b: tensor<1x3x8x2xf32>) -> (tensor<1x8x8x2xf32>, tensor<1x3x8x2xf32>) {
  %y = partial.row_chain(%x) band(2) : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32> {
  ^bb0(%in: tensor<1x8x8x2xf32>):
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32>
    partial.yield %c : tensor<1x8x8x2xf32>
  }
  %r = partial.rotate_rows %b by 1 keep 2 : tensor<1x3x8x2xf32>
  return %y, %r : tensor<1x8x8x2xf32>, tensor<1x3x8x2xf32>
}
