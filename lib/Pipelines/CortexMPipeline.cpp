//===- CortexMPipeline.cpp - the Cortex-M pipeline ------------------------===//

#include "pex/Pipelines/CortexMPipeline.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "pex/Pipelines/BufferizePipeline.h"
#include "pex/Pipelines/CortexMPasses.h"
#include "pex/Transforms/Passes.h"

using namespace mlir;

void mlir::pex::buildPexCortexMPipeline(
    OpPassManager &pm, const PexCortexMPipelineOptions &options) {
  pm.addPass(createPexVerifyInput());
  PexBufferizeOptions bufferize = options.getBufferizeOptions();
  bufferize.kernels = options.kernels;
  bufferize.checkBuffers = options.checkBuffers;
  bufferize.bufferAlignment = options.alignment;
  bufferize.recordReport = true;
  buildPexBufferizePipeline(pm, bufferize);

  // One static arena instead of a heap, and the C entry point.
  PexPlanMemoryOptions plan;
  plan.arenaName = options.name + "_arena";
  plan.alignment = options.alignment;
  pm.addPass(createPexPlanMemory(plan));
  // After the arena, so that it holds the kernels' buffers and scratch.
  if (options.kernels)
    pm.addPass(createPexKernelsToCalls());
  PexCortexMEntryOptions entry;
  entry.name = options.name;
  pm.addPass(createPexCortexMEntry(entry));
  if (!options.report.empty()) {
    PexMemoryReportOptions report;
    report.format = options.report;
    report.file = options.reportFile;
    pm.addPass(createPexMemoryReport(report));
  }

  // LLVM dialect for a 32-bit target: no memrefCopy, bare pointers.
  pm.addNestedPass<func::FuncOp>(createPexLowerCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  constexpr unsigned kIndexBitwidth = 32;
  FinalizeMemRefToLLVMConversionPassOptions memref;
  memref.indexBitwidth = kIndexBitwidth;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memref));
  // roundeven (a float QUANTIZE) and the round its expansion uses have no
  // Thumb instruction and would become libm calls a bare-metal program
  // cannot link: expand them to integer and float arithmetic.
  math::MathExpandOpsPassOptions expand;
  expand.opMnemonics = {"roundeven", "round"};
  pm.addPass(math::createMathExpandOpsPass(expand));
  pm.addPass(createConvertMathToLLVMPass());
  ArithToLLVMConversionPassOptions arith;
  arith.indexBitwidth = kIndexBitwidth;
  pm.addPass(createArithToLLVMConversionPass(arith));
  ConvertIndexToLLVMPassOptions index;
  index.indexBitwidth = kIndexBitwidth;
  pm.addPass(createConvertIndexToLLVMPass(index));
  ConvertControlFlowToLLVMPassOptions cf;
  cf.indexBitwidth = kIndexBitwidth;
  pm.addPass(createConvertControlFlowToLLVMPass(cf));
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  func.indexBitwidth = kIndexBitwidth;
  pm.addPass(createConvertFuncToLLVMPass(func));
  UBToLLVMConversionPassOptions ub;
  ub.indexBitwidth = kIndexBitwidth;
  pm.addPass(createUBToLLVMConversionPass(ub));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createPexCheckBareMetal());
}

void mlir::pex::registerPexCortexMPipeline() {
  PassPipelineRegistration<PexCortexMPipelineOptions>(
      "pex-cortexm-pipeline",
      "Compile a TOSA model with partial execution to the LLVM dialect for "
      "a bare-metal Cortex-M4/M7, with a static arena",
      buildPexCortexMPipeline);
}
