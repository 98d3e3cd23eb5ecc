//===- CortexMPipeline.h - the Cortex-M pipeline ----------------*- C++ -*-===//
//
// The Cortex-M pipeline compiles a TOSA model, with or without partial
// execution, to the LLVM dialect for a bare-metal Cortex-M4/M7: one static
// arena for every buffer (model input and output included), constants in
// flash, 32-bit indices, a C entry point `<name>_run`, no heap and no runtime
// library. `pex-translate --mlir-to-cortexm-obj` and
// `--mlir-to-cortexm-header` then write the object and its C header.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TARGET_CORTEXM_CORTEXMPIPELINE_H
#define PEX_TARGET_CORTEXM_CORTEXMPIPELINE_H

#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "pex/Pipelines/PipelineOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::pex {

struct PexCortexMPipelineOptions
    : public PexReportPipelineOptions<
          PexBufferizePipelineOptions<PexCortexMPipelineOptions>> {
  PassOptions::Option<std::string> name{
      *this, "name",
      llvm::cl::desc("Model name, a C identifier: the entry point is "
                     "<name>_run, the arena <name>_arena"),
      llvm::cl::init("model")};
  PassOptions::Option<bool> kernels{
      *this, "kernels",
      llvm::cl::desc("Compute the int8 convolutions, depthwise convolutions, "
                     "fully connected layers and chain accumulations with the "
                     "kernel library for ARMv7E-M (runtime/kernels; false: "
                     "the generic loops)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("The profiling build: wrap each operator's code in "
                     "calls of pex_profile_begin/pex_profile_end "
                     "(--pex-cortexm-profile), which the program provides"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> alignment{
      *this, "alignment",
      llvm::cl::desc("Alignment of the buffers in the arena and of the "
                     "constants, in bytes"),
      llvm::cl::init(8)};
};

/// Adds the Cortex-M pipeline to `pm` (on builtin.module): the legality gate,
/// the shared front half (chains, fused groups, bufferization, buffer check)
/// with the TOSA memory report recorded on the module and the fused groups
/// the kernel library computes as `kernel` operations, --pex-plan-memory,
/// --pex-kernels-to-calls, --pex-cortexm-entry, --pex-cortexm-profile in the
/// profiling build, the optional memory report,
/// copies without a runtime library, the lowering to the LLVM dialect with
/// 32-bit indices and bare-pointer calls, and --pex-check-bare-metal.
void buildPexCortexMPipeline(OpPassManager &pm,
                             const PexCortexMPipelineOptions &options);

/// Registers `--pex-cortexm-pipeline`.
void registerPexCortexMPipeline();

} // namespace mlir::pex

#endif // PEX_TARGET_CORTEXM_CORTEXMPIPELINE_H
