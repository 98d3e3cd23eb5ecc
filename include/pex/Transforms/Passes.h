//===- Passes.h - Pex target-neutral passes ---------------------*- C++ -*-===//

#ifndef PEX_TRANSFORMS_PASSES_H
#define PEX_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

/// Marks the per-pixel loops of a group fused by --pex-fuse-kernels, whose
/// int32 buffers --pex-check-buffers accepts.
inline constexpr llvm::StringLiteral kKernelTileAttrName = "pex.kernel_tile";

#define GEN_PASS_DECL
#include "pex/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Transforms/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_TRANSFORMS_PASSES_H
