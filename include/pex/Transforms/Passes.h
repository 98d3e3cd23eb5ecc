//===- Passes.h - Pex project-wide passes -----------------------*- C++ -*-===//

#ifndef PEX_TRANSFORMS_PASSES_H
#define PEX_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

/// The metadata of the fused location with which --pex-mark-int32-buffers
/// marks an operation whose int32 result is a buffer of the memory model.
inline constexpr llvm::StringLiteral kInt32BufferLocTag = "pex.int32_buffer";

/// Whether `loc` (or a location it fuses) carries that mark.
bool isMarkedInt32Buffer(Location loc);

#define GEN_PASS_DECL
#include "pex/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Transforms/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_TRANSFORMS_PASSES_H
