//===- ApplyPruning.cpp - apply structured-pruning hints ------------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "pex/Analysis/ChannelGroups.h"
#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXAPPLYPRUNING
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::partial;

namespace {

/// Elements of `attr` at positions `kept` of dimension `dim`, in order.
DenseElementsAttr gather(DenseElementsAttr attr, int64_t dim,
                         ArrayRef<int64_t> kept) {
  auto type = cast<RankedTensorType>(attr.getType());
  SmallVector<int64_t> shape(type.getShape());
  int64_t channels = shape[dim];
  shape[dim] = kept.size();
  auto newType = RankedTensorType::get(shape, type.getElementType());
  if (attr.isSplat())
    return DenseElementsAttr::get(newType, attr.getSplatValue<Attribute>());
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  int64_t outer = 1, inner = elementBytes;
  for (int64_t i = 0; i < dim; ++i)
    outer *= type.getDimSize(i);
  for (int64_t i = dim + 1; i < type.getRank(); ++i)
    inner *= type.getDimSize(i);
  ArrayRef<char> raw = attr.getRawData();
  std::vector<char> data;
  data.reserve(outer * kept.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t channel : kept) {
      const char *begin = raw.data() + (o * channels + channel) * inner;
      data.insert(data.end(), begin, begin + inner);
    }
  return DenseElementsAttr::getFromRawBuffer(newType, data);
}

/// Sum of absolute values per position of dimension `dim`.
std::vector<double> l1Norms(DenseElementsAttr attr, int64_t dim) {
  auto type = cast<RankedTensorType>(attr.getType());
  int64_t channels = type.getDimSize(dim);
  int64_t inner = 1;
  for (int64_t i = dim + 1; i < type.getRank(); ++i)
    inner *= type.getDimSize(i);
  std::vector<double> norms(channels, 0.0);
  int64_t index = 0;
  auto add = [&](double value) {
    norms[(index++ / inner) % channels] += std::abs(value);
  };
  if (type.getElementType().isInteger()) {
    for (const APInt &value : attr.getValues<APInt>())
      add(double(value.getSExtValue()));
  } else {
    for (const APFloat &value : attr.getValues<APFloat>())
      add(value.convertToDouble());
  }
  return norms;
}

struct PexApplyPruningPass
    : public pex::impl::PexApplyPruningBase<PexApplyPruningPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    ChannelGroups groups(func);
    for (const ChannelGroup &group : groups.getGroups()) {
      FailureOr<int64_t> kept = keptChannels(group);
      if (failed(kept))
        return signalPassFailure();
      if (*kept == group.channels)
        continue;
      if (failed(prune(group, *kept)))
        return signalPassFailure();
    }
    func.walk([](Operation *op) { op->removeAttr(kPruneHintAttrName); });
  }

  /// The channels a group keeps according to its producers' hints.
  FailureOr<int64_t> keptChannels(const ChannelGroup &group) {
    DictionaryAttr hint;
    for (Operation *producer : group.producers) {
      auto own = producer->getAttrOfType<DictionaryAttr>(kPruneHintAttrName);
      if (producer != group.producers.front() && own != hint)
        return producer->emitOpError(
            "has a pruning hint that differs from the other producers of its "
            "channel group");
      hint = own;
    }
    if (!hint)
      return group.channels;
    Operation *anchor = group.producers.front();
    auto before = hint.getAs<IntegerAttr>("channels_before");
    auto after = hint.getAs<IntegerAttr>("channels_after");
    if (!before || !after)
      return anchor->emitOpError()
             << kPruneHintAttrName
             << " needs integer channels_before and channels_after";
    if (before.getInt() != group.channels)
      return anchor->emitOpError("pruning hint is for ")
             << before.getInt() << " channels but the layer has "
             << group.channels;
    if (after.getInt() < 1 || after.getInt() > group.channels)
      return anchor->emitOpError("pruning hint keeps ")
             << after.getInt() << " of " << group.channels << " channels";
    if (!group.pinned.empty())
      return anchor->emitOpError("cannot be pruned: its channels are a ")
             << group.pinned;
    return after.getInt();
  }

  /// The channel slicing role in which `op` sees the group.
  static ChannelRole roleOf(const ChannelGroup &group, Operation *op) {
    if (llvm::is_contained(group.producers, op))
      return ChannelRole::Produce;
    if (llvm::is_contained(group.consumers, op))
      return ChannelRole::Consume;
    return ChannelRole::Local;
  }

  LogicalResult prune(const ChannelGroup &group, int64_t numKept) {
    // Rank channels by the L1 norm of the producers' filters.
    std::vector<double> norms(group.channels, 0.0);
    for (Operation *producer : group.producers) {
      auto iface = cast<ChannelSplitOpInterface>(producer);
      std::optional<int64_t> dim =
          iface.getOperandSlicing(1, ChannelRole::Produce).slicedDim;
      DenseElementsAttr weights;
      if (!dim || !matchPattern(producer->getOperand(1), m_Constant(&weights)))
        return producer->emitOpError("needs constant weights to be pruned");
      std::vector<double> own = l1Norms(weights, *dim);
      for (int64_t c = 0; c < group.channels; ++c)
        norms[c] += own[c];
    }
    auto order = llvm::to_vector(llvm::seq<int64_t>(0, group.channels));
    llvm::stable_sort(
        order, [&](int64_t a, int64_t b) { return norms[a] > norms[b]; });
    SmallVector<int64_t> kept(order.begin(), order.begin() + numKept);
    llvm::sort(kept);

    // Cut the constants every op reads per channel of the group.
    auto cut = [&](Operation *op, ChannelRole role) -> LogicalResult {
      auto iface = cast<ChannelSplitOpInterface>(op);
      for (unsigned i = 0, e = op->getNumOperands(); i < e; ++i) {
        OperandSlicing slicing = iface.getOperandSlicing(i, role);
        Value operand = op->getOperand(i);
        auto constOp = operand.getDefiningOp<tosa::ConstOp>();
        if (!slicing.isSliced() || !constOp)
          continue;
        auto values = dyn_cast<DenseElementsAttr>(constOp.getValues());
        if (!values)
          return op->emitOpError("reads per-channel constants that cannot be "
                                 "pruned (not dense elements)");
        if (cast<ShapedType>(values.getType()).getDimSize(*slicing.slicedDim) !=
            group.channels)
          continue;
        OpBuilder builder(op);
        DenseElementsAttr cutValues = gather(values, *slicing.slicedDim, kept);
        auto newConst = tosa::ConstOp::create(builder, constOp.getLoc(),
                                              cutValues.getType(), cutValues);
        op->setOperand(i, newConst);
        if (constOp->use_empty())
          constOp->erase();
      }
      // A reshape keeping the channels last: its shape's last entry.
      if (auto reshape = dyn_cast<tosa::ReshapeOp>(op)) {
        DenseElementsAttr shape;
        if (!matchPattern(reshape.getShape(), m_Constant(&shape)))
          return op->emitOpError("needs a constant shape to be pruned");
        SmallVector<int64_t> dims;
        for (const APInt &dim : shape.getValues<APInt>())
          dims.push_back(dim.getSExtValue());
        dims.back() = numKept;
        OpBuilder builder(op);
        auto shapeAttr = DenseIntElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                  builder.getIndexType()),
            dims);
        Operation *oldShape = reshape.getShape().getDefiningOp();
        reshape.getShapeMutable().assign(tosa::ConstShapeOp::create(
            builder, op->getLoc(),
            tosa::shapeType::get(op->getContext(), dims.size()), shapeAttr));
        if (oldShape->use_empty())
          oldShape->erase();
      }
      return success();
    };
    for (Operation *op : group.producers)
      if (failed(cut(op, ChannelRole::Produce)))
        return failure();
    for (Operation *op : group.locals)
      if (failed(cut(op, roleOf(group, op))))
        return failure();
    for (Operation *op : group.consumers)
      if (failed(cut(op, ChannelRole::Consume)))
        return failure();

    for (Value value : group.values) {
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() = numKept;
      value.setType(RankedTensorType::get(shape, type.getElementType()));
    }
    return success();
  }
};

} // namespace
