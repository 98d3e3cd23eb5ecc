// RUN: pex-opt %s --pex-count-macs=per-location=true -o /dev/null | FileCheck %s

// The MACs of each operator, keyed as --pex-cortexm-profile names its
// regions: a name location, a fused one by its first operator (the int32
// buffer mark dropped, and two ops of one operator summed), a file
// location as file:line:col. Program order; a loop multiplies.

// CHECK:      macs for @count: 6000 (tosa.conv2d 2496, tosa.depthwise_conv2d 3456, tosa.matmul 48)
// CHECK-NEXT:   macs at "op0.CONV_2D:tensor1": 2304
// CHECK-NEXT:   macs at "op1.DEPTHWISE_CONV_2D:tensor2": 3456
// CHECK-NEXT:   macs at "{{.*}}pex-count-macs-per-location.mlir:31:9": 48
// CHECK-NEXT:   macs at "op3.CONV_2D:tensor4": 192
// CHECK-NOT:    macs at
func.func @count(%x: tensor<1x4x4x2xi8>, %m: tensor<1x1x16xf32>) -> (tensor<1x4x4x8xi32>, tensor<1x1x3xf32>, tensor<1x4x4x3xi32>, tensor<1x4x4x3xi32>) {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %fzp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1> : tensor<8x3x3x2xi8>} : () -> tensor<8x3x3x2xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<8x3x3x2xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32> loc("op0.CONV_2D:tensor1")
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c24 = arith.constant 24 : index
  %e = tensor.empty() : tensor<1x4x4x8xi8>
  %r = scf.for %i = %c0 to %c24 step %c8 iter_args(%a = %e) -> tensor<1x4x4x8xi8> {
    %dw = "tosa.const"() {values = dense<1> : tensor<3x3x8x1xi8>} : () -> tensor<3x3x8x1xi8>
    %c = tosa.cast %acc : (tensor<1x4x4x8xi32>) -> tensor<1x4x4x8xi8>
    %d = tosa.depthwise_conv2d %c, %dw, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi8>, tensor<3x3x8x1xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32> loc(fused<"pex.int32_buffer">["op1.DEPTHWISE_CONV_2D:tensor2"])
    scf.yield %a : tensor<1x4x4x8xi8>
  }
  %fw = "tosa.const"() {values = dense<0.5> : tensor<1x16x3xf32>} : () -> tensor<1x16x3xf32>
  %fc = tosa.matmul %m, %fw, %fzp, %fzp : (tensor<1x1x16xf32>, tensor<1x16x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %fcw = "tosa.const"() {values = dense<1> : tensor<3x1x1x2xi8>} : () -> tensor<3x1x1x2xi8>
  %fcb = "tosa.const"() {values = dense<0> : tensor<3xi32>} : () -> tensor<3xi32>
  %f1 = tosa.conv2d %x, %fcw, %fcb, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32> loc("op3.CONV_2D:tensor4")
  %f2 = tosa.conv2d %x, %fcw, %fcb, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32> loc(fused["op3.CONV_2D:tensor4", "elsewhere"])
  return %acc, %fc, %f1, %f2 : tensor<1x4x4x8xi32>, tensor<1x1x3xf32>, tensor<1x4x4x3xi32>, tensor<1x4x4x3xi32>
}
