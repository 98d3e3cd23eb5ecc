//===- LowerChains.cpp - lower chains into loops over channel slices ------===//
//
// Rewrites each partial.chain into an scf.for over its channel slices, on
// tensors. The body is re-created once per slice from the chain structure
// (ChainOp::analyzeBody) and the ChannelSplitOpInterface of each operation:
// the interface names the operand dimensions a slice cuts, and the lowering
// cuts them with tensor.extract_slice, a view, never a copy of a constant.
//
//===----------------------------------------------------------------------===//

#include "pex/Dialect/Partial/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"
#include "pex/Dialect/Partial/Transforms/RowChainLowering.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::pex::partial {
#define GEN_PASS_DEF_PARTIALLOWERCHAINS
#include "pex/Dialect/Partial/Transforms/Passes.h.inc"
} // namespace mlir::pex::partial

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::partial;

namespace {

/// Marks the loops over channel slices (see the pass description).

/// `type` with its channel (last) dimension cut to `size`.
RankedTensorType withChannels(Type type, int64_t size) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape.back() = size;
  return tensor.clone(shape);
}

/// Lowers one chain.
class ChainLowering {
public:
  ChainLowering(ChainOp chain, int64_t sliceSize)
      : chain(chain), channels(chain.getChannels()),
        sliceSize(sliceSize > 0 ? std::min(sliceSize, channels)
                                : chain.getSliceSize()) {}

  /// Checks that the chain can be lowered; emits a diagnostic otherwise.
  LogicalResult check();
  /// Replaces the chain by its loop. `check` must have succeeded.
  void lower();

private:
  /// The channel-slice view of an operand read from outside the slice loop
  /// (a materialised input or a constant), cut along `dim`.
  Value view(OpBuilder &builder, Location loc, Value source, int64_t dim,
             OpFoldResult offset, int64_t size);
  /// Emits the body for the slice [offset, offset + size) and returns the
  /// updated loop-carried values.
  SmallVector<Value> emitSlice(OpBuilder &builder, OpFoldResult offset,
                               int64_t size, ValueRange carried);
  /// Re-creates a producer or channel-local op on slice-shaped operands.
  Operation *createSliced(OpBuilder &builder, Operation *op,
                          ValueRange operands, int64_t size);

  ChainOp chain;
  int64_t channels;
  int64_t sliceSize;
  ChainStructure structure;
  /// Body operations in program order (constants excluded).
  SmallVector<Operation *> ops;
  /// Body block arguments and constants -> their values outside the chain.
  IRMapping outer;
  /// Values of the body that exist as channel slices inside the loop.
  llvm::DenseSet<Value> sliced;
  /// The zero bias the consumer uses inside the loop.
  Value zeroBias;
  /// Per-slice cache of views, keyed by source and dimension.
  DenseMap<std::pair<Value, int64_t>, Value> views;
};

LogicalResult ChainLowering::check() {
  if (failed(chain.analyzeBody(structure, /*emitDiagnostics=*/true)))
    return failure();
  Block &body = chain.getBody().front();
  auto isStatic = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return !tensor || tensor.hasStaticShape();
  };
  for (Operation &op : body.without_terminator()) {
    for (Type type :
         llvm::concat<const Type>(op.getOperandTypes(), op.getResultTypes()))
      if (!isStatic(type))
        return op.emitOpError("has a dynamically shaped tensor; "
                              "partial-lower-chains needs static shapes");
    auto it = structure.stages.find(&op);
    if (it == structure.stages.end())
      continue;
    ops.push_back(&op);
    if (it->second == ChainStage::Produce || it->second == ChainStage::Slice)
      sliced.insert(op.getResults().begin(), op.getResults().end());
  }

  Operation *consumer = structure.consumer;
  if (!consumer)
    return success();
  auto accType = cast<RankedTensorType>(consumer->getResult(0).getType());
  Type element = accType.getElementType();
  if (!element.isInteger(32) && !element.isF32())
    return consumer->emitOpError("accumulates ")
           << element
           << " partial sums; partial-lower-chains accumulates only i32 and "
              "f32";
  return success();
}

Value ChainLowering::view(OpBuilder &builder, Location loc, Value source,
                          int64_t dim, OpFoldResult offset, int64_t size) {
  Value &cached = views[{source, dim}];
  if (cached)
    return cached;
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), builder.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes,
      strides(type.getRank(), builder.getIndexAttr(1));
  for (int64_t extent : type.getShape())
    sizes.push_back(builder.getIndexAttr(extent));
  offsets[dim] = offset;
  sizes[dim] = builder.getIndexAttr(size);
  cached = tensor::ExtractSliceOp::create(builder, loc, source, offsets, sizes,
                                          strides);
  return cached;
}

Operation *ChainLowering::createSliced(OpBuilder &builder, Operation *op,
                                       ValueRange operands, int64_t size) {
  // A channel-preserving reshape names its result shape in an operand.
  if (auto reshape = dyn_cast<tosa::ReshapeOp>(op)) {
    RankedTensorType type = withChannels(reshape.getType(), size);
    ImplicitLocOpBuilder b(op->getLoc(), builder);
    Value shape = tosa::getTosaConstShape(b, type.getShape());
    return tosa::ReshapeOp::create(builder, op->getLoc(), type, operands[0],
                                   shape);
  }
  Operation *clone = builder.clone(*op);
  clone->setOperands(operands);
  for (OpResult result : clone->getResults())
    result.setType(withChannels(result.getType(), size));
  return clone;
}

SmallVector<Value> ChainLowering::emitSlice(OpBuilder &builder,
                                            OpFoldResult offset, int64_t size,
                                            ValueRange carried) {
  views.clear();
  IRMapping local;
  Value accumulator;
  for (Operation *op : ops) {
    ChainStage stage = structure.stages.lookup(op);
    std::optional<ChannelRole> role = getSlicingRole(stage);
    if (!role)
      continue;
    auto iface = cast<ChannelSplitOpInterface>(op);
    SmallVector<Value> operands;
    for (auto [index, operand] : llvm::enumerate(op->getOperands())) {
      if (Value value = local.lookupOrNull(operand)) {
        operands.push_back(value);
        continue;
      }
      OperandSlicing slicing = iface.getOperandSlicing(index, *role);
      Value source = outer.lookup(operand);
      if (slicing.isSliced())
        operands.push_back(view(builder, op->getLoc(), source,
                                *slicing.slicedDim, offset, size));
      else if (stage == ChainStage::Consume &&
               slicing.kind == OperandKind::Bias)
        operands.push_back(zeroBias);
      else
        operands.push_back(source);
    }
    if (stage != ChainStage::Consume) {
      Operation *clone = createSliced(builder, op, operands, size);
      local.map(op->getResults(), clone->getResults());
      continue;
    }
    // The consumer: this slice's contribution, added into the accumulator.
    Operation *contribution = builder.clone(*op);
    contribution->setOperands(operands);
    Value partial = contribution->getResult(0);
    accumulator = tosa::AddOp::create(builder, op->getLoc(), partial.getType(),
                                      carried.front(), partial);
  }

  if (accumulator)
    return {accumulator};
  // A materialised chain writes its result slices into the full results.
  SmallVector<Value> results;
  for (auto [value, into] : llvm::zip(
           chain.getBody().front().getTerminator()->getOperands(), carried)) {
    auto type = cast<RankedTensorType>(into.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), builder.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes,
        strides(type.getRank(), builder.getIndexAttr(1));
    for (int64_t extent : type.getShape())
      sizes.push_back(builder.getIndexAttr(extent));
    offsets.back() = offset;
    sizes.back() = builder.getIndexAttr(size);
    results.push_back(tensor::InsertSliceOp::create(builder, chain.getLoc(),
                                                    local.lookup(value), into,
                                                    offsets, sizes, strides));
  }
  return results;
}

void ChainLowering::lower() {
  Location loc = chain.getLoc();
  OpBuilder builder(chain);
  Block &body = chain.getBody().front();

  // Constants move out of the chain; block arguments become its inputs.
  SmallVector<Operation *> constants = hoistChainConstants(
      builder, body, chain.getInputs(), outer,
      [&](Operation &op) { return !structure.stages.count(&op); });

  // Loop-carried values: the zeroed accumulator, or the full results.
  SmallVector<Value> inits;
  Operation *consumer = structure.consumer;
  if (consumer) {
    auto accType = cast<RankedTensorType>(consumer->getResult(0).getType());
    Value empty = tensor::EmptyOp::create(builder, loc, accType.getShape(),
                                          accType.getElementType());
    Value zero = arith::ConstantOp::create(
        builder, loc, builder.getZeroAttr(accType.getElementType()));
    inits.push_back(
        linalg::FillOp::create(builder, loc, zero, empty).getResult(0));
    auto iface = cast<ChannelSplitOpInterface>(consumer);
    for (unsigned i = 0, e = consumer->getNumOperands(); i < e; ++i) {
      OperandSlicing slicing = iface.getOperandSlicing(i, ChannelRole::Consume);
      if (slicing.kind != OperandKind::Bias || slicing.isSliced())
        continue;
      auto biasType = cast<RankedTensorType>(consumer->getOperand(i).getType());
      auto zeroType = biasType.clone({1});
      zeroBias = tosa::ConstOp::create(
          builder, loc, zeroType,
          DenseElementsAttr::get(
              zeroType, builder.getZeroAttr(zeroType.getElementType())));
    }
  } else {
    for (Type type : chain.getResultTypes()) {
      auto tensor = cast<RankedTensorType>(type);
      inits.push_back(tensor::EmptyOp::create(builder, loc, tensor.getShape(),
                                              tensor.getElementType()));
    }
  }

  // The full slices in one loop, then the remainder slice in a loop of one
  // iteration with its own static shapes. Both carry an attribute that
  // names the chain's full-size types, for the buffer check after
  // bufferization.
  llvm::SetVector<Attribute> fullTypes;
  for (Operation *op : ops)
    if (structure.stages.lookup(op) != ChainStage::Finish)
      for (Type type : op->getResultTypes())
        fullTypes.insert(TypeAttr::get(type));
  int64_t fullSlices = channels / sliceSize;
  int64_t remainder = channels % sliceSize;
  SmallVector<Value> carried = inits;
  auto emitLoop = [&](int64_t begin, int64_t end, int64_t size) {
    Value lower = arith::ConstantIndexOp::create(builder, loc, begin);
    Value upper = arith::ConstantIndexOp::create(builder, loc, end);
    Value step = arith::ConstantIndexOp::create(builder, loc, size);
    auto loop =
        scf::ForOp::create(builder, loc, lower, upper, step, carried,
                           [&](OpBuilder &nested, Location nestedLoc,
                               Value offset, ValueRange iterArgs) {
                             SmallVector<Value> next =
                                 emitSlice(nested, offset, size, iterArgs);
                             scf::YieldOp::create(nested, nestedLoc, next);
                           });
    NamedAttribute entries[] = {
        builder.getNamedAttr("channels", builder.getI64IntegerAttr(channels)),
        builder.getNamedAttr("slice_size", builder.getI64IntegerAttr(size)),
        builder.getNamedAttr("full_types",
                             builder.getArrayAttr(fullTypes.getArrayRef()))};
    loop->setAttr(pex::partial::kSliceLoopAttrName,
                  builder.getDictionaryAttr(entries));
    carried = SmallVector<Value>(loop.getResults());
  };
  emitLoop(0, fullSlices * sliceSize, sliceSize);
  if (remainder)
    emitLoop(fullSlices * sliceSize, channels, remainder);

  // After the loop: the bias once, then the finishing operations.
  SmallVector<Value> results = carried;
  if (consumer) {
    Value accumulator = carried.front();
    auto accType = cast<RankedTensorType>(accumulator.getType());
    auto iface = cast<ChannelSplitOpInterface>(consumer);
    for (unsigned i = 0, e = consumer->getNumOperands(); i < e; ++i) {
      OperandSlicing slicing = iface.getOperandSlicing(i, ChannelRole::Consume);
      if (slicing.kind != OperandKind::Bias || slicing.isSliced())
        continue;
      Value bias = outer.lookup(consumer->getOperand(i));
      if (pex::partial::isZeroSplat(bias))
        continue;
      auto biasType = cast<RankedTensorType>(bias.getType());
      // The bias broadcasts along the channels (the TOSA verifiers ensure
      // it has one value or one per output channel).
      SmallVector<int64_t> shape(accType.getRank(), 1);
      shape.back() = biasType.getNumElements();
      ImplicitLocOpBuilder b(consumer->getLoc(), builder);
      Value reshaped = tosa::ReshapeOp::create(
          b, biasType.clone(shape), bias, tosa::getTosaConstShape(b, shape));
      accumulator = tosa::AddOp::create(b, accType, accumulator, reshaped);
    }
    IRMapping finish = outer;
    finish.map(consumer->getResult(0), accumulator);
    for (Operation *op : ops)
      if (structure.stages.lookup(op) == ChainStage::Finish)
        builder.clone(*op, finish);
    results.clear();
    for (Value value : body.getTerminator()->getOperands())
      results.push_back(finish.lookup(value));
  }

  chain->replaceAllUsesWith(results);
  chain.erase();
  eraseUnusedConstants(constants);
  if (zeroBias && zeroBias.use_empty())
    zeroBias.getDefiningOp()->erase();
}

struct PartialLowerChainsPass
    : public partial::impl::PartialLowerChainsBase<PartialLowerChainsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (sliceSize < 0) {
      func.emitError("partial-lower-chains: slice-size must not be negative");
      return signalPassFailure();
    }
    SmallVector<ChainOp> chains;
    func.walk([&](ChainOp chain) { chains.push_back(chain); });
    for (ChainOp chain : chains) {
      ChainLowering lowering(chain, sliceSize);
      if (failed(lowering.check()))
        return signalPassFailure();
      lowering.lower();
    }
    SmallVector<RowChainOp> rowChains;
    func.walk([&](RowChainOp chain) { rowChains.push_back(chain); });
    for (RowChainOp chain : rowChains)
      if (failed(lowerRowChain(chain)))
        return signalPassFailure();
  }
};

} // namespace
