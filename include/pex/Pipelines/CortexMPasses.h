//===- CortexMPasses.h - passes of the Cortex-M backend ---------*- C++ -*-===//

#ifndef PEX_PIPELINES_CORTEXMPASSES_H
#define PEX_PIPELINES_CORTEXMPASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

#define GEN_PASS_DECL
#include "pex/Pipelines/CortexMPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Pipelines/CortexMPasses.h.inc"

} // namespace mlir::pex

#endif // PEX_PIPELINES_CORTEXMPASSES_H
