//===- Passes.h - passes of the Cortex-M target -----------------*- C++ -*-===//

#ifndef PEX_TARGET_CORTEXM_PASSES_H
#define PEX_TARGET_CORTEXM_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

/// The module attribute in which --pex-cortexm-entry describes the entry
/// point's inputs and outputs for the header emitter.
inline constexpr llvm::StringLiteral kModelAttrName = "pex.model";

#define GEN_PASS_DECL
#include "pex/Target/CortexM/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Target/CortexM/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_TARGET_CORTEXM_PASSES_H
