// RUN: pex-opt %s -split-input-file --pex-mark-int32-buffers -mlir-print-debuginfo | FileCheck %s

// The widened input of a dequantise is an int32 tensor of the model: its
// producer is marked. The accumulator of a convolution that only its
// rescale reads is a fused intermediate and stays unmarked, and so do int8
// results and constants.

// CHECK-LABEL: func.func @dequantize
// CHECK:       "tosa.const"(){{.*}}loc(#[[CONST:loc[0-9]*]])
// CHECK:       %[[WIDE:.*]] = tosa.cast %{{.*}} : (tensor<1x4xi8>) -> tensor<1x4xi32> loc(#[[MARKED:loc[0-9]*]])
// CHECK:       tosa.add %[[WIDE]], %{{.*}} loc(#[[ADD:loc[0-9]*]])
// CHECK:       tosa.cast %{{.*}} : (tensor<1x4xi32>) -> tensor<1x4xf32> loc(#[[TOFLOAT:loc[0-9]*]])
// CHECK-DAG:   #[[CONST]] = loc("const")
// CHECK-DAG:   #[[MARKED]] = loc(fused<"pex.int32_buffer">[#{{loc[0-9]*}}])
// CHECK-DAG:   #[[ADD]] = loc(fused<"pex.int32_buffer">[#{{loc[0-9]*}}])
// CHECK-DAG:   #[[TOFLOAT]] = loc("to_float")
func.func @dequantize(%x: tensor<1x4xi8>) -> tensor<1x4xf32> {
  %zp = "tosa.const"() <{values = dense<3> : tensor<1x1xi32>}> : () -> tensor<1x1xi32> loc("const")
  %wide = tosa.cast %x : (tensor<1x4xi8>) -> tensor<1x4xi32> loc("widen")
  %centred = tosa.add %wide, %zp : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32> loc("centre")
  %f = tosa.cast %centred : (tensor<1x4xi32>) -> tensor<1x4xf32> loc("to_float")
  return %f : tensor<1x4xf32>
}

// -----

// CHECK-LABEL: func.func @conv_rescale
// CHECK:       tosa.conv2d {{.*}} loc(#[[CONV:loc[0-9]*]])
// CHECK:       tosa.rescale {{.*}} loc(#[[RESCALE:loc[0-9]*]])
// CHECK-DAG:   #[[CONV]] = loc("conv")
// CHECK-DAG:   #[[RESCALE]] = loc("rescale")
// CHECK-NOT:   pex.int32_buffer
func.func @conv_rescale(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x3xi8> {
  %w = "tosa.const"() <{values = dense<1> : tensor<3x1x1x2xi8>}> : () -> tensor<3x1x1x2xi8>
  %b = "tosa.const"() <{values = dense<0> : tensor<3xi32>}> : () -> tensor<3xi32>
  %zp8 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp8, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32> loc("conv")
  %r = tosa.rescale %c, %m, %s, %zp32, %zp8 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x3xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x3xi8> loc("rescale")
  return %r : tensor<1x4x4x3xi8>
}
