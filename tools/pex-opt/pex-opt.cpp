//===- pex-opt.cpp - Pex optimizer driver ---------------------------------===//
//
// Runs Pex and upstream MLIR passes on TOSA input, like mlir-opt.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "pex/InitAllDialects.h"
#include "pex/InitAllPasses.h"
#include "pex/Target/Host/HostPipeline.h"

namespace mlir::pex::test {
void registerTestForceChainsPass();
} // namespace mlir::pex::test

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::pex::registerAllPasses();
  mlir::pex::test::registerTestForceChainsPass();

  mlir::DialectRegistry registry;
  mlir::pex::registerAllDialects(registry);
  mlir::pex::registerPexHostInterfaces(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Pex optimizer driver\n", registry));
}
