// RUN: pex-opt %s -split-input-file | FileCheck %s
// RUN: pex-opt %s -split-input-file | pex-opt -split-input-file | FileCheck %s
// RUN: pex-opt %s -split-input-file -mlir-print-op-generic | pex-opt -split-input-file | FileCheck %s

// conv2d on tensors: the results are the updated output and scratch. The
// zero points and clamp bounds are signed i32 attributes.

// CHECK-LABEL: func.func @conv2d_tensors(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x8x8x16xi8>, %[[W:[^:]*]]: tensor<32x3x3x16xi8>, %[[B:[^:]*]]: tensor<32xi32>, %[[M:[^:]*]]: tensor<32xi32>, %[[SH:[^:]*]]: tensor<32xi8>, %[[OUT:[^:]*]]: tensor<1x4x4x32xi8>, %[[S:[^:]*]]: tensor<576xi8>)
// CHECK:         %[[Y:.*]]:2 = kernel.conv2d %[[X]], %[[W]], %[[B]], %[[M]], %[[SH]], %[[OUT]], %[[S]]
// CHECK-SAME:      {act_max = 100 : i32, act_min = -90 : i32, dilation = array<i64: 1, 1>, input_zp = -128 : i32, output_zp = 5 : i32, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>}
// CHECK-SAME:      : (tensor<1x8x8x16xi8>, tensor<32x3x3x16xi8>, tensor<32xi32>, tensor<32xi32>, tensor<32xi8>, tensor<1x4x4x32xi8>, tensor<576xi8>) -> (tensor<1x4x4x32xi8>, tensor<576xi8>)
// CHECK:         return %[[Y]]#0 : tensor<1x4x4x32xi8>
func.func @conv2d_tensors(%x: tensor<1x8x8x16xi8>, %w: tensor<32x3x3x16xi8>, %b: tensor<32xi32>, %m: tensor<32xi32>, %sh: tensor<32xi8>, %out: tensor<1x4x4x32xi8>, %s: tensor<576xi8>) -> tensor<1x4x4x32xi8> {
  %y, %s2 = kernel.conv2d %x, %w, %b, %m, %sh, %out, %s {stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, dilation = array<i64: 1, 1>, input_zp = -128 : i32, output_zp = 5 : i32, act_min = -90 : i32, act_max = 100 : i32} : (tensor<1x8x8x16xi8>, tensor<32x3x3x16xi8>, tensor<32xi32>, tensor<32xi32>, tensor<32xi8>, tensor<1x4x4x32xi8>, tensor<576xi8>) -> (tensor<1x4x4x32xi8>, tensor<576xi8>)
  return %y : tensor<1x4x4x32xi8>
}

// -----

// conv2d on memrefs has no results; the input is a channel slice of a wider
// buffer (a strided view).

// CHECK-LABEL: func.func @conv2d_memrefs(
// CHECK-SAME:    %[[BUF:[^:]*]]: memref<1x8x8x24xi8>, %[[W:[^:]*]]: memref<32x1x1x16xi8>, %[[B:[^:]*]]: memref<32xi32>, %[[M:[^:]*]]: memref<32xi32>, %[[SH:[^:]*]]: memref<32xi8>, %[[OUT:[^:]*]]: memref<1x8x8x32xi8>, %[[S:[^:]*]]: memref<64xi8>)
// CHECK:         %[[X:.*]] = memref.subview %[[BUF]][0, 0, 0, 8] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x8x24xi8> to memref<1x8x8x16xi8, strided<[1536, 192, 24, 1], offset: 8>>
// CHECK:         kernel.conv2d %[[X]], %[[W]], %[[B]], %[[M]], %[[SH]], %[[OUT]], %[[S]]
// CHECK-SAME:      {act_max = 127 : i32, act_min = -128 : i32, dilation = array<i64: 1, 1>, input_zp = 3 : i32, output_zp = -7 : i32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
// CHECK-SAME:      : (memref<1x8x8x16xi8, strided<[1536, 192, 24, 1], offset: 8>>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> (){{$}}
// CHECK-NEXT:    return
func.func @conv2d_memrefs(%buf: memref<1x8x8x24xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %out: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  %x = memref.subview %buf[0, 0, 0, 8] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x8x24xi8> to memref<1x8x8x16xi8, strided<[1536, 192, 24, 1], offset: 8>>
  kernel.conv2d %x, %w, %b, %m, %sh, %out, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 3 : i32, output_zp = -7 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8, strided<[1536, 192, 24, 1], offset: 8>>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @depthwise_tensors(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x8x8x16xi8>, %[[W:[^:]*]]: tensor<3x3x16x1xi8>, %[[B:[^:]*]]: tensor<16xi32>, %[[M:[^:]*]]: tensor<16xi32>, %[[SH:[^:]*]]: tensor<16xi8>, %[[OUT:[^:]*]]: tensor<1x8x8x16xi8>)
// CHECK:         %[[Y:.*]] = kernel.depthwise_conv2d %[[X]], %[[W]], %[[B]], %[[M]], %[[SH]], %[[OUT]]
// CHECK-SAME:      {act_max = 127 : i32, act_min = 0 : i32, dilation = array<i64: 2, 2>, input_zp = -128 : i32, output_zp = -128 : i32, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>}
// CHECK-SAME:      : (tensor<1x8x8x16xi8>, tensor<3x3x16x1xi8>, tensor<16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
// CHECK:         return %[[Y]] : tensor<1x8x8x16xi8>
func.func @depthwise_tensors(%x: tensor<1x8x8x16xi8>, %w: tensor<3x3x16x1xi8>, %b: tensor<16xi32>, %m: tensor<16xi32>, %sh: tensor<16xi8>, %out: tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8> {
  %y = kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %out {stride = array<i64: 1, 1>, pad = array<i64: 2, 2, 2, 2>, dilation = array<i64: 2, 2>, input_zp = -128 : i32, output_zp = -128 : i32, act_min = 0 : i32, act_max = 127 : i32} : (tensor<1x8x8x16xi8>, tensor<3x3x16x1xi8>, tensor<16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
  return %y : tensor<1x8x8x16xi8>
}

// -----

// CHECK-LABEL: func.func @depthwise_memrefs(
// CHECK-SAME:    %[[X:[^:]*]]: memref<1x8x8x16xi8>, %[[W:[^:]*]]: memref<3x3x16x1xi8>, %[[B:[^:]*]]: memref<16xi32>, %[[M:[^:]*]]: memref<16xi32>, %[[SH:[^:]*]]: memref<16xi8>, %[[OUT:[^:]*]]: memref<1x4x4x16xi8>)
// CHECK:         kernel.depthwise_conv2d %[[X]], %[[W]], %[[B]], %[[M]], %[[SH]], %[[OUT]]
// CHECK-SAME:      {act_max = 127 : i32, act_min = -128 : i32, dilation = array<i64: 1, 1>, input_zp = -128 : i32, output_zp = 0 : i32, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>}
// CHECK-SAME:      : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x4x4x16xi8>) -> (){{$}}
func.func @depthwise_memrefs(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %out: memref<1x4x4x16xi8>) {
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %out {stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, dilation = array<i64: 1, 1>, input_zp = -128 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x4x4x16xi8>) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @fully_connected_tensors(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x1x1x256xi8>, %[[W:[^:]*]]: tensor<10x1x1x256xi8>, %[[B:[^:]*]]: tensor<10xi32>, %[[M:[^:]*]]: tensor<10xi32>, %[[SH:[^:]*]]: tensor<10xi8>, %[[OUT:[^:]*]]: tensor<2x1x1x10xi8>)
// CHECK:         %[[Y:.*]] = kernel.fully_connected %[[X]], %[[W]], %[[B]], %[[M]], %[[SH]], %[[OUT]]
// CHECK-SAME:      {act_max = 127 : i32, act_min = -128 : i32, input_zp = -1 : i32, output_zp = 3 : i32}
// CHECK-SAME:      : (tensor<2x1x1x256xi8>, tensor<10x1x1x256xi8>, tensor<10xi32>, tensor<10xi32>, tensor<10xi8>, tensor<2x1x1x10xi8>) -> tensor<2x1x1x10xi8>
// CHECK:         return %[[Y]] : tensor<2x1x1x10xi8>
func.func @fully_connected_tensors(%x: tensor<2x1x1x256xi8>, %w: tensor<10x1x1x256xi8>, %b: tensor<10xi32>, %m: tensor<10xi32>, %sh: tensor<10xi8>, %out: tensor<2x1x1x10xi8>) -> tensor<2x1x1x10xi8> {
  %y = kernel.fully_connected %x, %w, %b, %m, %sh, %out {input_zp = -1 : i32, output_zp = 3 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<2x1x1x256xi8>, tensor<10x1x1x256xi8>, tensor<10xi32>, tensor<10xi32>, tensor<10xi8>, tensor<2x1x1x10xi8>) -> tensor<2x1x1x10xi8>
  return %y : tensor<2x1x1x10xi8>
}

// -----

// CHECK-LABEL: func.func @fully_connected_memrefs(
// CHECK-SAME:    %[[X:[^:]*]]: memref<1x1x1x256xi8>, %[[W:[^:]*]]: memref<10x1x1x256xi8>, %[[B:[^:]*]]: memref<10xi32>, %[[M:[^:]*]]: memref<10xi32>, %[[SH:[^:]*]]: memref<10xi8>, %[[OUT:[^:]*]]: memref<1x1x1x10xi8>)
// CHECK:         kernel.fully_connected %[[X]], %[[W]], %[[B]], %[[M]], %[[SH]], %[[OUT]]
// CHECK-SAME:      {act_max = 127 : i32, act_min = -128 : i32, input_zp = -1 : i32, output_zp = 3 : i32}
// CHECK-SAME:      : (memref<1x1x1x256xi8>, memref<10x1x1x256xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> (){{$}}
func.func @fully_connected_memrefs(%x: memref<1x1x1x256xi8>, %w: memref<10x1x1x256xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %out: memref<1x1x1x10xi8>) {
  kernel.fully_connected %x, %w, %b, %m, %sh, %out {input_zp = -1 : i32, output_zp = 3 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x256xi8>, memref<10x1x1x256xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

// The consumer of a chain: a slice of 8 input channels of a 3x3
// convolution, with two int16 windows of 3 * 3 * 8 values in 288 bytes of
// scratch.

// CHECK-LABEL: func.func @accumulate_tensors(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x8x8x8xi8>, %[[W:[^:]*]]: tensor<16x3x3x8xi8>, %[[ACC:[^:]*]]: tensor<1x8x8x16xi32>, %[[S:[^:]*]]: tensor<288xi8>)
// CHECK:         %[[R:.*]]:2 = kernel.conv2d_accumulate %[[X]], %[[W]], %[[ACC]], %[[S]]
// CHECK-SAME:      {dilation = array<i64: 1, 1>, input_zp = -128 : i32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
// CHECK-SAME:      : (tensor<1x8x8x8xi8>, tensor<16x3x3x8xi8>, tensor<1x8x8x16xi32>, tensor<288xi8>) -> (tensor<1x8x8x16xi32>, tensor<288xi8>)
// CHECK:         return %[[R]]#0 : tensor<1x8x8x16xi32>
func.func @accumulate_tensors(%x: tensor<1x8x8x8xi8>, %w: tensor<16x3x3x8xi8>, %acc: tensor<1x8x8x16xi32>, %s: tensor<288xi8>) -> tensor<1x8x8x16xi32> {
  %acc2, %s2 = kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = -128 : i32} : (tensor<1x8x8x8xi8>, tensor<16x3x3x8xi8>, tensor<1x8x8x16xi32>, tensor<288xi8>) -> (tensor<1x8x8x16xi32>, tensor<288xi8>)
  return %acc2 : tensor<1x8x8x16xi32>
}

// -----

// On memrefs, the weights are the slice's input channels of the whole
// weight tensor (a strided view).

// CHECK-LABEL: func.func @accumulate_memrefs(
// CHECK-SAME:    %[[X:[^:]*]]: memref<1x8x8x8xi8>, %[[WALL:[^:]*]]: memref<16x3x3x24xi8>, %[[ACC:[^:]*]]: memref<1x8x8x16xi32>, %[[S:[^:]*]]: memref<288xi8>)
// CHECK:         %[[W:.*]] = memref.subview %[[WALL]][0, 0, 0, 8] [16, 3, 3, 8] [1, 1, 1, 1] : memref<16x3x3x24xi8> to memref<16x3x3x8xi8, strided<[216, 72, 24, 1], offset: 8>>
// CHECK:         kernel.conv2d_accumulate %[[X]], %[[W]], %[[ACC]], %[[S]]
// CHECK-SAME:      {dilation = array<i64: 1, 1>, input_zp = -128 : i32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
// CHECK-SAME:      : (memref<1x8x8x8xi8>, memref<16x3x3x8xi8, strided<[216, 72, 24, 1], offset: 8>>, memref<1x8x8x16xi32>, memref<288xi8>) -> (){{$}}
func.func @accumulate_memrefs(%x: memref<1x8x8x8xi8>, %wall: memref<16x3x3x24xi8>, %acc: memref<1x8x8x16xi32>, %s: memref<288xi8>) {
  %w = memref.subview %wall[0, 0, 0, 8] [16, 3, 3, 8] [1, 1, 1, 1] : memref<16x3x3x24xi8> to memref<16x3x3x8xi8, strided<[216, 72, 24, 1], offset: 8>>
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = -128 : i32} : (memref<1x8x8x8xi8>, memref<16x3x3x8xi8, strided<[216, 72, 24, 1], offset: 8>>, memref<1x8x8x16xi32>, memref<288xi8>) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @requantize_tensors(
// CHECK-SAME:    %[[ACC:[^:]*]]: tensor<1x8x8x16xi32>, %[[B:[^:]*]]: tensor<16xi32>, %[[M:[^:]*]]: tensor<16xi32>, %[[SH:[^:]*]]: tensor<16xi8>, %[[OUT:[^:]*]]: tensor<1x8x8x16xi8>)
// CHECK:         %[[Y:.*]] = kernel.requantize %[[ACC]], %[[B]], %[[M]], %[[SH]], %[[OUT]]
// CHECK-SAME:      {act_max = 127 : i32, act_min = -128 : i32, output_zp = 0 : i32}
// CHECK-SAME:      : (tensor<1x8x8x16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
// CHECK:         return %[[Y]] : tensor<1x8x8x16xi8>
func.func @requantize_tensors(%acc: tensor<1x8x8x16xi32>, %b: tensor<16xi32>, %m: tensor<16xi32>, %sh: tensor<16xi8>, %out: tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8> {
  %y = kernel.requantize %acc, %b, %m, %sh, %out {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<1x8x8x16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
  return %y : tensor<1x8x8x16xi8>
}

// -----

// The output is a channel slice of a concatenation buffer.

// CHECK-LABEL: func.func @requantize_memrefs(
// CHECK-SAME:    %[[ACC:[^:]*]]: memref<1x8x8x16xi32>, %[[B:[^:]*]]: memref<16xi32>, %[[M:[^:]*]]: memref<16xi32>, %[[SH:[^:]*]]: memref<16xi8>, %[[CAT:[^:]*]]: memref<1x8x8x48xi8>)
// CHECK:         %[[OUT:.*]] = memref.subview %[[CAT]][0, 0, 0, 32] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x8x48xi8> to memref<1x8x8x16xi8, strided<[3072, 384, 48, 1], offset: 32>>
// CHECK:         kernel.requantize %[[ACC]], %[[B]], %[[M]], %[[SH]], %[[OUT]]
// CHECK-SAME:      {act_max = 6 : i32, act_min = -6 : i32, output_zp = -1 : i32}
// CHECK-SAME:      : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8, strided<[3072, 384, 48, 1], offset: 32>>) -> (){{$}}
func.func @requantize_memrefs(%acc: memref<1x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %cat: memref<1x8x8x48xi8>) {
  %out = memref.subview %cat[0, 0, 0, 32] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x8x48xi8> to memref<1x8x8x16xi8, strided<[3072, 384, 48, 1], offset: 32>>
  kernel.requantize %acc, %b, %m, %sh, %out {output_zp = -1 : i32, act_min = -6 : i32, act_max = 6 : i32} : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8, strided<[3072, 384, 48, 1], offset: 32>>) -> ()
  return
}
