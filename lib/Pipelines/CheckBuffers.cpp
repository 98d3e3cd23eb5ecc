//===- CheckBuffers.cpp - check the buffers of bufferized code ------------===//
//
// Proves on the allocations of bufferized code that partial execution and
// kernel fusion kept what they promise: loops over channel slices allocate
// only slices, and no full-size int32 intermediate of a fused kernel exists.
// The loops are recognised by the attributes that --partial-lower-chains and
// --pex-fuse-kernels leave on them.
//
//===----------------------------------------------------------------------===//

#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "pex/Pipelines/Passes.h"
#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "pex/Dialect/Kernel/IR/KernelOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXCHECKBUFFERS
#include "pex/Pipelines/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

int64_t getBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return 0;
  return type.getNumElements() *
         ((type.getElementType().getIntOrFloatBitWidth() + 7) / 8);
}

/// The innermost enclosing loop carrying `attr`.
scf::ForOp getEnclosingLoop(Operation *op, StringRef attr) {
  for (auto loop = op->getParentOfType<scf::ForOp>(); loop;
       loop = loop->getParentOfType<scf::ForOp>())
    if (loop->hasAttr(attr))
      return loop;
  return nullptr;
}

/// Whether `buffer` (or a view of it) is the initial value of a loop over
/// channel slices: a chain accumulator.
bool isAccumulator(Value buffer) {
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto loop = dyn_cast<scf::ForOp>(user)) {
        if (loop->hasAttr(pex::partial::kSliceLoopAttrName) &&
            use.getOperandNumber() >= loop.getNumControlOperands())
          return true;
        continue;
      }
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == value)
          worklist.push_back(view->getResult(0));
      if (auto cast = dyn_cast<memref::CastOp>(user))
        worklist.push_back(cast.getResult());
    }
  }
  return false;
}

/// Whether nothing reads or writes `buffer`: it only gives a shape, like the
/// window operand of a linalg pooling operation.
/// Whether every use of `buffer` is the scratch operand of a kernel library
/// operation.
bool isKernelScratch(Value buffer) {
  return !buffer.use_empty() &&
         llvm::all_of(buffer.getUses(), [](OpOperand &use) {
           Operation *user = use.getOwner();
           return isa<pex::kernel::KernelDialect>(user->getDialect()) &&
                  pex::kernel::isScratchOperand(user, use.getOperandNumber());
         });
}

bool isShapeOnly(Value buffer) {
  for (OpOperand &use : buffer.getUses()) {
    Operation *user = use.getOwner();
    if (isa<memref::DeallocOp>(user))
      continue;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
    if (!linalgOp || !linalgOp.isDpsInput(&use) ||
        linalgOp.payloadUsesValueFromOperand(&use))
      return false;
  }
  return true;
}

/// Whether every dimension but the innermost two is 1: one output pixel of
/// an NHWC (or [N, H, W]) kernel.
bool isPixelTile(MemRefType type) {
  ArrayRef<int64_t> shape = type.getShape();
  for (int64_t i = 0, e = static_cast<int64_t>(shape.size()) - 2; i < e; ++i)
    if (shape[i] != 1)
      return false;
  return true;
}

struct Summary {
  unsigned total = 0, inSlices = 0, accumulators = 0, inTiles = 0, scratch = 0,
           other = 0;
  int64_t largestBytes = 0;
  Type largestType;
};

struct PexCheckBuffersPass
    : public pex::impl::PexCheckBuffersBase<PexCheckBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    bool failed = false;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      Summary summary;
      func.walk([&](Operation *op) {
        if (!isa<memref::AllocOp, memref::AllocaOp>(op))
          return;
        if (::failed(check(op, summary)))
          failed = true;
      });
      if (report) {
        llvm::outs() << "buffer check for @" << func.getSymName() << ": "
                     << summary.total << " allocations, " << summary.inSlices
                     << " in slice loops, " << summary.accumulators
                     << " accumulators, " << summary.inTiles
                     << " in kernel tiles, ";
        if (summary.scratch)
          llvm::outs() << summary.scratch << " kernel scratch, ";
        llvm::outs() << summary.other << " other";
        if (summary.largestType)
          llvm::outs() << "; largest " << summary.largestBytes << " bytes ("
                       << summary.largestType << ")";
        llvm::outs() << "\n";
      }
    }
    if (failed)
      signalPassFailure();
    markAllAnalysesPreserved();
  }

  LogicalResult check(Operation *alloc, Summary &summary) {
    auto type = cast<MemRefType>(alloc->getResult(0).getType());
    ++summary.total;
    int64_t bytes = getBytes(type);
    if (!summary.largestType || bytes > summary.largestBytes) {
      summary.largestBytes = bytes;
      summary.largestType = type;
    }

    // A buffer that nothing reads or writes holds no intermediate.
    if (isShapeOnly(alloc->getResult(0))) {
      ++summary.other;
      return success();
    }

    // The working memory of a kernel library call: its size follows the
    // kernel's window, not the channels of a chain.
    if (isKernelScratch(alloc->getResult(0))) {
      ++summary.scratch;
      return success();
    }

    if (scf::ForOp loop =
            getEnclosingLoop(alloc, pex::partial::kSliceLoopAttrName)) {
      ++summary.inSlices;
      auto info =
          loop->getAttrOfType<DictionaryAttr>(pex::partial::kSliceLoopAttrName);
      auto channels = info ? info.getAs<IntegerAttr>("channels") : nullptr;
      auto sliceSize = info ? info.getAs<IntegerAttr>("slice_size") : nullptr;
      auto fullTypes = info ? info.getAs<ArrayAttr>("full_types") : nullptr;
      if (!channels || !sliceSize || !fullTypes)
        return loop.emitError("malformed '")
               << pex::partial::kSliceLoopAttrName
               << "' attribute: expected channels, slice_size and full_types";
      // One slice of every channel: nothing is split, nothing to prove.
      if (sliceSize.getInt() >= channels.getInt())
        return success();
      // A full type with at most a slice's channels (the accumulator of a
      // consumer with few output channels) may be the type of a slice too.
      for (Attribute attr : fullTypes) {
        auto full = dyn_cast<ShapedType>(cast<TypeAttr>(attr).getValue());
        if (full && full.getRank() > 0 &&
            full.getShape().back() > sliceSize.getInt() &&
            full.getShape() == type.getShape() &&
            full.getElementType() == type.getElementType())
          return alloc->emitError("full-size intermediate ")
                 << full << " of a chain allocated in its slice loop";
      }
      // A per-pixel temporary of a kernel inside the slice loop (the padded
      // input window of a producer convolution holds every input channel).
      if (getEnclosingLoop(alloc, pex::kKernelTileAttrName))
        return success();
      // Other dimensions may be dynamic; the channels may not.
      if (type.getRank() > 0 &&
          (ShapedType::isDynamic(type.getShape().back()) ||
           type.getShape().back() > sliceSize.getInt()))
        return alloc->emitError("buffer ")
               << type << " in a loop over slices of " << sliceSize.getInt()
               << " channels is not a channel slice";
      return success();
    }

    if (!type.getElementType().isInteger(32)) {
      ++summary.other;
      return success();
    }
    if (getEnclosingLoop(alloc, pex::kKernelTileAttrName)) {
      ++summary.inTiles;
      if (!type.hasStaticShape() || !isPixelTile(type))
        return alloc->emitError("int32 buffer ")
               << type << " in a kernel tile loop is not a one-pixel tile";
      return success();
    }
    if (isAccumulator(alloc->getResult(0))) {
      ++summary.accumulators;
      return success();
    }
    // An int32 tensor of the model itself (softmax's sums, a dequantise's
    // widened input), which the memory model counts as a buffer.
    if (pex::isMarkedInt32Buffer(alloc->getLoc())) {
      ++summary.other;
      return success();
    }
    return alloc->emitError("full-size int32 intermediate ")
           << type << " outside a fused kernel and a chain";
  }
};

} // namespace
