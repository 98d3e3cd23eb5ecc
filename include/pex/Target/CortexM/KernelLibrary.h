//===- KernelLibrary.h - The kernel library the objects link in -*- C++ -*-===//
//
// The int8 kernel library (runtime/kernels) compiled by CMake to LLVM bitcode
// for every supported CPU and float ABI and carried inside the compiler:
// --mlir-to-cortexm-obj links the functions a model calls into the model's
// module before code generation, so the object it writes is complete.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TARGET_CORTEXM_KERNELLIBRARY_H
#define PEX_TARGET_CORTEXM_KERNELLIBRARY_H

#include "llvm/ADT/StringRef.h"

namespace mlir::pex {

/// The kernel library's bitcode for `cpu` (`cortex-m4`, `cortex-m7`,
/// `cortex-m33`, `cortex-m55`) and float ABI, compiled at -Os as the library
/// always was; empty when the build has none for them.
llvm::StringRef getKernelBitcode(llvm::StringRef cpu, bool hardFloat);

} // namespace mlir::pex

#endif // PEX_TARGET_CORTEXM_KERNELLIBRARY_H
