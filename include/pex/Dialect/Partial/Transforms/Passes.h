//===- Passes.h - partial dialect passes ------------------------*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_H
#define PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"

namespace mlir::pex::partial {

#define GEN_PASS_DECL
#include "pex/Dialect/Partial/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Dialect/Partial/Transforms/Passes.h.inc"

} // namespace mlir::pex::partial

#endif // PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_H
