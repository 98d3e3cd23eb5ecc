//===- CountMacs.cpp - count multiply-accumulates -------------------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace mlir::pex {
#define GEN_PASS_DEF_PEXCOUNTMACS
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

std::string mlir::pex::getOperatorKey(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location part : fused.getLocations())
      if (std::string key = getOperatorKey(part); !key.empty())
        return key;
    return "";
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return getOperatorKey(call.getCallee());
  if (auto opaque = dyn_cast<OpaqueLoc>(loc))
    return getOperatorKey(opaque.getFallbackLocation());
  return "";
}

namespace {

int64_t numElements(Value value) {
  return cast<ShapedType>(value.getType()).getNumElements();
}

int64_t dimSize(Value value, unsigned dim) {
  return cast<ShapedType>(value.getType()).getDimSize(dim);
}

/// MACs of one execution of `op`, or nullopt if it does none.
std::optional<int64_t> getMacs(Operation *op) {
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    // output [N, OH, OW, OC] x weight [OC, KH, KW, IC] / OC
    Value weight = conv.getWeight();
    return numElements(conv.getOutput()) * numElements(weight) /
           dimSize(weight, 0);
  }
  if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    // output [N, OH, OW, C * M] x weight [KH, KW, C, M] / (C * M)
    Value weight = conv.getWeight();
    return numElements(conv.getOutput()) * dimSize(weight, 0) *
           dimSize(weight, 1);
  }
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    // a [N, H, C] x b [N, C, W]
    return numElements(matmul.getOutput()) * dimSize(matmul.getA(), 2);
  }
  return std::nullopt;
}

struct PexCountMacsPass : public pex::impl::PexCountMacsBase<PexCountMacsPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      llvm::MapVector<StringRef, int64_t> perOp;
      llvm::MapVector<std::string, int64_t, std::map<std::string, unsigned>>
          perLocationMacs;
      int64_t total = 0;
      WalkResult walk = func.walk([&](Operation *op) {
        std::optional<int64_t> macs = getMacs(op);
        if (!macs)
          return WalkResult::advance();
        int64_t count = *macs;
        for (auto loop = op->getParentOfType<scf::ForOp>(); loop;
             loop = loop->getParentOfType<scf::ForOp>()) {
          std::optional<int64_t> lower =
              getConstantIntValue(loop.getLowerBound());
          std::optional<int64_t> upper =
              getConstantIntValue(loop.getUpperBound());
          std::optional<int64_t> step = getConstantIntValue(loop.getStep());
          if (!lower || !upper || !step || *step <= 0) {
            op->emitError("cannot count the MACs of this operation: an "
                          "enclosing loop has no constant bounds");
            return WalkResult::interrupt();
          }
          count *= std::max<int64_t>(0, (*upper - *lower + *step - 1) / *step);
        }
        perOp[op->getName().getStringRef()] += count;
        perLocationMacs[pex::getOperatorKey(op->getLoc())] += count;
        total += count;
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return signalPassFailure();
      llvm::outs() << "macs for @" << func.getSymName() << ": " << total;
      if (!perOp.empty()) {
        llvm::outs() << " (";
        llvm::interleaveComma(perOp, llvm::outs(), [](const auto &entry) {
          llvm::outs() << entry.first << " " << entry.second;
        });
        llvm::outs() << ")";
      }
      llvm::outs() << "\n";
      // The key as a JSON string: any file name reads back unchanged.
      if (perLocation)
        for (const auto &[key, macs] : perLocationMacs)
          llvm::outs() << "  macs at " << llvm::json::Value(key) << ": " << macs
                       << "\n";
    }
    markAllAnalysesPreserved();
  }
};

} // namespace
