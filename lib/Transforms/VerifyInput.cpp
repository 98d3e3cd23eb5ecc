//===- VerifyInput.cpp - legality gate of the Pex pipelines ---------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "llvm/Support/ScopedPrinter.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXVERIFYINPUT
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

/// Why a type cannot be compiled, or an empty string when it can.
std::string checkType(Type type) {
  if (isa<tosa::shapeType>(type))
    return "";
  if (isa<UnrankedTensorType>(type))
    return "unranked tensor";
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return type.isIntOrFloat() ? "" : "non-tensor type";
  if (!tensor.hasStaticShape())
    return "dynamic shape";
  Type element = tensor.getElementType();
  if (element.isInteger(1) || element.isInteger(8) || element.isInteger(32) ||
      element.isF32())
    return "";
  if (element.isInteger(16) || element.isInteger(48))
    return "int16 activations (element type " + llvm::to_string(element) +
           ") are not supported";
  return "unsupported element type " + llvm::to_string(element);
}

/// Why a TOSA op cannot be compiled, or an empty string when it can.
StringRef checkTosaOp(Operation *op) {
  if (isa<tosa::IfOp, tosa::WhileOp, tosa::YieldOp>(op))
    return "control flow";
  if (isa<tosa::VariableOp, tosa::VariableReadOp, tosa::VariableWriteOp>(op))
    return "stateful variables";
  if (isa<tosa::CustomOp>(op))
    return "custom operators";
  if (isa<tosa::FFT2dOp, tosa::RFFT2dOp>(op))
    return "FFTs";
  return "";
}

struct PexVerifyInputPass
    : public pex::impl::PexVerifyInputBase<PexVerifyInputPass> {
  void runOnOperation() override {
    bool failedAny = false;
    auto reject = [&](Operation *op, const Twine &reason) {
      op->emitOpError("is not supported by Pex: ") << reason;
      failedAny = true;
      return WalkResult::skip();
    };
    // Types are checked where values are defined (function arguments, op
    // results), so one bad value gets one diagnostic; a rejected op's
    // regions are not visited.
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op == getOperation().getOperation())
        return WalkResult::advance();
      Dialect *dialect = op->getDialect();
      StringRef ns = dialect ? dialect->getNamespace() : "";
      if (ns == "tosa") {
        if (StringRef reason = checkTosaOp(op); !reason.empty())
          return reject(op, reason);
      } else if (!isa<func::FuncOp, func::ReturnOp>(op) &&
                 ns != pex::partial::PartialDialect::getDialectNamespace()) {
        return reject(op, "operations of the '" + ns +
                              "' dialect are not accepted as input");
      }
      if (auto func = dyn_cast<func::FuncOp>(op)) {
        for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
          if (std::string reason = checkType(type); !reason.empty())
            return reject(op, "argument #" + Twine(index) + ": " + reason);
        for (auto [index, type] : llvm::enumerate(func.getResultTypes()))
          if (std::string reason = checkType(type); !reason.empty())
            return reject(op, "result #" + Twine(index) + ": " + reason);
      }
      for (auto [index, type] : llvm::enumerate(op->getResultTypes()))
        if (std::string reason = checkType(type); !reason.empty())
          return reject(op, "result #" + Twine(index) + ": " + reason);
      return WalkResult::advance();
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
