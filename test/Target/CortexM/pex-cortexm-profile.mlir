// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-cortexm-profile | FileCheck %s

// A planned model: a kernel call with its pointer, a chain's slice loop over
// two operators, an operator of two loop nests (one marked as an int32
// buffer), and glue: the entry point's copy (located at the function) and
// an unlocated copy. Ids follow program order, one per operator, one per
// chain and one per operator inside the chain; the glue is not wrapped.

// CHECK-LABEL: module attributes {pex.profile = {begin = "pex_profile_begin", end = "pex_profile_end", regions = [
// CHECK-SAME:    {id = 0 : i64, kind = "op", location = "op0.CONV_2D:tensor1", op = "pex_conv2d_s8"},
// CHECK-SAME:    {chain = 0 : i64, id = 1 : i64, kind = "chain", location = "op2.DEPTHWISE_CONV_2D:tensor3", op = "chain", slices = 2 : i64},
// CHECK-SAME:    {chain = 0 : i64, id = 2 : i64, kind = "op", location = "op1.CONV_2D:tensor2", op = "pex_conv2d_s8"},
// CHECK-SAME:    {chain = 0 : i64, id = 3 : i64, kind = "op", location = "op2.DEPTHWISE_CONV_2D:tensor3", op = "linalg.depthwise_conv_2d_nhwc_hwc"},
// CHECK-SAME:    {id = 4 : i64, kind = "op", location = "op3.SOFTMAX:tensor4", op = "linalg.generic"}

// CHECK-LABEL: func.func @net_run(
// The entry point's copy is glue.
// CHECK:         scf.if
// CHECK-NEXT:      memref.copy
// CHECK-NEXT:    }
// The hooks are called from assembly that saves what a call clobbers. The
// region starts at the pointer that shares the call's location.
// CHECK-NEXT:    llvm.inline_asm has_side_effects "push {r0, r1, r2, r3, r12, lr}\0A\09movw r0, #0\0A\09bl pex_profile_begin\0A\09pop {r0, r1, r2, r3, r12, lr}", "~{memory},~{cpsr}"  : () -> ()
// CHECK-NEXT:    llvm.inttoptr
// CHECK-NEXT:    call @pex_conv2d_s8(
// CHECK-NEXT:    llvm.inline_asm {{.*}}"{{.*}}movw r0, #0\0A\09bl pex_profile_end\0A
// CHECK-NEXT:    llvm.inline_asm {{.*}}"{{.*}}movw r0, #1\0A\09bl pex_profile_begin\0A
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      llvm.inline_asm {{.*}}"{{.*}}movw r0, #2\0A\09bl pex_profile_begin\0A
// CHECK-NEXT:      memref.subview
// CHECK-NEXT:      func.call @pex_conv2d_s8(
// CHECK-NEXT:      llvm.inline_asm {{.*}}"{{.*}}movw r0, #2\0A\09bl pex_profile_end\0A
// A pure operation of another location stays outside.
// CHECK-NEXT:      memref.subview
// CHECK-NEXT:      llvm.inline_asm {{.*}}"{{.*}}movw r0, #3\0A\09bl pex_profile_begin\0A
// CHECK-NEXT:      memref.subview
// CHECK-NEXT:      linalg.depthwise_conv_2d_nhwc_hwc
// CHECK-NEXT:      llvm.inline_asm {{.*}}"{{.*}}movw r0, #3\0A\09bl pex_profile_end\0A
// CHECK-NEXT:    } {partial.slice_loop
// CHECK-NEXT:    llvm.inline_asm {{.*}}"{{.*}}movw r0, #1\0A\09bl pex_profile_end\0A
// Two loop nests of one operator, one region.
// CHECK-NEXT:    llvm.inline_asm {{.*}}"{{.*}}movw r0, #4\0A\09bl pex_profile_begin\0A
// CHECK-NEXT:    linalg.generic
// CHECK:         linalg.generic
// CHECK:           linalg.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    llvm.inline_asm {{.*}}"{{.*}}movw r0, #4\0A\09bl pex_profile_end\0A
// CHECK-NEXT:    memref.copy
// CHECK:         return
// The model declares nothing: the program provides the hooks.
// CHECK-NOT:     pex_profile_begin(

#id = affine_map<(d0) -> (d0)>
module {
  func.func private @pex_conv2d_s8(!llvm.ptr)
  func.func @net_run(%x: memref<16xi8>, %y: memref<16xi8>, %a: memref<1x4x4x8xi8>, %w: memref<3x3x8xi8>, %o: memref<1x2x2x8xi8>, %s: memref<16xi32>, %p: i32, %c: i1) -> i32 {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    scf.if %c {
      memref.copy %x, %y : memref<16xi8> to memref<16xi8> loc("net")
    } loc("net")
    %ptr = llvm.inttoptr %p : i32 to !llvm.ptr loc("op0.CONV_2D:tensor1")
    call @pex_conv2d_s8(%ptr) : (!llvm.ptr) -> () loc("op0.CONV_2D:tensor1")
    scf.for %i = %c0 to %c8 step %c4 {
      %slice = memref.subview %a[0, 0, 0, %i] [1, 4, 4, 4] [1, 1, 1, 1] : memref<1x4x4x8xi8> to memref<1x4x4x4xi8, strided<[128, 32, 8, 1], offset: ?>> loc("op1.CONV_2D:tensor2")
      func.call @pex_conv2d_s8(%ptr) : (!llvm.ptr) -> () loc("op1.CONV_2D:tensor2")
      %ws = memref.subview %w[0, 0, %i] [3, 3, 4] [1, 1, 1] : memref<3x3x8xi8> to memref<3x3x4xi8, strided<[24, 8, 1], offset: ?>> loc("op1.CONV_2D:tensor2")
      %os = memref.subview %o[0, 0, 0, %i] [1, 2, 2, 4] [1, 1, 1, 1] : memref<1x2x2x8xi8> to memref<1x2x2x4xi8, strided<[32, 16, 8, 1], offset: ?>> loc("op2.DEPTHWISE_CONV_2D:tensor3")
      linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%slice, %ws : memref<1x4x4x4xi8, strided<[128, 32, 8, 1], offset: ?>>, memref<3x3x4xi8, strided<[24, 8, 1], offset: ?>>) outs(%os : memref<1x2x2x4xi8, strided<[32, 16, 8, 1], offset: ?>>) loc("op2.DEPTHWISE_CONV_2D:tensor3")
    } {partial.slice_loop = {channels = 8 : i64, full_types = [], slice_size = 4 : i64}} loc("op2.DEPTHWISE_CONV_2D:tensor3")
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%s : memref<16xi32>) {
    ^bb0(%out: i32):
      linalg.yield %out : i32
    } loc(fused<"pex.int32_buffer">["op3.SOFTMAX:tensor4"])
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%s : memref<16xi32>) outs(%y : memref<16xi8>) {
    ^bb0(%in: i32, %out: i8):
      %t = arith.trunci %in : i32 to i8
      linalg.yield %t : i8
    } loc("op3.SOFTMAX:tensor4")
    memref.copy %x, %y : memref<16xi8> to memref<16xi8> loc(unknown)
    %zero = arith.constant 0 : i32
    return %zero : i32
  } loc("net")
}

// -----

// A module that is already instrumented.
// expected-error @+1 {{the module is already instrumented for profiling (pex.profile)}}
module attributes {pex.profile = {begin = "pex_profile_begin", end = "pex_profile_end", regions = []}} {
  func.func @net_run() -> i32 {
    %zero = arith.constant 0 : i32
    return %zero : i32
  }
}

// -----

// A model that declares a hook ...
module {
  // expected-error @+1 {{'pex_profile_begin' is the name of a profiling hook, which the program provides: the model cannot define or declare it}}
  func.func private @pex_profile_begin(i32)
}

// -----

// ... or defines one.
module {
  // expected-error @+1 {{'pex_profile_end' is the name of a profiling hook, which the program provides: the model cannot define or declare it}}
  func.func @pex_profile_end(%id: i32) {
    return
  }
}
