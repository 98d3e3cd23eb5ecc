//===- Passes.h - Pex project-wide passes -----------------------*- C++ -*-===//

#ifndef PEX_TRANSFORMS_PASSES_H
#define PEX_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

#define GEN_PASS_DECL
#include "pex/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Transforms/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_TRANSFORMS_PASSES_H
