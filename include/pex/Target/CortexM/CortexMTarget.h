//===- CortexMTarget.h - Cortex-M object emission ---------------*- C++ -*-===//
//
// Emits an ELF32 ARM relocatable object (Thumb-2; ARMv7E-M, ARMv8-M Mainline
// or ARMv8.1-M build attributes) for Cortex-M4, M7, M33 or M55 from a module
// in the LLVM dialect, in process through LLVM's TargetMachine.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TARGET_CORTEXM_CORTEXMTARGET_H
#define PEX_TARGET_CORTEXM_CORTEXMTARGET_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

namespace mlir::pex {

struct CortexMTargetOptions {
  /// `cortex-m4`, `cortex-m7`, `cortex-m33` or `cortex-m55`.
  std::string cpu = "cortex-m4";
  /// Pass float arguments in FPU registers (eabihf) or in core registers.
  bool hardFloat = true;
};

/// Translates `module` (LLVM dialect) to LLVM IR, optimises it at -O3 for the
/// CPU, links in the kernel library functions it calls (KernelLibrary.h) and
/// writes a complete object file to `os`: nothing is undefined but the C
/// library's memcpy/memset family. Constants land in `.rodata`,
/// zero-initialised globals (the arena) in `.bss`.
LogicalResult emitCortexMObject(Operation *module,
                                const CortexMTargetOptions &options,
                                llvm::raw_ostream &os);

/// Writes the C header of a model compiled by --pex-cortexm-pipeline, from
/// the module attributes `pex.model` and `pex.arena`: the entry point
/// `int <name>_run(const int8_t *input, int8_t *output)`, `<NAME>_INPUT_BYTES`,
/// `<NAME>_OUTPUT_BYTES`, `<NAME>_ARENA_BYTES`, shapes, quantisation, arena
/// offsets and the `<name>_input()`/`<name>_output()` arena slots.
LogicalResult emitCortexMHeader(Operation *module, llvm::raw_ostream &os);

/// Where the translations report an error about a whole module: its file,
/// without a line (the first line of a printed module holds its attributes,
/// which a source excerpt would print whole).
inline Location getModuleFileLoc(Operation *module) {
  if (auto file = dyn_cast<FileLineColLoc>(module->getLoc()))
    return FileLineColLoc::get(file.getFilename(), 0, 0);
  return module->getLoc();
}

/// The CPUs `emitCortexMObject` supports, for messages: "cortex-m4, ... or
/// cortex-m55".
std::string getCortexMCpuList();

/// Registers `--mlir-to-cortexm-obj` with its `--mcpu` and `--float-abi`
/// options, and `--mlir-to-cortexm-header`.
void registerCortexMTranslations();

} // namespace mlir::pex

#endif // PEX_TARGET_CORTEXM_CORTEXMTARGET_H
