//===- ChannelGroups.h - channels that are pruned together ------*- C++ -*-===//
//
// Structured pruning removes output channels of a channel-mixing layer and,
// with them, the matching channels of every tensor that carries them through
// channel-local ops (a depthwise convolution follows its producer, a residual
// add joins its operands) and the matching input channels of every consumer.
// A channel group is such a set of tensors; its channels are pruned together.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_ANALYSIS_CHANNELGROUPS_H
#define PEX_ANALYSIS_CHANNELGROUPS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace mlir::pex {

/// The attribute in which --pex-prune-hints records, on the producers of a
/// group, how many channels to keep; --pex-apply-pruning and the memory
/// model read it.
inline constexpr llvm::StringLiteral kPruneHintAttrName = "pex.prune_hint";

struct ChannelGroup {
  /// Channels of every tensor in the group.
  int64_t channels = 0;
  /// Tensors carrying the group's channels in their last dimension.
  llvm::SmallVector<Value> values;
  /// Channel-mixing ops whose output channels are the group's.
  llvm::SmallVector<Operation *> producers;
  /// Channel-local ops on the group's tensors.
  llvm::SmallVector<Operation *> locals;
  /// Channel-mixing ops whose input channels are the group's.
  llvm::SmallVector<Operation *> consumers;
  /// Why the group cannot be pruned (a model input or output, an op that
  /// needs all channels); empty when it can.
  std::string pinned;
  /// Multiply-accumulates and parameters one channel of the group carries,
  /// over its producers, channel-local layers and consumers.
  int64_t macsPerChannel = 0;
  int64_t paramsPerChannel = 0;
};

class ChannelGroups {
public:
  explicit ChannelGroups(func::FuncOp func);

  llvm::ArrayRef<ChannelGroup> getGroups() const { return groups; }
  /// The group of a tensor value, or -1 when it carries no prunable channel
  /// (constants, shapes).
  int getGroupOf(Value value) const;
  /// Multiply-accumulates and weight parameters of the whole function.
  int64_t getTotalMacs() const { return totalMacs; }
  int64_t getTotalParams() const { return totalParams; }

private:
  std::vector<ChannelGroup> groups;
  llvm::DenseMap<Value, int> groupOf;
  int64_t totalMacs = 0;
  int64_t totalParams = 0;
};

/// Multiply-accumulates of a conv2d, depthwise_conv2d or matmul; 0 for any
/// other op.
int64_t getMacs(Operation *op);

} // namespace mlir::pex

#endif // PEX_ANALYSIS_CHANNELGROUPS_H
