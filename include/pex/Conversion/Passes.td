//===- Passes.td - Pex dialect conversions -----------------*- tablegen -*-===//
//
// The conversions between dialects, one folder each under lib/Conversion:
// TOSA -> kernel (the fused int8 groups the kernel library computes) and
// kernel -> func (calls of the kernel library).
//
//===----------------------------------------------------------------------===//

#ifndef PEX_CONVERSION_PASSES_TD
#define PEX_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def PexLowerToKernels : Pass<"pex-lower-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Replace fused int8 kernels by operations of the kernel library";
  let description = [{
    Runs on TOSA, after `--partial-lower-chains` and before the conversion to
    linalg, and replaces each fused group of the memory model that the int8
    kernel library for ARMv7E-M (`runtime/kernels`) computes bit for bit by
    an operation of the `kernel` dialect, which `--pex-kernels-to-calls`
    later turns into one call of the library:

    - `tosa.conv2d -> tosa.rescale (-> tosa.clamp)` becomes `kernel.conv2d`,
      or `kernel.fully_connected` for a 1x1 convolution of single pixels
      (TFLite's fully connected layers); a chain's producer is the same
      convolution on a slice of the weights;
    - `tosa.depthwise_conv2d -> tosa.rescale (-> tosa.clamp)` with a channel
      multiplier of 1 becomes `kernel.depthwise_conv2d`;
    - a chain's consumer, `tosa.add(%acc, tosa.conv2d(%slice, %w, zero
      bias))`, becomes `kernel.conv2d_accumulate`, which adds into the
      accumulator;
    - a chain's finish, `tosa.rescale(tosa.add(%acc, reshape(%bias)))
      (-> tosa.clamp)` on the result of a slice loop, becomes
      `kernel.requantize`.

    Conditions: int8 activations and weights, one batch element (any number
    of rows for a fully connected layer), a constant input zero point and a
    weight zero point of 0, and a rescale with `scale32`, `DOUBLE_ROUND`, an
    input zero point of 0, an int8 result and constant shifts in [2, 62] and
    multipliers >= 0 (a per-tensor multiplier and a broadcast bias become one
    value per channel). A shift below 32 needs `|acc| < 2^(shift - 1)`, which
    the pass proves from the constant weights and bias, unless the channel's
    multiplier is 0 (its output is the zero point for any accumulator: the
    channels TFLite's converter leaves without scale, with shift 31). Everything else keeps
    the generic lowering. The kernels that need working memory get a
    `tensor.empty` scratch operand, which bufferization turns into a buffer
    of the arena. A kernel's output is a `tensor.empty` too, which the empty
    tensor elimination makes the part of a concatenation the result goes
    to, except along the width (its rows would be further apart than the
    kernel can address): that output is a `bufferization.alloc_tensor`,
    copied into the concatenation.

    ```mlir
    %c = tosa.conv2d %x, %w, %b, %izp, %wzp {...} : (...) -> tensor<1x8x8x32xi32>
    %r = tosa.rescale %c, %m, %s, %zero, %ozp {...} : (...) -> tensor<1x8x8x32xi8>
    // becomes
    %out = tensor.empty() : tensor<1x8x8x32xi8>
    %scratch = tensor.empty() : tensor<64xi8>
    %r:2 = kernel.conv2d %x, %w, %b, %m, %s, %out, %scratch {...}
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::pex::kernel::KernelDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def PexKernelsToCalls : Pass<"pex-kernels-to-calls", "::mlir::ModuleOp"> {
  let summary = "Turn kernel operations on memrefs into calls of the kernel "
                "library";
  let description = [{
    Runs after bufferization (and after `--pex-plan-memory`, so that the
    arena planner sees the kernels' buffers and scratch) and replaces each
    operation of the `kernel` dialect by a `func.call` of its function in
    `runtime/kernels/pex_kernels.h`, declared in the module: each memref
    becomes an `!llvm.ptr` to its first element (aligned base pointer plus
    offset), sizes and strides come from the memref types, and the
    parameter block (`pex_conv_params`, `pex_fc_params`) is a private
    constant `memref.global` of i32 in flash, one per distinct block.

    ```mlir
    kernel.depthwise_conv2d %x, %w, %b, %m, %s, %y {...}
        : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, ...) -> ()
    // becomes
    memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[8, 8, 16, 16, ...]>
    func.call @pex_depthwise_conv2d_s8(%params, %xp, %wp, %bp, %mp, %sp, %yp)
        : (!llvm.ptr, !llvm.ptr, ...) -> ()
    ```

    An input whose rows are further apart than its pixels (a view that
    drops the last columns of a buffer, as TFLite's strided convolutions
    slice their input) is addressed as the wider rows of that buffer when no
    window reaches past the view's last column.

    Errors: a kernel operation on tensors, a buffer whose layout the kernel
    cannot address (strides that are dynamic or do not describe pixels, rows
    and channels), a per-channel operand or scratch buffer that is not
    contiguous, a consumer scratch smaller than its weights' layout needs,
    and a module symbol with a library function's name but another type.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

#endif // PEX_CONVERSION_PASSES_TD
