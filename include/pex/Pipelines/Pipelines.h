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
#include "mlir/Pass/PassOptions.h"

namespace mlir::pex {

/// Options of the partial-execution front half: legality gate, chain
/// formation and, optionally, the memory report.
struct PexPartialPipelineOptions
    : public PassPipelineOptions<PexPartialPipelineOptions> {
  Option<bool> partial{*this, "partial",
                       llvm::cl::desc("Form partial.chain ops (false: keep "
                                      "every tensor whole, the baseline)"),
                       llvm::cl::init(true)};
  Option<int64_t> sramBudget{
      *this, "sram-budget",
      llvm::cl::desc("Stop forming chains once the peak is at most this many "
                     "bytes (0: minimise the peak)"),
      llvm::cl::init(0)};
  Option<int64_t> slices{
      *this, "slices",
      llvm::cl::desc("Force this many slices per chain (0: choose)"),
      llvm::cl::init(0)};
  Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Print the memory report: '' (no report), 'text' or "
                     "'json'"),
      llvm::cl::init("")};
  Option<std::string> reportFile{
      *this, "report-file",
      llvm::cl::desc("Memory report output file ('-' for standard output)"),
      llvm::cl::init("-")};
};

/// Adds to `pm` (anchored on a builtin.module): --pex-verify-input, then
/// --partial-form-chains on every function unless `partial` is false, then
/// --pex-memory-report when `report` is set.
void buildPexPartialPipeline(OpPassManager &pm,
                             const PexPartialPipelineOptions &options);

/// Registers the Pex pipelines with the global pipeline registry.
void registerPexPipelines();

} // namespace mlir::pex

#endif // PEX_PIPELINES_PIPELINES_H
