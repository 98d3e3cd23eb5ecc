//===- InitAllPasses.h - Pex pass registration ------------------*- C++ -*-===//

#ifndef PEX_INITALLPASSES_H
#define PEX_INITALLPASSES_H

#include "pex/Dialect/Partial/Transforms/Passes.h"
#include "pex/Pipelines/CortexMPasses.h"
#include "pex/Pipelines/CortexMPipeline.h"
#include "pex/Pipelines/HostPipeline.h"
#include "pex/Pipelines/Passes.h"
#include "pex/Pipelines/Pipelines.h"
#include "pex/Transforms/Passes.h"

namespace mlir::pex {

/// Registers every Pex pass and pipeline with the global registries.
inline void registerAllPasses() {
  partial::registerPartialPasses();
  registerPexPasses();
  registerPexPipelines();
  registerPexHostPasses();
  registerPexHostPipeline();
  registerPexCortexMPasses();
  registerPexCortexMPipeline();
}

} // namespace mlir::pex

#endif // PEX_INITALLPASSES_H
