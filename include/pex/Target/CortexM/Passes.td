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

def PexCortexMProfile : Pass<"pex-cortexm-profile", "::mlir::ModuleOp"> {
  let summary = "Wrap each operator's code in calls of profiling hooks";
  let description = [{
    Instruments a planned model (after `--pex-cortexm-entry`, on memrefs) for
    `pex-compile --profile`: the code of each operator, a kernel library
    call or the loops of a fused group, runs between
    `pex_profile_begin(id)` and `pex_profile_end(id)`, two functions the
    program provides (`runtime/cortexm/profile.c` reads SysTick in them).
    Only the profiling build runs this pass; the normal object is unchanged.

    An operator is a location: the TFLite importer's `op3.CONV_2D:tensor61`,
    a file position `model.mlir:12:8`, a fused location's first one with
    metadata such as `pex.int32_buffer` dropped (the key under which
    `--pex-count-macs=per-location=true` prints MACs). The pass walks the
    model function's body: every operation with memory effects (a call, a
    loop nest, a copy) belongs to its location's operator; consecutive ones
    of the same operator, with the pure operations just before them that
    share their location (the kernel's pointers), form one profiled region.
    Operations located at the function or the module, or nowhere (the entry
    point's input and output copies, bufferization's copies), stay outside
    every region: the driver counts them as the rest. A chain's slice loop
    (`partial.slice_loop`) is one region of its own, and the operators in
    its body get their own ids, so that the hooks sum each operator's
    slices.

    The hooks are called from inline assembly (Thumb-2) that saves and
    restores the registers a call clobbers, so that the register allocation
    of the code measured stays that of the normal object; the assembly is a
    memory barrier, which keeps each region's loads and stores inside it.

    Ids are numbered from 0 in program order, one per operator (per
    operator and chain, inside chains) and one per chain. The module
    attribute `pex.profile` records them for the driver: `begin` and `end`
    (the hooks), and per id its `kind` (`op` or `chain`), `location`, `op`
    (the kernel functions called, else the named linalg operations, else
    `linalg.generic` or `memref.copy`), `chain` (the slice loop's index in
    program order, for a chain and for the operators in it) and, for a
    chain, `slices`.

    ```mlir
    call @pex_conv2d_s8(%p, %x, %w, %b, %m, %s, %y, %t) : (...) -> () loc("op0.CONV_2D:tensor58")
    // becomes
    llvm.inline_asm has_side_effects "push {r0, r1, r2, r3, r12, lr}\n\tmovw r0, #0\n\tbl pex_profile_begin\n\tpop {r0, r1, r2, r3, r12, lr}", "~{memory},~{cpsr}" : () -> ()
    call @pex_conv2d_s8(%p, %x, %w, %b, %m, %s, %y, %t) : (...) -> () loc("op0.CONV_2D:tensor58")
    llvm.inline_asm has_side_effects "push {r0, r1, r2, r3, r12, lr}\n\tmovw r0, #0\n\tbl pex_profile_end\n\tpop {r0, r1, r2, r3, r12, lr}", "~{memory},~{cpsr}" : () -> ()
    // and
    module attributes {pex.profile = {begin = "pex_profile_begin", end = "pex_profile_end", regions = [
        {id = 0 : i64, kind = "op", location = "op0.CONV_2D:tensor58", op = "pex_conv2d_s8"}
      ]}}
    ```

    Errors: a module already instrumented (`pex.profile`), a module that
    defines or declares a symbol with a hook's name, and more than 65536
    ids (the assembly's immediate).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // PEX_TARGET_CORTEXM_PASSES_TD
