//===- LowerToLLVM.cpp - the shared back half -----------------------------===//

#include "pex/Pipelines/LowerToLLVM.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
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
  // roundeven (a float QUANTIZE) and the round its expansion uses have no
  // Thumb instruction and would become libm calls a bare-metal program
  // cannot link: expand them to integer and float arithmetic.
  math::MathExpandOpsPassOptions expand;
  expand.opMnemonics = {"roundeven", "round"};
  pm.addPass(math::createMathExpandOpsPass(expand));
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
