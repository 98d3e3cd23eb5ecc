//===- TFLiteImport.h - TFLite flatbuffer to TOSA ---------------*- C++ -*-===//
//
// Imports an int8 TFLite model (flatbuffer, schema version 3) as a module
// holding one `func.func` of TOSA operations that computes, bit for bit,
// what TensorFlow Lite Micro's reference kernels compute. See
// docs/tflite-import.md for the supported operators and the arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TARGET_TFLITE_TFLITEIMPORT_H
#define PEX_TARGET_TFLITE_TFLITEIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::pex {

struct TFLiteImportOptions {
  /// Name of the imported function.
  std::string functionName = "main";
  /// Also return the output of every operator, in execution order, after
  /// the model's outputs; each result carries `tflite.tensor_index`. Lets a
  /// test compare every intermediate with a reference run.
  bool returnIntermediates = false;
  /// Reproduce TFLite Micro built with TFLITE_SINGLE_ROUNDING instead of its
  /// default double rounding.
  bool singleRounding = false;
};

/// Registers the dialects the imported module uses.
void registerTFLiteImportDialects(DialectRegistry &registry);

/// Imports `buffer` (the bytes of a .tflite file named `bufferName`). On a
/// malformed, truncated or unsupported file, emits one error that names the
/// file offset and what is wrong, and returns null; never reads outside
/// `buffer`.
OwningOpRef<ModuleOp> importTFLite(llvm::ArrayRef<uint8_t> buffer,
                                   llvm::StringRef bufferName,
                                   MLIRContext *context,
                                   const TFLiteImportOptions &options = {});

/// Registers `--import-tflite` (with `--tflite-function-name`,
/// `--tflite-return-intermediates` and `--tflite-single-rounding`) for
/// mlir-translate style drivers.
void registerTFLiteImportTranslation();

} // namespace mlir::pex

#endif // PEX_TARGET_TFLITE_TFLITEIMPORT_H
