//===- TFLiteImport.cpp - TFLite flatbuffer to TOSA -----------------------===//
//
// Converts the decoded model operator by operator. Each TFLite operator
// becomes the TOSA operations that reproduce TensorFlow Lite Micro's
// reference kernel exactly; docs/tflite-import.md derives each mapping.
// Everything read from the file is validated before it reaches an MLIR
// builder, so that a hostile file yields an error, never an invalid op.
//
//===----------------------------------------------------------------------===//

#include "pex/Target/TFLite/TFLiteImport.h"

#include "FlatBuffer.h"
#include "Importer.h"
#include "Schema.h"
#include "TflmArithmetic.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::tflite;
using llvm::Twine;

/// Decoding may touch at most this many elements and bytes per byte of file
/// (plus a constant), which no real model comes near: each element or byte
/// of a well-formed file is read a few times at most.
static constexpr uint64_t kWorkPerByte = 16;
static constexpr uint64_t kWorkFloor = uint64_t(1) << 20;

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

FailureOr<Value> Importer::materialize(int32_t index) {
  if (values[index])
    return values[index];
  const TensorInfo &tensor = graph.tensors[index];
  Type element = elementType(tensor.type);
  if (!element)
    return tensorError(index, "constant of type " +
                                  tensorTypeName(tensor.type) +
                                  " is not supported");
  ArrayRef<uint8_t> data = constantData(index);
  if (!reader.charge(data.size(), tensor.fileOffset, "constant data"))
    return readerError();
  RankedTensorType type = tensorOf(tensor.shape, element);
  ArrayRef<char> raw(reinterpret_cast<const char *>(data.data()), data.size());
  bool splat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, raw, splat))
    return tensorError(index, "constant data does not match its type");
  Location saved = loc;
  loc = NameLoc::get(builder.getStringAttr("tensor" + Twine(index)));
  values[index] = constant(DenseElementsAttr::getFromRawBuffer(type, raw));
  loc = saved;
  return values[index];
}

FailureOr<Value> Importer::operand(unsigned position) {
  int32_t index = inputIndex(position);
  if (index < 0)
    return opError("input " + Twine(position) + " is missing");
  if (values[index])
    return values[index];
  if (isConstant(index))
    return materialize(index);
  return opError("input " + Twine(position) + " reads tensor " + Twine(index) +
                 ", which no earlier operator writes and which is neither a "
                 "model input nor a constant");
}

template <typename T>
FailureOr<SmallVector<T>> Importer::constantValues(unsigned position,
                                                   TensorElementType type,
                                                   StringRef what) {
  int32_t index = inputIndex(position);
  if (index < 0)
    return opError(what + " (input " + Twine(position) + ") is missing");
  const TensorInfo &tensor = graph.tensors[index];
  if (tensor.type != static_cast<int8_t>(type))
    return opError(what + " (tensor " + Twine(index) + ") must be " +
                   tensorTypeName(static_cast<int8_t>(type)) + ", not " +
                   tensorTypeName(tensor.type));
  if (!isConstant(index))
    return opError(what + " (tensor " + Twine(index) + ") must be a constant");
  ArrayRef<uint8_t> data = constantData(index);
  if (!reader.charge(data.size(), tensor.fileOffset, "constant data"))
    return readerError();
  SmallVector<T> result(data.size() / sizeof(T));
  std::memcpy(result.data(), data.data(), result.size() * sizeof(T));
  return result;
}
// ImportLayout.cpp reads int32 operands.
template FailureOr<SmallVector<int32_t>>
Importer::constantValues<int32_t>(unsigned, TensorElementType, StringRef);

LogicalResult Importer::expectCounts(size_t minInputs, size_t maxInputs,
                                     size_t outputs) {
  size_t inputs = currentOp->inputs.size();
  if (inputs < minInputs || inputs > maxInputs)
    return opError(
        "has " + Twine(inputs) + " inputs, expected " +
        (minInputs == maxInputs
             ? std::to_string(minInputs)
             : std::to_string(minInputs) + " to " + std::to_string(maxInputs)));
  if (currentOp->outputs.size() != outputs)
    return opError("has " + Twine(currentOp->outputs.size()) +
                   " outputs, expected " + Twine(outputs));
  return success();
}

LogicalResult Importer::expectType(int32_t index, TensorElementType type,
                                   StringRef what) {
  int8_t actual = graph.tensors[index].type;
  if (actual != static_cast<int8_t>(type))
    return opError(what + " (tensor " + Twine(index) + ") is " +
                   tensorTypeName(actual) + "; only " +
                   tensorTypeName(static_cast<int8_t>(type)) + " is supported");
  return success();
}

LogicalResult Importer::expectInt8(
    std::initializer_list<std::pair<int32_t, StringRef>> tensors) {
  for (auto [index, what] : tensors)
    if (failed(expectType(index, TensorElementType::Int8, what)))
      return failure();
  return success();
}

FailureOr<Quant> Importer::activationQuant(int32_t index, StringRef what) {
  const TensorInfo &tensor = graph.tensors[index];
  const std::optional<QuantizationInfo> &quant = tensor.quantization;
  if (!quant || quant->scale.empty())
    return opError(what + " (tensor " + Twine(index) +
                   ") has no quantisation parameters");
  if (quant->hasCustomDetails)
    return opError(what + " (tensor " + Twine(index) +
                   ") uses custom quantisation details");
  if (quant->scale.size() != 1)
    return opError(what + " (tensor " + Twine(index) + ") has " +
                   Twine(quant->scale.size()) +
                   " scales; activations need one");
  float scale = quant->scale.front();
  int64_t zeroPoint = quant->zeroPoint.front();
  if (!std::isfinite(scale) || !(scale > 0.0f))
    return opError(what + " (tensor " + Twine(index) + ") has scale " +
                   floatString(scale) + "; it must be finite and positive");
  if (zeroPoint < -128 || zeroPoint > 127)
    return opError(what + " (tensor " + Twine(index) + ") has zero point " +
                   Twine(zeroPoint) + ", outside the int8 range");
  return Quant{scale, static_cast<int32_t>(zeroPoint)};
}

FailureOr<tflite::Range> Importer::activationRange(Activation activation,
                                                   Quant output) {
  // Quantize() of CalculateActivationRangeQuantized: float division, then
  // TfLiteRound, then the zero point.
  auto quantize = [&](float real) -> int64_t {
    float scaled = tflm::roundFloat(real / output.scale);
    if (scaled < -2147483648.0f)
      return std::numeric_limits<int64_t>::min() / 2;
    if (scaled > 2147483520.0f)
      return std::numeric_limits<int64_t>::max() / 2;
    return output.zeroPoint + static_cast<int64_t>(scaled);
  };
  Range range;
  switch (activation) {
  case Activation::None:
  case Activation::Tanh: // TFLite Micro clamps nothing for TANH
    break;
  case Activation::Relu:
    range.min = std::max<int64_t>(-128, quantize(0.0f));
    break;
  case Activation::Relu6:
    range.min = std::max<int64_t>(-128, quantize(0.0f));
    range.max = std::min<int64_t>(127, quantize(6.0f));
    break;
  case Activation::ReluN1To1:
    range.min = std::max<int64_t>(-128, quantize(-1.0f));
    range.max = std::min<int64_t>(127, quantize(1.0f));
    break;
  default:
    return opError("fused activation " + Twine(static_cast<int>(activation)) +
                   " (SIGN_BIT) is not supported");
  }
  if (range.min > range.max)
    return opError("fused activation range [" + Twine(range.min) + ", " +
                   Twine(range.max) + "] is empty for the output scale " +
                   floatString(output.scale) + " and zero point " +
                   Twine(output.zeroPoint));
  return range;
}

FailureOr<Window> Importer::window(int64_t input, int64_t kernel,
                                   int64_t stride, int64_t dilation,
                                   Padding padding, StringRef dim) {
  // The bound keeps every derived extent (and the element count of a
  // pooling window's filter of ones) far from int64 overflow.
  if (kernel < 1 || stride < 1 || dilation < 1 || kernel > (1 << 16) ||
      stride > (1 << 16) || dilation > (1 << 16))
    return opError(dim + ": kernel " + Twine(kernel) + ", stride " +
                   Twine(stride) + " and dilation " + Twine(dilation) +
                   " must be positive (and at most 65536)");
  // TFLite's output size and ComputePaddingWithOffset.
  int64_t effective = (kernel - 1) * dilation + 1;
  Window result;
  result.output = padding == Padding::Same
                      ? (input + stride - 1) / stride
                      : (input - effective + stride) / stride;
  if (result.output < 1)
    return opError(dim + ": a window of " + Twine(effective) +
                   " does not fit the input of " + Twine(input));
  int64_t total =
      std::max<int64_t>((result.output - 1) * stride + effective - input, 0);
  result.padBefore = total / 2;
  int64_t extent = (result.output - 1) * stride + effective;
  int64_t after = extent - input - result.padBefore;
  if (after < 0)
    result.crop = -after;
  else
    result.padAfter = after;
  return result;
}

Value Importer::cropSpatial(Value input, const Window &height,
                            const Window &width) {
  if (height.crop == 0 && width.crop == 0)
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> size(type.getShape());
  size[1] -= height.crop;
  size[2] -= width.crop;
  return emit("tosa.slice", tensorOf(size, type.getElementType()),
              {input, shapeValue({0, 0, 0, 0}), shapeValue(size)});
}

LogicalResult Importer::define(unsigned position, Value value) {
  int32_t index = currentOp->outputs[position];
  RankedTensorType declared = typeOf(index);
  if (value.getType() != declared)
    return opError("computes " + typeString(value.getType()) +
                   " but output tensor " + Twine(index) + " is declared " +
                   typeString(declared));
  values[index] = value;
  producedTensors.push_back(index);
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions and fully connected layers
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Rescale>>
Importer::convolutionScales(Quant input, const QuantizationInfo &filter,
                            Quant output) {
  // PopulateConvolutionQuantizationParams: per channel (or the single scale
  // broadcast), in double from the float scales.
  SmallVector<Rescale> scales;
  for (float filterScale : filter.scale) {
    if (!std::isfinite(filterScale) || !(filterScale > 0.0f))
      return opError("filter scale " + floatString(filterScale) +
                     " must be finite and positive");
    double effective = static_cast<double>(input.scale) *
                       static_cast<double>(filterScale) /
                       static_cast<double>(output.scale);
    FailureOr<Rescale> scale = rescaleFor(
        tflm::quantizeMultiplier(effective, rounding), "output rescale");
    if (failed(scale))
      return failure();
    scales.push_back(*scale);
  }
  return scales;
}

LogicalResult Importer::convertConvolution(bool depthwise) {
  if (failed(expectCounts(2, 3, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), filterTensor = inputIndex(1),
          outputTensor = currentOp->outputs[0];
  if (inputTensor < 0 || filterTensor < 0)
    return opError("input and filter are required");
  if (failed(expectInt8({{inputTensor, "input"},
                         {filterTensor, "filter"},
                         {outputTensor, "output"}})))
    return failure();
  const TensorInfo &filterInfo = graph.tensors[filterTensor];
  ArrayRef<int64_t> inShape = graph.tensors[inputTensor].shape;
  ArrayRef<int64_t> filterShape = filterInfo.shape;
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (inShape.size() != 4 || filterShape.size() != 4 || outShape.size() != 4)
    return opError("input, filter and output must be 4-D (they are " +
                   shapeString(inShape) + ", " + shapeString(filterShape) +
                   " and " + shapeString(outShape) + ")");
  if (!isConstant(filterTensor))
    return opError("the filter (tensor " + Twine(filterTensor) +
                   ") must be a constant");

  Padding padding;
  Activation activation;
  int64_t strideH, strideW, dilationH, dilationW;
  if (depthwise) {
    DepthwiseConv2DOptions o =
        readDepthwiseConv2DOptions(reader, currentOp->options);
    padding = o.padding, activation = o.activation;
    strideH = o.strideH, strideW = o.strideW;
    dilationH = o.dilationH, dilationW = o.dilationW;
  } else {
    Conv2DOptions o = readConv2DOptions(reader, currentOp->options);
    padding = o.padding, activation = o.activation;
    strideH = o.strideH, strideW = o.strideW;
    dilationH = o.dilationH, dilationW = o.dilationW;
  }
  if (!reader.ok())
    return readerError();

  int64_t channelsIn = inShape[3];
  int64_t channelsOut = depthwise ? filterShape[3] : filterShape[0];
  int64_t kernelH = filterShape[1], kernelW = filterShape[2];
  if (depthwise) {
    if (filterShape[0] != 1)
      return opError("depthwise filter " + shapeString(filterShape) +
                     " must have a leading dimension of 1");
    if (channelsOut % channelsIn != 0)
      return opError("depthwise filter has " + Twine(channelsOut) +
                     " output channels, not a multiple of the " +
                     Twine(channelsIn) + " input channels");
  } else if (filterShape[3] != channelsIn) {
    return opError("filter " + shapeString(filterShape) + " expects " +
                   Twine(filterShape[3]) + " input channels, the input has " +
                   Twine(channelsIn));
  }
  FailureOr<Window> height =
      window(inShape[1], kernelH, strideH, dilationH, padding, "height");
  if (failed(height))
    return failure();
  FailureOr<Window> width =
      window(inShape[2], kernelW, strideW, dilationW, padding, "width");
  if (failed(width))
    return failure();
  SmallVector<int64_t> expected = {inShape[0], height->output, width->output,
                                   channelsOut};
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the convolution computes " + shapeString(expected));

  FailureOr<Quant> inQuant = activationQuant(inputTensor, "input");
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(inQuant) || failed(outQuant))
    return failure();
  const std::optional<QuantizationInfo> &filterQuant = filterInfo.quantization;
  int32_t quantizedDimension = depthwise ? 3 : 0;
  if (!filterQuant || filterQuant->scale.empty())
    return opError("the filter has no quantisation parameters");
  bool perChannel = filterQuant->scale.size() > 1;
  if (perChannel &&
      (filterQuant->scale.size() != static_cast<size_t>(channelsOut) ||
       filterQuant->quantizedDimension != quantizedDimension))
    return opError("the filter has " + Twine(filterQuant->scale.size()) +
                   " scales along dimension " +
                   Twine(filterQuant->quantizedDimension) + "; expected " +
                   Twine(channelsOut) + " along dimension " +
                   Twine(quantizedDimension));
  FailureOr<Range> range = activationRange(activation, *outQuant);
  if (failed(range))
    return failure();

  FailureOr<SmallVector<Rescale>> scales =
      convolutionScales(*inQuant, *filterQuant, *outQuant);
  if (failed(scales))
    return failure();

  FailureOr<Value> input = operand(0);
  FailureOr<Value> filter = materialize(filterTensor);
  if (failed(input) || failed(filter))
    return failure();
  FailureOr<Value> bias = biasOperand(2, channelsOut);
  if (failed(bias))
    return failure();

  Value weights = *filter;
  if (depthwise) {
    // TFLite [1, KH, KW, C * M] and TOSA [KH, KW, C, M] share one layout.
    weights = reshape(weights,
                      {kernelH, kernelW, channelsIn, channelsOut / channelsIn});
  }
  // A PAD with the input zero point that only this convolution reads (Keras
  // and PyTorch exports put one before strided convolutions) folds into the
  // convolution's own padding, so the padded tensor never exists: TOSA's
  // padding contributes (zp - zp) * w = 0, as the PAD's zero points do.
  Window h = *height, w = *width;
  Value source = *input;
  tosa::PadOp folded = foldablePad(inputTensor, inQuant->zeroPoint);
  if (folded) {
    SmallVector<int64_t> added;
    tosa::getConstShapeValues(folded.getPadding().getDefiningOp(), added);
    for (auto [window, before, after] :
         {std::tie(h, added[2], added[3]), std::tie(w, added[4], added[5])}) {
      int64_t net = window.padAfter - window.crop + after;
      window.padBefore += before;
      window.padAfter = std::max<int64_t>(net, 0);
      window.crop = std::max<int64_t>(-net, 0);
    }
    source = folded.getInput1();
  }
  Value cropped = cropSpatial(source, h, w);
  SmallVector<int64_t> accShape = expected;
  // TFLite Micro ignores the filter zero point of int8 convolutions.
  Value acc = emit(
      depthwise ? "tosa.depthwise_conv2d" : "tosa.conv2d",
      tensorOf(accShape, i32()),
      {cropped, weights, *bias, scalarI8(inQuant->zeroPoint), scalarI8(0)},
      {arrayAttr("pad", {h.padBefore, h.padAfter, w.padBefore, w.padAfter}),
       arrayAttr("stride", {strideH, strideW}),
       arrayAttr("dilation", {dilationH, dilationW}),
       attr("acc_type", TypeAttr::get(i32()))});
  Value output = rescale(acc, i8(), *scales, 0, outQuant->zeroPoint);
  if (folded)
    foldedPads.push_back(folded);
  return define(0, applyRange(output, *range));
}

tosa::PadOp Importer::foldablePad(int32_t tensor, int32_t zeroPoint) {
  // Only a tensor that this operator alone reads: the padded tensor must
  // not be needed anywhere else (nor returned as an intermediate).
  if (options.returnIntermediates || readers.lookup(tensor) != 1)
    return nullptr;
  auto pad = values[tensor].getDefiningOp<tosa::PadOp>();
  if (!pad || !pad->use_empty())
    return nullptr;
  SmallVector<int64_t> padding;
  if (!tosa::getConstShapeValues(pad.getPadding().getDefiningOp(), padding) ||
      padding.size() != 8 || padding[0] || padding[1] || padding[6] ||
      padding[7])
    return nullptr;
  DenseIntElementsAttr value;
  if (!matchPattern(pad.getPadConst(), m_Constant(&value)) ||
      !value.getElementType().isInteger(8) ||
      (*value.value_begin<APInt>()).getSExtValue() != zeroPoint)
    return nullptr;
  return pad;
}

FailureOr<Value> Importer::biasOperand(unsigned position, int64_t channels) {
  int32_t biasTensor = inputIndex(position);
  if (biasTensor < 0)
    return splat<int32_t>({channels}, i32(), 0);
  if (failed(expectType(biasTensor, TensorElementType::Int32, "bias")))
    return failure();
  if (graph.tensors[biasTensor].shape != ArrayRef<int64_t>{channels})
    return opError("bias " + shapeString(graph.tensors[biasTensor].shape) +
                   " must have shape [" + Twine(channels) + "]");
  return operand(position);
}

LogicalResult Importer::convertFullyConnected() {
  if (failed(expectCounts(2, 3, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), filterTensor = inputIndex(1),
          outputTensor = currentOp->outputs[0];
  if (inputTensor < 0 || filterTensor < 0)
    return opError("input and weights are required");
  if (failed(expectInt8({{inputTensor, "input"},
                         {filterTensor, "weights"},
                         {outputTensor, "output"}})))
    return failure();
  FullyConnectedOptions o =
      readFullyConnectedOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  if (o.weightsFormat != 0)
    return opError("shuffled weights formats are not supported");
  const TensorInfo &filterInfo = graph.tensors[filterTensor];
  ArrayRef<int64_t> filterShape = filterInfo.shape;
  ArrayRef<int64_t> inShape = graph.tensors[inputTensor].shape;
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (filterShape.size() != 2)
    return opError("weights " + shapeString(filterShape) + " must be 2-D");
  if (!isConstant(filterTensor))
    return opError("the weights (tensor " + Twine(filterTensor) +
                   ") must be a constant");
  int64_t units = filterShape[0], depth = filterShape[1];
  int64_t inCount = numElements(inShape);
  if (inShape.empty() || inCount % depth != 0)
    return opError("input " + shapeString(inShape) +
                   " cannot be viewed as rows of " + Twine(depth));
  int64_t batches = inCount / depth;
  if (outShape.empty() || outShape.back() != units ||
      numElements(outShape) != batches * units)
    return opError("output is declared " + shapeString(outShape) +
                   ", the layer computes " + Twine(batches) + " rows of " +
                   Twine(units));

  FailureOr<Quant> inQuant = activationQuant(inputTensor, "input");
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(inQuant) || failed(outQuant))
    return failure();
  const std::optional<QuantizationInfo> &filterQuant = filterInfo.quantization;
  if (!filterQuant || filterQuant->scale.empty())
    return opError("the weights have no quantisation parameters");
  bool perChannel = filterQuant->scale.size() > 1;
  if (perChannel && (filterQuant->scale.size() != static_cast<size_t>(units) ||
                     filterQuant->quantizedDimension != 0))
    return opError("the weights have " + Twine(filterQuant->scale.size()) +
                   " scales along dimension " +
                   Twine(filterQuant->quantizedDimension) + "; expected " +
                   Twine(units) + " along dimension 0");
  int64_t filterZeroPoint = filterQuant->zeroPoint.front();
  if (filterZeroPoint < -128 || filterZeroPoint > 127 ||
      (perChannel && llvm::any_of(filterQuant->zeroPoint,
                                  [](int64_t zp) { return zp != 0; })))
    return opError("weight zero points must be int8 (and 0 per channel)");
  FailureOr<Range> range = activationRange(o.activation, *outQuant);
  if (failed(range))
    return failure();

  SmallVector<Rescale> scales;
  for (float filterScale : filterQuant->scale) {
    if (!std::isfinite(filterScale) || !(filterScale > 0.0f))
      return opError("weight scale " + floatString(filterScale) +
                     " must be finite and positive");
    // Per tensor, GetQuantizedConvolutionMultipler multiplies the two float
    // scales in float; per channel, in double.
    double product = perChannel
                         ? static_cast<double>(inQuant->scale) *
                               static_cast<double>(filterScale)
                         : static_cast<double>(inQuant->scale * filterScale);
    double effective = product / static_cast<double>(outQuant->scale);
    FailureOr<Rescale> scale = rescaleFor(
        tflm::quantizeMultiplier(effective, rounding), "output rescale");
    if (failed(scale))
      return failure();
    scales.push_back(*scale);
  }

  FailureOr<Value> input = operand(0);
  FailureOr<Value> filter = materialize(filterTensor);
  if (failed(input) || failed(filter))
    return failure();
  FailureOr<Value> bias = biasOperand(2, units);
  if (failed(bias))
    return failure();
  // A 1x1 convolution over `batches` pixels: TOSA's conv2d carries the
  // bias and both zero points, and Pex's kernel fusion knows it.
  Value rows = reshape(*input, {batches, 1, 1, depth});
  Value weights = reshape(*filter, {units, 1, 1, depth});
  Value acc = emit("tosa.conv2d", tensorOf({batches, 1, 1, units}, i32()),
                   {rows, weights, *bias, scalarI8(inQuant->zeroPoint),
                    scalarI8(filterZeroPoint)},
                   {arrayAttr("pad", {0, 0, 0, 0}), arrayAttr("stride", {1, 1}),
                    arrayAttr("dilation", {1, 1}),
                    attr("acc_type", TypeAttr::get(i32()))});
  Value output =
      applyRange(rescale(acc, i8(), scales, 0, outQuant->zeroPoint), *range);
  return define(0, reshape(output, outShape));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

Value Importer::windowSum(Value input, int64_t kernelH, int64_t kernelW,
                          int64_t strideH, int64_t strideW,
                          ArrayRef<int64_t> pad) {
  // A depthwise convolution with a filter of ones sums each window into
  // int32 (padding contributes 0) without a full-size int32 copy of the
  // input.
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t channels = shape[3];
  int64_t outH = (shape[1] + pad[0] + pad[1] - kernelH) / strideH + 1;
  int64_t outW = (shape[2] + pad[2] + pad[3] - kernelW) / strideW + 1;
  Value ones = splat<int8_t>({kernelH, kernelW, channels, 1}, i8(), 1);
  Value zeros = splat<int32_t>({channels}, i32(), 0);
  return emit("tosa.depthwise_conv2d",
              tensorOf({shape[0], outH, outW, channels}, i32()),
              {input, ones, zeros, scalarI8(0), scalarI8(0)},
              {arrayAttr("pad", pad), arrayAttr("stride", {strideH, strideW}),
               arrayAttr("dilation", {1, 1}),
               attr("acc_type", TypeAttr::get(i32()))});
}

Value Importer::averageWithRounding(Value input, const Window &height,
                                    const Window &width, int64_t kernelH,
                                    int64_t kernelW, int64_t strideH,
                                    int64_t strideW, Range range) {
  // reference_integer_ops::AveragePool: the sum of the raw int8 values of
  // the window's in-image positions, divided by their count rounding halves
  // away from zero: (acc +/- count / 2) / count, truncating.
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = type.getShape();
  Value sum = windowSum(
      input, kernelH, kernelW, strideH, strideW,
      {height.padBefore, height.padAfter, width.padBefore, width.padAfter});
  auto counts = [&](const Window &w, int64_t in, int64_t kernel,
                    int64_t stride) {
    SmallVector<int32_t> result;
    for (int64_t o = 0; o < w.output; ++o) {
      int64_t origin = o * stride - w.padBefore;
      int64_t start = std::max<int64_t>(0, -origin);
      int64_t end = std::min<int64_t>(kernel, in - origin);
      result.push_back(static_cast<int32_t>(end - start));
    }
    return result;
  };
  SmallVector<int32_t> rows = counts(height, shape[1], kernelH, strideH);
  SmallVector<int32_t> cols = counts(width, shape[2], kernelW, strideW);
  SmallVector<int32_t> count, half, negativeHalf;
  for (int32_t r : rows)
    for (int32_t c : cols) {
      count.push_back(r * c);
      half.push_back(r * c / 2);
      negativeHalf.push_back(-(r * c / 2));
    }
  SmallVector<int64_t> countShape = {1, height.output, width.output, 1};
  auto table = [&](ArrayRef<int32_t> data) {
    if (llvm::all_equal(data))
      return broadcastI32(data.front(), 4);
    return constant<int32_t>(data, countShape, i32());
  };
  Value positive = compare("tosa.greater", sum, broadcastI32(0, 4));
  Value adjust = select(positive, table(half), table(negativeHalf));
  Value quotient = elementwise(
      "tosa.intdiv", elementwise("tosa.add", sum, adjust), table(count));
  return applyRange(saturateToInt8(quotient), range);
}

LogicalResult Importer::convertPool(bool average) {
  if (failed(expectCounts(1, 1, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  if (failed(expectInt8({{inputTensor, "input"}, {outputTensor, "output"}})))
    return failure();
  Pool2DOptions o = readPool2DOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  ArrayRef<int64_t> inShape = graph.tensors[inputTensor].shape;
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (inShape.size() != 4 || outShape.size() != 4)
    return opError("input and output must be 4-D");
  FailureOr<Window> height =
      window(inShape[1], o.filterH, o.strideH, 1, o.padding, "height");
  if (failed(height))
    return failure();
  FailureOr<Window> width =
      window(inShape[2], o.filterW, o.strideW, 1, o.padding, "width");
  if (failed(width))
    return failure();
  SmallVector<int64_t> expected = {inShape[0], height->output, width->output,
                                   inShape[3]};
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the pooling computes " + shapeString(expected));
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(outQuant))
    return failure();
  FailureOr<Range> range = activationRange(o.activation, *outQuant);
  if (failed(range))
    return failure();
  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();
  Value cropped = cropSpatial(*input, *height, *width);
  SmallVector<int64_t> pad = {height->padBefore, height->padAfter,
                              width->padBefore, width->padAfter};
  if (!average) {
    Value pooled = emit("tosa.max_pool2d", tensorOf(expected, i8()), {cropped},
                        {arrayAttr("kernel", {o.filterH, o.filterW}),
                         arrayAttr("stride", {o.strideH, o.strideW}),
                         arrayAttr("pad", pad)});
    return define(0, applyRange(pooled, *range));
  }

  // With an odd count in every window there are no ties, and TOSA's
  // avg_pool2d (round half up of a sum made non-negative by the -128 zero
  // point) gives TFLite's result; see docs/tflite-import.md.
  bool allOdd = true;
  auto checkOdd = [&](const Window &w, int64_t in, int64_t kernel,
                      int64_t stride, SmallVectorImpl<int64_t> &sizes) {
    for (int64_t out = 0; out < w.output; ++out) {
      int64_t origin = out * stride - w.padBefore;
      sizes.push_back(std::min<int64_t>(kernel, in - origin) -
                      std::max<int64_t>(0, -origin));
    }
  };
  SmallVector<int64_t> rows, cols;
  checkOdd(*height, inShape[1], o.filterH, o.strideH, rows);
  checkOdd(*width, inShape[2], o.filterW, o.strideW, cols);
  for (int64_t r : rows)
    for (int64_t c : cols)
      allOdd = allOdd && (r * c) % 2 == 1;
  if (allOdd) {
    Value pooled =
        emit("tosa.avg_pool2d", tensorOf(expected, i8()),
             {cropped, scalarI8(-128), scalarI8(-128)},
             {arrayAttr("kernel", {o.filterH, o.filterW}),
              arrayAttr("stride", {o.strideH, o.strideW}),
              arrayAttr("pad", pad), attr("acc_type", TypeAttr::get(i32()))});
    return define(0, applyRange(pooled, *range));
  }
  return define(0,
                averageWithRounding(cropped, *height, *width, o.filterH,
                                    o.filterW, o.strideH, o.strideW, *range));
}

//===----------------------------------------------------------------------===//
// RESHAPE, PAD, CONCATENATION
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertReshape() {
  if (failed(expectCounts(1, 2, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  const TensorInfo &in = graph.tensors[inputTensor];
  const TensorInfo &out = graph.tensors[outputTensor];
  if (in.type != out.type)
    return opError("changes the element type from " + tensorTypeName(in.type) +
                   " to " + tensorTypeName(out.type));
  if (!elementType(in.type))
    return opError("tensors of type " + tensorTypeName(in.type) +
                   " are not supported");
  if (numElements(in.shape) != numElements(out.shape))
    return opError("cannot reshape " + shapeString(in.shape) + " to " +
                   shapeString(out.shape));
  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();
  // The output tensor's shape is authoritative; the optional shape input
  // may hold -1 placeholders.
  return define(0, reshape(*input, out.shape));
}

LogicalResult Importer::convertPad() {
  // PAD (input, paddings) and PADV2 (input, paddings, constant value).
  if (failed(expectCounts(2, 3, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  const TensorInfo &in = graph.tensors[inputTensor];
  const TensorInfo &out = graph.tensors[outputTensor];
  if (in.type != out.type ||
      (in.type != static_cast<int8_t>(TensorElementType::Int8) &&
       in.type != static_cast<int8_t>(TensorElementType::Float32)))
    return opError("only INT8 and FLOAT32 tensors can be padded");
  FailureOr<SmallVector<int32_t>> paddings =
      constantValues<int32_t>(1, TensorElementType::Int32, "paddings");
  if (failed(paddings))
    return failure();
  size_t rank = in.shape.size();
  if (paddings->size() != 2 * rank ||
      graph.tensors[inputIndex(1)].shape !=
          ArrayRef<int64_t>{static_cast<int64_t>(rank), 2})
    return opError("paddings must have shape [" + Twine(rank) + ", 2]");
  SmallVector<int64_t> padding, expected;
  for (size_t i = 0; i < rank; ++i) {
    int64_t before = (*paddings)[2 * i], after = (*paddings)[2 * i + 1];
    if (before < 0 || after < 0 || before > kMaxElements ||
        after > kMaxElements)
      return opError("padding " + Twine(before) + ", " + Twine(after) +
                     " of dimension " + Twine(i) +
                     " must be non-negative and bounded");
    padding.push_back(before);
    padding.push_back(after);
    expected.push_back(in.shape[i] + before + after);
  }
  if (ArrayRef<int64_t>(expected) != ArrayRef<int64_t>(out.shape))
    return opError("output is declared " + shapeString(out.shape) +
                   ", the padding computes " + shapeString(expected));
  int32_t padValue = 0;
  float padFloat = 0.0f;
  bool isInt8 = in.type == static_cast<int8_t>(TensorElementType::Int8);
  Quant outQuant;
  if (isInt8) {
    // TFLite Micro pads int8 with the output zero point.
    FailureOr<Quant> quant = activationQuant(outputTensor, "output");
    if (failed(quant))
      return failure();
    outQuant = *quant;
    padValue = outQuant.zeroPoint;
  }
  if (int32_t valueTensor = inputIndex(2); valueTensor >= 0) {
    // PADV2 copies the raw constant; TFLM requires it to be quantised as
    // the output.
    const TensorInfo &value = graph.tensors[valueTensor];
    if (value.type != in.type || !isConstant(valueTensor) ||
        numElements(value.shape) != 1)
      return opError("the constant value (tensor " + Twine(valueTensor) +
                     ") must be one constant " + tensorTypeName(in.type));
    ArrayRef<uint8_t> data = constantData(valueTensor);
    if (isInt8) {
      FailureOr<Quant> valueQuant =
          activationQuant(valueTensor, "the constant value");
      if (failed(valueQuant))
        return failure();
      if (valueQuant->scale != outQuant.scale ||
          valueQuant->zeroPoint != outQuant.zeroPoint)
        return opError("the constant value must have the output's scale and "
                       "zero point, as TFLite Micro requires");
      padValue = static_cast<int8_t>(data[0]);
    } else {
      std::memcpy(&padFloat, data.data(), sizeof(float));
    }
  }
  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();
  Type element = elementType(in.type);
  Value padConst = element.isF32() ? scalarF32(padFloat) : scalarI8(padValue);
  return define(0, emit("tosa.pad", tensorOf(expected, element),
                        {*input, shapeValue(padding), padConst}));
}

LogicalResult Importer::convertConcatenation() {
  if (failed(expectCounts(1, 1024, 1)))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  const TensorInfo &out = graph.tensors[outputTensor];
  ConcatenationOptions o = readConcatenationOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  if (o.activation != Activation::None)
    return opError("a fused activation on CONCATENATION is rejected by "
                   "TFLite Micro");
  if (!elementType(out.type))
    return opError("tensors of type " + tensorTypeName(out.type) +
                   " are not supported");
  int64_t rank = out.shape.size();
  int64_t axis = o.axis < 0 ? o.axis + rank : o.axis;
  if (axis < 0 || axis >= rank)
    return opError("axis " + Twine(o.axis) + " is not a dimension of the " +
                   shapeString(out.shape) + " output");
  SmallVector<Value> inputs;
  SmallVector<int64_t> expected(out.shape.begin(), out.shape.end());
  expected[axis] = 0;
  for (unsigned i = 0; i < currentOp->inputs.size(); ++i) {
    int32_t index = inputIndex(i);
    if (index < 0)
      return opError("input " + Twine(i) + " is missing");
    const TensorInfo &in = graph.tensors[index];
    if (in.type != out.type)
      return opError("input " + Twine(i) + " is " + tensorTypeName(in.type) +
                     ", the output " + tensorTypeName(out.type));
    if (static_cast<int64_t>(in.shape.size()) != rank)
      return opError("input " + Twine(i) + " " + shapeString(in.shape) +
                     " does not have the output's rank");
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && in.shape[d] != out.shape[d])
        return opError("input " + Twine(i) + " " + shapeString(in.shape) +
                       " does not match the output " + shapeString(out.shape) +
                       " outside the axis");
    expected[axis] += in.shape[axis];
    FailureOr<Value> value = operand(i);
    if (failed(value))
      return failure();
    inputs.push_back(*value);
  }
  if (expected[axis] != out.shape[axis])
    return opError("inputs add up to " + Twine(expected[axis]) +
                   " along axis " + Twine(axis) + ", the output has " +
                   Twine(out.shape[axis]));
  // TFLite Micro copies int8 bytes unchanged, whatever the scales.
  return define(0, emit("tosa.concat", typeOf(outputTensor), inputs,
                        {attr("axis", builder.getI32IntegerAttr(axis))}));
}

//===----------------------------------------------------------------------===//
// LOGISTIC
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertLogistic() {
  Quant inQuant, outQuant;
  FailureOr<Value> input = unaryOperand(&inQuant, &outQuant);
  if (failed(input))
    return failure();
  if (outQuant.zeroPoint != -128)
    return opError("the output zero point must be -128, as TFLite Micro "
                   "requires");
  const char *reason = "";
  std::optional<std::array<int8_t, 256>> table =
      tflm::logisticTable(inQuant.scale, inQuant.zeroPoint, rounding, &reason);
  if (!table)
    return opError(Twine("unsupported parameters: ") + reason);
  return defineUnary(*input, [&](int32_t x) { return (*table)[x + 128]; });
}

//===----------------------------------------------------------------------===//
// QUANTIZE and DEQUANTIZE
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertQuantize() {
  if (failed(expectCounts(1, 1, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  if (failed(expectType(outputTensor, TensorElementType::Int8, "output")))
    return failure();
  const TensorInfo &in = graph.tensors[inputTensor];
  if (in.shape != graph.tensors[outputTensor].shape)
    return opError("input and output shapes differ");
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(outQuant))
    return failure();

  if (in.type == static_cast<int8_t>(TensorElementType::Int8)) {
    // reference_ops::Requantize with QuantizeMultiplier(in / out).
    FailureOr<Quant> inQuant = activationQuant(inputTensor, "input");
    if (failed(inQuant))
      return failure();
    FailureOr<Rescale> scale = rescaleFor(
        tflm::quantizeMultiplier(static_cast<double>(inQuant->scale) /
                                     static_cast<double>(outQuant->scale),
                                 rounding),
        "requantisation");
    if (failed(scale))
      return failure();
    if (scale->shift < 10)
      return opError("the input/output scale ratio is too large to requantise");
    FailureOr<Value> input = operand(0);
    if (failed(input))
      return failure();
    return define(0, rescale(*input, i8(), {*scale}, inQuant->zeroPoint,
                             outQuant->zeroPoint));
  }
  if (in.type != static_cast<int8_t>(TensorElementType::Float32))
    return opError("quantising from " + tensorTypeName(in.type) +
                   " is not supported (only FLOAT32 and INT8)");

  // AffineQuantize: clamp(round(x / scale) + zp) with a float division and
  // round-half-away. The result is a non-decreasing step function of x, so
  // it is fixed by the 255 smallest floats reaching each value: a close
  // candidate from x * (1 / scale) is corrected by comparing x with them.
  float scaleValue = outQuant->scale;
  int32_t zeroPoint = outQuant->zeroPoint;
  // The candidate multiplies by 1 / scale, which must be a finite float.
  if (!std::isfinite(static_cast<float>(1.0 / scaleValue)))
    return opError("the output scale " + floatString(scaleValue) +
                   " is too small to quantise floats");
  auto reference = [&](float value) -> int32_t {
    float rounded = tflm::roundFloat(value / scaleValue);
    int64_t level;
    if (rounded < -1.0e9f)
      level = -1000000000;
    else if (rounded > 1.0e9f)
      level = 1000000000;
    else
      level = static_cast<int64_t>(rounded) + zeroPoint;
    return static_cast<int32_t>(std::clamp<int64_t>(level, -128, 127));
  };
  // Floats in increasing order as unsigned keys (NaNs excluded).
  auto toKey = [](float value) {
    uint32_t bits = llvm::bit_cast<uint32_t>(value);
    return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
  };
  auto fromKey = [](uint32_t key) {
    uint32_t bits = (key & 0x80000000u) ? (key & 0x7fffffffu) : ~key;
    return llvm::bit_cast<float>(bits);
  };
  const float infinity = std::numeric_limits<float>::infinity();
  // threshold[level + 128]: the smallest float whose result is >= level.
  std::array<float, 257> threshold;
  threshold[0] = -infinity;
  threshold[256] = infinity;
  for (int level = -127; level <= 127; ++level) {
    uint32_t low = toKey(-infinity), high = toKey(infinity);
    if (reference(infinity) < level) {
      threshold[level + 128] = infinity;
      continue;
    }
    while (low < high) {
      uint32_t middle = low + (high - low) / 2;
      if (reference(fromKey(middle)) >= level)
        high = middle;
      else
        low = middle + 1;
    }
    threshold[level + 128] = fromKey(low);
  }
  SmallVector<float> lowerTable(threshold.begin(), threshold.begin() + 256);
  SmallVector<float> upperTable(threshold.begin() + 1, threshold.end());

  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();
  int64_t rank = in.shape.size();
  if (rank == 0)
    return opError("scalar tensors are not supported");
  float inverse = static_cast<float>(1.0 / static_cast<double>(scaleValue));
  Value product = multiply(*input, broadcastF32(inverse, rank), 0);
  Value bounded = clampFloat(product, -1000.0f, 1000.0f);
  Value shifted =
      elementwise("tosa.add", bounded, broadcastF32(float(zeroPoint), rank));
  // TOSA's float-to-int8 cast rounds to nearest even and saturates.
  Value candidate = castTo(castTo(shifted, i8()), i32());
  Value index = elementwise("tosa.add", candidate, broadcastI32(128, rank));
  Value lower = lookup(index, constant<float>(lowerTable, {1, 256, 1}, f32()));
  Value upper = lookup(index, constant<float>(upperTable, {1, 256, 1}, f32()));
  Value up = castTo(compare("tosa.greater_equal", *input, upper), i32());
  Value down = castTo(compare("tosa.greater", lower, *input), i32());
  Value corrected =
      elementwise("tosa.sub", elementwise("tosa.add", candidate, up), down);
  return define(0, saturateToInt8(corrected));
}

LogicalResult Importer::convertDequantize() {
  if (failed(expectCounts(1, 1, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  if (failed(expectType(inputTensor, TensorElementType::Int8, "input")) ||
      failed(expectType(outputTensor, TensorElementType::Float32, "output")))
    return failure();
  ArrayRef<int64_t> shape = graph.tensors[inputTensor].shape;
  if (shape != ArrayRef<int64_t>(graph.tensors[outputTensor].shape) ||
      shape.empty())
    return opError("input and output must have the same non-scalar shape");
  FailureOr<Quant> inQuant = activationQuant(inputTensor, "input");
  if (failed(inQuant))
    return failure();
  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();
  // float(scale * (x - zp)): x - zp is exact in float and the product is
  // rounded once, as in the kernel.
  int64_t rank = shape.size();
  Value centred =
      elementwise("tosa.sub", castTo(*input, f32()),
                  broadcastF32(static_cast<float>(inQuant->zeroPoint), rank));
  return define(0, multiply(centred, broadcastF32(inQuant->scale, rank), 0));
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

namespace {

/// The options table type each builtin operator reads; None for those that
/// read no options (RESHAPE, PAD, QUANTIZE... take everything from tensors).
BuiltinOptionsType expectedOptions(BuiltinOperator code) {
  switch (code) {
  case BuiltinOperator::Conv2D:
    return BuiltinOptionsType::Conv2DOptions;
  case BuiltinOperator::DepthwiseConv2D:
    return BuiltinOptionsType::DepthwiseConv2DOptions;
  case BuiltinOperator::AveragePool2D:
  case BuiltinOperator::MaxPool2D:
    return BuiltinOptionsType::Pool2DOptions;
  case BuiltinOperator::FullyConnected:
    return BuiltinOptionsType::FullyConnectedOptions;
  case BuiltinOperator::Softmax:
    return BuiltinOptionsType::SoftmaxOptions;
  case BuiltinOperator::Concatenation:
    return BuiltinOptionsType::ConcatenationOptions;
  case BuiltinOperator::Add:
    return BuiltinOptionsType::AddOptions;
  case BuiltinOperator::Mean:
    return BuiltinOptionsType::ReducerOptions;
  case BuiltinOperator::Dequantize:
    return BuiltinOptionsType::DequantizeOptions;
  case BuiltinOperator::Quantize:
    return BuiltinOptionsType::QuantizeOptions;
  // Arithmetic and activations (ImportMath.cpp).
  case BuiltinOperator::Mul:
    return BuiltinOptionsType::MulOptions;
  case BuiltinOperator::Sub:
    return BuiltinOptionsType::SubOptions;
  case BuiltinOperator::SquaredDifference:
    return BuiltinOptionsType::SquaredDifferenceOptions;
  case BuiltinOperator::Maximum:
  case BuiltinOperator::Minimum:
    return BuiltinOptionsType::MaximumMinimumOptions;
  case BuiltinOperator::HardSwish:
    return BuiltinOptionsType::HardSwishOptions;
  case BuiltinOperator::LeakyRelu:
    return BuiltinOptionsType::LeakyReluOptions;
  case BuiltinOperator::LogSoftmax:
    return BuiltinOptionsType::LogSoftmaxOptions;
  case BuiltinOperator::Sum:
  case BuiltinOperator::ReduceMax:
    return BuiltinOptionsType::ReducerOptions;
  // Layout, resize and matrix operators.
  case BuiltinOperator::Squeeze:
    return BuiltinOptionsType::SqueezeOptions;
  case BuiltinOperator::StridedSlice:
    return BuiltinOptionsType::StridedSliceOptions;
  case BuiltinOperator::Split:
    return BuiltinOptionsType::SplitOptions;
  case BuiltinOperator::SplitV:
    return BuiltinOptionsType::SplitVOptions;
  case BuiltinOperator::Pack:
    return BuiltinOptionsType::PackOptions;
  case BuiltinOperator::Unpack:
    return BuiltinOptionsType::UnpackOptions;
  case BuiltinOperator::DepthToSpace:
    return BuiltinOptionsType::DepthToSpaceOptions;
  case BuiltinOperator::SpaceToDepth:
    return BuiltinOptionsType::SpaceToDepthOptions;
  case BuiltinOperator::ResizeBilinear:
    return BuiltinOptionsType::ResizeBilinearOptions;
  case BuiltinOperator::ResizeNearestNeighbor:
    return BuiltinOptionsType::ResizeNearestNeighborOptions;
  case BuiltinOperator::TransposeConv:
    return BuiltinOptionsType::TransposeConvOptions;
  case BuiltinOperator::BatchMatMul:
    return BuiltinOptionsType::BatchMatMulOptions;
  default:
    return BuiltinOptionsType::None;
  }
}

} // namespace

LogicalResult Importer::convertOperator() {
  const OperatorCodeInfo &code = model.operatorCodes[currentOp->opcodeIndex];
  auto builtin = static_cast<BuiltinOperator>(code.builtinCode);
  currentName = builtinOperatorName(code.builtinCode);
  if (builtin == BuiltinOperator::Custom)
    return opError("custom operator '" + code.customCode +
                   "' is not supported");
  if (currentOp->hasIntermediates)
    return opError("operators with intermediate tensors are not supported");
  BuiltinOptionsType expected = expectedOptions(builtin);
  // TFLite Micro ignores the options table of an operator that reads none
  // (exporters write empty TransposeOptions, ReshapeOptions...).
  if (expected != BuiltinOptionsType::None && currentOp->optionsType != 0 &&
      currentOp->optionsType != static_cast<uint8_t>(expected))
    return opError("builtin_options has union type " +
                   Twine(static_cast<unsigned>(currentOp->optionsType)) +
                   ", expected " + Twine(static_cast<unsigned>(expected)));
  if (expected != BuiltinOptionsType::None && currentOp->options &&
      currentOp->optionsType == 0)
    return opError("builtin_options is present without a union type");
  for (int32_t output : currentOp->outputs) {
    if (values[output] || isConstant(output))
      return opError("writes tensor " + Twine(output) +
                     ", which is already defined (a model input, a constant "
                     "or an earlier operator's output)");
    if (!elementType(graph.tensors[output].type))
      return opError("output tensor " + Twine(output) + " has type " +
                     tensorTypeName(graph.tensors[output].type) +
                     ", which is not supported");
  }
  switch (builtin) {
  case BuiltinOperator::Conv2D:
    return convertConvolution(/*depthwise=*/false);
  case BuiltinOperator::DepthwiseConv2D:
    return convertConvolution(/*depthwise=*/true);
  case BuiltinOperator::FullyConnected:
    return convertFullyConnected();
  case BuiltinOperator::Add:
    return convertAdd();
  case BuiltinOperator::AveragePool2D:
    return convertPool(/*average=*/true);
  case BuiltinOperator::MaxPool2D:
    return convertPool(/*average=*/false);
  case BuiltinOperator::Reshape:
    return convertReshape();
  case BuiltinOperator::Softmax:
    return convertSoftmax();
  case BuiltinOperator::Mean:
    return convertMean();
  case BuiltinOperator::Pad:
    return convertPad();
  case BuiltinOperator::Concatenation:
    return convertConcatenation();
  case BuiltinOperator::Quantize:
    return convertQuantize();
  case BuiltinOperator::Dequantize:
    return convertDequantize();
  case BuiltinOperator::Logistic:
    return convertLogistic();
  // Arithmetic and activations (ImportMath.cpp).
  case BuiltinOperator::Sub:
    return convertAddOrSub(/*subtract=*/true);
  case BuiltinOperator::Mul:
    return convertMul();
  case BuiltinOperator::SquaredDifference:
    return convertSquaredDifference();
  case BuiltinOperator::Maximum:
    return convertMinMax(/*maximum=*/true);
  case BuiltinOperator::Minimum:
    return convertMinMax(/*maximum=*/false);
  case BuiltinOperator::Relu:
    return convertRelu(Activation::Relu);
  case BuiltinOperator::ReluN1To1:
    return convertRelu(Activation::ReluN1To1);
  case BuiltinOperator::Relu6:
    return convertRelu6();
  case BuiltinOperator::HardSwish:
    return convertHardSwish();
  case BuiltinOperator::LeakyRelu:
    return convertLeakyRelu();
  case BuiltinOperator::Tanh:
    return convertTanh();
  case BuiltinOperator::Prelu:
    return convertPrelu();
  case BuiltinOperator::Sum:
    return convertMeanOrSum(/*sum=*/true);
  case BuiltinOperator::ReduceMax:
    return convertReduceMax();
  case BuiltinOperator::LogSoftmax:
    return convertLogSoftmax();
  // Layout, resize and matrix operators (ImportLayout.cpp).
  case BuiltinOperator::Transpose:
    return convertTranspose();
  case BuiltinOperator::Squeeze:
  case BuiltinOperator::ExpandDims:
    return convertSqueezeOrExpandDims(builtin == BuiltinOperator::Squeeze);
  case BuiltinOperator::Slice:
    return convertSlice();
  case BuiltinOperator::StridedSlice:
    return convertStridedSlice();
  case BuiltinOperator::Split:
  case BuiltinOperator::SplitV:
    return convertSplit(builtin == BuiltinOperator::SplitV);
  case BuiltinOperator::Pack:
    return convertPack();
  case BuiltinOperator::Unpack:
    return convertUnpack();
  case BuiltinOperator::PadV2:
    return convertPad();
  case BuiltinOperator::DepthToSpace:
  case BuiltinOperator::SpaceToDepth:
    return convertDepthToSpace(builtin == BuiltinOperator::DepthToSpace);
  case BuiltinOperator::ResizeNearestNeighbor:
    return convertResizeNearest();
  case BuiltinOperator::ResizeBilinear:
    return convertResizeBilinear();
  case BuiltinOperator::TransposeConv:
    return convertTransposeConv();
  case BuiltinOperator::BatchMatMul:
    return convertBatchMatMul();
  default:
    return opError("builtin operator " + Twine(code.builtinCode) +
                   " is not supported by the importer (supported: " +
                   supportedOperatorList() +
                   "; docs/tflite-import.md says why the others are not)");
  }
}

std::string Importer::supportedOperatorList() {
  // The operators convertOperator dispatches, by name.
  static const BuiltinOperator kSupported[] = {
      BuiltinOperator::Add,
      BuiltinOperator::AveragePool2D,
      BuiltinOperator::BatchMatMul,
      BuiltinOperator::Concatenation,
      BuiltinOperator::Conv2D,
      BuiltinOperator::DepthToSpace,
      BuiltinOperator::DepthwiseConv2D,
      BuiltinOperator::Dequantize,
      BuiltinOperator::ExpandDims,
      BuiltinOperator::FullyConnected,
      BuiltinOperator::HardSwish,
      BuiltinOperator::LeakyRelu,
      BuiltinOperator::LogSoftmax,
      BuiltinOperator::Logistic,
      BuiltinOperator::MaxPool2D,
      BuiltinOperator::Maximum,
      BuiltinOperator::Mean,
      BuiltinOperator::Minimum,
      BuiltinOperator::Mul,
      BuiltinOperator::Pack,
      BuiltinOperator::Pad,
      BuiltinOperator::PadV2,
      BuiltinOperator::Prelu,
      BuiltinOperator::Quantize,
      BuiltinOperator::ReduceMax,
      BuiltinOperator::Relu,
      BuiltinOperator::Relu6,
      BuiltinOperator::ReluN1To1,
      BuiltinOperator::Reshape,
      BuiltinOperator::ResizeBilinear,
      BuiltinOperator::ResizeNearestNeighbor,
      BuiltinOperator::Slice,
      BuiltinOperator::Softmax,
      BuiltinOperator::SpaceToDepth,
      BuiltinOperator::Split,
      BuiltinOperator::SplitV,
      BuiltinOperator::SquaredDifference,
      BuiltinOperator::Squeeze,
      BuiltinOperator::StridedSlice,
      BuiltinOperator::Sub,
      BuiltinOperator::Sum,
      BuiltinOperator::Tanh,
      BuiltinOperator::Transpose,
      BuiltinOperator::TransposeConv,
      BuiltinOperator::Unpack};
  SmallVector<std::string> names;
  for (BuiltinOperator op : kSupported)
    names.push_back(builtinOperatorName(static_cast<int32_t>(op)));
  llvm::sort(names);
  return llvm::join(names, ", ");
}

OwningOpRef<ModuleOp> Importer::import() {
  if (model.numSubgraphs != 1) {
    (void)error(0, "the model has " + Twine(model.numSubgraphs) +
                       " subgraphs; only single-subgraph models are supported");
    return nullptr;
  }
  values.assign(graph.tensors.size(), Value());
  if (graph.outputs.empty()) {
    (void)error(0, "subgraph 0 has no outputs");
    return nullptr;
  }

  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(context, fileName, 0, 0));
  builder.setInsertionPointToEnd(module->getBody());

  SmallVector<Type> inputTypes;
  llvm::SmallSet<int32_t, 4> seenInputs;
  for (int32_t index : graph.inputs) {
    const TensorInfo &tensor = graph.tensors[index];
    Type element = elementType(tensor.type);
    if (!seenInputs.insert(index).second) {
      (void)tensorError(index, "is listed twice as a model input");
      return nullptr;
    }
    if (!element || element.isInteger(32)) {
      (void)tensorError(index, "model input of type " +
                                   tensorTypeName(tensor.type) +
                                   " is not supported (only INT8 and FLOAT32)");
      return nullptr;
    }
    if (isConstant(index)) {
      (void)tensorError(index, "model input has constant data");
      return nullptr;
    }
    inputTypes.push_back(typeOf(index));
  }
  auto function = func::FuncOp::create(
      builder, NameLoc::get(builder.getStringAttr(graph.name)),
      options.functionName, builder.getFunctionType(inputTypes, {}));
  Block *body = function.addEntryBlock();
  builder.setInsertionPointToEnd(body);

  auto describe = [&](int32_t index) {
    const TensorInfo &tensor = graph.tensors[index];
    SmallVector<NamedAttribute> attrs = {
        attr("tflite.tensor_index", builder.getI32IntegerAttr(index)),
        attr("tflite.name", builder.getStringAttr(tensor.name))};
    if (tensor.quantization && tensor.quantization->scale.size() == 1) {
      attrs.push_back(attr("tflite.scale", builder.getF32FloatAttr(
                                               tensor.quantization->scale[0])));
      attrs.push_back(
          attr("tflite.zero_point",
               builder.getI64IntegerAttr(tensor.quantization->zeroPoint[0])));
    }
    return builder.getDictionaryAttr(attrs);
  };
  for (auto [position, index] : llvm::enumerate(graph.inputs)) {
    values[index] = body->getArgument(position);
    function.setArgAttrs(position, describe(index));
  }

  for (const OperatorInfo &op : graph.operators)
    for (int32_t input : op.inputs)
      ++readers[input];
  for (int32_t output : graph.outputs)
    ++readers[output];

  for (auto [position, op] : llvm::enumerate(graph.operators)) {
    currentOp = &op;
    currentIndex = position;
    currentName = "?";
    if (!reader.charge(op.inputs.size() + op.outputs.size() + 16, op.fileOffset,
                       "operators")) {
      (void)error(reader.getError().offset, reader.getError().message);
      return nullptr;
    }
    const OperatorCodeInfo &code = model.operatorCodes[op.opcodeIndex];
    std::string name = builtinOperatorName(code.builtinCode);
    std::string where = "op" + std::to_string(position) + "." + name;
    if (!op.outputs.empty())
      where += ":tensor" + std::to_string(op.outputs.front());
    loc = NameLoc::get(builder.getStringAttr(where));
    if (failed(convertOperator()))
      return nullptr;
  }
  for (tosa::PadOp pad : foldedPads)
    if (pad->use_empty())
      pad->erase();
  // The return and any constant output belong to no operator: they are
  // located at the model file, where a diagnostic about them points.
  loc = FileLineColLoc::get(context, fileName, 0, 0);

  SmallVector<Value> results;
  SmallVector<int32_t> resultTensors;
  for (int32_t index : graph.outputs) {
    if (!values[index] && isConstant(index)) {
      if (failed(materialize(index)))
        return nullptr;
    }
    if (!values[index]) {
      (void)tensorError(index, "model output is never written");
      return nullptr;
    }
    results.push_back(values[index]);
    resultTensors.push_back(index);
  }
  if (options.returnIntermediates) {
    for (int32_t index : producedTensors) {
      results.push_back(values[index]);
      resultTensors.push_back(index);
    }
  }
  func::ReturnOp::create(builder, loc, results);
  function.setType(
      builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [position, index] : llvm::enumerate(resultTensors))
    function.setResultAttrs(position, describe(index));

  // Operators whose results nothing reads (a reshape folded into a later
  // one, a constant only an unused view needed) are pure: drop them.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (op.use_empty() && !op.hasTrait<OpTrait::IsTerminator>())
      op.erase();

  if (failed(verify(*module))) {
    (void)error(0, "internal error: the imported TOSA does not verify");
    return nullptr;
  }
  return module;
}

void mlir::pex::registerTFLiteImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, tosa::TosaDialect>();
}

OwningOpRef<ModuleOp>
mlir::pex::importTFLite(llvm::ArrayRef<uint8_t> buffer, StringRef bufferName,
                        MLIRContext *context,
                        const TFLiteImportOptions &options) {
  context->loadDialect<func::FuncDialect, tosa::TosaDialect>();
  uint64_t budget = kWorkFloor + kWorkPerByte * buffer.size();
  FlatBufferReader reader(buffer, budget);
  std::optional<ModelInfo> model = decodeModel(reader);
  if (!model) {
    const DecodeError &failure = reader.getError();
    (void)emitFileError(context, bufferName, failure.offset, failure.message);
    return nullptr;
  }
  Importer importer(context, reader, *model, bufferName, options);
  return importer.import();
}
