//===- CortexMPasses.td - passes of the Cortex-M backend ---*- tablegen -*-===//
//
// Passes that `--pex-cortexm-pipeline` runs after the shared bufferization
// front half: the static arena, the C entry point, the copies a bare-metal
// object can do without a runtime library, and the final check that nothing
// needs a heap.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_PIPELINES_CORTEXMPASSES_TD
#define PEX_PIPELINES_CORTEXMPASSES_TD

include "mlir/Pass/PassBase.td"

def PexLowerToKernels : Pass<"pex-lower-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Replace fused int8 kernels by operations of the kernel library";
  let description = [{
    Runs on TOSA, after `--partial-lower-chains` and before the conversion to
    linalg, and replaces each fused kernel of the memory model that the int8
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
    the pass proves from the constant weights and bias. Everything else keeps
    the generic lowering. The kernels that need working memory get a
    `tensor.empty` scratch operand, which bufferization turns into a buffer
    of the arena.

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

def PexPlanMemory : Pass<"pex-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place every buffer at a fixed offset of one static arena";
  let description = [{
    Runs on bufferized code (after `one-shot-bufferize` and
    `buffer-results-to-out-params`, before any deallocation) and replaces
    every `memref.alloc` and `memref.alloca` by a `memref.view` at a constant
    offset of one statically allocated, aligned arena: a public
    `memref.global` named `arena-name` without initial value, which the LLVM
    lowering puts in `.bss`. No allocation or deallocation remains.

    Lifetimes come from the schedule, the order of the operations: a buffer
    lives from the first operation that touches it (through any view) to the
    last one; a buffer defined outside a loop and used inside it lives for
    the whole loop, while a buffer allocated inside a loop body lives only
    within the iteration (a per-pixel kernel tile is reused by every pixel
    and shares its bytes with the tiles of other kernels). A buffer carried
    from one iteration to the next lives for the whole loop.

    The buffers are packed by the arena planner (`pex/Analysis/ArenaPlanner.h`):
    several orders and fits, TensorFlow Lite Micro's greedy-by-size among
    them, keeping the smallest arena, with in-place reuse where an
    elementwise `linalg` operation writes a whole buffer of the same shape and
    element size as an input that dies at that operation. The plan is
    verified before the IR is rewritten.

    With `place-arguments` (the default) the memref arguments of each public
    function, the model input and output, get arena slots too, as TensorFlow
    Lite Micro's arena holds them: an argument that the function only reads
    is an input, copied into its slot on entry; one it writes is an output,
    copied out of its slot on return. A copy is skipped when the caller
    passes the slot itself, so a caller that fills the input slot and reads
    the output slot copies nothing.

    The plan is recorded as the module attribute `pex.arena`: `symbol`,
    `bytes`, `alignment`, and per function `bytes`, `greedy_by_size_bytes`
    (the baseline's arena for the same buffers), `live_bytes_bound` (no
    packing of these buffers can be smaller), `heuristic`, `arguments`
    (`index`, `role`, `offset`, `bytes`) and `buffers` (`type`, `loc`,
    `offset`, `bytes`, `first`, `last`, and `in_place_of`).

    ```mlir
    func.func @f(%x: memref<64xi8>, %y: memref<64xi8>) {
      %t = memref.alloc() : memref<64xi8>
      ...
    }
    // becomes
    memref.global @pex_arena : memref<128xi8> = uninitialized {alignment = 8 : i64}
    func.func @f(%x: memref<64xi8>, %y: memref<64xi8>) {
      %arena = memref.get_global @pex_arena : memref<128xi8>
      %x_slot = memref.view %arena[%c0][] : memref<128xi8> to memref<64xi8>
      // copy %x into %x_slot unless it is the slot
      %t = memref.view %arena[%c64][] : memref<128xi8> to memref<64xi8>
      ...
    }
    ```

    Errors: an allocation with a dynamic size, a buffer that escapes through
    a return or a call, a call to a function with a body (inline first).
  }];
  let options = [
    Option<"arenaName", "arena-name", "std::string", /*default=*/"\"pex_arena\"",
           "Symbol of the arena">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"8",
           "Least alignment of every buffer in the arena, in bytes (a power "
           "of two; an allocation may ask for more)">,
    Option<"placeArguments", "place-arguments", "bool", /*default=*/"true",
           "Give the memref arguments of public functions arena slots">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def PexLowerCopies : Pass<"pex-lower-copies", "::mlir::func::FuncOp"> {
  let summary = "Lower strided memref.copy to loops, contiguous ones to memcpy";
  let description = [{
    The LLVM lowering turns a `memref.copy` between two contiguous buffers
    into the `llvm.memcpy` intrinsic, and any other into a call to
    `memrefCopy` in MLIR's C runner library, which a bare-metal object
    cannot link. This pass rewrites every copy that the lowering would not
    turn into `llvm.memcpy` (a strided subview, a copy into a window) into a
    `linalg.copy`, which `convert-linalg-to-loops` turns into loops.

    ```mlir
    memref.copy %a, %b : memref<1x8x8x1xi8> to memref<1x8x8x1xi8, strided<[512, 64, 8, 1], offset: ?>>
    // becomes
    linalg.copy ins(%a : memref<1x8x8x1xi8>) outs(%b : memref<1x8x8x1xi8, strided<[512, 64, 8, 1], offset: ?>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PexCortexMEntry : Pass<"pex-cortexm-entry", "::mlir::ModuleOp"> {
  let summary = "Make the model function the C entry point `<name>_run`";
  let description = [{
    Runs after `--pex-plan-memory`. The model's public function (the only
    one, or `function`) is renamed `<name>_run` and returns an `i32` status
    (0), so that with bare-pointer calling conventions it becomes
    `int <name>_run(const int8_t *input, int8_t *output)`.

    The pass records what the C header needs as the module attribute
    `pex.model`: `name`, `entry`, and for each input and output its `shape`,
    `element_type`, `bytes`, arena `offset` (from `pex.arena`), and the
    quantisation `scale` and `zero_point` and the tensor `name` when the
    argument carries them (`tflite.scale`, `tflite.zero_point`,
    `tflite.name`, as the TFLite importer sets them).

    ```mlir
    func.func @main(%x: memref<1x8x8x4xi8>, %y: memref<1x10xi8>)
    // becomes, with name=net
    func.func @net_run(%x: memref<1x8x8x4xi8>, %y: memref<1x10xi8>) -> i32
    ```
  }];
  let options = [
    Option<"name", "name", "std::string", /*default=*/"\"model\"",
           "Model name: a C identifier, prefix of every exported symbol">,
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the only public function)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def PexCheckBareMetal : Pass<"pex-check-bare-metal", "::mlir::ModuleOp"> {
  let summary = "Check that the lowered model needs no heap and no runtime";
  let description = [{
    The backend contract of the Cortex-M pipeline, checked on the LLVM
    dialect at its end: no heap allocation remains (`memref.alloc`,
    `memref.dealloc`, `memref.realloc`, or a call to `malloc`, `calloc`,
    `realloc`, `aligned_alloc`, `posix_memalign` or `free`), and every
    function the module declares without defining it is in
    `allowed-symbols`: by default the memory functions, which the C library
    of any bare-metal toolchain provides, and the functions of the int8
    kernel library (`runtime/kernels/pex_kernels.h`), which `pex-compile`
    links into the model's object. Each violation is an error at the
    operation.

    ```
    error: 'llvm.func' op declares 'memrefCopy', which a bare-metal object
    cannot link (allowed: memcpy, memmove, memset, pex_conv2d_s8, ...)
    ```
  }];
  let options = [
    ListOption<"allowedSymbols", "allowed-symbols", "std::string",
               "Functions the object may leave undefined (default: memcpy, "
               "memmove, memset and the kernel library)">,
  ];
}

#endif // PEX_PIPELINES_CORTEXMPASSES_TD
