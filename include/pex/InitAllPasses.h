//===- InitAllPasses.h - Pex pass registration ------------------*- C++ -*-===//

#ifndef PEX_INITALLPASSES_H
#define PEX_INITALLPASSES_H

#include "pex/Conversion/Passes.h"
#include "pex/Dialect/Partial/Transforms/Passes.h"
#include "pex/Pipelines/Pipelines.h"
#include "pex/Target/CortexM/CortexMPipeline.h"
#include "pex/Target/CortexM/Passes.h"
#include "pex/Target/Host/HostPipeline.h"
#include "pex/Target/Host/Passes.h"
#include "pex/Transforms/Passes.h"

namespace mlir::pex {

/// Registers every Pex pass and pipeline with the global registries.
inline void registerAllPasses() {
  partial::registerPartialPasses();
  registerPexPasses();
  registerPexConversionPasses();
  registerPexPipelines();
  registerPexHostPasses();
  registerPexHostPipeline();
  registerPexCortexMPasses();
  registerPexCortexMPipeline();
}

} // namespace mlir::pex

#endif // PEX_INITALLPASSES_H
