//===- pex-translate.cpp - Pex translation driver -------------------------===//
//
// Translates between MLIR and other representations, like mlir-translate.
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "Pex translation driver\n"));
}
