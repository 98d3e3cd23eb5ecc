//===- VerifyInput.cpp - legality gate of the Pex pipelines ---------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/ScopedPrinter.h"
#include <cstdint>
#include <optional>

namespace mlir::pex {
#define GEN_PASS_DEF_PEXVERIFYINPUT
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

/// TOSA's largest rank (MAX_RANK of level 8K); larger ranks are untested.
constexpr int64_t kMaxRank = 6;

/// The largest byte size a Cortex-M program can index: `index` is 32 bits
/// wide there and its loop bounds and offsets compare as signed.
constexpr int64_t kMaxIndexBytes = INT32_MAX;

/// Bytes of a static tensor type, or none when they overflow 64 bits.
std::optional<int64_t> tensorBytes(RankedTensorType tensor) {
  int64_t bytes = std::max<int64_t>(1, tensor.getElementTypeBitWidth() / 8);
  int64_t product;
  for (int64_t dim : tensor.getShape()) {
    if (llvm::MulOverflow(bytes, dim, product))
      return std::nullopt;
    bytes = product;
  }
  return bytes;
}

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
  // The memory model and chain formation index the last (channel)
  // dimension; TOSA's scalars are rank-1 tensors of one element.
  if (tensor.getRank() == 0)
    return "rank-0 tensor " + llvm::to_string(type) +
           " (tensors need rank 1 to " + std::to_string(kMaxRank) + ")";
  if (tensor.getRank() > kMaxRank)
    return "rank " + std::to_string(tensor.getRank()) + " of " +
           llvm::to_string(type) + " is above TOSA's maximum rank " +
           std::to_string(kMaxRank);
  Type element = tensor.getElementType();
  if (element.isInteger(16) || element.isInteger(48))
    return "int16 activations (element type " + llvm::to_string(element) +
           ") are not supported";
  if (!element.isInteger(1) && !element.isInteger(8) &&
      !element.isInteger(32) && !element.isF32())
    return "unsupported element type " + llvm::to_string(element);
  std::optional<int64_t> bytes = tensorBytes(tensor);
  if (!bytes || *bytes > kMaxIndexBytes)
    return llvm::to_string(type) +
           (bytes ? " has " + std::to_string(*bytes) + " bytes:" : ":") +
           " its byte size overflows 32 bits (limit " +
           std::to_string(kMaxIndexBytes) +
           " bytes, the range of a 32-bit index)";
  return "";
}

/// Why a `tosa.rescale` has parameters outside TOSA's ranges, or an empty
/// string. apply_scale_32 and apply_scale_16 require multiplier >= 0 and
/// 2 <= shift <= 62; outside them the lowering shifts by a negative or
/// too-large amount, which is undefined.
std::string checkRescale(tosa::RescaleOp rescale) {
  DenseIntElementsAttr multipliers, shifts;
  if (!matchPattern(rescale.getMultiplier(), m_Constant(&multipliers)) ||
      !matchPattern(rescale.getShift(), m_Constant(&shifts)))
    return "multiplier and shift must be constants";
  for (auto [index, multiplier] :
       llvm::enumerate(multipliers.getValues<APInt>()))
    if (multiplier.isNegative())
      return "multiplier #" + std::to_string(index) + " is " +
             std::to_string(multiplier.getSExtValue()) +
             ", TOSA requires multiplier >= 0";
  for (auto [index, shift] : llvm::enumerate(shifts.getValues<APInt>()))
    if (shift.getSExtValue() < 2 || shift.getSExtValue() > 62)
      return "shift #" + std::to_string(index) + " is " +
             std::to_string(shift.getSExtValue()) +
             ", TOSA requires 2 <= shift <= 62";
  return "";
}

/// The values of a `!tosa.shape` operand when it is a constant.
std::optional<SmallVector<int64_t>> constantShape(Value shape) {
  SmallVector<int64_t> values;
  Operation *op = shape.getDefiningOp();
  if (!op || !tosa::getConstShapeValues(op, values))
    return std::nullopt;
  return values;
}

/// Why a `tosa.slice` reads outside its input or disagrees with its result
/// type, or an empty string. TOSA requires constant start and size of the
/// input's rank with start >= 0, size >= 1, start + size <= the input's
/// extent and size equal to the result's extent; the verifier does not
/// check all of it, and the lowering then builds an invalid
/// tensor.extract_slice. Types that are not static are left to checkType.
std::string checkSlice(tosa::SliceOp slice) {
  std::optional<SmallVector<int64_t>> start = constantShape(slice.getStart());
  std::optional<SmallVector<int64_t>> size = constantShape(slice.getSize());
  if (!start || !size)
    return "start and size must be constant shapes";
  auto input = dyn_cast<RankedTensorType>(slice.getInput1().getType());
  auto result = dyn_cast<RankedTensorType>(slice.getType());
  if (!input || !result || !input.hasStaticShape() || !result.hasStaticShape())
    return "";
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(start->size()) != rank ||
      static_cast<int64_t>(size->size()) != rank || result.getRank() != rank)
    return "start, size and result must have the input's rank " +
           std::to_string(rank);
  for (int64_t dim = 0; dim < rank; ++dim) {
    int64_t first = (*start)[dim], count = (*size)[dim];
    int64_t extent = input.getDimSize(dim);
    if (count < 1)
      return "dimension " + std::to_string(dim) + ": size " +
             std::to_string(count) + ", TOSA requires size >= 1";
    if (first < 0 || first > extent - count)
      return "dimension " + std::to_string(dim) + ": start " +
             std::to_string(first) + " and size " + std::to_string(count) +
             " are outside the input's extent " + std::to_string(extent);
    if (count != result.getDimSize(dim))
      return "dimension " + std::to_string(dim) + ": size " +
             std::to_string(count) + " differs from the result's extent " +
             std::to_string(result.getDimSize(dim));
  }
  return "";
}

/// Why the values a function returns alias each other or an argument, or
/// an empty string. Each output is a buffer of its own that the caller
/// provides; an output that is an input or another output cannot be.
std::string checkReturn(func::ReturnOp ret) {
  llvm::DenseMap<Value, unsigned> first;
  for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
    if (auto arg = dyn_cast<BlockArgument>(value))
      if (isa<func::FuncOp>(arg.getOwner()->getParentOp()))
        return "result #" + std::to_string(index) + " is argument #" +
               std::to_string(arg.getArgNumber()) +
               " returned directly (an output cannot alias an input)";
    auto [it, inserted] = first.try_emplace(value, index);
    if (!inserted)
      return "result #" + std::to_string(index) +
             " is the same value as result #" + std::to_string(it->second) +
             " (each output needs a buffer of its own)";
  }
  return "";
}

/// The bytes of `type` that must be in SRAM at once, at least: a model
/// input or output is whole in the arena; an int8 activation may be split
/// into one-channel slices by partial execution; other tensors (constants
/// in flash, int32 accumulators computed a pixel at a time) are not
/// counted.
int64_t leastSramBytes(Type type, bool isModelPort) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getRank() == 0)
    return 0;
  int64_t bytes = tensorBytes(tensor).value_or(INT64_MAX);
  if (isModelPort)
    return bytes;
  if (!tensor.getElementType().isInteger(8))
    return 0;
  return bytes / std::max<int64_t>(1, tensor.getShape().back());
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
  using Base::Base;

  void runOnOperation() override {
    if (maxSram < 0) {
      getOperation().emitError("pex-verify-input needs max-sram >= 0");
      return signalPassFailure();
    }
    bool failedAny = false;
    auto reject = [&](Operation *op, const Twine &reason) {
      op->emitOpError("is not supported by Pex: ") << reason;
      failedAny = true;
      return WalkResult::skip();
    };
    // Why `type` (a model input or output when `isModelPort`) cannot be
    // held in max-sram bytes by any schedule.
    auto checkSram = [&](Type type, bool isModelPort) -> std::string {
      int64_t bytes = leastSramBytes(type, isModelPort);
      if (maxSram == 0 || bytes <= maxSram)
        return "";
      return llvm::to_string(type) + " needs " + std::to_string(bytes) +
             " bytes of SRAM" +
             (isModelPort ? "" : " even one channel at a time") +
             ", more than max-sram=" + std::to_string(maxSram);
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
        if (auto rescale = dyn_cast<tosa::RescaleOp>(op))
          if (std::string reason = checkRescale(rescale); !reason.empty())
            return reject(op, reason);
        if (auto slice = dyn_cast<tosa::SliceOp>(op))
          if (std::string reason = checkSlice(slice); !reason.empty())
            return reject(op, reason);
      } else if (!isa<func::FuncOp, func::ReturnOp>(op) &&
                 ns != pex::partial::PartialDialect::getDialectNamespace()) {
        return reject(op, "operations of the '" + ns +
                              "' dialect are not accepted as input");
      }
      if (auto func = dyn_cast<func::FuncOp>(op)) {
        for (auto [index, type] : llvm::enumerate(func.getArgumentTypes())) {
          std::string reason = checkType(type);
          if (reason.empty())
            reason = checkSram(type, /*isModelPort=*/true);
          if (!reason.empty())
            return reject(op, "argument #" + Twine(index) + ": " + reason);
        }
        for (auto [index, type] : llvm::enumerate(func.getResultTypes())) {
          std::string reason = checkType(type);
          if (reason.empty())
            reason = checkSram(type, /*isModelPort=*/true);
          if (!reason.empty())
            return reject(op, "result #" + Twine(index) + ": " + reason);
        }
      }
      if (auto ret = dyn_cast<func::ReturnOp>(op))
        if (std::string reason = checkReturn(ret); !reason.empty())
          return reject(op, reason);
      for (auto [index, type] : llvm::enumerate(op->getResultTypes())) {
        std::string reason = checkType(type);
        if (reason.empty() && !isa<tosa::ConstOp>(op))
          reason = checkSram(type, /*isModelPort=*/false);
        if (!reason.empty())
          return reject(op, "result #" + Twine(index) + ": " + reason);
      }
      return WalkResult::advance();
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
