//===- pex-tflite-fuzzer.cpp - libFuzzer target of the TFLite importer ----===//
//
// Feeds arbitrary bytes to importTFLite. The importer must either return a
// verified module or report an error: the sanitizers catch out-of-bounds
// reads, undefined behaviour and leaks; libFuzzer catches crashes, hangs and
// runaway memory. Diagnostics are swallowed to keep the fuzzer fast.
//
//===----------------------------------------------------------------------===//

#include "pex/Target/TFLite/TFLiteImport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::pex::TFLiteImportOptions options;
  // Both result layouts, chosen by the input so runs stay reproducible.
  options.returnIntermediates = size % 2 == 1;
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::pex::importTFLite(
      llvm::ArrayRef<uint8_t>(data, size), "fuzz.tflite", &context, options);
  return 0;
}
