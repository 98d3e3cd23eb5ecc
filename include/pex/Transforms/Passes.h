//===- Passes.h - Pex target-neutral passes ---------------------*- C++ -*-===//

#ifndef PEX_TRANSFORMS_PASSES_H
#define PEX_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::pex {

/// The metadata of the fused location with which --pex-mark-int32-buffers
/// marks an operation whose int32 result is a buffer of the memory model.
inline constexpr llvm::StringLiteral kInt32BufferLocTag = "pex.int32_buffer";

/// Whether `loc` (or a location it fuses) carries that mark.
bool isMarkedInt32Buffer(Location loc);

/// The module attribute in which a target's entry pass (--pex-cortexm-entry)
/// describes the C entry point's inputs and outputs (argument, shape,
/// element type, bytes, arena offset, quantisation, name), for the header
/// emitter and the memory report.
inline constexpr llvm::StringLiteral kModelAttrName = "pex.model";

/// The module attribute in which --pex-cortexm-profile records the ids of
/// the regions it wraps in profiling hooks, for the memory report and
/// pex-compile --profile.
inline constexpr llvm::StringLiteral kProfileAttrName = "pex.profile";

/// The operator that `loc` names, the key of per-operator figures
/// (--pex-count-macs=per-location=true, --pex-cortexm-profile): a name
/// location's name (`op3.CONV_2D:tensor61`), a file location's
/// `file:line:col`, the first operator of a fused location (its metadata,
/// such as the int32 buffer mark, dropped) or of a call site's callee; ""
/// for an unknown location.
std::string getOperatorKey(Location loc);

/// Marks the per-pixel loops of a group fused by --pex-fuse-kernels, whose
/// int32 buffers --pex-check-buffers accepts.
inline constexpr llvm::StringLiteral kKernelTileAttrName = "pex.kernel_tile";

#define GEN_PASS_DECL
#include "pex/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pex/Transforms/Passes.h.inc"

} // namespace mlir::pex

#endif // PEX_TRANSFORMS_PASSES_H
