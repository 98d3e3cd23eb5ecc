//===- MarkInt32Buffers.cpp - mark the int32 buffers of the memory model --===//
//
// The memory model decides which int32 tensors are buffers and which are
// intermediates of a fused group; --pex-check-buffers, after
// bufferization, must tell the two apart to accept the first and reject a
// materialised second. Locations are what survives from TOSA to memref, so
// the decision travels in them.
//
//===----------------------------------------------------------------------===//

#include "pex/Transforms/Passes.h"

#include "pex/Analysis/MemoryModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXMARKINT32BUFFERS
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

bool mlir::pex::isMarkedInt32Buffer(Location loc) {
  bool marked = false;
  loc->walk([&](Location inner) {
    auto fused = dyn_cast<FusedLoc>(inner);
    auto tag =
        fused ? dyn_cast_or_null<StringAttr>(fused.getMetadata()) : nullptr;
    marked = tag && tag.getValue() == kInt32BufferLocTag;
    return marked ? WalkResult::interrupt() : WalkResult::advance();
  });
  return marked;
}

namespace {

bool isInt32Tensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isInteger(32);
}

struct PexMarkInt32BuffersPass
    : public pex::impl::PexMarkInt32BuffersBase<PexMarkInt32BuffersPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    auto tag = StringAttr::get(context, pex::kInt32BufferLocTag);
    getOperation().walk([&](Operation *op) {
      if (!isa<tosa::TosaDialect>(op->getDialect()) ||
          op->hasTrait<OpTrait::ConstantLike>() ||
          pex::isMarkedInt32Buffer(op->getLoc()))
        return;
      bool buffer = llvm::any_of(op->getResults(), [](Value result) {
        return isInt32Tensor(result.getType()) &&
               !pex::isFusedIntermediate(result);
      });
      if (buffer)
        op->setLoc(FusedLoc::get(context, {op->getLoc()}, tag));
    });
  }
};

} // namespace
