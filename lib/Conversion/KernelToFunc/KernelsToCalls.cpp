//===- KernelsToCalls.cpp - kernel operations to library calls ------------===//
//
// Replaces every operation of the kernel dialect on memrefs by a call of the
// int8 kernel library (runtime/kernels/include/pex_kernels.h): each buffer
// becomes a pointer (its aligned base plus its offset), the geometry and
// quantisation become a constant parameter block of i32 in flash, and the
// strides of the memrefs become the kernel's pixel and weight strides. The
// blocks are filled by the field indices of the library's ABI header
// (pex_kernels_abi.h), which the library's structs are defined from.
//
//===----------------------------------------------------------------------===//

#include "pex/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "pex/Dialect/Kernel/IR/KernelOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include "pex_kernels_abi.h"

#include <array>

namespace mlir::pex {
#define GEN_PASS_DEF_PEXKERNELSTOCALLS
#include "pex/Conversion/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;
using namespace mlir::pex;

namespace {

/// The static strides of a memref (in elements), or failure.
FailureOr<SmallVector<int64_t>> getStrides(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return failure();
  return strides;
}

/// Whether dimension `dim` of `buffer` has stride `expected` (a dimension of
/// size 1 has any stride).
bool hasStride(Value buffer, ArrayRef<int64_t> strides, unsigned dim,
               int64_t expected) {
  return cast<MemRefType>(buffer.getType()).getDimSize(dim) == 1 ||
         strides[dim] == expected;
}

/// The pixel stride of an NHWC buffer whose pixels are `pixelStride` apart
/// and whose rows are `width * pixelStride` apart, or failure.
FailureOr<int64_t> getPixelStride(Value buffer) {
  FailureOr<SmallVector<int64_t>> strides = getStrides(buffer);
  if (failed(strides))
    return failure();
  ArrayRef<int64_t> shape = cast<MemRefType>(buffer.getType()).getShape();
  int64_t pixel = shape[2] > 1   ? (*strides)[2]
                  : shape[1] > 1 ? (*strides)[1]
                                 : shape[3];
  if (!hasStride(buffer, *strides, 3, 1) ||
      !hasStride(buffer, *strides, 2, pixel) ||
      !hasStride(buffer, *strides, 1, shape[2] * pixel) || pixel < shape[3])
    return failure();
  return pixel;
}

/// How a kernel addresses an NHWC input: its pixel stride and the width it
/// is told, which sets the row stride (`width * pixel`).
struct InputLayout {
  int64_t pixel, width;
};

/// The layout of the input of a convolution producing `outWidth` columns.
/// An input whose rows are further apart than its pixels (a view that drops
/// the last columns, as TFLite's strided convolutions slice their input) is
/// addressed as the wider rows of the buffer it views, which is exact when no
/// window reaches past the view's last column (there would be padding).
FailureOr<InputLayout> getInputLayout(Value input, int64_t outWidth,
                                      int64_t kernelW, int64_t strideW,
                                      int64_t dilationW, int64_t padLeft) {
  FailureOr<int64_t> pixel = getPixelStride(input);
  ArrayRef<int64_t> shape = cast<MemRefType>(input.getType()).getShape();
  if (succeeded(pixel))
    return InputLayout{*pixel, shape[2]};
  FailureOr<SmallVector<int64_t>> strides = getStrides(input);
  if (failed(strides) || shape[1] < 2 || shape[2] < 2)
    return failure();
  int64_t pixelStride = (*strides)[2], rowStride = (*strides)[1];
  int64_t lastColumn =
      (outWidth - 1) * strideW + (kernelW - 1) * dilationW - padLeft;
  if (!hasStride(input, *strides, 3, 1) || pixelStride < shape[3] ||
      rowStride % pixelStride != 0 || rowStride / pixelStride < shape[2] ||
      lastColumn >= shape[2])
    return failure();
  return InputLayout{pixelStride, rowStride / pixelStride};
}

/// The row stride of the weights `[O, KH, KW, C]` as a slice of a dense
/// `[O', KH, KW, Cw]` tensor: Cw, or failure.
FailureOr<int64_t> getConvWeightStride(Value weights) {
  FailureOr<SmallVector<int64_t>> strides = getStrides(weights);
  if (failed(strides))
    return failure();
  ArrayRef<int64_t> shape = cast<MemRefType>(weights.getType()).getShape();
  int64_t row = shape[2] > 1   ? (*strides)[2]
                : shape[1] > 1 ? (*strides)[1]
                : shape[0] > 1 ? (*strides)[0]
                               : shape[3];
  if (!hasStride(weights, *strides, 3, 1) ||
      !hasStride(weights, *strides, 2, row) ||
      !hasStride(weights, *strides, 1, shape[2] * row) ||
      !hasStride(weights, *strides, 0, shape[1] * shape[2] * row) ||
      row < shape[3])
    return failure();
  return row;
}

/// The same for depthwise weights `[KH, KW, C, 1]` of a `[KH, KW, Cw, 1]`
/// tensor.
FailureOr<int64_t> getDepthwiseWeightStride(Value weights) {
  FailureOr<SmallVector<int64_t>> strides = getStrides(weights);
  if (failed(strides))
    return failure();
  ArrayRef<int64_t> shape = cast<MemRefType>(weights.getType()).getShape();
  int64_t row = shape[1] > 1   ? (*strides)[1]
                : shape[0] > 1 ? (*strides)[0]
                               : shape[2];
  if (!hasStride(weights, *strides, 2, 1) ||
      !hasStride(weights, *strides, 1, row) ||
      !hasStride(weights, *strides, 0, shape[1] * row) || row < shape[2])
    return failure();
  return row;
}

/// The row stride of `[N, 1, 1, C]` rows.
FailureOr<int64_t> getRowStride(Value buffer) {
  FailureOr<SmallVector<int64_t>> strides = getStrides(buffer);
  if (failed(strides))
    return failure();
  ArrayRef<int64_t> shape = cast<MemRefType>(buffer.getType()).getShape();
  if (!hasStride(buffer, *strides, 3, 1))
    return failure();
  int64_t row = shape[0] > 1 ? (*strides)[0] : shape[3];
  if (row < shape[3])
    return failure();
  return row;
}

bool isContiguousVector(Value buffer) {
  FailureOr<SmallVector<int64_t>> strides = getStrides(buffer);
  return succeeded(strides) && hasStride(buffer, *strides, 0, 1);
}

class CallBuilder {
public:
  CallBuilder(ModuleOp module) : module(module), symbols(module) {}

  LogicalResult lower(Operation *op);

private:
  LogicalResult lowerConv2D(kernel::Conv2DOp op);
  LogicalResult lowerDepthwise(kernel::DepthwiseConv2DOp op);
  LogicalResult lowerFullyConnected(kernel::FullyConnectedOp op);
  LogicalResult lowerAccumulate(kernel::Conv2DAccumulateOp op);
  LogicalResult lowerRequantize(kernel::RequantizeOp op);

  /// The address of the first element of `buffer` as an `!llvm.ptr`.
  Value pointer(OpBuilder &b, Location loc, Value buffer);
  /// The address of a constant block of i32 in flash holding `values`.
  Value params(OpBuilder &b, Location loc, ArrayRef<int32_t> values);
  Value i32(OpBuilder &b, Location loc, int64_t value) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
  }
  /// Calls `name` with `args` (declaring it once) and erases `op`. Fails if
  /// the module declares `name` with another type.
  LogicalResult call(Operation *op, StringRef name, ArrayRef<Value> args);

  ModuleOp module;
  SymbolTable symbols;
  std::map<std::vector<int32_t>, std::string> blocks;
};

Value CallBuilder::pointer(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
  Value offset = metadata.getOffset();
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  if (bytes != 1)
    offset = arith::MulIOp::create(
        b, loc, offset, arith::ConstantIndexOp::create(b, loc, bytes));
  Value address = arith::AddIOp::create(b, loc, base, offset);
  Value word = arith::IndexCastOp::create(b, loc, b.getI32Type(), address);
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), word);
}

Value CallBuilder::params(OpBuilder &b, Location loc,
                          ArrayRef<int32_t> values) {
  auto type =
      MemRefType::get({static_cast<int64_t>(values.size())}, b.getI32Type());
  std::vector<int32_t> key(values.begin(), values.end());
  auto [it, inserted] = blocks.try_emplace(key, "");
  if (inserted) {
    OpBuilder global = OpBuilder::atBlockBegin(module.getBody());
    auto tensorType = RankedTensorType::get(type.getShape(), b.getI32Type());
    auto op = memref::GlobalOp::create(
        global, loc, "__pex_kernel_params", global.getStringAttr("private"),
        type, DenseElementsAttr::get(tensorType, values), /*constant=*/true,
        global.getI64IntegerAttr(4));
    it->second = symbols.insert(op).str();
  }
  Value block = memref::GetGlobalOp::create(b, loc, type, it->second);
  return pointer(b, loc, block);
}

LogicalResult CallBuilder::call(Operation *op, StringRef name,
                                ArrayRef<Value> args) {
  FunctionType type =
      FunctionType::get(op->getContext(), ValueRange(args).getTypes(), {});
  Operation *existing = symbols.lookup(name);
  auto callee = dyn_cast_if_present<func::FuncOp>(existing);
  if (existing && (!callee || callee.getFunctionType() != type))
    return op->emitOpError("needs @")
           << name << " of type " << type
           << ", but the module defines another symbol of that name";
  if (!callee) {
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    callee = func::FuncOp::create(b, op->getLoc(), name, type);
    callee.setPrivate();
    symbols.insert(callee);
  }
  OpBuilder b(op);
  func::CallOp::create(b, op->getLoc(), callee, args);
  op->erase();
  return success();
}

/// The layout of the input of a convolution-like kernel operation.
template <typename Op>
FailureOr<InputLayout> getInputLayout(Op op, Value output, int64_t kernelW) {
  return getInputLayout(
      op.getInput(), cast<MemRefType>(output.getType()).getDimSize(2), kernelW,
      op.getStride()[1], op.getDilation()[1], op.getPad()[2]);
}

/// A pex_conv_params block, indexed by PEX_CONV_<FIELD>.
using ConvParams = std::array<int32_t, PEX_CONV_NUM_PARAMS>;
/// A pex_fc_params block, indexed by PEX_FC_<FIELD>.
using FcParams = std::array<int32_t, PEX_FC_NUM_PARAMS>;

/// The pex_conv_params of a convolution of `input` into `output` (or the
/// accumulator) with `weights` whose last dimension is `weightStride`.
template <typename Op>
ConvParams convParams(Op op, int64_t inputChannels, InputLayout in,
                      Value output, int64_t outPixel, int64_t kernelH,
                      int64_t kernelW, int64_t weightStride, int32_t inputZp,
                      int32_t outputZp, int32_t actMin, int32_t actMax) {
  ArrayRef<int64_t> out = cast<MemRefType>(output.getType()).getShape();
  ArrayRef<int64_t> stride = op.getStride(), pad = op.getPad(),
                    dilation = op.getDilation();
  ConvParams p{};
  p[PEX_CONV_IN_H] = cast<MemRefType>(op.getInput().getType()).getDimSize(1);
  p[PEX_CONV_IN_W] = in.width;
  p[PEX_CONV_IN_C] = inputChannels;
  p[PEX_CONV_IN_PIXEL_STRIDE] = in.pixel;
  p[PEX_CONV_OUT_H] = out[1];
  p[PEX_CONV_OUT_W] = out[2];
  p[PEX_CONV_OUT_C] = out[3];
  p[PEX_CONV_OUT_PIXEL_STRIDE] = outPixel;
  p[PEX_CONV_KERNEL_H] = kernelH;
  p[PEX_CONV_KERNEL_W] = kernelW;
  p[PEX_CONV_STRIDE_H] = stride[0];
  p[PEX_CONV_STRIDE_W] = stride[1];
  p[PEX_CONV_DILATION_H] = dilation[0];
  p[PEX_CONV_DILATION_W] = dilation[1];
  // TOSA pad [top, bottom, left, right]: the library derives bottom and right.
  p[PEX_CONV_PAD_TOP] = pad[0];
  p[PEX_CONV_PAD_LEFT] = pad[2];
  p[PEX_CONV_WEIGHT_IN_STRIDE] = weightStride;
  p[PEX_CONV_INPUT_ZP] = inputZp;
  p[PEX_CONV_OUTPUT_ZP] = outputZp;
  p[PEX_CONV_ACT_MIN] = actMin;
  p[PEX_CONV_ACT_MAX] = actMax;
  return p;
}

LogicalResult CallBuilder::lowerConv2D(kernel::Conv2DOp op) {
  ArrayRef<int64_t> w = cast<MemRefType>(op.getWeights().getType()).getShape();
  FailureOr<InputLayout> in = getInputLayout(op, op.getOutput(), w[2]);
  FailureOr<int64_t> outPixel = getPixelStride(op.getOutput());
  FailureOr<int64_t> weightStride = getConvWeightStride(op.getWeights());
  if (failed(in) || failed(outPixel) || failed(weightStride))
    return op.emitOpError("has a buffer layout the kernel cannot address");
  ConvParams p = convParams(op, w[3], *in, op.getOutput(), *outPixel, w[1],
                            w[2], *weightStride, op.getInputZp(),
                            op.getOutputZp(), op.getActMin(), op.getActMax());
  OpBuilder b(op);
  Location loc = op.getLoc();
  return call(op, "pex_conv2d_s8",
              {params(b, loc, p), pointer(b, loc, op.getInput()),
               pointer(b, loc, op.getWeights()), pointer(b, loc, op.getBias()),
               pointer(b, loc, op.getMultiplier()),
               pointer(b, loc, op.getShift()), pointer(b, loc, op.getOutput()),
               pointer(b, loc, op.getScratch())});
}

LogicalResult CallBuilder::lowerDepthwise(kernel::DepthwiseConv2DOp op) {
  ArrayRef<int64_t> w = cast<MemRefType>(op.getWeights().getType()).getShape();
  FailureOr<InputLayout> in = getInputLayout(op, op.getOutput(), w[1]);
  FailureOr<int64_t> outPixel = getPixelStride(op.getOutput());
  FailureOr<int64_t> weightStride = getDepthwiseWeightStride(op.getWeights());
  if (failed(in) || failed(outPixel) || failed(weightStride))
    return op.emitOpError("has a buffer layout the kernel cannot address");
  ConvParams p = convParams(op, w[2], *in, op.getOutput(), *outPixel, w[0],
                            w[1], *weightStride, op.getInputZp(),
                            op.getOutputZp(), op.getActMin(), op.getActMax());
  OpBuilder b(op);
  Location loc = op.getLoc();
  return call(op, "pex_depthwise_conv2d_s8",
              {params(b, loc, p), pointer(b, loc, op.getInput()),
               pointer(b, loc, op.getWeights()), pointer(b, loc, op.getBias()),
               pointer(b, loc, op.getMultiplier()),
               pointer(b, loc, op.getShift()),
               pointer(b, loc, op.getOutput())});
}

LogicalResult CallBuilder::lowerFullyConnected(kernel::FullyConnectedOp op) {
  FailureOr<int64_t> inRow = getRowStride(op.getInput());
  FailureOr<int64_t> outRow = getRowStride(op.getOutput());
  FailureOr<int64_t> weightStride = getRowStride(op.getWeights());
  if (failed(inRow) || failed(outRow) || failed(weightStride))
    return op.emitOpError("has a buffer layout the kernel cannot address");
  ArrayRef<int64_t> in = cast<MemRefType>(op.getInput().getType()).getShape();
  ArrayRef<int64_t> out = cast<MemRefType>(op.getOutput().getType()).getShape();
  FcParams p{};
  p[PEX_FC_BATCH] = in[0];
  p[PEX_FC_IN_FEATURES] = in[3];
  p[PEX_FC_OUT_FEATURES] = out[3];
  p[PEX_FC_IN_ROW_STRIDE] = *inRow;
  p[PEX_FC_OUT_ROW_STRIDE] = *outRow;
  p[PEX_FC_WEIGHT_IN_STRIDE] = *weightStride;
  p[PEX_FC_INPUT_ZP] = op.getInputZp();
  p[PEX_FC_OUTPUT_ZP] = op.getOutputZp();
  p[PEX_FC_ACT_MIN] = op.getActMin();
  p[PEX_FC_ACT_MAX] = op.getActMax();
  OpBuilder b(op);
  Location loc = op.getLoc();
  return call(op, "pex_fully_connected_s8",
              {params(b, loc, p), pointer(b, loc, op.getInput()),
               pointer(b, loc, op.getWeights()), pointer(b, loc, op.getBias()),
               pointer(b, loc, op.getMultiplier()),
               pointer(b, loc, op.getShift()),
               pointer(b, loc, op.getOutput())});
}

LogicalResult CallBuilder::lowerAccumulate(kernel::Conv2DAccumulateOp op) {
  ArrayRef<int64_t> w = cast<MemRefType>(op.getWeights().getType()).getShape();
  FailureOr<InputLayout> in = getInputLayout(op, op.getAcc(), w[2]);
  FailureOr<int64_t> accPixel = getPixelStride(op.getAcc());
  FailureOr<int64_t> weightStride = getConvWeightStride(op.getWeights());
  if (failed(in) || failed(accPixel) || failed(weightStride))
    return op.emitOpError("has a buffer layout the kernel cannot address");
  int64_t channels = w[3];
  bool segmented = w[1] * w[2] > 1 && *weightStride != channels;
  int64_t needed = kernel::getConvScratchBytes(w[1], w[2], channels, segmented);
  if (cast<MemRefType>(op.getScratch().getType()).getDimSize(0) < needed)
    return op.emitOpError("scratch is smaller than the ")
           << needed << " bytes the kernel needs";
  // The consumer has no output stage: output_zp 0, full int8 range.
  ConvParams p =
      convParams(op, channels, *in, op.getAcc(), *accPixel, w[1], w[2],
                 *weightStride, op.getInputZp(), 0, -128, 127);
  OpBuilder b(op);
  Location loc = op.getLoc();
  // The slice's weights and input are already offset to its first channel:
  // c0 = 0, k = its channels.
  return call(op, "pex_conv2d_s8_consume",
              {params(b, loc, p), i32(b, loc, 0), i32(b, loc, channels),
               pointer(b, loc, op.getInput()), pointer(b, loc, op.getWeights()),
               pointer(b, loc, op.getAcc()), pointer(b, loc, op.getScratch())});
}

LogicalResult CallBuilder::lowerRequantize(kernel::RequantizeOp op) {
  FailureOr<int64_t> accPixel = getPixelStride(op.getAcc());
  FailureOr<int64_t> outPixel = getPixelStride(op.getOutput());
  if (failed(accPixel) || failed(outPixel))
    return op.emitOpError("has a buffer layout the kernel cannot address");
  auto accType = cast<MemRefType>(op.getAcc().getType());
  OpBuilder b(op);
  Location loc = op.getLoc();
  return call(op, "pex_requantize_s32_s8",
              {pointer(b, loc, op.getAcc()),
               i32(b, loc, accType.getDimSize(1) * accType.getDimSize(2)),
               i32(b, loc, accType.getDimSize(3)), i32(b, loc, *accPixel),
               pointer(b, loc, op.getBias()),
               pointer(b, loc, op.getMultiplier()),
               pointer(b, loc, op.getShift()), i32(b, loc, op.getOutputZp()),
               i32(b, loc, op.getActMin()), i32(b, loc, op.getActMax()),
               pointer(b, loc, op.getOutput()), i32(b, loc, *outPixel)});
}

LogicalResult CallBuilder::lower(Operation *op) {
  if (op->getNumResults() != 0)
    return op->emitOpError("must be bufferized before it becomes a call");
  for (unsigned i = 0, e = op->getNumOperands(); i < e; ++i) {
    Value operand = op->getOperand(i);
    if (cast<MemRefType>(operand.getType()).getRank() != 1 ||
        isContiguousVector(operand))
      continue;
    if (kernel::isScratchOperand(op, i))
      return op->emitOpError("has a scratch buffer that is not contiguous: ")
             << operand.getType();
    return op->emitOpError("has a per-channel operand the kernel cannot "
                           "address: ")
           << operand.getType();
  }
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](kernel::Conv2DOp op) { return lowerConv2D(op); })
      .Case([&](kernel::DepthwiseConv2DOp op) { return lowerDepthwise(op); })
      .Case(
          [&](kernel::FullyConnectedOp op) { return lowerFullyConnected(op); })
      .Case([&](kernel::Conv2DAccumulateOp op) { return lowerAccumulate(op); })
      .Case([&](kernel::RequantizeOp op) { return lowerRequantize(op); })
      .Default([](Operation *op) {
        return op->emitOpError("has no kernel library function");
      });
}

struct PexKernelsToCallsPass
    : public pex::impl::PexKernelsToCallsBase<PexKernelsToCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa_and_present<kernel::KernelDialect>(op->getDialect()))
        ops.push_back(op);
    });
    CallBuilder builder(module);
    for (Operation *op : ops)
      if (failed(builder.lower(op)))
        return signalPassFailure();
  }
};

} // namespace
