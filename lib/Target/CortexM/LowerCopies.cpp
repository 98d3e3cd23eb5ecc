//===- LowerCopies.cpp - copies without a runtime library -----------------===//
//
// The LLVM lowering of memref.copy calls `memrefCopy` from MLIR's C runner
// library unless both buffers are contiguous. A bare-metal object has no such
// library, so those copies become linalg.copy, which lowers to loops.
//
//===----------------------------------------------------------------------===//

#include "pex/Target/CortexM/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXLOWERCOPIES
#include "pex/Target/CortexM/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

/// What --finalize-memref-to-llvm lowers to the llvm.memcpy intrinsic: an
/// identity layout, or a static shape that is contiguous in row-major order.
bool lowersToMemcpy(Type type) {
  auto memrefType = dyn_cast<MemRefType>(type);
  return memrefType &&
         (memrefType.getLayout().isIdentity() ||
          (memrefType.hasStaticShape() && memrefType.getNumElements() > 0 &&
           memref::isStaticShapeAndContiguousRowMajor(memrefType)));
}

struct PexLowerCopiesPass
    : public pex::impl::PexLowerCopiesBase<PexLowerCopiesPass> {
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      if (lowersToMemcpy(copy.getSource().getType()) &&
          lowersToMemcpy(copy.getTarget().getType()))
        return;
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};

} // namespace
