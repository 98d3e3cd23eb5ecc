//===- BufferizePipeline.h - the shared front half --------------*- C++ -*-===//
//
// The front half that the host and the Cortex-M pipelines share: partial
// execution on TOSA, the conversion to linalg with fused groups, and
// bufferization with results as out-parameters. Both backends then start from
// the same buffers, so the host's differential tests speak for the code the
// Cortex-M backend compiles.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_PIPELINES_BUFFERIZEPIPELINE_H
#define PEX_PIPELINES_BUFFERIZEPIPELINE_H

#include <cstdint>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::pex {

struct PexBufferizeOptions {
  /// Form partial.chain ops (false: the unsplit whole-buffer baseline).
  bool partial = true;
  /// Slices per chain (0: chosen by the memory model).
  int64_t slices = 0;
  /// Stream the first layers by rows when it lowers the peak.
  bool rows = true;
  /// Output rows per band of the row chain (0: chosen by the memory model).
  int64_t band = 0;
  /// Channels per slice in every chain (0: as formed).
  int64_t sliceSize = 0;
  /// SRAM budget of chain formation in bytes (0: minimise the peak).
  int64_t sramBudget = 0;
  /// Replace the fused groups the kernel library computes by `kernel`
  /// operations (--pex-lower-to-kernels), after the chains are lowered.
  bool kernels = false;
  /// Run --pex-check-buffers after bufferization, and print its summary.
  bool checkBuffers = true;
  bool bufferReport = false;
  /// Alignment of the buffers and constants that bufferization creates.
  uint64_t bufferAlignment = 64;
  /// After chain formation, attach the memory report of the TOSA program to
  /// the module (`--pex-memory-report=record=true`), so that a report on the
  /// lowered model can still show it.
  bool recordReport = false;
};

/// Adds to `pm` (on builtin.module): --partial-form-chains (when `partial`),
/// the recorded memory report (when `recordReport`) and --partial-lower-chains
/// on every function, --pex-lower-to-kernels (when `kernels`), the TOSA ->
/// linalg conversions and --pex-fuse-kernels, one-shot bufferization with
/// identity layouts at function boundaries, results as out-parameters, the
/// buffer check, CSE and canonicalization. The functions then work on memrefs,
/// with one memref.alloc per buffer and no deallocation yet.
void buildPexBufferizePipeline(OpPassManager &pm,
                               const PexBufferizeOptions &options);

} // namespace mlir::pex

#endif // PEX_PIPELINES_BUFFERIZEPIPELINE_H
