//===- LowerToKernels.cpp - fused int8 kernels to the kernel library ------===//
//
// Replaces the fused groups of the memory model, on TOSA after the chains are
// lowered to slice loops, by operations of the kernel dialect, each of which
// becomes one call of the int8 kernel library for ARMv7E-M: a convolution,
// depthwise convolution or fully connected layer with its rescale and clamp,
// a chain consumer's accumulation of one slice into the int32 accumulator,
// and a chain's finish. Anything the library does not compute bit for bit
// keeps the generic lowering.
//
//===----------------------------------------------------------------------===//

#include "pex/Conversion/Passes.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "pex/Dialect/Kernel/IR/KernelOps.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXLOWERTOKERNELS
#include "pex/Conversion/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;
using namespace mlir::pex;

namespace {

/// The constant `value` is, or is a slice of (a slice's offset may be
/// dynamic, so the whole source stands for it).
DenseElementsAttr getConstantSource(Value value) {
  while (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>())
    value = slice.getSource();
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return nullptr;
  return attr;
}

DenseElementsAttr getConstant(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return nullptr;
  return attr;
}

RankedTensorType getStaticType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.hasStaticShape() ? type : nullptr;
}

bool hasElementType(Value value, unsigned bits) {
  RankedTensorType type = getStaticType(value);
  return type && type.getElementType().isSignlessInteger(bits);
}

/// The largest |x - zp| of an int8 x.
int64_t getMaxInputMagnitude(int64_t zp) {
  return std::max<int64_t>(zp + 128, 127 - zp);
}

/// How the int32 accumulator of a kernel becomes its int8 output:
/// rescale (-> clamp).
struct OutputStage {
  tosa::RescaleOp rescale;
  tosa::ClampOp clamp;
  int32_t outputZp = 0, actMin = -128, actMax = 127;
  /// The smallest shift of a channel with a non-zero multiplier; the
  /// kernels need |acc| < 2^(shift - 1) below 32.
  int64_t minShift = 0;

  /// The operation whose result the kernel replaces.
  Operation *getLast() const {
    return clamp ? static_cast<Operation *>(clamp)
                 : static_cast<Operation *>(rescale);
  }
};

/// Matches the single user of the int32 `acc` (of `channels` channels) as a
/// rescale the kernels compute bit for bit (scale32, double rounding, per
/// channel or per tensor, int8 result, constant shifts in [2, 62] and
/// multipliers >= 0) and its single user as an int8 clamp, if it is one.
std::optional<OutputStage> matchOutputStage(Value acc, int64_t channels) {
  if (!acc.hasOneUse())
    return std::nullopt;
  auto rescale = dyn_cast<tosa::RescaleOp>(*acc.getUsers().begin());
  if (!rescale || rescale.getInput() != acc || !rescale.getScale32() ||
      rescale.getRoundingMode() != tosa::RoundingMode::DOUBLE_ROUND ||
      rescale.getInputUnsigned() || rescale.getOutputUnsigned() ||
      !hasElementType(rescale.getOutput(), 8))
    return std::nullopt;
  FailureOr<int64_t> inputZp = rescale.getInputZeroPoint();
  FailureOr<int64_t> outputZp = rescale.getOutputZeroPoint();
  if (failed(inputZp) || *inputZp != 0 || failed(outputZp) ||
      *outputZp < -128 || *outputZp > 127)
    return std::nullopt;
  int64_t expected = rescale.getPerChannel() ? channels : 1;
  RankedTensorType multiplierType = getStaticType(rescale.getMultiplier());
  RankedTensorType shiftType = getStaticType(rescale.getShift());
  if (!multiplierType || !shiftType || multiplierType.getRank() != 1 ||
      shiftType.getRank() != 1 || multiplierType.getDimSize(0) != expected ||
      shiftType.getDimSize(0) != expected ||
      !multiplierType.getElementType().isSignlessInteger(32) ||
      !shiftType.getElementType().isSignlessInteger(8))
    return std::nullopt;
  // The values (of the whole source of a slice) must be what the kernels
  // accept; per tensor they are splat into one value per channel.
  DenseElementsAttr multipliers = getConstantSource(rescale.getMultiplier());
  DenseElementsAttr shifts = getConstantSource(rescale.getShift());
  if (!multipliers || !shifts)
    return std::nullopt;
  if (llvm::any_of(multipliers.getValues<APInt>(),
                   [](const APInt &m) { return m.isNegative(); }))
    return std::nullopt;
  OutputStage stage;
  stage.rescale = rescale;
  stage.minShift = 64;
  // A channel with multiplier 0 (TFLite's converter leaves channels without
  // scale so, with shift 31) outputs the zero point whatever its
  // accumulator: TOSA's (acc * 0 + round) >> shift is 0, and so is the
  // kernels' high word of (acc << pre) * 0 + 2^31. Its shift bounds nothing.
  SmallVector<APInt> multiplierValues(multipliers.getValues<APInt>());
  for (auto [index, shift] : llvm::enumerate(shifts.getValues<APInt>())) {
    int64_t s = shift.getSExtValue();
    if (s < 2 || s > 62)
      return std::nullopt;
    bool zero = static_cast<int64_t>(multiplierValues.size()) ==
                    shifts.getNumElements() &&
                multiplierValues[index].isZero();
    if (!zero)
      stage.minShift = std::min(stage.minShift, s);
  }
  stage.outputZp = static_cast<int32_t>(*outputZp);

  Value result = rescale.getOutput();
  if (result.hasOneUse())
    if (auto clamp = dyn_cast<tosa::ClampOp>(*result.getUsers().begin())) {
      auto lo = dyn_cast<IntegerAttr>(clamp.getMinValAttr());
      auto hi = dyn_cast<IntegerAttr>(clamp.getMaxValAttr());
      if (lo && hi && hasElementType(clamp.getOutput(), 8)) {
        stage.clamp = clamp;
        stage.actMin = static_cast<int32_t>(lo.getValue().getSExtValue());
        stage.actMax = static_cast<int32_t>(hi.getValue().getSExtValue());
      }
    }
  return stage;
}

/// Whether the accumulators of a convolution stay below what a rescale with
/// shifts under 32 allows: |acc| <= max |bias| + max |x - zp| * (the largest
/// sum of |w| of one output channel), computed on the constants (or the
/// whole constants a slice is taken from).
bool fitsShift(const OutputStage &stage, Value weights, Value bias,
               int64_t inputZp, bool depthwise) {
  if (stage.minShift >= 32)
    return true;
  DenseElementsAttr w = getConstantSource(weights);
  DenseElementsAttr b = getConstantSource(bias);
  if (!w || !b)
    return false;
  auto type = cast<ShapedType>(w.getType());
  if (type.getRank() != 4)
    return false;
  // Output channels: the first dimension of conv2d weights, the third of
  // depthwise ones.
  int64_t channels = depthwise ? type.getDimSize(2) : type.getDimSize(0);
  SmallVector<int64_t> sums(channels, 0);
  int64_t inner = type.getDimSize(1) * type.getDimSize(2) * type.getDimSize(3);
  for (auto [index, value] : llvm::enumerate(w.getValues<APInt>())) {
    int64_t channel =
        depthwise
            ? (static_cast<int64_t>(index) / type.getDimSize(3)) % channels
            : static_cast<int64_t>(index) / inner;
    sums[channel] += std::abs(value.getSExtValue());
  }
  int64_t maxBias = 0;
  for (const APInt &value : b.getValues<APInt>())
    maxBias = std::max<int64_t>(maxBias, std::abs(value.getSExtValue()));
  int64_t bound =
      maxBias + getMaxInputMagnitude(inputZp) * *llvm::max_element(sums);
  return bound < (int64_t{1} << (stage.minShift - 1));
}

/// The input zero point of a convolution the kernels compute: statically
/// shaped int8 input and weights with weight zero point 0, an int32 result.
template <typename ConvOp>
std::optional<int64_t> getInt8InputZeroPoint(ConvOp conv) {
  if (!hasElementType(conv.getInput(), 8) ||
      !hasElementType(conv.getWeight(), 8) ||
      !hasElementType(conv.getOutput(), 32))
    return std::nullopt;
  FailureOr<int64_t> inputZp = conv.getInputZeroPoint();
  FailureOr<int64_t> weightZp = conv.getWeightZeroPoint();
  if (failed(inputZp) || failed(weightZp) || *weightZp != 0 ||
      *inputZp < -128 || *inputZp > 127)
    return std::nullopt;
  return *inputZp;
}

/// Bias, multiplier and shift with one value per output channel.
struct ChannelParams {
  Value bias, multiplier, shift;
};

/// A convolution's output stage the library computes, its parameters per
/// channel, and the type of the stage's result.
struct KernelOutput {
  OutputStage stage;
  ChannelParams params;
  RankedTensorType type;
};

/// Whether `value` goes, through concatenations, into a concatenation along
/// the width of rows of more than one pixel row: its part of the result has
/// rows further apart than its own, and the kernels address an output only
/// by its pixel stride.
bool isWrittenIntoColumns(Value value) {
  for (Operation *user : value.getUsers()) {
    auto concat = dyn_cast<tosa::ConcatOp>(user);
    if (!concat)
      continue;
    auto type = cast<RankedTensorType>(concat.getType());
    if ((type.getRank() == 4 && concat.getAxis() == 2 &&
         type.getDimSize(1) > 1) ||
        isWrittenIntoColumns(concat.getResult()))
      return true;
  }
  return false;
}

class KernelRewriter {
public:
  explicit KernelRewriter(MLIRContext *context) : rewriter(context) {}

  void lowerConv2D(tosa::Conv2DOp conv);
  void lowerDepthwise(tosa::DepthwiseConv2DOp conv);
  void lowerFinish(tosa::RescaleOp rescale);

private:
  bool lowerAccumulation(tosa::Conv2DOp conv, int64_t inputZp);
  /// `value` as one value per channel: itself, or a splat of its single
  /// constant element.
  Value perChannel(Value value, int64_t channels, Location loc);
  /// The bias of a convolution and the multiplier and shift of its output
  /// stage, per channel (at the insertion point).
  std::optional<ChannelParams> getChannelParams(Value bias,
                                                const OutputStage &stage,
                                                int64_t channels, Location loc);
  /// The output stage of the (depthwise) convolution with result `acc`,
  /// when the library computes it bit for bit, with its parameters created
  /// before the stage's last operation, where the insertion point is left.
  std::optional<KernelOutput> matchKernelOutput(Value acc, Value weights,
                                                Value bias, int64_t inputZp,
                                                bool depthwise);
  Value empty(Location loc, RankedTensorType type) {
    return tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                   type.getElementType());
  }
  /// The output operand of a kernel replacing `replaced`: an empty tensor,
  /// which the empty tensor elimination turns into the part of a
  /// concatenation the result goes to, unless the kernel could not address
  /// that part; then a buffer of its own, copied there.
  Value output(Location loc, RankedTensorType type, Value replaced) {
    if (!isWrittenIntoColumns(replaced))
      return empty(loc, type);
    return bufferization::AllocTensorOp::create(rewriter, loc, type,
                                                ValueRange{});
  }
  /// Replaces the output stage's last operation by `result` and erases the
  /// stage and `kernel`.
  void replace(const OutputStage &stage, Operation *kernel, Value result) {
    rewriter.replaceOp(stage.getLast(), result);
    if (stage.clamp)
      rewriter.eraseOp(stage.rescale);
    if (kernel)
      rewriter.eraseOp(kernel);
  }

  IRRewriter rewriter;
};

Value KernelRewriter::perChannel(Value value, int64_t channels, Location loc) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getDimSize(0) == channels)
    return value;
  DenseElementsAttr attr = getConstant(value);
  if (!attr)
    return nullptr;
  auto splatType = RankedTensorType::get({channels}, type.getElementType());
  return arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(splatType, attr.getValues<Attribute>()[0]));
}

std::optional<ChannelParams>
KernelRewriter::getChannelParams(Value bias, const OutputStage &stage,
                                 int64_t channels, Location loc) {
  tosa::RescaleOp rescale = stage.rescale;
  ChannelParams params{perChannel(bias, channels, loc),
                       perChannel(rescale.getMultiplier(), channels, loc),
                       perChannel(rescale.getShift(), channels, loc)};
  if (!params.bias || !params.multiplier || !params.shift)
    return std::nullopt;
  return params;
}

std::optional<KernelOutput>
KernelRewriter::matchKernelOutput(Value acc, Value weights, Value bias,
                                  int64_t inputZp, bool depthwise) {
  int64_t channels = getStaticType(acc).getDimSize(3);
  std::optional<OutputStage> stage = matchOutputStage(acc, channels);
  if (!stage || !fitsShift(*stage, weights, bias, inputZp, depthwise))
    return std::nullopt;
  rewriter.setInsertionPoint(stage->getLast());
  std::optional<ChannelParams> params =
      getChannelParams(bias, *stage, channels, acc.getLoc());
  if (!params)
    return std::nullopt;
  return KernelOutput{
      *stage, *params,
      cast<RankedTensorType>(stage->getLast()->getResultTypes()[0])};
}

/// A tosa.conv2d with its output stage becomes kernel.conv2d (or
/// kernel.fully_connected for 1x1 convolutions of single pixels); a
/// tosa.conv2d with a zero bias added into an int32 tensor becomes
/// kernel.conv2d_accumulate.
void KernelRewriter::lowerConv2D(tosa::Conv2DOp conv) {
  std::optional<int64_t> inputZp = getInt8InputZeroPoint(conv);
  if (!inputZp || lowerAccumulation(conv, *inputZp))
    return;
  Value input = conv.getInput(), weights = conv.getWeight();
  RankedTensorType inputType = getStaticType(input);
  RankedTensorType weightType = getStaticType(weights);
  RankedTensorType resultType = getStaticType(conv.getOutput());
  int64_t kernelH = weightType.getDimSize(1),
          kernelW = weightType.getDimSize(2);
  bool singlePixels =
      kernelH == 1 && kernelW == 1 && inputType.getDimSize(1) == 1 &&
      inputType.getDimSize(2) == 1 && resultType.getDimSize(1) == 1 &&
      resultType.getDimSize(2) == 1;
  // The convolution kernel takes one batch element, the fully connected
  // one any number of rows.
  if (!singlePixels && inputType.getDimSize(0) != 1)
    return;
  std::optional<KernelOutput> out =
      matchKernelOutput(conv.getOutput(), weights, conv.getBias(), *inputZp,
                        /*depthwise=*/false);
  if (!out)
    return;
  const OutputStage &stage = out->stage;
  const ChannelParams &params = out->params;
  RankedTensorType outputType = out->type;
  Location loc = conv.getLoc();
  Value destination = output(loc, outputType, stage.getLast()->getResult(0));
  auto i32 = [&](int64_t v) { return rewriter.getI32IntegerAttr(v); };
  if (singlePixels) {
    auto fc = kernel::FullyConnectedOp::create(
        rewriter, loc, TypeRange{outputType}, input, weights, params.bias,
        params.multiplier, params.shift, destination, i32(*inputZp),
        i32(stage.outputZp), i32(stage.actMin), i32(stage.actMax));
    replace(stage, conv, fc->getResult(0));
    return;
  }
  auto scratchType = RankedTensorType::get(
      {kernel::getConvScratchBytes(kernelH, kernelW, inputType.getDimSize(3),
                                   /*segmented=*/false)},
      rewriter.getI8Type());
  Value scratch = empty(loc, scratchType);
  auto op = kernel::Conv2DOp::create(
      rewriter, loc, TypeRange{outputType, scratchType}, input, weights,
      params.bias, params.multiplier, params.shift, destination, scratch,
      conv.getStrideAttr(), conv.getPadAttr(), conv.getDilationAttr(),
      i32(*inputZp), i32(stage.outputZp), i32(stage.actMin), i32(stage.actMax));
  replace(stage, conv, op->getResult(0));
}

/// add(%acc, conv2d(x, w, zero bias)) -> kernel.conv2d_accumulate: the
/// consumer of a chain adds the slice's contribution into the accumulator.
/// The int32 additions wrap alike, so the sum is the same.
bool KernelRewriter::lowerAccumulation(tosa::Conv2DOp conv, int64_t inputZp) {
  Value partial = conv.getOutput();
  if (!partial.hasOneUse() || !pex::partial::isZeroSplat(conv.getBias()))
    return false;
  auto add = dyn_cast<tosa::AddOp>(*partial.getUsers().begin());
  if (!add)
    return false;
  Value acc = add.getInput1() == partial ? add.getInput2() : add.getInput1();
  if (acc.getType() != partial.getType() ||
      add.getOutput().getType() != partial.getType())
    return false;
  RankedTensorType inputType = getStaticType(conv.getInput());
  RankedTensorType weightType = getStaticType(conv.getWeight());
  if (inputType.getDimSize(0) != 1)
    return false;
  // The weights of a slice are not contiguous across the taps of a KxK
  // kernel: the library gathers the window tap by tap.
  int64_t channels = inputType.getDimSize(3);
  bool segmented = false;
  if (auto slice = conv.getWeight().getDefiningOp<tensor::ExtractSliceOp>())
    segmented = slice.getSourceType().getDimSize(3) != channels;
  int64_t kernelH = weightType.getDimSize(1),
          kernelW = weightType.getDimSize(2);
  int64_t bytes = std::max(
      kernel::getConvScratchBytes(kernelH, kernelW, channels, segmented),
      kernel::getConvScratchBytes(kernelH, kernelW, channels,
                                  /*segmented=*/true));
  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(add);
  auto scratchType = RankedTensorType::get({bytes}, rewriter.getI8Type());
  Value scratch = empty(loc, scratchType);
  auto op = kernel::Conv2DAccumulateOp::create(
      rewriter, loc, TypeRange{acc.getType(), scratchType}, conv.getInput(),
      conv.getWeight(), acc, scratch, conv.getStrideAttr(), conv.getPadAttr(),
      conv.getDilationAttr(), rewriter.getI32IntegerAttr(inputZp));
  rewriter.replaceOp(add, op->getResult(0));
  rewriter.eraseOp(conv);
  return true;
}

/// tosa.depthwise_conv2d with a channel multiplier of 1 and its output stage
/// -> kernel.depthwise_conv2d.
void KernelRewriter::lowerDepthwise(tosa::DepthwiseConv2DOp conv) {
  std::optional<int64_t> inputZp = getInt8InputZeroPoint(conv);
  if (!inputZp)
    return;
  Value input = conv.getInput(), weights = conv.getWeight();
  if (getStaticType(input).getDimSize(0) != 1 ||
      getStaticType(weights).getDimSize(3) != 1)
    return;
  std::optional<KernelOutput> out =
      matchKernelOutput(conv.getOutput(), weights, conv.getBias(), *inputZp,
                        /*depthwise=*/true);
  if (!out)
    return;
  const OutputStage &stage = out->stage;
  const ChannelParams &params = out->params;
  RankedTensorType outputType = out->type;
  Location loc = conv.getLoc();
  auto i32 = [&](int64_t v) { return rewriter.getI32IntegerAttr(v); };
  auto op = kernel::DepthwiseConv2DOp::create(
      rewriter, loc, TypeRange{outputType}, input, weights, params.bias,
      params.multiplier, params.shift,
      output(loc, outputType, stage.getLast()->getResult(0)),
      conv.getStrideAttr(), conv.getPadAttr(), conv.getDilationAttr(),
      i32(*inputZp), i32(stage.outputZp), i32(stage.actMin), i32(stage.actMax));
  replace(stage, conv, op->getResult(0));
}

/// The finish of an accumulating chain, rescale(add(%acc, reshape(bias)))
/// (-> clamp) on the result of a slice loop, -> kernel.requantize. Only
/// shifts of 32 and more, which take any int32 accumulator.
void KernelRewriter::lowerFinish(tosa::RescaleOp rescale) {
  Value value = rescale.getInput();
  RankedTensorType accType = getStaticType(value);
  if (!accType || accType.getRank() != 4 || accType.getDimSize(0) != 1 ||
      !accType.getElementType().isSignlessInteger(32))
    return;
  int64_t channels = accType.getDimSize(3);
  Value bias;
  auto add = value.getDefiningOp<tosa::AddOp>();
  if (add && value.hasOneUse()) {
    for (auto [acc, other] :
         {std::make_pair(add.getInput1(), add.getInput2()),
          std::make_pair(add.getInput2(), add.getInput1())}) {
      auto reshape = other.getDefiningOp<tosa::ReshapeOp>();
      RankedTensorType biasType =
          reshape ? getStaticType(reshape.getInput1()) : nullptr;
      RankedTensorType otherType = getStaticType(other);
      if (!biasType || biasType.getRank() != 1 ||
          biasType.getDimSize(0) != channels || !otherType ||
          otherType.getShape() != ArrayRef<int64_t>{1, 1, 1, channels} ||
          acc.getType() != accType)
        continue;
      value = acc;
      bias = reshape.getInput1();
      break;
    }
  }
  auto loop = value.getDefiningOp<scf::ForOp>();
  if (!loop || !loop->hasAttr(pex::partial::kSliceLoopAttrName))
    return;
  std::optional<OutputStage> stage =
      matchOutputStage(rescale.getInput(), channels);
  if (!stage || stage->minShift < 32)
    return;
  Location loc = rescale.getLoc();
  rewriter.setInsertionPoint(stage->getLast());
  if (!bias)
    bias = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({channels}, rewriter.getI32Type()),
            rewriter.getI32IntegerAttr(0)));
  Value multiplier = perChannel(rescale.getMultiplier(), channels, loc);
  Value shift = perChannel(rescale.getShift(), channels, loc);
  if (!multiplier || !shift)
    return;
  auto outputType =
      cast<RankedTensorType>(stage->getLast()->getResultTypes()[0]);
  auto i32 = [&](int64_t v) { return rewriter.getI32IntegerAttr(v); };
  auto op = kernel::RequantizeOp::create(
      rewriter, loc, TypeRange{outputType}, value, bias, multiplier, shift,
      output(loc, outputType, stage->getLast()->getResult(0)),
      i32(stage->outputZp), i32(stage->actMin), i32(stage->actMax));
  replace(*stage, value == rescale.getInput() ? nullptr : add.getOperation(),
          op->getResult(0));
}

struct PexLowerToKernelsPass
    : public pex::impl::PexLowerToKernelsBase<PexLowerToKernelsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    KernelRewriter rewriter(&getContext());
    SmallVector<Operation *> convs;
    func.walk([&](Operation *op) {
      if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
        convs.push_back(op);
    });
    for (Operation *op : convs) {
      if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
        rewriter.lowerConv2D(conv);
      else
        rewriter.lowerDepthwise(cast<tosa::DepthwiseConv2DOp>(op));
    }
    SmallVector<tosa::RescaleOp> rescales;
    func.walk([&](tosa::RescaleOp op) { rescales.push_back(op); });
    for (tosa::RescaleOp rescale : rescales)
      rewriter.lowerFinish(rescale);
  }
};

} // namespace
