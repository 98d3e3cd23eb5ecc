//===- CheckBareMetal.cpp - the backend contract of the Cortex-M pipeline -===//
//
// A model compiled for a microcontroller must link with nothing but the C
// library's memory functions and must not allocate: its only memory is the
// static arena, the constants in flash and the stack. Nor may it need the C
// math library, which the float operations without a Cortex-M instruction
// (sin, exp, floor on an M4, ...) become calls of. This pass proves it on
// the final IR, so a violation is an error at the operation rather than an
// undefined symbol at link time on the device.
//
//===----------------------------------------------------------------------===//

#include "pex/Target/CortexM/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/TypeUtilities.h"
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

/// The C math library function an operation becomes on a Cortex-M4 (or
/// Cortex-M7), or an empty string when it is computed by instructions:
/// their FPUs add, multiply, divide and take square roots, but have no
/// instruction for transcendental functions, and the M4's has none for
/// rounding either. A math dialect operation left unconverted would need
/// the same function.
std::string mathLibraryCall(Operation *op) {
  StringRef opName = op->getName().getStringRef(), name;
  if (opName.starts_with("math."))
    name = op->getName().stripDialect();
  else if (isa<LLVM::FRemOp>(op))
    name = "fmod";
  else if (opName.consume_front("llvm.intr.")) {
    if (opName == "powi")
      return "__powisf2"; // of the compiler's runtime library
    if (llvm::is_contained(
            {"sin",       "cos",   "tan",       "sincos", "asin",    "acos",
             "atan",      "atan2", "sinh",      "cosh",   "tanh",    "exp",
             "exp2",      "exp10", "log",       "log2",   "log10",   "pow",
             "ldexp",     "frexp", "floor",     "ceil",   "trunc",   "rint",
             "nearbyint", "round", "roundeven", "lround", "llround", "lrint",
             "llrint"},
            opName))
      name = opName;
  }
  if (name.empty() || op->getNumOperands() == 0)
    return "";
  Type element = getElementTypeOrSelf(op->getOperand(0).getType());
  if (!isa<FloatType>(element))
    return "";
  return (name + (element.isF32() ? "f" : "")).str();
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
      if (std::string call = mathLibraryCall(op);
          !call.empty() && !allowed.contains(call)) {
        op->emitOpError("needs '")
            << call
            << "' of the C math library, which a bare-metal object cannot "
               "link: the Cortex-M4 FPU has no instruction for it (an int8 "
               "model computes such functions with tosa.table)";
        failed = true;
        return;
      }
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
