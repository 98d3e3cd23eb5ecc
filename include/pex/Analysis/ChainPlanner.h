//===- ChainPlanner.h - choose and size partial.chain candidates -*- C++
//-*-===//
//
// Chain planning on the memory model: which paths of fused groups run slice
// by slice, and in slices of which size. Used by --partial-form-chains to
// rewrite the IR and by the pruning passes to evaluate what-if models.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_ANALYSIS_CHAINPLANNER_H
#define PEX_ANALYSIS_CHAINPLANNER_H

#include "pex/Analysis/MemoryModel.h"

#include <optional>

namespace mlir::pex {

struct ChainPlannerOptions {
  /// Stop adding chains once the peak is at most this many bytes (0:
  /// minimise the peak).
  int64_t sramBudget = 0;
  /// Force this many slices per chain (0: choose with the memory model).
  int64_t slices = 0;
  /// Effective channel counts (pruning what-ifs); null: the IR's.
  ChannelCountFn channels;
  /// Whether planChains may stream the first layers by rows (a row chain);
  /// never with `channels` (the row schedule sizes the IR's tensors).
  bool rows = true;
  /// Stream the best row chain in bands of this many rows, even when it
  /// lowers nothing (0: choose the band with the memory model, and a row
  /// chain only when it lowers the peak).
  int64_t band = 0;
};

/// Every row chain the kernel graph admits: runs of consecutive kernels from
/// one reading only function arguments, or the outputs of kernels that
/// cannot stream and read only function arguments (the stem, behind an
/// input transpose), through kernels that run
/// band by band, whose results are read only inside the run but for the
/// last one's. `band` is left 0.
std::vector<ChainPlan> findRowChainCandidates(const KernelGraph &graph);

/// The row chain that lowers the peak most, with the channel chains chosen
/// again around it (the fewest kernels among equal peaks), if it lowers the
/// peak of `channelChains` by at least 16 bytes; its band is the largest
/// that keeps the peak within 1% of the one-row band's.
std::optional<ChainPlan> chooseRowChain(const KernelGraph &graph,
                                        llvm::ArrayRef<ChainPlan> channelChains,
                                        const ChainPlannerOptions &options);

/// Every chain the kernel graph admits: paths of kernels linked by tensors
/// with no other use, from a producer or channel-local kernel through
/// channel-local kernels to a consumer (accumulate) or to a channel-local
/// kernel whose output is materialised.
std::vector<ChainPlan> findChainCandidates(const KernelGraph &graph,
                                           const ChainPlannerOptions &options);

/// Greedily adds the candidate that lowers the peak most (one-channel
/// slices), until the peak meets the budget or nothing lowers it by at least
/// 16 bytes (less is within the alignment padding of the buffers a chain
/// adds); drops chains whose removal leaves the peak unchanged.
/// Chains in `fixed` (a row chain) are part of every schedule evaluated and
/// their kernels part of no candidate; they are not returned.
std::vector<ChainPlan> chooseChains(const KernelGraph &graph,
                                    const ChainPlannerOptions &options,
                                    llvm::ArrayRef<ChainPlan> fixed = {});

/// Gives each channel chain the fewest slices that keep its loop under the
/// bottleneck of the rest of the function (or the budget when higher),
/// preferring a slice size that divides the channels.
void sizeChainSlices(const KernelGraph &graph, std::vector<ChainPlan> &chains,
                     const ChainPlannerOptions &options);

/// chooseChains, then chooseRowChain and the channel chains chosen again
/// around the row chain, then sizeChainSlices. The row chain, if any, comes
/// first.
std::vector<ChainPlan> planChains(const KernelGraph &graph,
                                  const ChainPlannerOptions &options);

} // namespace mlir::pex

#endif // PEX_ANALYSIS_CHAINPLANNER_H
