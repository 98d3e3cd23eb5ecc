// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-count-macs -o /dev/null | FileCheck %s

// conv2d: 1*4*4*8 outputs x 3*3*2 = 2304; depthwise: 1*4*4*8 x 3*3 = 1152,
// in a loop of 3 iterations; matmul: 1*1*3 outputs x 16 = 48.

// CHECK: macs for @count: 5808 (tosa.conv2d 2304, tosa.depthwise_conv2d 3456, tosa.matmul 48)
func.func @count(%x: tensor<1x4x4x2xi8>, %m: tensor<1x1x16xf32>) -> (tensor<1x4x4x8xi32>, tensor<1x1x3xf32>) {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %fzp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1> : tensor<8x3x3x2xi8>} : () -> tensor<8x3x3x2xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<8x3x3x2xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c24 = arith.constant 24 : index
  %e = tensor.empty() : tensor<1x4x4x8xi8>
  %r = scf.for %i = %c0 to %c24 step %c8 iter_args(%a = %e) -> tensor<1x4x4x8xi8> {
    %xs = tensor.extract_slice %x[0, 0, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xi8> to tensor<1x4x4x2xi8>
    %dw = "tosa.const"() {values = dense<1> : tensor<3x3x8x1xi8>} : () -> tensor<3x3x8x1xi8>
    %c = tosa.cast %acc : (tensor<1x4x4x8xi32>) -> tensor<1x4x4x8xi8>
    %d = tosa.depthwise_conv2d %c, %dw, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi8>, tensor<3x3x8x1xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
    scf.yield %a : tensor<1x4x4x8xi8>
  }
  %fw = "tosa.const"() {values = dense<0.5> : tensor<1x16x3xf32>} : () -> tensor<1x16x3xf32>
  %fc = tosa.matmul %m, %fw, %fzp, %fzp : (tensor<1x1x16xf32>, tensor<1x16x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  return %acc, %fc : tensor<1x4x4x8xi32>, tensor<1x1x3xf32>
}

// -----

func.func @dynamic_loop(%x: tensor<1x4x4x2xi8>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x2xi8>} : () -> tensor<8x1x1x2xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{cannot count the MACs of this operation: an enclosing loop has no constant bounds}}
    %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<8x1x1x2xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  }
  return
}
