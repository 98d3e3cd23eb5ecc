//===- PipelineOptions.h - options the Pex pipelines share ------*- C++ -*-===//
//
// Each option of the registered pipelines is declared once here, so that a
// flag has the same name, default and meaning in every pipeline that takes
// it:
//
//   PexChainPipelineOptions       partial, slices, rows, band, sram-budget
//                                 (pex-partial-pipeline and the targets)
//   PexBufferizePipelineOptions   + slice-size, check-buffers
//                                 (the pipelines that run the front half)
//   PexReportPipelineOptions      report, report-file (a mixin)
//
//===----------------------------------------------------------------------===//

#ifndef PEX_PIPELINES_PIPELINEOPTIONS_H
#define PEX_PIPELINES_PIPELINEOPTIONS_H

#include "mlir/Pass/PassOptions.h"
#include "pex/Pipelines/BufferizePipeline.h"
#include "pex/Transforms/Passes.h"

#include <cstdint>
#include <string>

namespace mlir::pex {

/// An option of the pipeline options below (their base is a template, so
/// the name `Option` of mlir::detail::PassOptions is not found in them).
template <typename T> using PexPipelineOption = detail::PassOptions::Option<T>;

/// Chain formation (`Derived`'s pipeline options).
template <typename Derived>
struct PexChainPipelineOptions : public PassPipelineOptions<Derived> {
  PexPipelineOption<bool> partial{
      *this, "partial",
      llvm::cl::desc("Form partial.chain ops (false: the unsplit "
                     "whole-buffer baseline)"),
      llvm::cl::init(true)};
  PexPipelineOption<int64_t> slices{
      *this, "slices",
      llvm::cl::desc("Force this many slices per chain (0: chosen by the "
                     "memory model)"),
      llvm::cl::init(0)};
  PexPipelineOption<bool> rows{
      *this, "rows",
      llvm::cl::desc("Stream the first layers band by band (a "
                     "partial.row_chain) when it lowers the peak"),
      llvm::cl::init(true)};
  PexPipelineOption<int64_t> band{
      *this, "band",
      llvm::cl::desc("Force this many output rows per band of the row chain "
                     "(0: chosen by the memory model)"),
      llvm::cl::init(0)};
  PexPipelineOption<int64_t> sramBudget{
      *this, "sram-budget",
      llvm::cl::desc("SRAM budget of chain formation in bytes (0: minimise "
                     "the peak)"),
      llvm::cl::init(0)};
};

/// The chain options, and those of the front half that the host and the
/// Cortex-M pipelines share (buildPexBufferizePipeline).
template <typename Derived>
struct PexBufferizePipelineOptions : public PexChainPipelineOptions<Derived> {
  PexPipelineOption<int64_t> sliceSize{
      *this, "slice-size",
      llvm::cl::desc("Force this many channels per slice in every chain "
                     "(0: as formed)"),
      llvm::cl::init(0)};
  PexPipelineOption<bool> checkBuffers{
      *this, "check-buffers",
      llvm::cl::desc("Run --pex-check-buffers after bufferization"),
      llvm::cl::init(true)};

  /// The front half's options with these options set.
  PexBufferizeOptions getBufferizeOptions() const {
    PexBufferizeOptions options;
    options.partial = this->partial;
    options.slices = this->slices;
    options.rows = this->rows;
    options.band = this->band;
    options.sliceSize = sliceSize;
    options.sramBudget = this->sramBudget;
    options.checkBuffers = checkBuffers;
    return options;
  }
};

/// Adds the memory report options to the pipeline options `Base`.
template <typename Base> struct PexReportPipelineOptions : public Base {
  PexPipelineOption<std::string> report{
      *this, "report",
      llvm::cl::desc("Print the memory report: '' (none), 'text' or 'json'"),
      llvm::cl::init("")};
  PexPipelineOption<std::string> reportFile{
      *this, "report-file",
      llvm::cl::desc("Memory report output file ('-' for standard output)"),
      llvm::cl::init("-")};

  /// The options of --pex-memory-report, printed as these options say.
  PexMemoryReportOptions getReportOptions() const {
    PexMemoryReportOptions options;
    options.format = report;
    options.file = reportFile;
    return options;
  }
};

} // namespace mlir::pex

#endif // PEX_PIPELINES_PIPELINEOPTIONS_H
