//===- pex-translate.cpp - Pex translation driver -------------------------===//
//
// Translates between MLIR and other representations, like mlir-translate,
// plus Pex's own translations (--import-tflite, --mlir-to-cortexm-obj).
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "pex/Target/CortexM/CortexMTarget.h"
#include "pex/Target/TFLite/TFLiteImport.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlir::pex::registerTFLiteImportTranslation();
  mlir::pex::registerCortexMTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "Pex translation driver\n"));
}
