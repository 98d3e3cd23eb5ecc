//===- InitAllPasses.h - Pex pass registration ------------------*- C++ -*-===//

#ifndef PEX_INITALLPASSES_H
#define PEX_INITALLPASSES_H

#include "pex/Dialect/Partial/Transforms/Passes.h"
#include "pex/Transforms/Passes.h"

namespace mlir::pex {

/// Registers every Pex pass with the global pass registry.
inline void registerAllPasses() {
  partial::registerPartialPasses();
  registerPexPasses();
}

} // namespace mlir::pex

#endif // PEX_INITALLPASSES_H
