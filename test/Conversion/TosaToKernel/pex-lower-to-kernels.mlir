// RUN: pex-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(pex-lower-to-kernels))" | FileCheck %s
// RUN: pex-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(test-partial-force-chains{boundary=accumulate slice-size=8},partial-lower-chains,pex-lower-to-kernels))" | FileCheck %s --check-prefix=CHAIN

// conv2d -> rescale (per channel) -> clamp becomes one kernel.conv2d with an
// output and a scratch destination: 3x3 taps of 4 channels need two int16
// windows, 4 * 36 bytes.

// CHECK-LABEL: func.func @conv2d
//  CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x4xi8>)
//   CHECK-DAG: %[[W:.*]] = "tosa.const"() {{.*}} tensor<8x3x3x4xi8>
//   CHECK-DAG: %[[B:.*]] = "tosa.const"() {{.*}} tensor<8xi32>
//   CHECK-DAG: %[[M:.*]] = "tosa.const"() {{.*}} tensor<8xi32>
//   CHECK-DAG: %[[S:.*]] = "tosa.const"() {{.*}} tensor<8xi8>
//       CHECK: %[[OUT:.*]] = tensor.empty() : tensor<1x8x8x8xi8>
//       CHECK: %[[SCRATCH:.*]] = tensor.empty() : tensor<144xi8>
//       CHECK: %[[Y:.*]]:2 = kernel.conv2d %[[X]], %[[W]], %[[B]], %[[M]], %[[S]], %[[OUT]], %[[SCRATCH]]
//  CHECK-SAME: act_max = 127 : i32, act_min = 0 : i32, dilation = array<i64: 1, 1>, input_zp = -128 : i32, output_zp = -128 : i32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>
//   CHECK-NOT: tosa.conv2d
//   CHECK-NOT: tosa.rescale
//   CHECK-NOT: tosa.clamp
//       CHECK: return %[[Y]]#0
func.func @conv2d(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x8xi8> {
  %w = "tosa.const"() {values = dense<3> : tensor<8x3x3x4xi8>} : () -> tensor<8x3x3x4xi8>
  %b = "tosa.const"() {values = dense<100> : tensor<8xi32>} : () -> tensor<8xi32>
  %izp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<8x3x3x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x8xi32>
  %m = "tosa.const"() {values = dense<1500000000> : tensor<8xi32>} : () -> tensor<8xi32>
  %s = "tosa.const"() {values = dense<38> : tensor<8xi8>} : () -> tensor<8xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %q = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x8x8x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x8xi8>
  %y = tosa.clamp %q {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x8x8x8xi8>) -> tensor<1x8x8x8xi8>
  return %y : tensor<1x8x8x8xi8>
}

// -----

// A per-tensor rescale and a broadcast bias become one value per channel;
// without a clamp the kernel clamps to the int8 range. 1x1 taps need no
// staging window: 4 * 4 bytes of scratch.

// CHECK-LABEL: func.func @per_tensor
//   CHECK-DAG: %[[B:.*]] = arith.constant dense<7> : tensor<8xi32>
//   CHECK-DAG: %[[M:.*]] = arith.constant dense<1073741824> : tensor<8xi32>
//   CHECK-DAG: %[[S:.*]] = arith.constant dense<40> : tensor<8xi8>
//       CHECK: %[[SCRATCH:.*]] = tensor.empty() : tensor<16xi8>
//       CHECK: kernel.conv2d %{{.*}}, %{{.*}}, %[[B]], %[[M]], %[[S]], %{{.*}}, %[[SCRATCH]]
//  CHECK-SAME: act_max = 127 : i32, act_min = -128 : i32
//  CHECK-SAME: input_zp = 3 : i32, output_zp = 9 : i32
func.func @per_tensor(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
  %b = "tosa.const"() {values = dense<7> : tensor<1xi32>} : () -> tensor<1xi32>
  %izp = "tosa.const"() {values = dense<3> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<8x1x1x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<40> : tensor<1xi8>} : () -> tensor<1xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<9> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  return %y : tensor<1x4x4x8xi8>
}

// -----

// CHECK-LABEL: func.func @depthwise
//  CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x16xi8>)
//       CHECK: %[[OUT:.*]] = tensor.empty() : tensor<1x4x4x16xi8>
//       CHECK: %[[Y:.*]] = kernel.depthwise_conv2d %[[X]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[OUT]]
//  CHECK-SAME: pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>
//  CHECK-SAME: -> tensor<1x4x4x16xi8>
//   CHECK-NOT: tosa.depthwise_conv2d
//       CHECK: return %[[Y]]
func.func @depthwise(%x: tensor<1x8x8x16xi8>) -> tensor<1x4x4x16xi8> {
  %w = "tosa.const"() {values = dense<-2> : tensor<3x3x16x1xi8>} : () -> tensor<3x3x16x1xi8>
  %b = "tosa.const"() {values = dense<5> : tensor<16xi32>} : () -> tensor<16xi32>
  %izp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.depthwise_conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x8x8x16xi8>, tensor<3x3x16x1xi8>, tensor<16xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x16xi32>
  %m = "tosa.const"() {values = dense<1200000000> : tensor<16xi32>} : () -> tensor<16xi32>
  %s = "tosa.const"() {values = dense<36> : tensor<16xi8>} : () -> tensor<16xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %q = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x16xi8>
  %y = tosa.clamp %q {max_val = 127 : i8, min_val = -128 : i8} : (tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi8>
  return %y : tensor<1x4x4x16xi8>
}

// -----

// A 1x1 convolution of single pixels (TFLite's fully connected layer) is a
// fully connected kernel, with any number of rows.

// CHECK-LABEL: func.func @fully_connected
//       CHECK: %[[OUT:.*]] = tensor.empty() : tensor<2x1x1x10xi8>
//       CHECK: kernel.fully_connected %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[OUT]]
//  CHECK-SAME: input_zp = 1 : i32, output_zp = -3 : i32
//  CHECK-SAME: -> tensor<2x1x1x10xi8>
//   CHECK-NOT: tosa.conv2d
func.func @fully_connected(%x: tensor<2x1x1x64xi8>) -> tensor<2x1x1x10xi8> {
  %w = "tosa.const"() {values = dense<1> : tensor<10x1x1x64xi8>} : () -> tensor<10x1x1x64xi8>
  %b = "tosa.const"() {values = dense<-40> : tensor<10xi32>} : () -> tensor<10xi32>
  %izp = "tosa.const"() {values = dense<1> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x1x1x64xi8>, tensor<10x1x1x64xi8>, tensor<10xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<2x1x1x10xi32>
  %m = "tosa.const"() {values = dense<1300000000> : tensor<10xi32>} : () -> tensor<10xi32>
  %s = "tosa.const"() {values = dense<37> : tensor<10xi8>} : () -> tensor<10xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<-3> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<2x1x1x10xi32>, tensor<10xi32>, tensor<10xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<2x1x1x10xi8>
  return %y : tensor<2x1x1x10xi8>
}

// -----

// A shift below 32 needs |acc| < 2^(shift - 1), proven from the constants:
// at most 100 + 255 * 4 * 2 = 2140 < 2^12 with shift 13, but not with
// shift 12.

// CHECK-LABEL: func.func @small_shift
//       CHECK: kernel.conv2d
// CHECK-LABEL: func.func @shift_too_small
//   CHECK-NOT: kernel.
//       CHECK: tosa.conv2d
//       CHECK: tosa.rescale
// A channel with multiplier 0 outputs the zero point whatever its
// accumulator, so its shift bounds nothing: shift 12 on channel 0 (TFLite's
// converter writes such channels with shift 31) and 13 on channel 1.
// CHECK-LABEL: func.func @zero_multiplier_small_shift
//       CHECK: kernel.conv2d
// CHECK-LABEL: func.func @nonzero_multiplier_small_shift
//   CHECK-NOT: kernel.
//       CHECK: tosa.conv2d
func.func @small_shift(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x2xi8> {
  %w = "tosa.const"() {values = dense<[[[[2, -2, 2, -2]]], [[[1, 1, 1, 1]]]]> : tensor<2x1x1x4xi8>} : () -> tensor<2x1x1x4xi8>
  %b = "tosa.const"() {values = dense<[100, -3]> : tensor<2xi32>} : () -> tensor<2xi32>
  %izp = "tosa.const"() {values = dense<127> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<2x1x1x4xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<2xi32>} : () -> tensor<2xi32>
  %s = "tosa.const"() {values = dense<13> : tensor<2xi8>} : () -> tensor<2xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x2x2x2xi32>, tensor<2xi32>, tensor<2xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}
func.func @shift_too_small(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x2xi8> {
  %w = "tosa.const"() {values = dense<[[[[2, -2, 2, -2]]], [[[1, 1, 1, 1]]]]> : tensor<2x1x1x4xi8>} : () -> tensor<2x1x1x4xi8>
  %b = "tosa.const"() {values = dense<[100, -3]> : tensor<2xi32>} : () -> tensor<2xi32>
  %izp = "tosa.const"() {values = dense<127> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<2x1x1x4xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<2xi32>} : () -> tensor<2xi32>
  %s = "tosa.const"() {values = dense<12> : tensor<2xi8>} : () -> tensor<2xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x2x2x2xi32>, tensor<2xi32>, tensor<2xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}
func.func @zero_multiplier_small_shift(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x2xi8> {
  %w = "tosa.const"() {values = dense<[[[[2, -2, 2, -2]]], [[[1, 1, 1, 1]]]]> : tensor<2x1x1x4xi8>} : () -> tensor<2x1x1x4xi8>
  %b = "tosa.const"() {values = dense<[100, -3]> : tensor<2xi32>} : () -> tensor<2xi32>
  %izp = "tosa.const"() {values = dense<127> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<2x1x1x4xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi32>
  %m = "tosa.const"() {values = dense<[0, 1073741824]> : tensor<2xi32>} : () -> tensor<2xi32>
  %s = "tosa.const"() {values = dense<[12, 13]> : tensor<2xi8>} : () -> tensor<2xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x2x2x2xi32>, tensor<2xi32>, tensor<2xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}
func.func @nonzero_multiplier_small_shift(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x2xi8> {
  %w = "tosa.const"() {values = dense<[[[[2, -2, 2, -2]]], [[[1, 1, 1, 1]]]]> : tensor<2x1x1x4xi8>} : () -> tensor<2x1x1x4xi8>
  %b = "tosa.const"() {values = dense<[100, -3]> : tensor<2xi32>} : () -> tensor<2xi32>
  %izp = "tosa.const"() {values = dense<127> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<2x1x1x4xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi32>
  %m = "tosa.const"() {values = dense<[1, 1073741824]> : tensor<2xi32>} : () -> tensor<2xi32>
  %s = "tosa.const"() {values = dense<[12, 13]> : tensor<2xi8>} : () -> tensor<2xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x2x2x2xi32>, tensor<2xi32>, tensor<2xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

// What the library does not compute bit for bit keeps the generic lowering:
// single rounding, a weight zero point, a depthwise channel multiplier of 2,
// and an int32 result used twice.

// CHECK-LABEL: func.func @single_round
//   CHECK-NOT: kernel.
//       CHECK: tosa.conv2d
// CHECK-LABEL: func.func @weight_zero_point
//   CHECK-NOT: kernel.
//       CHECK: tosa.conv2d
// CHECK-LABEL: func.func @channel_multiplier
//   CHECK-NOT: kernel.
//       CHECK: tosa.depthwise_conv2d
// CHECK-LABEL: func.func @two_uses
//   CHECK-NOT: kernel.
//       CHECK: tosa.conv2d
func.func @single_round(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
  %s = "tosa.const"() {values = dense<40> : tensor<8xi8>} : () -> tensor<8xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %y = tosa.rescale %acc, %m, %s, %zp32, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  return %y : tensor<1x4x4x8xi8>
}
func.func @weight_zero_point(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<2> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %zp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
  %s = "tosa.const"() {values = dense<40> : tensor<8xi8>} : () -> tensor<8xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %y = tosa.rescale %acc, %m, %s, %zp32, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  return %y : tensor<1x4x4x8xi8>
}
func.func @channel_multiplier(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
  %w = "tosa.const"() {values = dense<1> : tensor<3x3x4x2xi8>} : () -> tensor<3x3x4x2xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<3x3x4x2xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
  %s = "tosa.const"() {values = dense<40> : tensor<8xi8>} : () -> tensor<8xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %y = tosa.rescale %acc, %m, %s, %zp32, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  return %y : tensor<1x4x4x8xi8>
}
func.func @two_uses(%x: tensor<1x4x4x4xi8>) -> (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi32>) {
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
  %s = "tosa.const"() {values = dense<40> : tensor<8xi8>} : () -> tensor<8xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %y = tosa.rescale %acc, %m, %s, %zp32, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  return %y, %acc : tensor<1x4x4x8xi8>, tensor<1x4x4x8xi32>
}

// -----

// A chain lowered to a loop over slices of 8 channels: the producer is a
// convolution on the slice's output channels, the depthwise convolution works
// on the slice, the consumer accumulates the slice's input channels into the
// loop-carried int32 accumulator, and the finish requantizes it once.

// CHAIN-LABEL: func.func @chain
//       CHAIN: %[[BP:.*]] = "tosa.const"() <{values = dense<-7> : tensor<4xi32>}>
//       CHAIN: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x8x8x4xi32>)
//       CHAIN: %[[SUM:.*]] = scf.for %[[C0:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<1x8x8x4xi32>)
//       CHAIN:   %[[WE:.*]] = tensor.extract_slice %{{.*}}[%[[C0]], 0, 0, 0] [8, 1, 1, 4] [1, 1, 1, 1]
//       CHAIN:   %[[E:.*]]:2 = kernel.conv2d %{{.*}}, %[[WE]], {{.*}} -> (tensor<1x8x8x8xi8>, tensor<16xi8>)
//       CHAIN:   %[[D:.*]] = kernel.depthwise_conv2d %[[E]]#0, {{.*}} -> tensor<1x8x8x8xi8>
//       CHAIN:   %[[WP:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0, %[[C0]]] [4, 1, 1, 8] [1, 1, 1, 1]
//       CHAIN:   %[[SCRATCH:.*]] = tensor.empty() : tensor<32xi8>
//       CHAIN:   %[[NEXT:.*]]:2 = kernel.conv2d_accumulate %[[D]], %[[WP]], %[[ACC]], %[[SCRATCH]] {{.*}} -> (tensor<1x8x8x4xi32>, tensor<32xi8>)
//       CHAIN:   scf.yield %[[NEXT]]#0
//       CHAIN: } {partial.slice_loop
//       CHAIN: %[[Y:.*]] = kernel.requantize %[[SUM]], %[[BP]], {{.*}} {act_max = 127 : i32, act_min = -128 : i32, output_zp = 4 : i32}
//       CHAIN: return %[[Y]]
func.func @chain(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %izp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %m = "tosa.const"() {values = dense<1500000000> : tensor<16xi32>} : () -> tensor<16xi32>
  %s = "tosa.const"() {values = dense<38> : tensor<16xi8>} : () -> tensor<16xi8>
  %we = "tosa.const"() {values = dense<3> : tensor<16x1x1x4xi8>} : () -> tensor<16x1x1x4xi8>
  %be = "tosa.const"() {values = dense<10> : tensor<16xi32>} : () -> tensor<16xi32>
  %e_acc = tosa.conv2d %x, %we, %be, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<16x1x1x4xi8>, tensor<16xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x16xi32>
  %e_q = tosa.rescale %e_acc, %m, %s, %zp32, %izp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x8x8x16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x16xi8>
  %e = tosa.clamp %e_q {max_val = 127 : i8, min_val = -128 : i8} : (tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
  %wd = "tosa.const"() {values = dense<-2> : tensor<3x3x16x1xi8>} : () -> tensor<3x3x16x1xi8>
  %bd = "tosa.const"() {values = dense<5> : tensor<16xi32>} : () -> tensor<16xi32>
  %d_acc = tosa.depthwise_conv2d %e, %wd, %bd, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xi8>, tensor<3x3x16x1xi8>, tensor<16xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x16xi32>
  %d_q = tosa.rescale %d_acc, %m, %s, %zp32, %izp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x8x8x16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x16xi8>
  %d = tosa.clamp %d_q {max_val = 127 : i8, min_val = -128 : i8} : (tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
  %wp = "tosa.const"() {values = dense<1> : tensor<4x1x1x16xi8>} : () -> tensor<4x1x1x16xi8>
  %bp = "tosa.const"() {values = dense<-7> : tensor<4xi32>} : () -> tensor<4xi32>
  %p_acc = tosa.conv2d %d, %wp, %bp, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xi8>, tensor<4x1x1x16xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32>
  %mp = "tosa.const"() {values = dense<1100000000> : tensor<4xi32>} : () -> tensor<4xi32>
  %sp = "tosa.const"() {values = dense<39> : tensor<4xi8>} : () -> tensor<4xi8>
  %ozp = "tosa.const"() {values = dense<4> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %p_acc, %mp, %sp, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x8x8x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  return %y : tensor<1x8x8x4xi8>
}

// -----

// A kernel whose result goes into a concatenation along the width writes a
// buffer of its own: its part of the concatenation has rows twice as far
// apart as its pixels, which the library cannot address (found by
// pex-modelgen random --seed 0 on Cortex-M). Along the channels, the
// part has a pixel stride the library takes: the output stays empty, and
// the empty tensor elimination puts it in place.

// CHECK-LABEL: func.func @concat_width
//       CHECK: %[[OUT:.*]] = bufferization.alloc_tensor() : tensor<1x4x6x5xi8>
//       CHECK: %[[Y:.*]] = kernel.depthwise_conv2d {{.*}}, %[[OUT]]
//       CHECK: tosa.concat %{{.*}}, %[[Y]] {axis = 2 : i32}
// CHECK-LABEL: func.func @concat_channels
//   CHECK-NOT: bufferization.alloc_tensor
//       CHECK: tensor.empty() : tensor<1x4x6x5xi8>
func.func @concat_width(%x: tensor<1x4x6x5xi8>) -> tensor<1x4x12x5xi8> {
  %w = "tosa.const"() {values = dense<3> : tensor<1x1x5x1xi8>} : () -> tensor<1x1x5x1xi8>
  %b = "tosa.const"() {values = dense<100> : tensor<5xi32>} : () -> tensor<5xi32>
  %izp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.depthwise_conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x6x5xi8>, tensor<1x1x5x1xi8>, tensor<5xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x6x5xi32>
  %m = "tosa.const"() {values = dense<1500000000> : tensor<5xi32>} : () -> tensor<5xi32>
  %s = "tosa.const"() {values = dense<38> : tensor<5xi8>} : () -> tensor<5xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %q = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x6x5xi32>, tensor<5xi32>, tensor<5xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x6x5xi8>
  %y = tosa.concat %x, %q {axis = 2 : i32} : (tensor<1x4x6x5xi8>, tensor<1x4x6x5xi8>) -> tensor<1x4x12x5xi8>
  return %y : tensor<1x4x12x5xi8>
}
func.func @concat_channels(%x: tensor<1x4x6x5xi8>) -> tensor<1x4x6x10xi8> {
  %w = "tosa.const"() {values = dense<3> : tensor<1x1x5x1xi8>} : () -> tensor<1x1x5x1xi8>
  %b = "tosa.const"() {values = dense<100> : tensor<5xi32>} : () -> tensor<5xi32>
  %izp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.depthwise_conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x6x5xi8>, tensor<1x1x5x1xi8>, tensor<5xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x6x5xi32>
  %m = "tosa.const"() {values = dense<1500000000> : tensor<5xi32>} : () -> tensor<5xi32>
  %s = "tosa.const"() {values = dense<38> : tensor<5xi8>} : () -> tensor<5xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %q = tosa.rescale %acc, %m, %s, %zp32, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x6x5xi32>, tensor<5xi32>, tensor<5xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x6x5xi8>
  %y = tosa.concat %x, %q {axis = 3 : i32} : (tensor<1x4x6x5xi8>, tensor<1x4x6x5xi8>) -> tensor<1x4x6x10xi8>
  return %y : tensor<1x4x6x10xi8>
}
