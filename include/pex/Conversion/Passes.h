//===- Passes.h - Pex dialect conversions -----------------------*- C++ -*-===//

#ifndef PEX_CONVERSION_PASSES_H
#define PEX_CONVERSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

#define GEN_PASS_DECL
#include "pex/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Conversion/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_CONVERSION_PASSES_H
