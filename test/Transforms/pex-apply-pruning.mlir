// RUN: pex-opt %s -split-input-file --pex-apply-pruning -verify-diagnostics | FileCheck %s

// Output channel L1 norms of the producer: 2, 10, 0.2, 6: the two kept
// channels are 1 and 3. They are cut from the producer's weights and bias,
// the depthwise weights and bias, the per-channel constant of the add and the
// input channels of the consumer; types shrink from 4 to 2 channels.

// CHECK-LABEL: func.func @prune_chain(
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-DAG:     %[[W1:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}5.000000e+00, 5.000000e+00]]], {{\[\[\[}}3.000000e+00, -3.000000e+00]]]]> : tensor<2x1x1x2xf32>}>
// CHECK-DAG:     %[[B1:.*]] = "tosa.const"() <{values = dense<[1.100000e+01, 1.300000e+01]> : tensor<2xf32>}>
// CHECK:         %[[C1:.*]] = tosa.conv2d %[[X]], %[[W1]], %[[B1]]
// CHECK-NOT:       pex.prune_hint
// CHECK-SAME:      -> tensor<1x2x2x2xf32>
// CHECK:         %[[R:.*]] = tosa.clamp %[[C1]] {{.*}} -> tensor<1x2x2x2xf32>
// CHECK-DAG:     %[[W2:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00], [4.000000e+00]]]]> : tensor<1x1x2x1xf32>}>
// CHECK-DAG:     %[[B2:.*]] = "tosa.const"() <{values = dense<[2.100000e+01, 2.300000e+01]> : tensor<2xf32>}>
// CHECK:         %[[D:.*]] = tosa.depthwise_conv2d %[[R]], %[[W2]], %[[B2]]
// CHECK-SAME:      -> tensor<1x2x2x2xf32>
// CHECK:         %[[K:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.010000e+02, 1.030000e+02]]]]> : tensor<1x1x1x2xf32>}>
// CHECK:         %[[A:.*]] = tosa.add %[[D]], %[[K]] : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK:         %[[W3:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00]]], {{\[\[\[}}6.000000e+00, 8.000000e+00]]]]> : tensor<2x1x1x2xf32>}>
// CHECK:         tosa.conv2d %[[A]], %[[W3]]
// CHECK-SAME:      -> tensor<1x2x2x2xf32>
func.func @prune_chain(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<[[[[1.0, 1.0]]], [[[5.0, 5.0]]], [[[0.1, 0.1]]], [[[3.0, -3.0]]]]> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b1 = "tosa.const"() {values = dense<[10.0, 11.0, 12.0, 13.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_before = 4 : i64, channels_after = 2 : i64, group = 1 : i64, peak_bytes = 0 : i64}} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %r = tosa.clamp %c1 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0], [2.0], [3.0], [4.0]]]]> : tensor<1x1x4x1xf32>} : () -> tensor<1x1x4x1xf32>
  %b2 = "tosa.const"() {values = dense<[20.0, 21.0, 22.0, 23.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %d = tosa.depthwise_conv2d %r, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<1x1x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %k = "tosa.const"() {values = dense<[[[[100.0, 101.0, 102.0, 103.0]]]]> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %a = tosa.add %d, %k : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x2x2x4xf32>
  %w3 = "tosa.const"() {values = dense<[[[[1.0, 2.0, 3.0, 4.0]]], [[[5.0, 6.0, 7.0, 8.0]]]]> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b3 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = tosa.conv2d %a, %w3, %b3, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// int8: the per-channel rescale multipliers and shifts follow the kept
// channels (0 and 2: L1 norms 8, 1, 6, 2).

// CHECK-LABEL: func.func @prune_int8_rescale(
// CHECK:         tosa.conv2d {{.*}} -> tensor<1x2x2x2xi32>
// CHECK-DAG:     %[[M:.*]] = "tosa.const"() <{values = dense<[1073741824, 1073741826]> : tensor<2xi32>}>
// CHECK-DAG:     %[[S:.*]] = "tosa.const"() <{values = dense<[30, 32]> : tensor<2xi8>}>
// CHECK:         tosa.rescale %{{.*}}, %[[M]], %[[S]]
// CHECK-SAME:      -> tensor<1x2x2x2xi8>
func.func @prune_int8_rescale(%x: tensor<1x2x2x2xi8>) -> tensor<1x2x2x3xi32> {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %w = "tosa.const"() {values = dense<[[[[4, -4]]], [[[1, 0]]], [[[3, 3]]], [[[-1, 1]]]]> : tensor<4x1x1x2xi8>} : () -> tensor<4x1x1x2xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<4xi32>} : () -> tensor<4xi32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_before = 4 : i64, channels_after = 2 : i64}} : (tensor<1x2x2x2xi8>, tensor<4x1x1x2xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x4xi32>
  %m = "tosa.const"() {values = dense<[1073741824, 1073741825, 1073741826, 1073741827]> : tensor<4xi32>} : () -> tensor<4xi32>
  %s = "tosa.const"() {values = dense<[30, 31, 32, 33]> : tensor<4xi8>} : () -> tensor<4xi8>
  %r = tosa.rescale %c, %m, %s, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x2x2x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x4xi8>
  %w2 = "tosa.const"() {values = dense<1> : tensor<3x1x1x4xi8>} : () -> tensor<3x1x1x4xi8>
  %b2 = "tosa.const"() {values = dense<0> : tensor<3xi32>} : () -> tensor<3xi32>
  %y = tosa.conv2d %r, %w2, %b2, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<3x1x1x4xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x3xi32>
  return %y : tensor<1x2x2x3xi32>
}

// -----

func.func @stale_hint(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-error@+1 {{'tosa.conv2d' op pruning hint is for 8 channels but the layer has 4}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_before = 8 : i64, channels_after = 2 : i64}} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = tosa.conv2d %c, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @no_channel_left(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-error@+1 {{'tosa.conv2d' op pruning hint keeps 0 of 4 channels}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_before = 4 : i64, channels_after = 0 : i64}} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = tosa.conv2d %c, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @malformed_hint(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-error@+1 {{'tosa.conv2d' op pex.prune_hint needs integer channels_before and channels_after}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_after = "two"}} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  return %c : tensor<1x2x2x4xf32>
}

// -----

// A layer whose output is the model's output keeps its channels.
func.func @pinned_output(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-error@+1 {{'tosa.conv2d' op cannot be pruned: its channels are a model output}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_before = 4 : i64, channels_after = 2 : i64}} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  return %c : tensor<1x2x2x4xf32>
}

// -----

// Residual adds join their operands' channels: both producers must agree.
func.func @residual_disagreement(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %c1 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_before = 4 : i64, channels_after = 2 : i64}} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  // expected-error@+1 {{'tosa.conv2d' op has a pruning hint that differs from the other producers of its channel group}}
  %c2 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, pex.prune_hint = {channels_before = 4 : i64, channels_after = 3 : i64}} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %s = tosa.add %c1, %c2 : (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = tosa.conv2d %s, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
