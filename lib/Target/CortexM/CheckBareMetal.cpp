//===- CheckBareMetal.cpp - the backend contract of the Cortex-M pipeline -===//
//
// A model compiled for a microcontroller must link with nothing but the C
// library's memory functions and must not allocate: its only memory is the
// static arena, the constants in flash and the stack. This pass proves it on
// the final IR, so a violation is an error at the operation rather than an
// undefined symbol at link time on the device.
//
//===----------------------------------------------------------------------===//

#include "pex/Target/CortexM/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "pex/Dialect/Kernel/IR/KernelOps.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXCHECKBAREMETAL
#include "pex/Target/CortexM/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

bool isHeapFunction(StringRef name) {
  return llvm::is_contained(
      {"malloc", "calloc", "realloc", "aligned_alloc", "posix_memalign", "free",
       "_mlir_memref_to_llvm_alloc", "_mlir_memref_to_llvm_free"},
      name);
}

struct PexCheckBareMetalPass
    : public pex::impl::PexCheckBareMetalBase<PexCheckBareMetalPass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::StringSet<> allowed;
    if (allowedSymbols.empty()) {
      for (StringRef symbol : {"memcpy", "memmove", "memset"})
        allowed.insert(symbol);
      for (StringRef symbol : pex::kernel::getLibraryFunctions())
        allowed.insert(symbol);
    } else
      for (const std::string &symbol : allowedSymbols)
        allowed.insert(symbol);
    std::string allowedList;
    {
      SmallVector<StringRef> names;
      for (const auto &entry : allowed)
        names.push_back(entry.getKey());
      llvm::sort(names);
      allowedList = llvm::join(names, ", ");
    }

    bool failed = false;
    getOperation().walk([&](Operation *op) {
      if (isa<memref::AllocOp, memref::ReallocOp, memref::DeallocOp>(op)) {
        op->emitError("heap allocation remains: the Cortex-M model has no "
                      "heap (every buffer belongs in the arena)");
        failed = true;
        return;
      }
      if (auto call = dyn_cast<CallOpInterface>(op)) {
        auto callee =
            dyn_cast_if_present<SymbolRefAttr>(call.getCallableForCallee());
        if (callee && isHeapFunction(callee.getLeafReference().getValue())) {
          op->emitError("call to '")
              << callee.getLeafReference().getValue()
              << "' remains: the Cortex-M model has no heap";
          failed = true;
        }
        return;
      }
      auto function = dyn_cast<FunctionOpInterface>(op);
      if (!function || !function.isExternal())
        return;
      StringRef name = SymbolTable::getSymbolName(op).getValue();
      if (allowed.contains(name))
        return;
      if (isHeapFunction(name))
        op->emitError("declares '")
            << name << "': the Cortex-M model has no heap";
      else
        op->emitError("declares '")
            << name << "', which a bare-metal object cannot link (allowed: "
            << allowedList << ")";
      failed = true;
    });
    if (failed)
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
