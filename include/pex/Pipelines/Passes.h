//===- Passes.h - passes of the host lowering pipeline ----------*- C++ -*-===//

#ifndef PEX_PIPELINES_PASSES_H
#define PEX_PIPELINES_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

/// Marks the per-pixel loops of a kernel fused by --pex-fuse-kernels, whose
/// int32 buffers --pex-check-buffers accepts.
inline constexpr llvm::StringLiteral kKernelTileAttrName = "pex.kernel_tile";

#define GEN_PASS_DECL
#include "pex/Pipelines/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Pipelines/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_PIPELINES_PASSES_H
