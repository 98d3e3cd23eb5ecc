//===- Passes.h - passes of the host target ---------------------*- C++ -*-===//

#ifndef PEX_TARGET_HOST_PASSES_H
#define PEX_TARGET_HOST_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

#define GEN_PASS_DECL
#include "pex/Target/Host/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Target/Host/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_TARGET_HOST_PASSES_H
