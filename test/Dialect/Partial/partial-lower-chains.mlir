// RUN: pex-opt %s --partial-lower-chains -split-input-file -verify-diagnostics | FileCheck %s
// RUN: pex-opt %s --partial-lower-chains=slice-size=5 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=REM
// RUN: pex-opt %s --partial-lower-chains=slice-size=100 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=ONE
// RUN: not pex-opt %s --partial-lower-chains=slice-size=-1 -split-input-file 2>&1 | FileCheck %s --check-prefix=NEG

// NEG: error: partial-lower-chains: slice-size must not be negative

// An expand -> depthwise -> project chain of 12 channels in slices of 4:
// weights, biases and rescale parameters are views of the constants, the
// projection adds each slice's contribution (zero bias) into an int32
// accumulator, and its bias and rescale run once after the loop.

// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x4xi8>)
// CHECK-DAG:     %[[W1:.*]] = "tosa.const"() <{values = dense<1> : tensor<12x1x1x4xi8>}>
// CHECK-DAG:     %[[B1:.*]] = "tosa.const"() <{values = dense<5> : tensor<12xi32>}>
// CHECK-DAG:     %[[M1:.*]] = "tosa.const"() <{values = dense<1073741824> : tensor<12xi32>}>
// CHECK-DAG:     %[[S1:.*]] = "tosa.const"() <{values = dense<35> : tensor<12xi8>}>
// CHECK-DAG:     %[[W2:.*]] = "tosa.const"() <{values = dense<2> : tensor<3x3x12x1xi8>}>
// CHECK-DAG:     %[[W3:.*]] = "tosa.const"() <{values = dense<3> : tensor<4x1x1x12xi8>}>
// CHECK-DAG:     %[[B3:.*]] = "tosa.const"() <{values = dense<7> : tensor<4xi32>}>
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<1x4x4x4xi32>
// CHECK:         %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%[[EMPTY]] : tensor<1x4x4x4xi32>)
// CHECK:         %[[NOBIAS:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C12:.*]] = arith.constant 12 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         %[[ACC:.*]] = scf.for %[[OFF:.*]] = %[[C0]] to %[[C12]] step %[[C4]] iter_args(%[[A:.*]] = %[[ZERO]]) -> (tensor<1x4x4x4xi32>) {
// CHECK:           %[[W1S:.*]] = tensor.extract_slice %[[W1]][%[[OFF]], 0, 0, 0] [4, 1, 1, 4] [1, 1, 1, 1] : tensor<12x1x1x4xi8> to tensor<4x1x1x4xi8>
// CHECK:           %[[B1S:.*]] = tensor.extract_slice %[[B1]][%[[OFF]]] [4] [1] : tensor<12xi32> to tensor<4xi32>
// CHECK:           %[[E:.*]] = tosa.conv2d %[[X]], %[[W1S]], %[[B1S]], {{.*}} -> tensor<1x4x4x4xi32>
// CHECK:           %[[M1S:.*]] = tensor.extract_slice %[[M1]][%[[OFF]]] [4] [1]
// CHECK:           %[[S1S:.*]] = tensor.extract_slice %[[S1]][%[[OFF]]] [4] [1]
// CHECK:           %[[E8:.*]] = tosa.rescale %[[E]], %[[M1S]], %[[S1S]], {{.*}} -> tensor<1x4x4x4xi8>
// CHECK:           %[[W2S:.*]] = tensor.extract_slice %[[W2]][0, 0, %[[OFF]], 0] [3, 3, 4, 1] [1, 1, 1, 1] : tensor<3x3x12x1xi8> to tensor<3x3x4x1xi8>
// CHECK:           %[[D:.*]] = tosa.depthwise_conv2d %[[E8]], %[[W2S]], %[[B1S]], {{.*}} -> tensor<1x4x4x4xi32>
// CHECK:           %[[D8:.*]] = tosa.rescale %[[D]], %[[M1S]], %[[S1S]], {{.*}} -> tensor<1x4x4x4xi8>
// CHECK:           %[[W3S:.*]] = tensor.extract_slice %[[W3]][0, 0, 0, %[[OFF]]] [4, 1, 1, 4] [1, 1, 1, 1] : tensor<4x1x1x12xi8> to tensor<4x1x1x4xi8>
// CHECK:           %[[P:.*]] = tosa.conv2d %[[D8]], %[[W3S]], %[[NOBIAS]], {{.*}} -> tensor<1x4x4x4xi32>
// CHECK:           %[[SUM:.*]] = tosa.add %[[A]], %[[P]] : (tensor<1x4x4x4xi32>, tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
// CHECK:           scf.yield %[[SUM]] : tensor<1x4x4x4xi32>
// CHECK:         } {partial.slice_loop = {channels = 12 : i64, full_types = [tensor<1x4x4x12xi32>, tensor<1x4x4x12xi8>, tensor<1x4x4x4xi32>], slice_size = 4 : i64}}
// CHECK:         %[[SHAPE:.*]] = tosa.const_shape {values = dense<[1, 1, 1, 4]> : tensor<4xindex>}
// CHECK:         %[[B3R:.*]] = tosa.reshape %[[B3]], %[[SHAPE]] : (tensor<4xi32>, !tosa.shape<4>) -> tensor<1x1x1x4xi32>
// CHECK:         %[[BIASED:.*]] = tosa.add %[[ACC]], %[[B3R]] : (tensor<1x4x4x4xi32>, tensor<1x1x1x4xi32>) -> tensor<1x4x4x4xi32>
// CHECK:         %[[R:.*]] = tosa.rescale %[[BIASED]], {{.*}} -> tensor<1x4x4x4xi8>
// CHECK:         return %[[R]]
// CHECK-NOT:     partial.chain

// slice-size=5 does not divide 12: two slices in the loop, then a peeled
// loop of one iteration over the last 2 channels with static shapes.

// REM-LABEL: func.func @accumulate(
// REM-DAG:     %[[C0:.*]] = arith.constant 0 : index
// REM-DAG:     %[[C10:.*]] = arith.constant 10 : index
// REM-DAG:     %[[C5:.*]] = arith.constant 5 : index
// REM:         %[[ACC:.*]] = scf.for %{{.*}} = %[[C0]] to %[[C10]] step %[[C5]] iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x4x4x4xi32>) {
// REM:           tosa.conv2d {{.*}} -> tensor<1x4x4x5xi32>
// REM:           tosa.depthwise_conv2d {{.*}} -> tensor<1x4x4x5xi32>
// REM:         } {partial.slice_loop = {channels = 12 : i64, {{.*}}, slice_size = 5 : i64}}
// REM-DAG:     %[[C10B:.*]] = arith.constant 10 : index
// REM-DAG:     %[[C12:.*]] = arith.constant 12 : index
// REM-DAG:     %[[C2:.*]] = arith.constant 2 : index
// REM:         %[[ACC2:.*]] = scf.for %[[OFF:.*]] = %[[C10B]] to %[[C12]] step %[[C2]] iter_args(%{{.*}} = %[[ACC]]) -> (tensor<1x4x4x4xi32>) {
// REM:           tensor.extract_slice %{{.*}}[%[[OFF]], 0, 0, 0] [2, 1, 1, 4] [1, 1, 1, 1] : tensor<12x1x1x4xi8> to tensor<2x1x1x4xi8>
// REM:           tosa.conv2d {{.*}} -> tensor<1x4x4x2xi32>
// REM:           tosa.depthwise_conv2d {{.*}} -> tensor<1x4x4x2xi32>
// REM:           tosa.conv2d {{.*}} -> tensor<1x4x4x4xi32>
// REM:         } {partial.slice_loop = {channels = 12 : i64, {{.*}}, slice_size = 2 : i64}}
// REM:         tosa.add %[[ACC2]], %{{.*}} : (tensor<1x4x4x4xi32>, tensor<1x1x1x4xi32>)

// A slice size of at least the channel count: one slice.

// ONE-LABEL: func.func @accumulate(
// ONE:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// ONE:           tosa.conv2d {{.*}} -> tensor<1x4x4x12xi32>
// ONE:         } {partial.slice_loop = {channels = 12 : i64, {{.*}}, slice_size = 12 : i64}}
// ONE-NOT:     scf.for
// ONE:         return
func.func @accumulate(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8> {
  %y = partial.chain(%x) channels(12) slice(4) accumulate : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8> {
  ^bb0(%in: tensor<1x4x4x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
    %w1 = "tosa.const"() {values = dense<1> : tensor<12x1x1x4xi8>} : () -> tensor<12x1x1x4xi8>
    %b1 = "tosa.const"() {values = dense<5> : tensor<12xi32>} : () -> tensor<12xi32>
    %m1 = "tosa.const"() {values = dense<1073741824> : tensor<12xi32>} : () -> tensor<12xi32>
    %s1 = "tosa.const"() {values = dense<35> : tensor<12xi8>} : () -> tensor<12xi8>
    %e = tosa.conv2d %in, %w1, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<12x1x1x4xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x12xi32>
    %e8 = tosa.rescale %e, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x12xi32>, tensor<12xi32>, tensor<12xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x12xi8>
    %w2 = "tosa.const"() {values = dense<2> : tensor<3x3x12x1xi8>} : () -> tensor<3x3x12x1xi8>
    %d = tosa.depthwise_conv2d %e8, %w2, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x12xi8>, tensor<3x3x12x1xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x12xi32>
    %d8 = tosa.rescale %d, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x12xi32>, tensor<12xi32>, tensor<12xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x12xi8>
    %w3 = "tosa.const"() {values = dense<3> : tensor<4x1x1x12xi8>} : () -> tensor<4x1x1x12xi8>
    %b3 = "tosa.const"() {values = dense<7> : tensor<4xi32>} : () -> tensor<4xi32>
    %m3 = "tosa.const"() {values = dense<1073741824> : tensor<4xi32>} : () -> tensor<4xi32>
    %s3 = "tosa.const"() {values = dense<35> : tensor<4xi8>} : () -> tensor<4xi8>
    %p = tosa.conv2d %d8, %w3, %b3, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x12xi8>, tensor<4x1x1x12xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi32>
    %r = tosa.rescale %p, %m3, %s3, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
    partial.yield %r : tensor<1x4x4x4xi8>
  }
  return %y : tensor<1x4x4x4xi8>
}

// -----

// A chain that starts at a depthwise convolution reading its materialised
// input (a view of each slice), with a reshape that keeps the channels, and
// writes its result slice by slice into the full output.

// CHECK-LABEL: func.func @materialize(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x8xf32>)
// CHECK:         %[[OUT:.*]] = tensor.empty() : tensor<1x16x8xf32>
// CHECK:         %[[Y:.*]] = scf.for %[[OFF:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[O:.*]] = %[[OUT]]) -> (tensor<1x16x8xf32>) {
// CHECK:           %[[XS:.*]] = tensor.extract_slice %[[X]][0, 0, 0, %[[OFF]]] [1, 4, 4, 4] [1, 1, 1, 1] : tensor<1x4x4x8xf32> to tensor<1x4x4x4xf32>
// CHECK:           %[[D:.*]] = tosa.depthwise_conv2d %[[XS]], {{.*}} -> tensor<1x4x4x4xf32>
// CHECK:           %[[C:.*]] = tosa.clamp %[[D]] {{.*}} -> tensor<1x4x4x4xf32>
// CHECK:           %[[SHAPE:.*]] = tosa.const_shape {values = dense<[1, 16, 4]> : tensor<3xindex>}
// CHECK:           %[[R:.*]] = tosa.reshape %[[C]], %[[SHAPE]] : (tensor<1x4x4x4xf32>, !tosa.shape<3>) -> tensor<1x16x4xf32>
// CHECK:           %[[INS:.*]] = tensor.insert_slice %[[R]] into %[[O]][0, 0, %[[OFF]]] [1, 16, 4] [1, 1, 1] : tensor<1x16x4xf32> into tensor<1x16x8xf32>
// CHECK:           scf.yield %[[INS]] : tensor<1x16x8xf32>
// CHECK:         } {partial.slice_loop = {channels = 8 : i64, {{.*}}, slice_size = 4 : i64}}
// CHECK:         return %[[Y]]
func.func @materialize(%x: tensor<1x4x4x8xf32>) -> tensor<1x16x8xf32> {
  %y = partial.chain(%x) channels(8) slice(4) materialize : (tensor<1x4x4x8xf32>) -> tensor<1x16x8xf32> {
  ^bb0(%in: tensor<1x4x4x8xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w = "tosa.const"() {values = dense<0.5> : tensor<3x3x8x1xf32>} : () -> tensor<3x3x8x1xf32>
    %b = "tosa.const"() {values = dense<0.25> : tensor<8xf32>} : () -> tensor<8xf32>
    %d = tosa.depthwise_conv2d %in, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<3x3x8x1xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
    %c = tosa.clamp %d {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
    %shape = tosa.const_shape {values = dense<[1, 16, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %r = tosa.reshape %c, %shape : (tensor<1x4x4x8xf32>, !tosa.shape<3>) -> tensor<1x16x8xf32>
    partial.yield %r : tensor<1x16x8xf32>
  }
  return %y : tensor<1x16x8xf32>
}

// -----

// A fully connected consumer as a matmul: no bias operand, the f32
// accumulator is finished by the bias add that follows it.

// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:    %[[X:.*]]: tensor<1x1x16xf32>)
// CHECK:         %[[ACC:.*]] = scf.for %[[OFF:.*]] = {{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (tensor<1x1x3xf32>) {
// CHECK:           %[[W1S:.*]] = tensor.extract_slice %{{.*}}[0, 0, %[[OFF]]] [1, 16, 4] [1, 1, 1] : tensor<1x16x8xf32> to tensor<1x16x4xf32>
// CHECK:           %[[H:.*]] = tosa.matmul %[[X]], %[[W1S]], {{.*}} -> tensor<1x1x4xf32>
// CHECK:           %[[W2S:.*]] = tensor.extract_slice %{{.*}}[0, %[[OFF]], 0] [1, 4, 3] [1, 1, 1] : tensor<1x8x3xf32> to tensor<1x4x3xf32>
// CHECK:           %[[P:.*]] = tosa.matmul %[[H]], %[[W2S]], {{.*}} -> tensor<1x1x3xf32>
// CHECK:           tosa.add %[[A]], %[[P]]
// CHECK:         }
// CHECK:         %[[Y:.*]] = tosa.add %[[ACC]], %{{.*}} : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32>
// CHECK:         return %[[Y]]
func.func @matmul(%x: tensor<1x1x16xf32>) -> tensor<1x1x3xf32> {
  %y = partial.chain(%x) channels(8) slice(4) accumulate : (tensor<1x1x16xf32>) -> tensor<1x1x3xf32> {
  ^bb0(%in: tensor<1x1x16xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w1 = "tosa.const"() {values = dense<0.5> : tensor<1x16x8xf32>} : () -> tensor<1x16x8xf32>
    %w2 = "tosa.const"() {values = dense<0.25> : tensor<1x8x3xf32>} : () -> tensor<1x8x3xf32>
    %b = "tosa.const"() {values = dense<1.0> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32>
    %h = tosa.matmul %in, %w1, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x8xf32>
    %p = tosa.matmul %h, %w2, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
    %r = tosa.add %p, %b : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32>
    partial.yield %r : tensor<1x1x3xf32>
  }
  return %y : tensor<1x1x3xf32>
}

// -----

func.func @dynamic(%x: tensor<1x?x4x4xi8>) -> tensor<1x?x4x8xi8> {
  %y = partial.chain(%x) channels(8) slice(4) materialize : (tensor<1x?x4x4xi8>) -> tensor<1x?x4x8xi8> {
  ^bb0(%in: tensor<1x?x4x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
    %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
    %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
    %m = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
    %s = "tosa.const"() {values = dense<35> : tensor<8xi8>} : () -> tensor<8xi8>
    // expected-error @+1 {{'tosa.conv2d' op has a dynamically shaped tensor; partial-lower-chains needs static shapes}}
    %e = tosa.conv2d %in, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x?x4x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x?x4x8xi32>
    %e8 = tosa.rescale %e, %m, %s, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x?x4x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x?x4x8xi8>
    partial.yield %e8 : tensor<1x?x4x8xi8>
  }
  return %y : tensor<1x?x4x8xi8>
}

// -----

// int16 activations accumulate in i48, which tosa.add cannot add.

func.func @wide_accumulator(%x: tensor<1x4x4x8xi16>) -> tensor<1x4x4x4xi48> {
  %y = partial.chain(%x) channels(8) slice(4) accumulate : (tensor<1x4x4x8xi16>) -> tensor<1x4x4x4xi48> {
  ^bb0(%in: tensor<1x4x4x8xi16>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi16>} : () -> tensor<1xi16>
    %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %c = tosa.clamp %in {max_val = 100 : i16, min_val = 0 : i16} : (tensor<1x4x4x8xi16>) -> tensor<1x4x4x8xi16>
    %w = "tosa.const"() {values = dense<1> : tensor<4x1x1x8xi8>} : () -> tensor<4x1x1x8xi8>
    %b = "tosa.const"() {values = dense<0> : tensor<4xi48>} : () -> tensor<4xi48>
    // expected-error @+1 {{'tosa.conv2d' op accumulates 'i48' partial sums; partial-lower-chains accumulates only i32 and f32}}
    %p = tosa.conv2d %c, %w, %b, %zp, %wzp {acc_type = i48, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi16>, tensor<4x1x1x8xi8>, tensor<4xi48>, tensor<1xi16>, tensor<1xi8>) -> tensor<1x4x4x4xi48>
    partial.yield %p : tensor<1x4x4x4xi48>
  }
  return %y : tensor<1x4x4x4xi48>
}
