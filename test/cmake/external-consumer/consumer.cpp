//===- consumer.cpp - embed the Pex pipeline in another compiler ----------===//
//
// Parses a TOSA module, runs the host compiler's own passes around the Pex
// partial-execution pipeline, and prints the result.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"
#include "pex/InitAllDialects.h"
#include "pex/Pipelines/Pipelines.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    llvm::errs() << "usage: pex-consumer <tosa.mlir>\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  mlir::pex::registerAllDialects(registry);
  mlir::MLIRContext context(registry);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;

  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  mlir::pex::PexPartialPipelineOptions options;
  options.sramBudget = 0;
  options.report = "text";
  mlir::pex::buildPexPartialPipeline(pm, options);
  if (mlir::failed(pm.run(*module)))
    return 1;

  unsigned chains = 0;
  module->walk([&](mlir::Operation *op) {
    if (mlir::isa<mlir::pex::partial::ChainOp, mlir::pex::partial::RowChainOp>(
            op))
      ++chains;
  });
  llvm::outs() << "consumer: " << chains << " chain(s)\n";
  return 0;
}
