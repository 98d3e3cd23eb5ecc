//===- Pipelines.h - Pex pass pipelines -------------------------*- C++ -*-===//
//
// The Pex pipelines as C++ API, so that other compilers can embed them in
// their own pass managers, and their registration for pex-opt and the
// mlir-opt plugin (`--pex-partial-pipeline`).
//
//===----------------------------------------------------------------------===//

#ifndef PEX_PIPELINES_PIPELINES_H
#define PEX_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "pex/Pipelines/PipelineOptions.h"

namespace mlir::pex {

/// Options of the partial-execution front half: legality gate, chain
/// formation and, optionally, the memory report.
struct PexPartialPipelineOptions
    : public PexReportPipelineOptions<
          PexChainPipelineOptions<PexPartialPipelineOptions>> {};

/// Adds to `pm` (anchored on a builtin.module): --pex-verify-input, then
/// --partial-form-chains on every function unless `partial` is false, then
/// --pex-memory-report when `report` is set.
void buildPexPartialPipeline(OpPassManager &pm,
                             const PexPartialPipelineOptions &options);

/// Registers the Pex pipelines with the global pipeline registry.
void registerPexPipelines();

} // namespace mlir::pex

#endif // PEX_PIPELINES_PIPELINES_H
