//===- LowerToLLVM.h - the shared back half ---------------------*- C++ -*-===//
//
// The lowering from bufferized linalg, scf, memref and arith to the LLVM
// dialect that the host and the Cortex-M pipelines share. They differ only
// in the width of `index`, so that the two targets compile the same loops.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_PIPELINES_LOWERTOLLVM_H
#define PEX_PIPELINES_LOWERTOLLVM_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::pex {

struct PexLowerToLLVMOptions {
  /// Bit width of `index` in the LLVM dialect (0: from the data layout, 64
  /// bits on the host; 32 for Cortex-M).
  unsigned indexBitwidth = 0;
};

/// Adds to `pm` (on builtin.module): linalg to loops, scf to control flow,
/// strided metadata expansion, affine lowering, and the memref, math, arith,
/// index, cf, func and ub conversions to the LLVM dialect, with bare
/// pointers for memrefs at function boundaries, then the reconciliation of
/// unrealized casts.
void buildLowerToLLVM(OpPassManager &pm, const PexLowerToLLVMOptions &options);

} // namespace mlir::pex

#endif // PEX_PIPELINES_LOWERTOLLVM_H
