//===- InitAllDialects.h - Pex dialect registration -------------*- C++ -*-===//
//
// Registers the dialects Pex parses and produces: its own `partial` dialect
// and the upstream dialects that TOSA input is lowered through.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_INITALLDIALECTS_H
#define PEX_INITALLDIALECTS_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::pex {

/// Adds the `partial` dialect, TOSA and every dialect of the lowering paths
/// (func, arith, tensor, linalg, scf, memref, bufferization, LLVM and the
/// dialects those lowerings go through) with their interface extensions.
void registerAllDialects(DialectRegistry &registry);

} // namespace mlir::pex

#endif // PEX_INITALLDIALECTS_H
