//===- HostPipeline.h - the host pipeline -----------------------*- C++ -*-===//
//
// The host pipeline compiles a TOSA model, with or without partial
// execution, to the LLVM dialect, to run it on the build machine and compare
// the split program with the unsplit one.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TARGET_HOST_HOSTPIPELINE_H
#define PEX_TARGET_HOST_HOSTPIPELINE_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "pex/Pipelines/PipelineOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::pex {

struct PexHostPipelineOptions
    : public PexBufferizePipelineOptions<PexHostPipelineOptions> {
  PassOptions::Option<bool> bufferReport{
      *this, "buffer-report",
      llvm::cl::desc("Print the summary of --pex-check-buffers"),
      llvm::cl::init(false)};
  PassOptions::Option<std::string> entryPrefix{
      *this, "entry-prefix",
      llvm::cl::desc("Prefix of the names of the public functions"),
      llvm::cl::init("pex_")};
};

/// Adds the host pipeline to `pm` (on builtin.module): chain formation and
/// lowering, TOSA -> linalg, fused groups, one-shot bufferization with
/// identity layouts at function boundaries, results as out-parameters, the
/// buffer check, buffer deallocation and the lowering to the LLVM dialect
/// with bare-pointer calling conventions.
void buildPexHostPipeline(OpPassManager &pm,
                          const PexHostPipelineOptions &options);

/// Registers `--pex-host-pipeline`.
void registerPexHostPipeline();

/// Registers the interface models the host pipeline needs on the upstream
/// dialects (bufferization, deallocation, tiling, shape reification, value
/// bounds, allocation). pex-opt calls it; a tool that registers all of
/// MLIR's dialects (mlir-opt with the Pex plugin) has them already.
void registerPexHostInterfaces(DialectRegistry &registry);

} // namespace mlir::pex

#endif // PEX_TARGET_HOST_HOSTPIPELINE_H
