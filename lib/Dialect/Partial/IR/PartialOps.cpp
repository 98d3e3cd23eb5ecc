//===- PartialOps.cpp - partial dialect operations --------------*- C++ -*-===//

#include "pex/Dialect/Partial/IR/PartialOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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

/// What partial.chain and partial.row_chain require of their body: one
/// argument of each input's type, and partial.yield at the end.
static LogicalResult verifyBodyInterface(Operation *op, ValueRange inputs,
                                         Block &body) {
  if (body.getNumArguments() != inputs.size())
    return op->emitOpError("body has ")
           << body.getNumArguments() << " arguments for " << inputs.size()
           << " inputs";
  for (auto [index, input, arg] : llvm::enumerate(inputs, body.getArguments()))
    if (input.getType() != arg.getType())
      return op->emitOpError("body argument #")
             << index << " has type " << arg.getType() << " but input is "
             << input.getType();
  if (!isa<YieldOp>(body.getTerminator()))
    return op->emitOpError("body must end with partial.yield");
  return success();
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
  if (failed(verifyBodyInterface(*this, getInputs(), body)))
    return failure();
  auto yield = cast<YieldOp>(body.getTerminator());
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

//===----------------------------------------------------------------------===//
// RowChainOp
//===----------------------------------------------------------------------===//

LogicalResult RowChainOp::verify() {
  Block &body = getBody().front();
  if (failed(verifyBodyInterface(*this, getInputs(), body)))
    return failure();
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1 ||
      yield.getValues().front().getType() != getResult().getType())
    return emitOpError("must yield one value of the result type");
  return success();
}

SmallVector<Operation *> RowChainOp::getComputeOps() {
  SmallVector<Operation *> ops;
  for (Operation &op : getBody().front().without_terminator())
    if (!op.hasTrait<OpTrait::ConstantLike>())
      ops.push_back(&op);
  return ops;
}

FailureOr<RowSchedule> RowChainOp::getSchedule(std::string &reason) {
  return buildRowSchedule(getComputeOps(), getBand(), reason);
}

LogicalResult RowChainOp::verifyRegions() {
  SmallVector<Operation *> ops = getComputeOps();
  if (ops.empty())
    return emitOpError("has no operation to stream");
  Value yielded = getBody().front().getTerminator()->getOperand(0);
  if (yielded.getDefiningOp() != ops.back())
    return emitOpError("must yield the result of its last operation");
  if (!isRowTensor(getResult().getType()))
    return emitOpError("result must be a static NHWC tensor of batch 1");
  std::string reason;
  if (failed(getSchedule(reason)))
    return emitOpError("cannot run band by band: ") << reason;
  return success();
}

//===----------------------------------------------------------------------===//
// RotateRowsOp
//===----------------------------------------------------------------------===//

LogicalResult RotateRowsOp::verify() {
  auto type = cast<RankedTensorType>(getSource().getType());
  if (type.getRank() < 2 || type.isDynamicDim(1))
    return emitOpError("needs a tensor with a static row dimension (1)");
  if (getShift() + getKeep() > type.getDimSize(1))
    return emitOpError("moves rows [")
           << getShift() << ", " << getShift() + getKeep() << ") of "
           << type.getDimSize(1) << " rows";
  return success();
}

bool RotateRowsOp::bufferizesToMemoryRead(
    OpOperand &, const bufferization::AnalysisState &) {
  return true;
}

bool RotateRowsOp::bufferizesToMemoryWrite(
    OpOperand &, const bufferization::AnalysisState &) {
  return true;
}

bufferization::AliasingValueList
RotateRowsOp::getAliasingValues(OpOperand &,
                                const bufferization::AnalysisState &) {
  return {{getResult(), bufferization::BufferRelation::Equivalent}};
}

LogicalResult
RotateRowsOp::bufferize(RewriterBase &rewriter,
                        const bufferization::BufferizationOptions &options,
                        bufferization::BufferizationState &state) {
  FailureOr<Value> buffer =
      bufferization::getBuffer(rewriter, getSource(), options, state);
  if (failed(buffer))
    return failure();
  auto type = cast<MemRefType>(buffer->getType());
  Location loc = getLoc();
  int64_t shift = getShift(), keep = getKeep();
  auto rows = [&](int64_t first, int64_t count) {
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes,
        strides(type.getRank(), rewriter.getIndexAttr(1));
    for (int64_t extent : type.getShape())
      sizes.push_back(rewriter.getIndexAttr(extent));
    offsets[1] = rewriter.getIndexAttr(first);
    sizes[1] = rewriter.getIndexAttr(count);
    return memref::SubViewOp::create(rewriter, loc, *buffer, offsets, sizes,
                                     strides);
  };
  // At most `shift` rows per copy, top to bottom: each copy's rows are
  // disjoint, and the rows it reads are overwritten only by the next copy.
  for (int64_t moved = 0; moved < keep; moved += shift) {
    int64_t count = std::min(shift, keep - moved);
    memref::CopyOp::create(rewriter, loc, rows(shift + moved, count),
                           rows(moved, count));
  }
  bufferization::replaceOpWithBufferizedValues(rewriter, getOperation(),
                                               *buffer);
  return success();
}
