//===- Passes.td - passes of the host lowering pipeline ----*- tablegen -*-===//
//
// Passes that `--pex-host-pipeline` runs between the upstream TOSA -> linalg
// conversions, bufferization and the LLVM lowering, and analyses of what it
// produces.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_PIPELINES_PASSES_TD
#define PEX_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def PexFuseKernels : Pass<"pex-fuse-kernels", "::mlir::func::FuncOp"> {
  let summary = "Fuse each lowered kernel so its wide intermediates vanish";
  let description = [{
    Runs on linalg on tensors, after the TOSA conversions, and makes the
    kernels of the memory model real: their int32 intermediates become
    per-pixel temporaries instead of full-size buffers.

    1. An accumulation `add(%acc, reduce(init = 0))`, where `reduce` is a
       linalg operation that sums into its init (convolution, matmul), is
       folded into `reduce(init = %acc)`: a chain's consumer adds each
       slice's contribution straight into the accumulator.
    2. Elementwise operations are fused (`linalg` elementwise fusion with
       reshape propagation; a producer is fused only into its single user,
       and only when that user is elementwise too):
       rescale and clamp become one operation, and so does a quantised add
       `rescale -> add -> rescale`, whose int32 values then never leave
       registers.
    3. Each elementwise operation that reads the result of a reduction
       (a convolution, depthwise convolution, matmul or pooling) is tiled
       one output pixel at a time (every loop but the innermost channel
       loops) and the reduction, the producer of its init (bias broadcast or
       zero fill) and the padding of its input are fused into the tile loop,
       which is marked `pex.kernel_tile`. Nothing else is fused, so no
       kernel is recomputed.

    Example: `conv -> rescale -> clamp`

    ```mlir
    %b = linalg.generic ... ins(%bias) outs(%e0 : tensor<1x8x8x24xi32>)
    %c = linalg.conv_2d_nhwc_fhwc_q ins(%x, %w, ...) outs(%b)
    %r = linalg.generic ... ins(%c, ...) outs(%e1 : tensor<1x8x8x24xi8>)
    ```

    becomes a loop nest over the 8x8 output pixels whose body computes a
    `tensor<1x1x1x24xi32>` convolution tile and rescales it into the int8
    result.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def PexCheckBuffers : Pass<"pex-check-buffers", "::mlir::ModuleOp"> {
  let summary = "Check that bufferized code holds no full-size intermediate";
  let description = [{
    Runs after bufferization and proves, on the `memref.alloc` and
    `memref.alloca` operations, what partial execution and kernel fusion
    promise:

    - inside a loop over channel slices (`partial.slice_loop`, left by
      `--partial-lower-chains`), no buffer has one of the chain's full-size
      types, and every buffer outside a per-pixel kernel tile is a channel
      slice: its last dimension is at most the loop's slice size (a loop
      whose single slice covers every channel proves nothing and is not
      checked);
    - outside those loops, every int32 buffer is either a chain accumulator
      (the initial value of a slice loop) or lies in a per-pixel kernel tile
      loop (`pex.kernel_tile`, left by `--pex-fuse-kernels`): no full-size
      int32 intermediate of a fused `conv -> rescale` or quantised add
      remains.

    The scratch buffer of a `kernel` operation (working memory of the kernel
    library, sized by the kernel's window) is accepted anywhere.

    Each violation is an error at the allocation. With `report=true` the pass
    also prints, per function, how many allocations it checked in each
    class, and the largest.

    ```
    buffer check for @mobilenetv2_block: 7 allocations, 6 in slice loops,
      1 accumulators, 0 in kernel tiles, 0 other; largest 36864 bytes
      (memref<1x24x24x16xi32>)
    ```

    A buffer that nothing reads or writes (the window operand of a linalg
    pooling operation, which only gives the window shape) is counted as
    other.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print a summary of the allocations per function">,
  ];
}

def PexCountMacs : Pass<"pex-count-macs", "::mlir::ModuleOp"> {
  let summary = "Count the multiply-accumulates of each function";
  let description = [{
    Prints, for each function, the multiply-accumulate operations (MACs) of
    its TOSA convolutions, depthwise convolutions and matmuls, each
    multiplied by the trip counts of the `scf.for` loops around it. Run on
    the unsplit program and on the program after `--partial-lower-chains`,
    it shows that partial execution computes exactly as many MACs.

    ```
    macs for @main: 11264 (tosa.conv2d 6144, tosa.depthwise_conv2d 5120)
    ```

    A convolution counts `N * OH * OW * OC * KH * KW * IC`, a depthwise
    convolution `N * OH * OW * C * M * KH * KW`, a matmul `N * H * W * C`.
    The pass fails on a loop without constant bounds around such an op.
  }];
}

def PexHostEntry : Pass<"pex-host-entry", "::mlir::ModuleOp"> {
  let summary = "Give the public functions host entry-point names";
  let description = [{
    Prefixes the name of each public function with `prefix` (and updates its
    callers), so that a model's `@main` can be linked with a C program whose
    own `main` calls it:

    ```mlir
    func.func @main(%x: memref<1x8x8x4xi8>, %y: memref<1x8x8x4xi8>)
    // becomes
    func.func @pex_main(%x: memref<1x8x8x4xi8>, %y: memref<1x8x8x4xi8>)
    ```
  }];
  let options = [
    Option<"prefix", "prefix", "std::string", /*default=*/"\"pex_\"",
           "Prefix of the entry-point names">,
  ];
}

#endif // PEX_PIPELINES_PASSES_TD
