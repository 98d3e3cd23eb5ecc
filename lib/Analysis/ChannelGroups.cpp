//===- ChannelGroups.cpp - channels that are pruned together --------------===//

#include "pex/Analysis/ChannelGroups.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::partial;

static int64_t numElements(Value value) {
  return cast<ShapedType>(value.getType()).getNumElements();
}

static int64_t lastDim(Value value) {
  return cast<ShapedType>(value.getType()).getShape().back();
}

int64_t mlir::pex::getMacs(Operation *op) {
  if (isa<tosa::Conv2DOp>(op)) {
    // Each output element reads KH x KW x I weights.
    auto weight = cast<ShapedType>(op->getOperand(1).getType());
    return numElements(op->getResult(0)) * weight.getDimSize(1) *
           weight.getDimSize(2) * weight.getDimSize(3);
  }
  if (isa<tosa::DepthwiseConv2DOp>(op)) {
    auto weight = cast<ShapedType>(op->getOperand(1).getType());
    return numElements(op->getResult(0)) * weight.getDimSize(0) *
           weight.getDimSize(1);
  }
  if (isa<tosa::MatMulOp>(op)) {
    auto a = cast<ShapedType>(op->getOperand(0).getType());
    return numElements(op->getResult(0)) * a.getShape().back();
  }
  return 0;
}

static bool isTensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getRank() > 0;
}

ChannelGroups::ChannelGroups(func::FuncOp func) {
  llvm::EquivalenceClasses<Value> classes;
  llvm::SetVector<Value> values;
  llvm::DenseMap<Value, std::string> pins;
  auto add = [&](Value value) {
    classes.insert(value);
    values.insert(value);
  };
  auto pin = [&](Value value, const Twine &reason) {
    add(value);
    pins.try_emplace(value, reason.str());
  };
  struct Use {
    Operation *op;
    Value value;
    enum { Producer, Local, Consumer } kind;
  };
  SmallVector<Use> uses;

  for (BlockArgument arg : func.getArguments())
    if (isTensor(arg))
      pin(arg, "model input");
  func.walk([&](Operation *op) {
    if (isa<func::FuncOp>(op))
      return;
    if (isa<func::ReturnOp>(op)) {
      for (Value value : op->getOperands())
        if (isTensor(value))
          pin(value, "model output");
      return;
    }
    auto iface = dyn_cast<ChannelSplitOpInterface>(op);
    if (op->hasTrait<OpTrait::ConstantLike>() ||
        (iface && iface.residesInFlash()))
      return;
    std::string name = op->getName().getStringRef().str();
    ChannelClass cls = iface ? iface.getChannelClass() : ChannelClass::Barrier;
    if (cls == ChannelClass::Barrier) {
      for (Value value : op->getOperands())
        if (isTensor(value) && !value.getDefiningOp<tosa::ConstOp>())
          pin(value, "read by " + name);
      for (Value value : op->getResults())
        if (isTensor(value))
          pin(value, "written by " + name);
      return;
    }
    bool local = (cls & ChannelClass::Local) == ChannelClass::Local;
    for (Value result : op->getResults()) {
      if (!isTensor(result))
        continue;
      add(result);
      uses.push_back({op, result, local ? Use::Local : Use::Producer});
    }
    for (unsigned i = 0, e = op->getNumOperands(); i < e; ++i) {
      Value operand = op->getOperand(i);
      OperandSlicing slicing = iface.getOperandSlicing(
          i, local ? ChannelRole::Local : ChannelRole::Consume);
      if (slicing.kind != OperandKind::Activation || !slicing.isSliced() ||
          !isTensor(operand))
        continue;
      add(operand);
      if (local) {
        for (Value result : op->getResults())
          classes.unionSets(operand, result);
      } else {
        uses.push_back({op, operand, Use::Consumer});
      }
    }
  });

  llvm::DenseMap<Value, int> leaderGroup;
  for (Value value : values) {
    Value leader = classes.getLeaderValue(value);
    auto [it, inserted] = leaderGroup.try_emplace(leader, groups.size());
    if (inserted) {
      groups.emplace_back();
      groups.back().channels = lastDim(value);
    }
    ChannelGroup &group = groups[it->second];
    group.values.push_back(value);
    groupOf[value] = it->second;
    if (auto pinIt = pins.find(value);
        pinIt != pins.end() && group.pinned.empty())
      group.pinned = pinIt->second;
  }

  llvm::DenseSet<std::pair<Operation *, int>> seen;
  for (const Use &use : uses) {
    int index = groupOf.lookup(use.value);
    if (!seen.insert({use.op, index * 3 + use.kind}).second)
      continue;
    ChannelGroup &group = groups[index];
    int64_t macs = getMacs(use.op);
    int64_t channels = lastDim(use.op->getResult(0));
    switch (use.kind) {
    case Use::Producer: {
      group.producers.push_back(use.op);
      group.macsPerChannel += macs / channels;
      // Weights are [O, ...] for conv2d and [N, C, O] for matmul.
      int64_t weights = numElements(use.op->getOperand(1));
      group.paramsPerChannel += weights / channels + 1;
      break;
    }
    case Use::Local:
      group.locals.push_back(use.op);
      if (isa<tosa::DepthwiseConv2DOp>(use.op)) {
        group.macsPerChannel += macs / channels;
        group.paramsPerChannel +=
            numElements(use.op->getOperand(1)) / channels + 1;
      }
      break;
    case Use::Consumer: {
      group.consumers.push_back(use.op);
      int64_t inputChannels = lastDim(use.value);
      group.macsPerChannel += macs / inputChannels;
      group.paramsPerChannel +=
          numElements(use.op->getOperand(1)) / inputChannels;
      break;
    }
    }
  }
  func.walk([&](Operation *op) {
    if (int64_t macs = getMacs(op)) {
      totalMacs += macs;
      totalParams += numElements(op->getOperand(1));
    }
  });
}

int ChannelGroups::getGroupOf(Value value) const {
  auto it = groupOf.find(value);
  return it == groupOf.end() ? -1 : it->second;
}
