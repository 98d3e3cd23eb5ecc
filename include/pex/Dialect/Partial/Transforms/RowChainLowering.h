//===- RowChainLowering.h - lower a row chain into band loops ---*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_TRANSFORMS_ROWCHAINLOWERING_H
#define PEX_DIALECT_PARTIAL_TRANSFORMS_ROWCHAINLOWERING_H

#include "pex/Dialect/Partial/IR/PartialOps.h"

namespace mlir::pex::partial {

/// Replaces `chain` by steps and loops over its bands on tensors (see
/// --partial-lower-chains). Fails, with a diagnostic, when the chain has no
/// band-by-band schedule.
LogicalResult lowerRowChain(RowChainOp chain);

} // namespace mlir::pex::partial

#endif // PEX_DIALECT_PARTIAL_TRANSFORMS_ROWCHAINLOWERING_H
