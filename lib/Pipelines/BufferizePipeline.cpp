//===- BufferizePipeline.cpp - the shared front half ----------------------===//

#include "pex/Pipelines/BufferizePipeline.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "pex/Conversion/Passes.h"
#include "pex/Dialect/Partial/Transforms/Passes.h"
#include "pex/Transforms/Passes.h"

using namespace mlir;

void mlir::pex::buildPexBufferizePipeline(OpPassManager &pm,
                                          const PexBufferizeOptions &options) {
  // Partial execution: chains, then loops over channel slices.
  if (options.partial) {
    partial::PartialFormChainsOptions form;
    form.slices = options.slices;
    form.rows = options.rows;
    form.band = options.band;
    form.sramBudget = options.sramBudget;
    pm.addNestedPass<func::FuncOp>(partial::createPartialFormChains(form));
  }
  if (options.recordReport) {
    PexMemoryReportOptions report;
    report.record = true;
    pm.addPass(createPexMemoryReport(report));
  }
  partial::PartialLowerChainsOptions lower;
  lower.sliceSize = options.sliceSize;
  pm.addNestedPass<func::FuncOp>(partial::createPartialLowerChains(lower));
  if (options.kernels)
    pm.addNestedPass<func::FuncOp>(createPexLowerToKernels());

  if (options.checkBuffers)
    pm.addPass(createPexMarkInt32Buffers());

  // TOSA -> linalg on tensors, and fused groups.
  OpPassManager &tosa = pm.nest<func::FuncOp>();
  tosa.addPass(tosa::createTosaToLinalgNamed());
  tosa.addPass(tosa::createTosaToLinalg());
  TosaToArithPassOptions arith;
  arith.includeApplyRescale = true;
  tosa.addPass(createTosaToArithPass(arith));
  tosa.addPass(createTosaToTensorPass());
  tosa.addPass(createPexFuseKernels());

  // Buffers: identity layouts at function boundaries, results written into
  // caller-provided buffers. An empty tensor that is only inserted into a
  // larger one (a slice of a materialised chain output, written pixel by
  // pixel) becomes that part of the destination: the kernel writes into the
  // output directly instead of into a slice buffer copied there.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bufferize.bufferAlignment = options.bufferAlignment;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  if (options.checkBuffers) {
    PexCheckBuffersOptions check;
    check.report = options.bufferReport;
    pm.addPass(createPexCheckBuffers(check));
  }
  // Copies of a subview onto itself, left by in-place tile updates.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}
