//===- LowerToLLVM.cpp - the shared back half -----------------------------===//

#include "pex/Pipelines/LowerToLLVM.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

void mlir::pex::buildLowerToLLVM(OpPassManager &pm,
                                 const PexLowerToLLVMOptions &options) {
  const unsigned indexBitwidth = options.indexBitwidth;
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  FinalizeMemRefToLLVMConversionPassOptions memref;
  memref.indexBitwidth = indexBitwidth;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memref));
  pm.addPass(createConvertMathToLLVMPass());
  ArithToLLVMConversionPassOptions arith;
  arith.indexBitwidth = indexBitwidth;
  pm.addPass(createArithToLLVMConversionPass(arith));
  ConvertIndexToLLVMPassOptions index;
  index.indexBitwidth = indexBitwidth;
  pm.addPass(createConvertIndexToLLVMPass(index));
  ConvertControlFlowToLLVMPassOptions cf;
  cf.indexBitwidth = indexBitwidth;
  pm.addPass(createConvertControlFlowToLLVMPass(cf));
  // Bare pointers: a C caller passes plain buffers, not memref descriptors.
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  func.indexBitwidth = indexBitwidth;
  pm.addPass(createConvertFuncToLLVMPass(func));
  UBToLLVMConversionPassOptions ub;
  ub.indexBitwidth = indexBitwidth;
  pm.addPass(createUBToLLVMConversionPass(ub));
  pm.addPass(createReconcileUnrealizedCastsPass());
}
