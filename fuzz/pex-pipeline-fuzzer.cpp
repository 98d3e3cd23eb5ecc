//===- pex-pipeline-fuzzer.cpp - libFuzzer target of the Cortex-M pipeline ===//
//
// Parses the bytes as MLIR text with the dialects pex-opt registers and, when
// they parse and verify, runs the pipeline of `pex-opt --pex-cortexm-pipeline`
// on them, legality gate (--pex-verify-input) first. The pipeline may reject
// the input with a diagnostic; a crash, a sanitizer report, a hang or
// runaway memory is a bug. So is a pass that succeeds but leaves IR that does
// not verify: the verifier runs after every successful pass and aborts the
// run when it fails (pex-opt would report it as an error, but valid input
// must not make a pass produce invalid IR).
//
// Four pipeline variants, chosen by the input's size so that a run is
// reproducible from the file alone: the default options, the generic loops
// instead of the kernel library (kernels=false), channel chains only
// (rows=false; row chains are on by default) and the unsplit baseline
// (partial=false). With PEX_FUZZ_VERBOSE set in the
// environment, each run prints its pex-opt command, the diagnostics and how
// it ended ("not parsed", "rejected by <pass>" or "compiled");
// scripts/fuzz-pipeline.sh keeps the seeds that the gate accepts this way.
//
//===----------------------------------------------------------------------===//

#include "pex/InitAllDialects.h"
#include "pex/Target/CortexM/CortexMPipeline.h"
#include "pex/Target/Host/HostPipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace mlir;

namespace {

/// The pipeline options of each variant, as `--pex-cortexm-pipeline=` takes
/// them.
constexpr const char *kVariants[] = {"", "kernels=false", "rows=false",
                                     "partial=false"};

/// Runs the verifier after every pass that succeeded and aborts when the
/// IR it left does not verify; in verbose runs, names the pass that failed.
struct VerifyAfterPass : public PassInstrumentation {
  explicit VerifyAfterPass(bool verbose) : verbose(verbose) {}

  void runAfterPass(Pass *pass, Operation *op) override {
    if (succeeded(verify(op)))
      return;
    llvm::errs() << "pex-pipeline-fuzzer: the IR does not verify after '"
                 << pass->getArgument() << "' (" << pass->getName() << ")\n";
    std::abort();
  }

  void runAfterPassFailed(Pass *pass, Operation *) override {
    // An adaptor fails with the pass it runs; report the innermost one.
    if (verbose && !reported) {
      llvm::errs() << "rejected by " << pass->getArgument() << "\n";
      reported = true;
    }
  }

  bool verbose;
  bool reported = false;
};

const DialectRegistry &getRegistry() {
  static const DialectRegistry *registry = [] {
    auto *result = new DialectRegistry();
    pex::registerAllDialects(*result);
    pex::registerPexHostInterfaces(*result);
    return result;
  }();
  return *registry;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const bool verbose = std::getenv("PEX_FUZZ_VERBOSE") != nullptr;
  llvm::StringRef options = kVariants[size % std::size(kVariants)];
  if (verbose)
    llvm::errs() << "pex-opt --pex-cortexm-pipeline='{" << options << "}'\n";

  MLIRContext context(getRegistry(), MLIRContext::Threading::DISABLED);
  std::unique_ptr<ScopedDiagnosticHandler> quiet;
  if (!verbose)
    quiet = std::make_unique<ScopedDiagnosticHandler>(
        &context, [](Diagnostic &) { return success(); });

  // Parsing verifies the module; input that does not verify is rejected.
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      ParserConfig(&context), "fuzz.mlir");
  if (!module) {
    if (verbose)
      llvm::errs() << "not parsed\n";
    return 0;
  }

  auto pipelineOptions =
      pex::PexCortexMPipelineOptions::createFromString(options);
  if (!pipelineOptions) {
    llvm::errs() << "pex-pipeline-fuzzer: bad options '" << options << "'\n";
    std::abort();
  }
  PassManager pm(&context);
  pm.enableVerifier(false);
  pm.addInstrumentation(std::make_unique<VerifyAfterPass>(verbose));
  pex::buildPexCortexMPipeline(pm, *pipelineOptions);
  if (succeeded(pm.run(*module)) && verbose)
    llvm::errs() << "compiled\n";
  return 0;
}
