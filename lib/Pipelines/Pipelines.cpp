//===- Pipelines.cpp - Pex pass pipelines ---------------------------------===//

#include "pex/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "pex/Dialect/Partial/Transforms/Passes.h"
#include "pex/Transforms/Passes.h"

using namespace mlir;

void pex::buildPexPartialPipeline(OpPassManager &pm,
                                  const PexPartialPipelineOptions &options) {
  pm.addPass(createPexVerifyInput());
  if (options.partial) {
    partial::PartialFormChainsOptions formOptions;
    formOptions.sramBudget = options.sramBudget;
    formOptions.slices = options.slices;
    formOptions.rows = options.rows;
    formOptions.band = options.band;
    pm.addNestedPass<func::FuncOp>(
        partial::createPartialFormChains(formOptions));
  }
  if (!options.report.empty())
    pm.addPass(createPexMemoryReport(options.getReportOptions()));
}

void pex::registerPexPipelines() {
  PassPipelineRegistration<PexPartialPipelineOptions>(
      "pex-partial-pipeline",
      "Legality gate, chain formation and (optionally) the memory report",
      buildPexPartialPipeline);
}
