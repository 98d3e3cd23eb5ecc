//===- MemoryReport.cpp - print the memory report -------------------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "pex/Analysis/MemoryModel.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXMEMORYREPORT
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

struct PexMemoryReportPass
    : public pex::impl::PexMemoryReportBase<PexMemoryReportPass> {
  using Base::Base;

  void runOnOperation() override {
    if (format != "text" && format != "json") {
      getOperation().emitError("unknown memory report format '")
          << format << "' (expected 'text' or 'json')";
      return signalPassFailure();
    }
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(file, &error);
    if (!output) {
      getOperation().emitError("cannot open memory report file '")
          << file << "': " << error;
      return signalPassFailure();
    }
    std::vector<pex::MemoryReport> reports;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal())
        reports.push_back(pex::MemoryReport::build(func));
    if (format == "json")
      pex::MemoryReport::printJSON(output->os(), reports);
    else
      for (const pex::MemoryReport &report : reports)
        report.printText(output->os());
    output->keep();
    markAllAnalysesPreserved();
  }
};

} // namespace
