//===- ChannelSplitOpInterface.h - channel-split interface ------*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_IR_CHANNELSPLITOPINTERFACE_H
#define PEX_DIALECT_PARTIAL_IR_CHANNELSPLITOPINTERFACE_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/BitmaskEnum.h"
#include <optional>

namespace mlir::pex::partial {

LLVM_ENABLE_BITMASK_ENUMS_IN_NAMESPACE();

/// What an operation can do along the channel dimension.
enum class ChannelClass : uint8_t {
  Barrier = 0,
  /// Output channel c depends only on input channel c.
  Local = 1,
  /// Can produce a slice of its output channels from its whole input.
  Producer = 2,
  /// Can consume a slice of its input channels into a full accumulator.
  Consumer = 4,
  LLVM_MARK_AS_BITMASK_ENUM(/*LargestValue=*/Consumer)
};

/// The part an operation plays in a chain.
enum class ChannelRole : uint8_t {
  /// Consumes and produces the same channel slice.
  Local,
  /// Reads its whole input, produces one slice of output channels.
  Produce,
  /// Reads one slice of input channels, accumulates into its whole output.
  Consume,
};

/// What an operand is, for slicing and for the memory model.
enum class OperandKind : uint8_t {
  Activation,
  Weight,
  Bias,
  /// Per-channel (or per-tensor) quantisation parameter: rescale multiplier
  /// and shift.
  QuantParam,
  ZeroPoint,
  /// Shapes, lookup tables, shift amounts: always used whole.
  Other,
};

/// How an operand is sliced in a given role: the dimension cut by the
/// channel slice, or none when the operand is used whole.
struct OperandSlicing {
  OperandKind kind;
  std::optional<int64_t> slicedDim;

  static OperandSlicing whole(OperandKind kind) { return {kind, std::nullopt}; }
  static OperandSlicing sliced(OperandKind kind, int64_t dim) {
    return {kind, dim};
  }
  bool isSliced() const { return slicedDim.has_value(); }
};

/// Bytes of a statically shaped tensor (elements times the element size,
/// rounded up to whole bytes); 0 for anything else.
int64_t getTensorBytes(Type type);

StringRef stringifyChannelRole(ChannelRole role);
std::string stringifyChannelClass(ChannelClass cls);

/// Attaches the channel-split external models to the TOSA operations.
void registerTosaChannelSplitModels(DialectRegistry &registry);

} // namespace mlir::pex::partial

#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h.inc"

#endif // PEX_DIALECT_PARTIAL_IR_CHANNELSPLITOPINTERFACE_H
