//===- FormChains.h - wrap a planned chain into partial.chain ---*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_TRANSFORMS_FORMCHAINS_H
#define PEX_DIALECT_PARTIAL_TRANSFORMS_FORMCHAINS_H

#include "pex/Analysis/MemoryModel.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"

namespace mlir::pex::partial {

/// Moves the ops of `plan`'s kernels into a new partial.chain placed at the
/// chain's last op: the chain's materialised inputs become block arguments,
/// the constants it reads are cloned into its body (and erased outside when
/// nothing else reads them), and the uses of its output outside the chain
/// read the chain's result. Fails, with a diagnostic, if the result is not a
/// valid chain.
FailureOr<ChainOp> wrapInChain(const KernelGraph &graph, const ChainPlan &plan);

/// The same for a row chain (`plan.band` > 0): a partial.row_chain yielding
/// the last kernel's output.
FailureOr<RowChainOp> wrapInRowChain(const KernelGraph &graph,
                                     const ChainPlan &plan);

} // namespace mlir::pex::partial

#endif // PEX_DIALECT_PARTIAL_TRANSFORMS_FORMCHAINS_H
