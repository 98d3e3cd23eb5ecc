// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-check-buffers=report=true | FileCheck %s

// A lowered chain: the accumulator is the initial value of the slice loop,
// the slice loop allocates slices (and, in a kernel tile, one pixel of the
// producer), the int32 tile of a fused kernel outside the chain holds one
// pixel, the int8 output is materialised, and the pooling window is a shape.

// CHECK: buffer check for @accepted: 6 allocations, 2 in slice loops, 1 accumulators, 1 in kernel tiles, 2 other; largest 256 bytes (memref<1x4x4x4xi32>)
func.func @accepted(%x: memref<1x4x4x8xi8>, %y: memref<1x4x4x4xi8>) {
  %ci8 = arith.constant 0 : i8
  %ci32 = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c12 = arith.constant 12 : index
  %zero = arith.constant 0 : i32
  %acc = memref.alloc() : memref<1x4x4x4xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<1x4x4x4xi32>)
  %r = scf.for %off = %c0 to %c12 step %c4 iter_args(%a = %acc) -> (memref<1x4x4x4xi32>) {
    %slice = memref.alloc() : memref<1x4x4x4xi8>
    linalg.fill ins(%ci8 : i8) outs(%slice : memref<1x4x4x4xi8>)
    scf.for %h = %c0 to %c4 step %c1 {
      %pixel = memref.alloc() : memref<1x1x1x4xi32>
      linalg.fill ins(%ci32 : i32) outs(%pixel : memref<1x1x1x4xi32>)
      memref.dealloc %pixel : memref<1x1x1x4xi32>
    } {pex.kernel_tile}
    memref.dealloc %slice : memref<1x4x4x4xi8>
    scf.yield %a : memref<1x4x4x4xi32>
  } {partial.slice_loop = {channels = 12 : i64, full_types = [tensor<1x4x4x12xi32>, tensor<1x4x4x12xi8>, tensor<1x4x4x4xi32>], slice_size = 4 : i64}}
  %out = memref.alloc() : memref<1x4x4x4xi8>
  linalg.fill ins(%ci8 : i8) outs(%out : memref<1x4x4x4xi8>)
  %window = memref.alloc() : memref<4x4xi32>
  scf.for %h = %c0 to %c1 step %c1 {
    %tile = memref.alloc() : memref<1x1x1x4xi32>
    linalg.fill ins(%ci32 : i32) outs(%tile : memref<1x1x1x4xi32>)
    linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%out, %window : memref<1x4x4x4xi8>, memref<4x4xi32>) outs(%tile : memref<1x1x1x4xi32>)
    memref.dealloc %tile : memref<1x1x1x4xi32>
  } {pex.kernel_tile}
  return
}

// -----

// CHECK: buffer check for @full_size_int32: 1 allocations
func.func @full_size_int32() {
  %ci8 = arith.constant 0 : i8
  %ci32 = arith.constant 0 : i32
  // expected-error @+1 {{full-size int32 intermediate 'memref<1x4x4x8xi32>' outside a fused kernel and a chain}}
  %acc = memref.alloc() : memref<1x4x4x8xi32>
  linalg.fill ins(%ci32 : i32) outs(%acc : memref<1x4x4x8xi32>)
  return
}

// -----

// An int32 tensor the memory model counts as a buffer (marked by
// --pex-mark-int32-buffers in its location) is accepted; the same
// allocation unmarked is not.
// CHECK: buffer check for @marked_int32_buffer: 2 allocations, 0 in slice loops, 0 accumulators, 0 in kernel tiles, 2 other
func.func @marked_int32_buffer() {
  %ci32 = arith.constant 0 : i32
  %sums = memref.alloc() : memref<1x10xi32> loc(fused<"pex.int32_buffer">["softmax.tflite":0:0])
  linalg.fill ins(%ci32 : i32) outs(%sums : memref<1x10xi32>)
  %nested = memref.alloc() : memref<1x10xi32> loc(callsite(fused<"pex.int32_buffer">["a.mlir":1:1] at "b.mlir":2:2))
  linalg.fill ins(%ci32 : i32) outs(%nested : memref<1x10xi32>)
  return
}

// -----

func.func @full_type_in_slice_loop() {
  %ci8 = arith.constant 0 : i8
  %ci32 = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c12 = arith.constant 12 : index
  scf.for %off = %c0 to %c12 step %c4 {
    // expected-error @+1 {{full-size intermediate 'tensor<1x4x4x12xi8>' of a chain allocated in its slice loop}}
    %whole = memref.alloc() : memref<1x4x4x12xi8>
    linalg.fill ins(%ci8 : i8) outs(%whole : memref<1x4x4x12xi8>)
  } {partial.slice_loop = {channels = 12 : i64, full_types = [tensor<1x4x4x12xi8>], slice_size = 4 : i64}}
  return
}

// -----

func.func @not_a_slice() {
  %ci8 = arith.constant 0 : i8
  %ci32 = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c12 = arith.constant 12 : index
  scf.for %off = %c0 to %c12 step %c4 {
    // expected-error @+1 {{buffer 'memref<1x4x4x8xi8>' in a loop over slices of 4 channels is not a channel slice}}
    %wide = memref.alloc() : memref<1x4x4x8xi8>
    linalg.fill ins(%ci8 : i8) outs(%wide : memref<1x4x4x8xi8>)
  } {partial.slice_loop = {channels = 12 : i64, full_types = [tensor<1x4x4x12xi8>], slice_size = 4 : i64}}
  return
}

// -----

// A single slice of all channels proves nothing and is not checked.

// CHECK: buffer check for @one_slice: 1 allocations, 1 in slice loops
func.func @one_slice() {
  %ci8 = arith.constant 0 : i8
  %ci32 = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c12 = arith.constant 12 : index
  scf.for %off = %c0 to %c12 step %c12 {
    %whole = memref.alloc() : memref<1x4x4x12xi8>
    linalg.fill ins(%ci8 : i8) outs(%whole : memref<1x4x4x12xi8>)
  } {partial.slice_loop = {channels = 12 : i64, full_types = [tensor<1x4x4x12xi8>], slice_size = 12 : i64}}
  return
}

// -----

func.func @not_a_pixel() {
  %ci8 = arith.constant 0 : i8
  %ci32 = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %h = %c0 to %c4 step %c1 {
    // expected-error @+1 {{int32 buffer 'memref<1x2x1x8xi32>' in a kernel tile loop is not a one-pixel tile}}
    %rows = memref.alloc() : memref<1x2x1x8xi32>
    linalg.fill ins(%ci32 : i32) outs(%rows : memref<1x2x1x8xi32>)
  } {pex.kernel_tile}
  return
}

// -----

func.func @malformed() {
  %ci8 = arith.constant 0 : i8
  %ci32 = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c12 = arith.constant 12 : index
  // expected-error @+1 {{malformed 'partial.slice_loop' attribute: expected channels, slice_size and full_types}}
  scf.for %off = %c0 to %c12 step %c4 {
    %slice = memref.alloc() : memref<1x4x4x4xi8>
    linalg.fill ins(%ci8 : i8) outs(%slice : memref<1x4x4x4xi8>)
  } {partial.slice_loop = {channels = 12 : i64}}
  return
}

// -----

// A consumer with no more output channels than a slice: its accumulator type
// is also the type of a slice, which the loop may allocate.

// CHECK: buffer check for @slice_like_accumulator: 1 allocations, 1 in slice loops
func.func @slice_like_accumulator() {
  %ci8 = arith.constant 0 : i8
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.for %off = %c0 to %c16 step %c8 {
    %slice = memref.alloc() : memref<1x4x4x8xi8>
    linalg.fill ins(%ci8 : i8) outs(%slice : memref<1x4x4x8xi8>)
  } {partial.slice_loop = {channels = 16 : i64, full_types = [tensor<1x4x4x16xi8>, tensor<1x4x4x8xi8>], slice_size = 8 : i64}}
  return
}
