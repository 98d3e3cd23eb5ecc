//===- KernelOps.cpp - kernel dialect operations ----------------*- C++ -*-===//

#include "pex/Dialect/Kernel/IR/KernelOps.h"

#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "pex_kernels_abi.h"

using namespace mlir;
using namespace mlir::pex::kernel;
using namespace mlir::bufferization;

#define GET_OP_CLASSES
#include "pex/Dialect/Kernel/IR/KernelOps.cpp.inc"

int64_t mlir::pex::kernel::getConvScratchBytes(int64_t kernelH, int64_t kernelW,
                                               int64_t channels,
                                               bool segmented) {
  // The library's own formula (pex_kernels_abi.h), in int64.
  return pex_conv_scratch_bytes(kernelH, kernelW, channels, segmented);
}

ArrayRef<StringLiteral> mlir::pex::kernel::getLibraryFunctions() {
#define PEX_ENTRY_POINT_NAME(function) #function,
  static constexpr StringLiteral kFunctions[] = {
      PEX_KERNEL_ENTRY_POINTS(PEX_ENTRY_POINT_NAME)};
#undef PEX_ENTRY_POINT_NAME
  return kFunctions;
}

bool mlir::pex::kernel::isScratchOperand(Operation *op,
                                         unsigned operandNumber) {
  if (isa<Conv2DOp>(op))
    return operandNumber == 6;
  if (isa<Conv2DAccumulateOp>(op))
    return operandNumber == 3;
  return false;
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

namespace {

/// Checks that `value` is a statically shaped tensor or memref of `rank`
/// dimensions and element type `element`, and returns its shape.
FailureOr<ArrayRef<int64_t>> checkOperand(Operation *op, Value value,
                                          StringRef name, int64_t rank,
                                          Type element) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type || !type.hasRank() || type.getRank() != rank ||
      !type.hasStaticShape())
    return op->emitOpError(name)
           << " must be a statically shaped tensor or memref of rank " << rank
           << ", got " << value.getType();
  if (type.getElementType() != element)
    return op->emitOpError(name) << " must have element type " << element
                                 << ", got " << type.getElementType();
  return type.getShape();
}

LogicalResult checkInt8(Operation *op, StringRef name, int32_t value) {
  if (value < -128 || value > 127)
    return op->emitOpError(name) << " must be in [-128, 127], got " << value;
  return success();
}

LogicalResult checkOutputStage(Operation *op, int32_t outputZp, int32_t actMin,
                               int32_t actMax) {
  if (failed(checkInt8(op, "output_zp", outputZp)))
    return failure();
  if (actMin > actMax)
    return op->emitOpError("act_min ")
           << actMin << " is greater than act_max " << actMax;
  return success();
}

/// Checks the per-channel parameters (bias, multiplier, shift) of `channels`
/// output channels.
LogicalResult checkChannelParams(Operation *op, Value bias, Value multiplier,
                                 Value shift, int64_t channels) {
  Builder b(op->getContext());
  for (auto [value, name, element] :
       {std::make_tuple(bias, "bias", b.getI32Type()),
        std::make_tuple(multiplier, "multiplier", b.getI32Type()),
        std::make_tuple(shift, "shift", b.getI8Type())}) {
    FailureOr<ArrayRef<int64_t>> shape =
        checkOperand(op, value, name, 1, element);
    if (failed(shape))
      return failure();
    if ((*shape)[0] != channels)
      return op->emitOpError(name)
             << " must have " << channels << " elements, got " << (*shape)[0];
  }
  return success();
}

/// Checks the geometry of a convolution: one batch element, `stride`,
/// `pad` and `dilation` as TOSA has them, and the output extent TOSA's
/// formula gives.
LogicalResult checkWindow(Operation *op, ArrayRef<int64_t> input,
                          ArrayRef<int64_t> output, int64_t kernelH,
                          int64_t kernelW, ArrayRef<int64_t> stride,
                          ArrayRef<int64_t> pad, ArrayRef<int64_t> dilation) {
  if (input[0] != 1 || output[0] != 1)
    return op->emitOpError("expects one batch element, got ")
           << input[0] << " and " << output[0];
  if (stride.size() != 2 || dilation.size() != 2 || pad.size() != 4)
    return op->emitOpError("expects 2 strides, 2 dilations and 4 paddings");
  if (llvm::any_of(stride, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilation, [](int64_t d) { return d < 1; }) ||
      llvm::any_of(pad, [](int64_t p) { return p < 0; }))
    return op->emitOpError(
        "expects positive strides and dilations and non-negative paddings");
  int64_t kernel[2] = {kernelH, kernelW};
  for (int i = 0; i < 2; ++i) {
    int64_t span = input[1 + i] - 1 + pad[2 * i] + pad[2 * i + 1] -
                   (kernel[i] - 1) * dilation[i];
    int64_t expected = span < 0 ? 0 : span / stride[i] + 1;
    if (output[1 + i] != expected)
      return op->emitOpError("output ")
             << (i == 0 ? "height " : "width ") << output[1 + i]
             << " does not match the window: expected " << expected;
  }
  return success();
}

LogicalResult checkScratch(Operation *op, Value scratch, int64_t bytes) {
  Builder b(op->getContext());
  FailureOr<ArrayRef<int64_t>> shape =
      checkOperand(op, scratch, "scratch", 1, b.getI8Type());
  if (failed(shape))
    return failure();
  if ((*shape)[0] < bytes)
    return op->emitOpError("scratch has ")
           << (*shape)[0] << " bytes, the kernel needs " << bytes;
  return success();
}

/// Checks that the results are the types of the destinations on tensors, and
/// that there are none on memrefs.
LogicalResult checkResults(Operation *op) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  bool tensors = llvm::all_of(op->getOperandTypes(), [](Type type) {
    return isa<RankedTensorType>(type);
  });
  bool buffers = llvm::all_of(op->getOperandTypes(),
                              [](Type type) { return isa<MemRefType>(type); });
  if (!tensors && !buffers)
    return op->emitOpError(
        "expects all operands to be tensors or all to be memrefs");
  if (buffers) {
    if (op->getNumResults() != 0)
      return op->emitOpError("on memrefs has no results");
    return success();
  }
  if (op->getResultTypes() != TypeRange(dps.getDpsInits().getTypes()))
    return op->emitOpError(
        "on tensors returns one result of each destination's type");
  return success();
}

} // namespace

namespace {

/// The shapes of a convolution-like operation's operands.
struct WindowShapes {
  ArrayRef<int64_t> input, weights, output;
};

/// Checks the results, an int8 input and weights and an `output` (or
/// accumulator) of `outputElement`, all of rank 4, and returns their shapes.
FailureOr<WindowShapes> checkWindowOperands(Operation *op, Value input,
                                            Value weights, Value output,
                                            StringRef outputName,
                                            Type outputElement) {
  if (failed(checkResults(op)))
    return failure();
  Builder b(op->getContext());
  auto in = checkOperand(op, input, "input", 4, b.getI8Type());
  auto w = checkOperand(op, weights, "weights", 4, b.getI8Type());
  auto out = checkOperand(op, output, outputName, 4, outputElement);
  if (failed(in) || failed(w) || failed(out))
    return failure();
  return WindowShapes{*in, *w, *out};
}

/// Checks the per-channel parameters of `channels` output channels, the input
/// zero point and the output stage of an operation with all three.
template <typename OpT>
LogicalResult checkQuantization(OpT op, int64_t channels) {
  if (failed(checkChannelParams(op, op.getBias(), op.getMultiplier(),
                                op.getShift(), channels)) ||
      failed(checkInt8(op, "input_zp", op.getInputZp())))
    return failure();
  return checkOutputStage(op, op.getOutputZp(), op.getActMin(), op.getActMax());
}

} // namespace

LogicalResult Conv2DOp::verify() {
  Builder b(getContext());
  FailureOr<WindowShapes> shapes = checkWindowOperands(
      *this, getInput(), getWeights(), getOutput(), "output", b.getI8Type());
  if (failed(shapes))
    return failure();
  auto [input, weights, output] = *shapes;
  if (weights[3] != input[3] || weights[0] != output[3])
    return emitOpError("weights ")
           << "[O, KH, KW, C] do not match the input and output channels";
  if (failed(checkWindow(*this, input, output, weights[1], weights[2],
                         getStride(), getPad(), getDilation())) ||
      failed(checkQuantization(*this, output[3])))
    return failure();
  return checkScratch(*this, getScratch(),
                      getConvScratchBytes(weights[1], weights[2], input[3],
                                          /*segmented=*/false));
}

LogicalResult DepthwiseConv2DOp::verify() {
  Builder b(getContext());
  FailureOr<WindowShapes> shapes = checkWindowOperands(
      *this, getInput(), getWeights(), getOutput(), "output", b.getI8Type());
  if (failed(shapes))
    return failure();
  auto [input, weights, output] = *shapes;
  if (weights[2] != input[3] || weights[3] != 1 || output[3] != input[3])
    return emitOpError("weights [KH, KW, C, 1] do not match the input and "
                       "output channels (channel multiplier 1)");
  if (failed(checkWindow(*this, input, output, weights[0], weights[1],
                         getStride(), getPad(), getDilation())))
    return failure();
  return checkQuantization(*this, output[3]);
}

LogicalResult FullyConnectedOp::verify() {
  Builder b(getContext());
  FailureOr<WindowShapes> shapes = checkWindowOperands(
      *this, getInput(), getWeights(), getOutput(), "output", b.getI8Type());
  if (failed(shapes))
    return failure();
  auto [input, weights, output] = *shapes;
  if (input[1] != 1 || input[2] != 1 || output[1] != 1 || output[2] != 1 ||
      weights[1] != 1 || weights[2] != 1 || input[0] != output[0] ||
      weights[3] != input[3] || weights[0] != output[3])
    return emitOpError("expects input [N, 1, 1, C], weights [O, 1, 1, C] and "
                       "output [N, 1, 1, O]");
  return checkQuantization(*this, output[3]);
}

LogicalResult Conv2DAccumulateOp::verify() {
  Builder b(getContext());
  FailureOr<WindowShapes> shapes = checkWindowOperands(
      *this, getInput(), getWeights(), getAcc(), "acc", b.getI32Type());
  if (failed(shapes))
    return failure();
  auto [input, weights, acc] = *shapes;
  if (weights[3] != input[3] || weights[0] != acc[3])
    return emitOpError("weights [O, KH, KW, K] do not match the input "
                       "channels and the accumulator");
  if (failed(checkWindow(*this, input, acc, weights[1], weights[2], getStride(),
                         getPad(), getDilation())) ||
      failed(checkInt8(*this, "input_zp", getInputZp())))
    return failure();
  // The segmented layout needs the least scratch; the lowering checks the
  // layout the weights really have.
  return checkScratch(*this, getScratch(),
                      getConvScratchBytes(weights[1], weights[2], input[3],
                                          /*segmented=*/true));
}

LogicalResult RequantizeOp::verify() {
  if (failed(checkResults(*this)))
    return failure();
  Builder b(getContext());
  auto acc = checkOperand(*this, getAcc(), "acc", 4, b.getI32Type());
  auto output = checkOperand(*this, getOutput(), "output", 4, b.getI8Type());
  if (failed(acc) || failed(output))
    return failure();
  if (*acc != *output)
    return emitOpError("accumulator and output must have the same shape");
  if ((*acc)[0] != 1)
    return emitOpError("expects one batch element, got ") << (*acc)[0];
  if (failed(checkChannelParams(*this, getBias(), getMultiplier(), getShift(),
                                (*acc)[3])))
    return failure();
  return checkOutputStage(*this, getOutputZp(), getActMin(), getActMax());
}

//===----------------------------------------------------------------------===//
// Memory effects and bufferization, shared by every operation
//===----------------------------------------------------------------------===//

namespace {

/// Whether the destination `operand` of `op` is read: the consumer's
/// accumulator is; outputs and scratch are only written.
bool readsDestination(Operation *op, OpOperand &operand) {
  if (auto accumulate = dyn_cast<Conv2DAccumulateOp>(op))
    return &operand == &accumulate.getAccMutable();
  return false;
}

void getKernelEffects(
    Operation *op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    bool init = dps.isDpsInit(&operand);
    bool scratch = isScratchOperand(op, operand.getOperandNumber());
    if (!init || scratch || readsDestination(op, operand))
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
    if (init)
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

LogicalResult bufferizeKernelOp(Operation *op, RewriterBase &rewriter,
                                const BufferizationOptions &options,
                                BufferizationState &state) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  SmallVector<Value> operands, destinations;
  for (OpOperand &operand : op->getOpOperands()) {
    FailureOr<Value> buffer =
        getBuffer(rewriter, operand.get(), options, state);
    if (failed(buffer))
      return failure();
    operands.push_back(*buffer);
    if (dps.isDpsInit(&operand))
      destinations.push_back(*buffer);
  }
  rewriter.setInsertionPoint(op);
  OperationState bufferized(op->getLoc(), op->getName(), operands, TypeRange{},
                            op->getAttrs());
  rewriter.create(bufferized);
  replaceOpWithBufferizedValues(rewriter, op, destinations);
  return success();
}

} // namespace

#define PEX_KERNEL_OP_INTERFACES(Op)                                           \
  void Op::getEffects(                                                         \
      SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>      \
          &effects) {                                                          \
    getKernelEffects(*this, effects);                                          \
  }                                                                            \
  bool Op::bufferizesToMemoryRead(OpOperand &operand, const AnalysisState &) { \
    return !isDpsInit(&operand) || readsDestination(*this, operand);           \
  }                                                                            \
  bool Op::bufferizesToMemoryWrite(OpOperand &operand,                         \
                                   const AnalysisState &) {                    \
    return isDpsInit(&operand);                                                \
  }                                                                            \
  AliasingValueList Op::getAliasingValues(OpOperand &operand,                  \
                                          const AnalysisState &) {             \
    if (!isDpsInit(&operand))                                                  \
      return {};                                                               \
    return {{getTiedOpResult(&operand), BufferRelation::Equivalent}};          \
  }                                                                            \
  LogicalResult Op::bufferize(RewriterBase &rewriter,                          \
                              const BufferizationOptions &options,             \
                              BufferizationState &state) {                     \
    return bufferizeKernelOp(*this, rewriter, options, state);                 \
  }

PEX_KERNEL_OP_INTERFACES(Conv2DOp)
PEX_KERNEL_OP_INTERFACES(DepthwiseConv2DOp)
PEX_KERNEL_OP_INTERFACES(FullyConnectedOp)
PEX_KERNEL_OP_INTERFACES(Conv2DAccumulateOp)
PEX_KERNEL_OP_INTERFACES(RequantizeOp)

#undef PEX_KERNEL_OP_INTERFACES
