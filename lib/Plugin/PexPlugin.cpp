//===- PexPlugin.cpp - Pex as a plugin of stock mlir-opt ------------------===//
//
// Loaded by `mlir-opt --load-dialect-plugin=<lib> --load-pass-plugin=<lib>`:
// registers the partial and kernel dialects, the TOSA channel-split models
// and every Pex pass, so they run in stock tools exactly as in pex-opt.
//
//===----------------------------------------------------------------------===//

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "pex/Dialect/Kernel/IR/KernelDialect.h"
#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "pex/InitAllPasses.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Pex", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            registry->insert<pex::partial::PartialDialect,
                             pex::kernel::KernelDialect>();
            pex::partial::registerTosaChannelSplitModels(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Pex", LLVM_VERSION_STRING,
          []() { pex::registerAllPasses(); }};
}
