// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-check-bare-metal
// RUN: not pex-opt %s -split-input-file --pex-check-bare-metal="allowed-symbols=memcpy,expf" 2>&1 | FileCheck %s --check-prefix=CUSTOM

// The C library's memory functions and LLVM intrinsics are allowed.
module {
  llvm.func @memcpy(!llvm.ptr, !llvm.ptr, i32) -> !llvm.ptr
  llvm.func @memset(!llvm.ptr, i32, i32) -> !llvm.ptr
  llvm.func @model_run(%p: !llvm.ptr, %q: !llvm.ptr, %n: i32) -> i32 {
    "llvm.intr.memcpy"(%p, %q, %n) <{isVolatile = false}> : (!llvm.ptr, !llvm.ptr, i32) -> ()
    %0 = llvm.call @memcpy(%p, %q, %n) : (!llvm.ptr, !llvm.ptr, i32) -> !llvm.ptr
    %c0 = llvm.mlir.constant(0 : i32) : i32
    llvm.return %c0 : i32
  }
}

// -----

// So are the functions of the kernel library, which pex-compile links into
// the model's object.
module {
  llvm.func @pex_requantize_s32_s8(!llvm.ptr, i32, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, i32, !llvm.ptr, i32)
  llvm.func @pex_conv2d_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
}

// -----

// Strided copies of the host pipeline call MLIR's runtime library.
module {
  // expected-error @+1 {{declares 'memrefCopy', which a bare-metal object cannot link (allowed: memcpy, memmove, memset, pex_conv2d_s8, pex_conv2d_s8_consume, pex_depthwise_conv2d_s8, pex_fully_connected_s8, pex_requantize_s32_s8)}}
  llvm.func @memrefCopy(i32, !llvm.ptr, !llvm.ptr)
}

// -----

module {
  // expected-error @+1 {{declares 'malloc': the Cortex-M model has no heap}}
  llvm.func @malloc(i32) -> !llvm.ptr
  // expected-error @+1 {{declares 'free': the Cortex-M model has no heap}}
  llvm.func @free(!llvm.ptr)
  llvm.func @run(%n: i32) {
    // expected-error @+1 {{call to 'malloc' remains: the Cortex-M model has no heap}}
    %p = llvm.call @malloc(%n) : (i32) -> !llvm.ptr
    // expected-error @+1 {{call to 'free' remains: the Cortex-M model has no heap}}
    llvm.call @free(%p) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// -----

func.func @buffers() {
  // expected-error @+1 {{heap allocation remains: the Cortex-M model has no heap (every buffer belongs in the arena)}}
  %a = memref.alloc() : memref<4xi8>
  // expected-error @+1 {{heap allocation remains: the Cortex-M model has no heap (every buffer belongs in the arena)}}
  memref.dealloc %a : memref<4xi8>
  return
}

// -----

// An explicit list replaces the default one (here in the first case, which
// declares memset).
// CUSTOM: error: declares 'memset', which a bare-metal object cannot link (allowed: expf, memcpy)
module {
  // expected-error @+1 {{declares 'expf', which a bare-metal object cannot link (allowed: memcpy, memmove, memset, pex_conv2d_s8, pex_conv2d_s8_consume, pex_depthwise_conv2d_s8, pex_fully_connected_s8, pex_requantize_s32_s8)}}
  llvm.func @expf(f32) -> f32
}
