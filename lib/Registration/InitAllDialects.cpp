//===- InitAllDialects.cpp - Pex dialect registration ---------------------===//

#include "pex/InitAllDialects.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/InitAllExtensions.h"
#include "pex/Dialect/Kernel/IR/KernelDialect.h"
#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"

void mlir::pex::registerAllDialects(DialectRegistry &registry) {
  registry
      .insert<partial::PartialDialect, kernel::KernelDialect, tosa::TosaDialect,
              func::FuncDialect, arith::ArithDialect, tensor::TensorDialect,
              linalg::LinalgDialect, scf::SCFDialect, memref::MemRefDialect,
              bufferization::BufferizationDialect, LLVM::LLVMDialect,
              affine::AffineDialect, cf::ControlFlowDialect, math::MathDialect,
              vector::VectorDialect, index::IndexDialect, ub::UBDialect>();
  // Bufferization models, inliner and to-LLVM interfaces of the upstream
  // dialects; they attach lazily, only to dialects that get loaded.
  mlir::registerAllExtensions(registry);
  partial::registerTosaChannelSplitModels(registry);
}
