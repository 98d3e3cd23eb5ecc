// RUN: pex-opt %s -split-input-file -verify-diagnostics

// A conv2d whose output channels disagree with its weights.
func.func @conv_channel_mismatch(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x16xi32> {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  // expected-error@+1 {{'tosa.conv2d' op}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x16xi32>
  return %c : tensor<1x8x8x16xi32>
}

// -----

// An int8 convolution must accumulate in int32.
func.func @conv_wrong_accumulator(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x8xi32> {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  // expected-error@+1 {{accumulator type}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x8xi32>
  return %c : tensor<1x8x8x8xi32>
}

// -----

// A rescale without its rounding mode does not parse.
func.func @rescale_missing_attribute(%x: tensor<1x4xi32>) -> tensor<1x4xi8> {
  %m = "tosa.const"() {values = dense<1073741824> : tensor<4xi32>} : () -> tensor<4xi32>
  %s = "tosa.const"() {values = dense<30> : tensor<4xi8>} : () -> tensor<4xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %zo = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error@+1 {{requires attribute 'rounding_mode'}}
  %r = tosa.rescale %x, %m, %s, %zi, %zo {input_unsigned = false, output_unsigned = false, per_channel = true, scale32 = true} : (tensor<1x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4xi8>
  return %r : tensor<1x4xi8>
}

// -----

// A clamp whose bounds do not match the element type.
func.func @clamp_bound_type(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error@+1 {{'tosa.clamp' op}}
  %c = tosa.clamp %x {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4xi8>) -> tensor<1x4xi8>
  return %c : tensor<1x4xi8>
}

// -----

// The partial dialect is loaded, and rejects operations it does not define.
func.func @unknown_partial_op(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error@+1 {{custom op 'partial.nonexistent' is unknown}}
  %y = partial.nonexistent %x : tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}
