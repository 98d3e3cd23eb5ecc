//===- PartialDialect.h - partial dialect -----------------------*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_IR_PARTIALDIALECT_H
#define PEX_DIALECT_PARTIAL_IR_PARTIALDIALECT_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Dialect.h"

#include "pex/Dialect/Partial/IR/PartialOpsDialect.h.inc"

namespace mlir::pex::partial {

/// Marks the slice loop --partial-lower-chains makes of a chain (a
/// dictionary: chain index, channels, slice size), which the later passes
/// recognise.
inline constexpr llvm::StringLiteral kSliceLoopAttrName = "partial.slice_loop";
/// Marks a loop over the bands of a lowered partial.row_chain.
inline constexpr llvm::StringLiteral kRowLoopAttrName = "partial.row_loop";

/// Whether `value` is a splat constant of integer zeros or positive float
/// zeros (an all-zero dense constant is always a splat).
bool isZeroSplat(Value value);

} // namespace mlir::pex::partial

#endif // PEX_DIALECT_PARTIAL_IR_PARTIALDIALECT_H
