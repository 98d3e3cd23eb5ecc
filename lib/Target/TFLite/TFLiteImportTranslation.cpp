//===- TFLiteImportTranslation.cpp - --import-tflite ----------------------===//

#include "pex/Target/TFLite/TFLiteImport.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace {

llvm::cl::OptionCategory tfliteCategory("TFLite import options");

llvm::cl::opt<std::string>
    functionName("tflite-function-name",
                 llvm::cl::desc("Name of the imported function"),
                 llvm::cl::init("main"), llvm::cl::cat(tfliteCategory));

llvm::cl::opt<bool> returnIntermediates(
    "tflite-return-intermediates",
    llvm::cl::desc("Also return every operator's output, in execution order, "
                   "tagged with tflite.tensor_index"),
    llvm::cl::init(false), llvm::cl::cat(tfliteCategory));

llvm::cl::opt<bool> singleRounding(
    "tflite-single-rounding",
    llvm::cl::desc("Reproduce TFLite Micro built with TFLITE_SINGLE_ROUNDING"),
    llvm::cl::init(false), llvm::cl::cat(tfliteCategory));

} // namespace

void mlir::pex::registerTFLiteImportTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-tflite", "Import a TFLite flatbuffer (.tflite) as TOSA",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        TFLiteImportOptions options;
        options.functionName = functionName;
        options.returnIntermediates = returnIntermediates;
        options.singleRounding = singleRounding;
        llvm::ArrayRef<uint8_t> bytes(
            reinterpret_cast<const uint8_t *>(buffer->getBufferStart()),
            buffer->getBufferSize());
        return importTFLite(bytes, buffer->getBufferIdentifier(), context,
                            options);
      },
      [](DialectRegistry &registry) {
        registerTFLiteImportDialects(registry);
      });
}
