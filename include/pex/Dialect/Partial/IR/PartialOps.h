//===- PartialOps.h - partial dialect operations ----------------*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_IR_PARTIALOPS_H
#define PEX_DIALECT_PARTIAL_IR_PARTIALOPS_H

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "pex/Dialect/Partial/IR/RowSchedule.h"
#include "llvm/ADT/DenseMap.h"

#include "pex/Dialect/Partial/IR/PartialOpsEnums.h.inc"

namespace mlir::pex::partial {

/// What a body operation of a chain does in each iteration.
enum class ChainStage : uint8_t {
  /// Reads a materialised input whole, produces one slice of its output.
  Produce,
  /// Maps a channel slice to the same slice.
  Slice,
  /// Accumulates one slice of its input channels into its whole output.
  Consume,
  /// Runs once on the finished accumulator, after the last slice.
  Finish,
};

StringRef stringifyChainStage(ChainStage stage);

/// The slicing role of an operation at `stage`; none for Finish, which works
/// on whole tensors.
std::optional<ChannelRole> getSlicingRole(ChainStage stage);

/// The stages of a chain's body operations (constants excluded).
struct ChainStructure {
  llvm::DenseMap<Operation *, ChainStage> stages;
  Operation *producer = nullptr;
  Operation *consumer = nullptr;
};

} // namespace mlir::pex::partial

#define GET_OP_CLASSES
#include "pex/Dialect/Partial/IR/PartialOps.h.inc"

#endif // PEX_DIALECT_PARTIAL_IR_PARTIALOPS_H
