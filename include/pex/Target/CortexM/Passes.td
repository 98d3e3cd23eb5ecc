//===- Passes.td - passes of the Cortex-M target -----------*- tablegen -*-===//
//
// Passes that only `--pex-cortexm-pipeline` runs: the C entry point, the
// copies a bare-metal object can do without a runtime library, and the final
// check that nothing needs a heap. The static arena (--pex-plan-memory) is
// target-neutral and lives in pex/Transforms/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TARGET_CORTEXM_PASSES_TD
#define PEX_TARGET_CORTEXM_PASSES_TD

include "mlir/Pass/PassBase.td"

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
    links into the model's object. No operation may need the C math
    library either: the float functions a Cortex-M FPU has no instruction
    for (LLVM's `sin`, `cos`, `tan`, their inverse and hyperbolic forms,
    `exp`, `exp2`, `exp10`, `log`, `log2`, `log10`, `pow`, `powi`, `ldexp`,
    `frexp`, `frem`, and the roundings `floor`, `ceil`, `trunc`, `rint`,
    `nearbyint`, `round`, `roundeven`, `lround`, `lrint`, which the
    Cortex-M4 lacks), and math dialect operations left unconverted (`erf`),
    unless `allowed-symbols` lists the library function. A float
    `tosa.sin`, `tosa.exp`, `tosa.sigmoid`, `tosa.tanh`, `tosa.log`,
    `tosa.pow`, `tosa.erf`, `tosa.floor` or `tosa.ceil` ends here; their
    int8 forms are tables and compile. Each violation is an error at the
    operation, whose location is the TOSA operation's.

    ```
    error: 'llvm.func' op declares 'memrefCopy', which a bare-metal object
    cannot link (allowed: memcpy, memmove, memset, pex_conv2d_s8, ...)
    model.mlir:3:8: error: 'llvm.intr.sin' op needs 'sinf' of the C math
    library, which a bare-metal object cannot link: ...
    ```
  }];
  let options = [
    ListOption<"allowedSymbols", "allowed-symbols", "std::string",
               "Functions the object may leave undefined (default: memcpy, "
               "memmove, memset and the kernel library)">,
  ];
}

#endif // PEX_TARGET_CORTEXM_PASSES_TD
