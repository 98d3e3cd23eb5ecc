// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-check-bare-metal
// RUN: not pex-opt %s -split-input-file --pex-check-bare-metal="allowed-symbols=memcpy,expf" 2>&1 | FileCheck %s --check-prefix=CUSTOM

// The C library's memory functions and LLVM intrinsics are allowed, and so
// are the float functions a Cortex-M FPU computes.
module {
  llvm.func @memcpy(!llvm.ptr, !llvm.ptr, i32) -> !llvm.ptr
  llvm.func @memset(!llvm.ptr, i32, i32) -> !llvm.ptr
  llvm.func @model_run(%p: !llvm.ptr, %q: !llvm.ptr, %n: i32, %x: f32) -> i32 {
    "llvm.intr.memcpy"(%p, %q, %n) <{isVolatile = false}> : (!llvm.ptr, !llvm.ptr, i32) -> ()
    %0 = llvm.call @memcpy(%p, %q, %n) : (!llvm.ptr, !llvm.ptr, i32) -> !llvm.ptr
    %1 = llvm.intr.sqrt(%x) : (f32) -> f32
    %2 = llvm.intr.fabs(%1) : (f32) -> f32
    %3 = llvm.intr.fma(%2, %2, %2) : (f32, f32, f32) -> f32
    %4 = llvm.intr.maximum(%3, %x) : (f32, f32) -> f32
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

// -----

// Float functions without an instruction become calls of the C math
// library (a float tosa.sin, tosa.exp, tosa.sigmoid, tosa.pow, ...).
module {
  llvm.func @model_run(%x: f32, %d: f64) -> f32 {
    // expected-error @+1 {{'llvm.intr.sin' op needs 'sinf' of the C math library, which a bare-metal object cannot link: the Cortex-M4 FPU has no instruction for it (an int8 model computes such functions with tosa.table)}}
    %0 = llvm.intr.sin(%x) : (f32) -> f32
    // expected-error @+1 {{'llvm.intr.exp' op needs 'expf' of the C math library}}
    %1 = llvm.intr.exp(%0) : (f32) -> f32
    // expected-error @+1 {{'llvm.intr.pow' op needs 'powf' of the C math library}}
    %2 = llvm.intr.pow(%1, %x) : (f32, f32) -> f32
    // The Cortex-M4 FPU does not round to an integral value either.
    // expected-error @+1 {{'llvm.intr.floor' op needs 'floorf' of the C math library}}
    %3 = llvm.intr.floor(%2) : (f32) -> f32
    // expected-error @+1 {{'llvm.frem' op needs 'fmodf' of the C math library}}
    %4 = llvm.frem %3, %x : f32
    // expected-error @+1 {{'llvm.intr.log' op needs 'log' of the C math library}}
    %5 = llvm.intr.log(%d) : (f64) -> f64
    llvm.return %4 : f32
  }
}

// -----

// A math operation that no pass lowers (a float tosa.erf) needs the
// library too.
func.func @erf(%x: f32) -> f32 {
  // expected-error @+1 {{'math.erf' op needs 'erff' of the C math library}}
  %0 = math.erf %x : f32
  return %0 : f32
}
