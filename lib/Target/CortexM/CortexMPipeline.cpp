//===- CortexMPipeline.cpp - the Cortex-M pipeline ------------------------===//

#include "pex/Target/CortexM/CortexMPipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "pex/Conversion/Passes.h"
#include "pex/Pipelines/BufferizePipeline.h"
#include "pex/Pipelines/LowerToLLVM.h"
#include "pex/Target/CortexM/Passes.h"
#include "pex/Transforms/Passes.h"

using namespace mlir;

void mlir::pex::buildPexCortexMPipeline(
    OpPassManager &pm, const PexCortexMPipelineOptions &options) {
  pm.addPass(createPexVerifyInput());
  PexBufferizeOptions bufferize = options.getBufferizeOptions();
  bufferize.kernels = options.kernels;
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
  // After the entry point, so that its input and output copies are glue;
  // before the report, which carries the profiled ids (pex.profile).
  if (options.profile)
    pm.addPass(createPexCortexMProfile());
  if (!options.report.empty())
    pm.addPass(createPexMemoryReport(options.getReportOptions()));

  // LLVM dialect for a 32-bit target: no memrefCopy, bare pointers.
  pm.addNestedPass<func::FuncOp>(createPexLowerCopies());
  PexLowerToLLVMOptions lowering;
  lowering.indexBitwidth = 32;
  buildLowerToLLVM(pm, lowering);
  pm.addPass(createPexCheckBareMetal());
}

void mlir::pex::registerPexCortexMPipeline() {
  PassPipelineRegistration<PexCortexMPipelineOptions>(
      "pex-cortexm-pipeline",
      "Compile a TOSA model with partial execution to the LLVM dialect for "
      "a bare-metal Cortex-M4/M7, with a static arena",
      buildPexCortexMPipeline);
}
