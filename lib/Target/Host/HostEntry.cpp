//===- HostEntry.cpp - name the host entry points -------------------------===//

#include "pex/Target/Host/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXHOSTENTRY
#include "pex/Target/Host/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

struct PexHostEntryPass : public pex::impl::PexHostEntryBase<PexHostEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        entries.push_back(func);
    for (func::FuncOp func : entries) {
      std::string name = prefix + func.getSymName().str();
      if (symbols.lookup(name)) {
        func.emitError("cannot rename to '")
            << name << "': the symbol already exists";
        return signalPassFailure();
      }
      if (failed(symbols.rename(func, StringAttr::get(&getContext(), name))))
        return signalPassFailure();
    }
  }
};

} // namespace
