// RUN: pex-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,pex-fuse-kernels))" | FileCheck %s

// conv -> rescale -> clamp: one loop nest over the output pixels; the padded
// input window, the bias, the int32 convolution and the rescaled int8 value
// exist for one pixel at a time.

// CHECK-LABEL: func.func @conv_rescale_clamp(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x2xi8>)
// CHECK-NOT:     tensor<1x4x4x8xi32>
// CHECK:         %[[OUT:.*]] = tensor.empty() : tensor<1x4x4x8xi8>
// CHECK:         %[[Y:.*]] = scf.for %[[N:.*]] = {{.*}} iter_args(%[[A0:.*]] = %[[OUT]])
// CHECK:           scf.for %[[H:.*]] = {{.*}} iter_args(%[[A1:.*]] = %[[A0]])
// CHECK:             scf.for %[[W:.*]] = {{.*}} iter_args(%[[A2:.*]] = %[[A1]])
// CHECK:               %[[WIN:.*]] = scf.if %{{.*}} -> (tensor<1x3x3x2xi8>)
// CHECK:                 tensor.pad
// CHECK:               %[[TILE:.*]] = tensor.empty() : tensor<1x1x1x8xi32>
// CHECK:               %[[BIAS:.*]] = linalg.generic {{.*}} outs(%[[TILE]] : tensor<1x1x1x8xi32>)
// CHECK:               %[[CONV:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[WIN]], %{{.*}} : tensor<1x3x3x2xi8>, tensor<8x3x3x2xi8>) outs(%[[BIAS]] : tensor<1x1x1x8xi32>)
// CHECK:               %[[DST:.*]] = tensor.extract_slice %[[A2]][%[[N]], %[[H]], %[[W]], 0] [1, 1, 1, 8]
// CHECK:               %[[Q:.*]] = linalg.generic {{.*}} ins(%[[CONV]] : tensor<1x1x1x8xi32>) outs(%[[DST]] : tensor<1x1x1x8xi8>)
// CHECK:               tensor.insert_slice %[[Q]] into %[[A2]][%[[N]], %[[H]], %[[W]], 0] [1, 1, 1, 8]
// CHECK:             } {pex.kernel_tile}
// CHECK:           } {pex.kernel_tile}
// CHECK:         } {pex.kernel_tile}
// CHECK:         return %[[Y]]
func.func @conv_rescale_clamp(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x8xi8> {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %w = "tosa.const"() {values = dense<1> : tensor<8x3x3x2xi8>} : () -> tensor<8x3x3x2xi8>
  %b = "tosa.const"() {values = dense<5> : tensor<8xi32>} : () -> tensor<8xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
  %s = "tosa.const"() {values = dense<35> : tensor<8xi8>} : () -> tensor<8xi8>
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<8x3x3x2xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x8xi32>
  %q = tosa.rescale %acc, %m, %s, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  %y = tosa.clamp %q {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8>
  return %y : tensor<1x4x4x8xi8>
}

// -----

// A quantised add: both rescales to int32, the add and the rescale to int8
// are one elementwise operation; no int32 tensor remains.

// CHECK-LABEL: func.func @quantized_add(
// CHECK-SAME:    %[[A:.*]]: tensor<1x4x4x8xi8>, %[[B:.*]]: tensor<1x4x4x8xi8>)
// CHECK-NOT:     xi32>
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) outs(%{{.*}} : tensor<1x4x4x8xi8>)
// CHECK-NOT:     xi32>
// CHECK:         return %[[Y]]
func.func @quantized_add(%a: tensor<1x4x4x8xi8>, %b: tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8> {
  %zp = "tosa.const"() {values = dense<3> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<11> : tensor<1xi8>} : () -> tensor<1xi8>
  %s2 = "tosa.const"() {values = dense<40> : tensor<1xi8>} : () -> tensor<1xi8>
  %a32 = tosa.rescale %a, %m, %s, %zp, %zi {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x4x4x8xi32>
  %b32 = tosa.rescale %b, %m, %s, %zp, %zi {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x4x4x8xi32>
  %sum = tosa.add %a32, %b32 : (tensor<1x4x4x8xi32>, tensor<1x4x4x8xi32>) -> tensor<1x4x4x8xi32>
  %y = tosa.rescale %sum, %m, %s2, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x8xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8>
  return %y : tensor<1x4x4x8xi8>
}

// -----

// A chain's accumulation: the slice's convolution adds straight into the
// loop-carried accumulator instead of a zeroed int32 tensor.

// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x8xi8>, %[[ACC0:.*]]: tensor<1x4x4x4xi32>)
// CHECK:         %[[R:.*]] = scf.for %[[OFF:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %[[ACC0]])
// CHECK:           %[[XS:.*]] = tensor.extract_slice %[[X]][0, 0, 0, %[[OFF]]]
// CHECK:           %[[P:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[XS]], %{{.*}} : tensor<1x4x4x4xi8>, tensor<4x1x1x4xi8>) outs(%[[ACC]] : tensor<1x4x4x4xi32>)
// CHECK-NEXT:      scf.yield %[[P]] : tensor<1x4x4x4xi32>
// CHECK:         return %[[R]]
func.func @accumulate(%x: tensor<1x4x4x8xi8>, %acc0: tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c4 = arith.constant 4 : index
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %w = "tosa.const"() {values = dense<1> : tensor<4x1x1x8xi8>} : () -> tensor<4x1x1x8xi8>
  %nobias = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %r = scf.for %off = %c0 to %c8 step %c4 iter_args(%acc = %acc0) -> (tensor<1x4x4x4xi32>) {
    %xs = tensor.extract_slice %x[0, 0, 0, %off] [1, 4, 4, 4] [1, 1, 1, 1] : tensor<1x4x4x8xi8> to tensor<1x4x4x4xi8>
    %ws = tensor.extract_slice %w[0, 0, 0, %off] [4, 1, 1, 4] [1, 1, 1, 1] : tensor<4x1x1x8xi8> to tensor<4x1x1x4xi8>
    %p = tosa.conv2d %xs, %ws, %nobias, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<4x1x1x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi32>
    %sum = tosa.add %acc, %p : (tensor<1x4x4x4xi32>, tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
    scf.yield %sum : tensor<1x4x4x4xi32>
  }
  return %r : tensor<1x4x4x4xi32>
}

// -----

// Average pooling -> reshape -> matmul (a classifier): the pooling's divide
// stays with the pooling (it is not fused into the matmul's reduction), and
// both the pooling sum and the matmul are computed one pixel at a time.

// CHECK-LABEL: func.func @pool_matmul(
// CHECK-NOT:     tensor.expand_shape
// CHECK:         %[[POOLED:.*]] = scf.for
// CHECK:               %[[SUM:.*]] = linalg.pooling_nhwc_sum {{.*}} outs(%{{.*}} : tensor<1x1x1x8xi32>)
// CHECK:               linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x1x1x8xi32>) outs(%{{.*}} : tensor<1x1x1x8xi8>)
// CHECK:         } {pex.kernel_tile}
// CHECK:         scf.for
// CHECK:               %[[ROW:.*]] = tensor.extract_slice %[[POOLED]]
// CHECK:               %[[TILE:.*]] = tensor.empty() : tensor<1x1x1x3xi32>
// CHECK:               %[[ZERO:.*]] = linalg.fill {{.*}} outs(%[[TILE]] : tensor<1x1x1x3xi32>)
// CHECK:               %[[MM:.*]] = linalg.generic {{.*}} ins(%[[ROW]] : tensor<1x1x1x8xi8>) outs(%[[ZERO]] : tensor<1x1x1x3xi32>)
// CHECK:               linalg.generic {{.*}} ins(%[[MM]] : tensor<1x1x1x3xi32>) outs(%{{.*}} : tensor<1x1x1x3xi8>)
// CHECK:         } {pex.kernel_tile}
func.func @pool_matmul(%x: tensor<1x4x4x8xi8>) -> tensor<1x1x3xi8> {
  %zp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %p = tosa.avg_pool2d %x, %zp, %zp {acc_type = i32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x1x8xi8>
  %shape = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %rows = tosa.reshape %p, %shape : (tensor<1x1x1x8xi8>, !tosa.shape<3>) -> tensor<1x1x8xi8>
  %w = "tosa.const"() {values = dense<3> : tensor<1x8x3xi8>} : () -> tensor<1x8x3xi8>
  %mm = tosa.matmul %rows, %w, %zp, %wzp : (tensor<1x1x8xi8>, tensor<1x8x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x3xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<38> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.rescale %mm, %m, %s, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x1x3xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x1x3xi8>
  return %y : tensor<1x1x3xi8>
}

// -----

// A one-channel depthwise convolution (a slice of one channel in a chain):
// the multiplier dimension the TOSA conversion adds is dropped, the scalar
// per-channel parameters no longer block reshape propagation, and the
// convolution fuses with its rescale one pixel at a time, with a statically
// shaped padded window.

// CHECK-LABEL: func.func @one_channel_depthwise(
// CHECK-NOT:     tensor<1x4x4x1x1xi32>
// CHECK-NOT:     tensor<1x4x4x1xi32>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               %[[WIN:.*]] = scf.if %{{.*}} -> (tensor<1x3x3x1xi8>)
// CHECK:                 tensor.pad
// CHECK:                 } : tensor<1x?x?x1xi8> to tensor<1x3x3x1xi8>
// CHECK:               %[[ZERO:.*]] = linalg.fill {{.*}} -> tensor<1x1x1x1xi32>
// CHECK:               %[[DW:.*]] = linalg.depthwise_conv_2d_nhwc_hwc_q {{.*}} ins(%[[WIN]], %{{.*}} : tensor<1x3x3x1xi8>, tensor<3x3x1xi8>, i32, i32) outs(%[[ZERO]] : tensor<1x1x1x1xi32>)
// CHECK:               linalg.generic {{.*}} ins(%[[DW]] : tensor<1x1x1x1xi32>) outs(%{{.*}} : tensor<1x1x1x1xi8>)
// CHECK:             } {pex.kernel_tile}
func.func @one_channel_depthwise(%x: tensor<1x4x4x1xi8>) -> tensor<1x4x4x1xi8> {
  %w = "tosa.const"() {values = dense<3> : tensor<3x3x1x1xi8>} : () -> tensor<3x3x1x1xi8>
  %b = "tosa.const"() {values = dense<7> : tensor<1xi32>} : () -> tensor<1xi32>
  %zp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %zw = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.depthwise_conv2d %x, %w, %b, %zp, %zw {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xi8>, tensor<3x3x1x1xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x1xi32>
  %m = "tosa.const"() {values = dense<1300000000> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<38> : tensor<1xi8>} : () -> tensor<1xi8>
  %z32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %q = tosa.rescale %acc, %m, %s, %z32, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x1xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x1xi8>
  return %q : tensor<1x4x4x1xi8>
}

// -----

// A chain of elementwise ops fuses pairwise, level by level, into one
// generic whose body keeps the chain's order: the same op as fusing one
// link at a time, without cloning a growing body once per link.

// CHECK-LABEL: func.func @elementwise_chain(
//  CHECK-SAME: %[[X:.*]]: tensor<1x4x4x3xi8>
//   CHECK-DAG: %[[HI1:.*]] = arith.constant 120 : i8
//   CHECK-DAG: %[[LO1:.*]] = arith.constant -120 : i8
//   CHECK-DAG: %[[HI5:.*]] = arith.constant 80 : i8
//   CHECK-DAG: %[[LO5:.*]] = arith.constant -80 : i8
//       CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<1x4x4x3xi8>)
//  CHECK-NEXT: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
//  CHECK-NEXT:   %[[A:.*]] = arith.maxsi %[[IN]], %[[LO1]] : i8
//  CHECK-NEXT:   %[[B:.*]] = arith.minsi %[[A]], %[[HI1]] : i8
// CHECK-COUNT-6:  arith.{{maxsi|minsi}}
//  CHECK-NEXT:   %[[C:.*]] = arith.maxsi %{{.*}}, %[[LO5]] : i8
//  CHECK-NEXT:   %[[D:.*]] = arith.minsi %[[C]], %[[HI5]] : i8
//  CHECK-NEXT:   linalg.yield %[[D]] : i8
//   CHECK-NOT: linalg.generic
//       CHECK: return %[[Y]]
func.func @elementwise_chain(%x: tensor<1x4x4x3xi8>) -> tensor<1x4x4x3xi8> {
  %0 = tosa.clamp %x {max_val = 120 : i8, min_val = -120 : i8} : (tensor<1x4x4x3xi8>) -> tensor<1x4x4x3xi8>
  %1 = tosa.clamp %0 {max_val = 110 : i8, min_val = -110 : i8} : (tensor<1x4x4x3xi8>) -> tensor<1x4x4x3xi8>
  %2 = tosa.clamp %1 {max_val = 100 : i8, min_val = -100 : i8} : (tensor<1x4x4x3xi8>) -> tensor<1x4x4x3xi8>
  %3 = tosa.clamp %2 {max_val = 90 : i8, min_val = -90 : i8} : (tensor<1x4x4x3xi8>) -> tensor<1x4x4x3xi8>
  %4 = tosa.clamp %3 {max_val = 80 : i8, min_val = -80 : i8} : (tensor<1x4x4x3xi8>) -> tensor<1x4x4x3xi8>
  return %4 : tensor<1x4x4x3xi8>
}
