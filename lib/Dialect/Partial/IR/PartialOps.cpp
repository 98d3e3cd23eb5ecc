//===- PartialOps.cpp - partial dialect operations --------------*- C++ -*-===//

#include "pex/Dialect/Partial/IR/PartialOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::pex::partial;

#include "pex/Dialect/Partial/IR/PartialOpsEnums.cpp.inc"

#define GET_OP_CLASSES
#include "pex/Dialect/Partial/IR/PartialOps.cpp.inc"

StringRef mlir::pex::partial::stringifyChainStage(ChainStage stage) {
  switch (stage) {
  case ChainStage::Produce:
    return "produce";
  case ChainStage::Slice:
    return "slice";
  case ChainStage::Consume:
    return "consume";
  case ChainStage::Finish:
    return "finish";
  }
  llvm_unreachable("unknown chain stage");
}

std::optional<ChannelRole>
mlir::pex::partial::getSlicingRole(ChainStage stage) {
  switch (stage) {
  case ChainStage::Produce:
    return ChannelRole::Produce;
  case ChainStage::Slice:
    return ChannelRole::Local;
  case ChainStage::Consume:
    return ChannelRole::Consume;
  case ChainStage::Finish:
    return std::nullopt;
  }
  llvm_unreachable("unknown chain stage");
}

//===----------------------------------------------------------------------===//
// ChainOp
//===----------------------------------------------------------------------===//

LogicalResult ChainOp::verify() {
  if (getSliceSize() > getChannels())
    return emitOpError("slice size ")
           << getSliceSize() << " exceeds the " << getChannels()
           << " channels being split";
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("body has ")
           << body.getNumArguments() << " arguments for " << getInputs().size()
           << " inputs";
  for (auto [index, input, arg] :
       llvm::enumerate(getInputs(), body.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError("body argument #")
             << index << " has type " << arg.getType() << " but input is "
             << input.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end with partial.yield");
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yielded types do not match the result types");
  if (getResults().empty())
    return emitOpError("must have at least one result");
  return success();
}

namespace {
/// Where a value of the body stands with respect to the channel split.
enum class ValueState { Materialized, Sliced, Accumulated };
} // namespace

LogicalResult ChainOp::analyzeBody(ChainStructure &structure,
                                   bool emitDiagnostics) {
  auto fail = [&](Operation *op) -> InFlightDiagnostic {
    if (emitDiagnostics)
      return op->emitOpError();
    return InFlightDiagnostic();
  };
  structure = ChainStructure();
  int64_t channels = getChannels();
  Block &body = getBody().front();
  llvm::DenseMap<Value, ValueState> states;
  for (Value arg : body.getArguments())
    states[arg] = ValueState::Materialized;

  // Checks that a value cut into channel slices carries the split channels.
  auto checkChannels = [&](Operation *op, Value value) -> LogicalResult {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() > 0 && type.getShape().back() == channels)
      return success();
    return fail(op) << "slices a channel dimension of size "
                    << (type.getRank() ? type.getShape().back() : 0)
                    << ", but the chain splits " << channels << " channels";
  };

  for (Operation &op : body.without_terminator()) {
    auto iface = dyn_cast<ChannelSplitOpInterface>(&op);
    if (!iface) {
      // Shape constants (tosa.const_shape) carry no tensor data.
      if (op.hasTrait<OpTrait::ConstantLike>())
        continue;
      return fail(&op) << "is a barrier (no channel-split model) and cannot "
                          "be part of a partial.chain";
    }
    if (iface.residesInFlash())
      continue;
    ChannelClass cls = iface.getChannelClass();
    if (cls == ChannelClass::Barrier)
      return fail(&op) << "needs all channels at once and cannot be part of "
                          "a partial.chain";

    bool anyAccumulated = false, anySliced = false, anyActivation = false;
    for (unsigned i = 0, e = op.getNumOperands(); i < e; ++i) {
      OperandSlicing slicing = iface.getOperandSlicing(i, ChannelRole::Local);
      if (slicing.kind != OperandKind::Activation)
        continue;
      auto it = states.find(op.getOperand(i));
      if (it == states.end())
        continue;
      anyActivation = true;
      anyAccumulated |= it->second == ValueState::Accumulated;
      anySliced |= it->second == ValueState::Sliced;
    }
    bool isLocal = (cls & ChannelClass::Local) == ChannelClass::Local;
    ChainStage stage;
    if (!anyActivation) {
      return fail(&op) << "reads no activation of the chain";
    } else if (anyAccumulated && anySliced) {
      return fail(&op) << "mixes channel slices with the chain's accumulator";
    } else if (anyAccumulated) {
      if (!isLocal)
        return fail(&op) << "mixes channels after the chain's consumer; a "
                            "chain has at most one consumer";
      stage = ChainStage::Finish;
    } else if (anySliced) {
      if (isLocal) {
        stage = ChainStage::Slice;
      } else if ((cls & ChannelClass::Consumer) == ChannelClass::Consumer) {
        if (structure.consumer)
          return fail(&op) << "is a second consumer; a chain has at most one";
        stage = ChainStage::Consume;
        structure.consumer = &op;
      } else {
        return fail(&op) << "cannot consume a channel slice";
      }
    } else if (isLocal) {
      stage = ChainStage::Slice;
    } else if ((cls & ChannelClass::Producer) == ChannelClass::Producer) {
      if (structure.producer)
        return fail(&op) << "is a second producer; a chain has at most one";
      stage = ChainStage::Produce;
      structure.producer = &op;
    } else {
      return fail(&op) << "cannot produce a channel slice";
    }

    // Every operand cut by the slice must carry the split channels.
    if (std::optional<ChannelRole> role = getSlicingRole(stage)) {
      for (unsigned i = 0, e = op.getNumOperands(); i < e; ++i) {
        OperandSlicing slicing = iface.getOperandSlicing(i, *role);
        if (slicing.kind != OperandKind::Activation || !slicing.isSliced())
          continue;
        if (failed(checkChannels(&op, op.getOperand(i))))
          return failure();
      }
    }
    ValueState resultState = ValueState::Sliced;
    if (stage == ChainStage::Consume || stage == ChainStage::Finish)
      resultState = ValueState::Accumulated;
    for (Value result : op.getResults()) {
      if (resultState == ValueState::Sliced &&
          failed(checkChannels(&op, result)))
        return failure();
      states[result] = resultState;
    }
    structure.stages[&op] = stage;
  }

  bool accumulate = getBoundary() == ChainBoundary::Accumulate;
  if (accumulate && !structure.consumer)
    return fail(*this) << "ends in an accumulator but has no consumer";
  if (!accumulate && structure.consumer)
    return fail(*this) << "materializes its results but has a consumer; use "
                          "the 'accumulate' boundary";
  ValueState expected =
      accumulate ? ValueState::Accumulated : ValueState::Sliced;
  for (auto [index, value] :
       llvm::enumerate(body.getTerminator()->getOperands())) {
    auto it = states.find(value);
    if (it == states.end() || it->second != expected)
      return fail(*this) << "result #" << index << " is not "
                         << (accumulate ? "the finished accumulator"
                                        : "written slice by slice");
  }
  return success();
}

LogicalResult ChainOp::verifyRegions() {
  ChainStructure structure;
  return analyzeBody(structure, /*emitDiagnostics=*/true);
}
