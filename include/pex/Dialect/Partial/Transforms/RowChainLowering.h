//===- RowChainLowering.h - lower a row chain into band loops ---*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_TRANSFORMS_ROWCHAINLOWERING_H
#define PEX_DIALECT_PARTIAL_TRANSFORMS_ROWCHAINLOWERING_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"

namespace mlir::pex::partial {

/// Replaces `chain` by steps and loops over its bands on tensors (see
/// --partial-lower-chains). Fails, with a diagnostic, when the chain has no
/// band-by-band schedule.
LogicalResult lowerRowChain(RowChainOp chain);

/// Shared by the lowerings of both chain ops: maps `body`'s arguments to
/// `inputs` in `mapping` and clones the body operations `hoist` selects (its
/// constants) before `builder`'s insertion point, so that every slice or
/// band finds them outside; returns the clones.
SmallVector<Operation *>
hoistChainConstants(OpBuilder &builder, Block &body, ValueRange inputs,
                    IRMapping &mapping,
                    llvm::function_ref<bool(Operation &)> hoist);

/// Erases, last first, the hoisted clones that nothing uses.
void eraseUnusedConstants(ArrayRef<Operation *> constants);

} // namespace mlir::pex::partial

#endif // PEX_DIALECT_PARTIAL_TRANSFORMS_ROWCHAINLOWERING_H
