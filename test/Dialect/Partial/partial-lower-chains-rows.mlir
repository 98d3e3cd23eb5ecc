// RUN: pex-opt %s -split-input-file --partial-lower-chains --canonicalize | FileCheck %s

// Two 3x3 depthwise convolutions streamed one row at a time. The first reads
// the image (held whole) three rows at a time; its clamped rows go into a
// line buffer of three rows that the second reads whole. Top and bottom
// padding are the pads of the peeled first and last steps; the steady state
// is a loop that rotates the line buffer by one row per step.

// CHECK-LABEL: func.func @two_depthwise
// CHECK-SAME:    (%[[X:.*]]: tensor<1x8x6x2xf32>)
// CHECK:         %[[LB:.*]] = tensor.empty() : tensor<1x3x6x2xf32>
// CHECK:         %[[OUT:.*]] = tensor.empty() : tensor<1x8x6x2xf32>
// CHECK:         %[[TOP:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 2, 6, 2]
// CHECK:         tosa.depthwise_conv2d %[[TOP]], {{.*}} pad = array<i64: 1, 0, 1, 1>{{.*}} -> tensor<1x1x6x2xf32>
// CHECK:         tensor.insert_slice %{{.*}} into %[[LB]][0, 0, 0, 0] [1, 1, 6, 2]
// CHECK:         %[[STEADY:.*]]:2 = scf.for %[[IV:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[BUF:.*]] = %{{.*}}, %[[ACC:.*]] = %{{.*}})
// CHECK:           %[[ROW:.*]] = arith.addi %[[IV]]
// CHECK:           %[[WINDOW:.*]] = tensor.extract_slice %[[X]][0, %[[ROW]], 0, 0] [1, 3, 6, 2]
// CHECK:           tosa.depthwise_conv2d %[[WINDOW]], {{.*}} pad = array<i64: 0, 0, 1, 1>
// CHECK:           %[[ROTATED:.*]] = partial.rotate_rows %[[BUF]] by 1 keep 2 : tensor<1x3x6x2xf32>
// CHECK:           %[[FILLED:.*]] = tensor.insert_slice %{{.*}} into %[[ROTATED]][0, 2, 0, 0] [1, 1, 6, 2]
// CHECK:           %[[NEXT:.*]] = tosa.depthwise_conv2d %[[FILLED]], {{.*}} pad = array<i64: 0, 0, 1, 1>
// CHECK:           tensor.insert_slice %[[NEXT]] into %[[ACC]][0, %{{.*}}, 0, 0] [1, 1, 6, 2]
// CHECK:         } {partial.row_loop = {band = 1 : i64, first_step = 3 : i64, period = 1 : i64}}
// CHECK:         tosa.depthwise_conv2d {{.*}} pad = array<i64: 0, 1, 1, 1>{{.*}} -> tensor<1x2x6x2xf32>
// CHECK:         %[[LAST:.*]] = tensor.insert_slice %{{.*}} into %[[STEADY]]#1[0, 6, 0, 0] [1, 2, 6, 2]
// CHECK:         return %[[LAST]]
// CHECK-NOT:     partial.row_chain
func.func @two_depthwise(%x: tensor<1x8x6x2xf32>) -> tensor<1x8x6x2xf32> {
  %y = partial.row_chain(%x) band(1) : (tensor<1x8x6x2xf32>) -> tensor<1x8x6x2xf32> {
  ^bb0(%in: tensor<1x8x6x2xf32>):
    %w = "tosa.const"() {values = dense<1.0> : tensor<3x3x2x1xf32>} : () -> tensor<3x3x2x1xf32>
    %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %d = tosa.depthwise_conv2d %in, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x6x2xf32>, tensor<3x3x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x6x2xf32>
    %c = tosa.clamp %d {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x8x6x2xf32>) -> tensor<1x8x6x2xf32>
    %e = tosa.depthwise_conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x6x2xf32>, tensor<3x3x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x6x2xf32>
    partial.yield %e : tensor<1x8x6x2xf32>
  }
  return %y : tensor<1x8x6x2xf32>
}

// -----

// A stride-2 pool after a convolution: the pool computes a row every other
// step, so the loop body holds a period of two steps.

// CHECK-LABEL: func.func @stride_two
// CHECK:         scf.for
// CHECK:           tosa.conv2d {{.*}} -> tensor<1x1x8x2xf32>
// CHECK:           tosa.max_pool2d {{.*}} -> tensor<1x1x4x2xf32>
// CHECK:           tosa.conv2d {{.*}} -> tensor<1x1x8x2xf32>
// CHECK-NOT:       partial.rotate_rows
// CHECK:         } {partial.row_loop = {band = 1 : i64, first_step = 1 : i64, period = 2 : i64}}
func.func @stride_two(%x: tensor<1x8x8x2xf32>) -> tensor<1x4x4x2xf32> {
  %y = partial.row_chain(%x) band(1) : (tensor<1x8x8x2xf32>) -> tensor<1x4x4x2xf32> {
  ^bb0(%in: tensor<1x8x8x2xf32>):
    %w = "tosa.const"() {values = dense<0.5> : tensor<2x3x3x2xf32>} : () -> tensor<2x3x3x2xf32>
    %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %c = tosa.conv2d %in, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x2xf32>
    %p = tosa.max_pool2d %c {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x2xf32>) -> tensor<1x4x4x2xf32>
    partial.yield %p : tensor<1x4x4x2xf32>
  }
  return %y : tensor<1x4x4x2xf32>
}
