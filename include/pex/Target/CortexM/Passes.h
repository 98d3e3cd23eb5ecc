//===- Passes.h - passes of the Cortex-M target -----------------*- C++ -*-===//

#ifndef PEX_TARGET_CORTEXM_PASSES_H
#define PEX_TARGET_CORTEXM_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "pex/Transforms/Passes.h"

namespace mlir::pex {

#define GEN_PASS_DECL
#include "pex/Target/CortexM/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Target/CortexM/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_TARGET_CORTEXM_PASSES_H
