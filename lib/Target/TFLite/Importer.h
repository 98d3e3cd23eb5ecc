//===- Importer.h - the TFLite-to-TOSA converter ---------------*- C++ -*-===//
//
// The converter class and the small types and helpers its members use,
// shared by the files that convert operators: TFLiteImport.cpp (the driver
// and the original operators), ImportMath.cpp (arithmetic, activations and
// reductions) and ImportLayout.cpp (layout, resize and matrix operators).
// Private to lib/Target/TFLite.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_LIB_TARGET_TFLITE_IMPORTER_H
#define PEX_LIB_TARGET_TFLITE_IMPORTER_H

#include "pex/Target/TFLite/TFLiteImport.h"

#include "FlatBuffer.h"
#include "Schema.h"
#include "TflmArithmetic.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <string>
#include <vector>

namespace mlir::pex::tflite {

using llvm::Twine;

/// The int8 quantisation of an activation tensor.
struct Quant {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
};

/// The TFLite Micro activation range of an int8 output
/// (CalculateActivationRangeQuantized).
struct Range {
  int32_t min = -128;
  int32_t max = 127;
  bool isFull() const { return min == -128 && max == 127; }
};

/// One spatial dimension of a TFLite window operation, as TOSA needs it.
struct Window {
  int64_t output = 0;
  int64_t padBefore = 0;
  int64_t padAfter = 0;
  /// Trailing input rows the window never reads; TOSA requires the padded
  /// extent to be exact, so they are sliced off instead of padded negatively.
  int64_t crop = 0;
};

/// A TOSA rescale: value * multiplier >> shift with the given rounding.
struct Rescale {
  int32_t multiplier = 0;
  int shift = 0;
  bool doubleRound = true;
};

inline int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

inline std::string shapeString(ArrayRef<int64_t> shape) {
  return "[" +
         llvm::join(llvm::map_range(
                        shape, [](int64_t d) { return std::to_string(d); }),
                    ", ") +
         "]";
}

/// Reports what is wrong at a byte offset of the file. The location names
/// the file (line 0: a binary file has no lines); the offset is in the text.
inline LogicalResult emitFileError(MLIRContext *context, StringRef fileName,
                                   uint64_t offset, const Twine &message) {
  emitError(FileLineColLoc::get(context, fileName, 0, 0))
      << "offset " << offset << " (0x"
      << llvm::utohexstr(offset, /*LowerCase=*/true) << "): " << message;
  return failure();
}

/// A float as text that round-trips (for messages).
inline std::string floatString(float value) {
  return llvm::formatv("{0:g9}", value).str();
}

inline std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream stream(text);
  stream << type;
  return text;
}

class Importer {
public:
  Importer(MLIRContext *context, FlatBufferReader &reader,
           const ModelInfo &model, StringRef fileName,
           const TFLiteImportOptions &options)
      : context(context), builder(context), reader(reader), model(model),
        graph(model.mainGraph), fileName(fileName), options(options),
        rounding(options.singleRounding ? tflm::Rounding::Single
                                        : tflm::Rounding::Double),
        loc(UnknownLoc::get(context)) {}

  OwningOpRef<ModuleOp> import();

private:
  //===--------------------------------------------------------------------===//
  // Diagnostics
  //===--------------------------------------------------------------------===//

  LogicalResult error(uint64_t offset, const Twine &message) {
    return emitFileError(context, fileName, offset, message);
  }
  /// An error about the operator being converted.
  LogicalResult opError(const Twine &message) {
    return error(currentOp->fileOffset, "operator " + Twine(currentIndex) +
                                            " (" + currentName +
                                            "): " + message);
  }
  LogicalResult tensorError(int32_t index, const Twine &message) {
    const TensorInfo &tensor = graph.tensors[index];
    return error(tensor.fileOffset, "tensor " + Twine(index) + " ('" +
                                        tensor.name + "'): " + message);
  }

  //===--------------------------------------------------------------------===//
  // Types, attributes, constants
  //===--------------------------------------------------------------------===//

  Type i8() { return builder.getIntegerType(8); }
  Type i32() { return builder.getIntegerType(32); }
  Type f32() { return builder.getF32Type(); }
  RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type element) {
    return RankedTensorType::get(shape, element);
  }
  Type elementType(int8_t type) {
    switch (static_cast<TensorElementType>(type)) {
    case TensorElementType::Int8:
      return i8();
    case TensorElementType::Int32:
      return i32();
    case TensorElementType::Float32:
      return f32();
    default:
      return nullptr;
    }
  }
  RankedTensorType typeOf(int32_t index) {
    const TensorInfo &tensor = graph.tensors[index];
    return tensorOf(tensor.shape, elementType(tensor.type));
  }

  Value emit(StringRef name, Type result, ValueRange operands,
             ArrayRef<NamedAttribute> attributes = {}) {
    OperationState state(loc, name);
    state.addOperands(operands);
    state.addTypes(result);
    state.addAttributes(attributes);
    return builder.create(state)->getResult(0);
  }
  NamedAttribute attr(StringRef name, Attribute value) {
    return builder.getNamedAttr(name, value);
  }
  NamedAttribute arrayAttr(StringRef name, ArrayRef<int64_t> values) {
    return attr(name, builder.getDenseI64ArrayAttr(values));
  }

  /// A constant, hoisted to the top of the function and shared by every
  /// user of the same value.
  Value constant(DenseElementsAttr values) {
    return hoisted("tosa.const", values.getType(), values);
  }
  Value hoisted(StringRef name, Type type, Attribute values) {
    auto key = std::make_pair(builder.getStringAttr(name).getAsOpaquePointer(),
                              values.getAsOpaquePointer());
    auto found = constants.find(key);
    if (found != constants.end() && found->second.getType() == type)
      return found->second;
    OpBuilder::InsertionGuard guard(builder);
    Block *body = builder.getInsertionBlock();
    if (lastConstant)
      builder.setInsertionPointAfter(lastConstant);
    else
      builder.setInsertionPointToStart(body);
    Value value = emit(name, type, {}, {attr("values", values)});
    lastConstant = value.getDefiningOp();
    constants[key] = value;
    return value;
  }
  template <typename T>
  Value constant(ArrayRef<T> values, ArrayRef<int64_t> shape, Type element) {
    return constant(DenseElementsAttr::get(tensorOf(shape, element), values));
  }
  template <typename T>
  Value splat(ArrayRef<int64_t> shape, Type element, T value) {
    return constant(DenseElementsAttr::get(tensorOf(shape, element),
                                           llvm::ArrayRef<T>(value)));
  }
  /// A splat constant of the given rank with every dimension 1, to be
  /// broadcast by an elementwise operation.
  Value broadcastI32(int32_t value, size_t rank) {
    SmallVector<int64_t> ones(rank, 1);
    return splat<int32_t>(ones, i32(), value);
  }
  Value broadcastF32(float value, size_t rank) {
    SmallVector<int64_t> ones(rank, 1);
    return splat<float>(ones, f32(), value);
  }
  /// A one-element zero-point (or shift) operand.
  Value scalarI8(int32_t value) {
    return splat<int8_t>({1}, i8(), static_cast<int8_t>(value));
  }
  Value scalarI32(int32_t value) { return splat<int32_t>({1}, i32(), value); }
  Value scalarF32(float value) { return splat<float>({1}, f32(), value); }
  Value zeroPointFor(Type element, int32_t value) {
    if (element.isF32())
      return scalarF32(0.0f);
    return element.isInteger(8) ? scalarI8(value) : scalarI32(value);
  }
  Value shapeValue(ArrayRef<int64_t> shape) {
    auto type = RankedTensorType::get({static_cast<int64_t>(shape.size())},
                                      builder.getIndexType());
    return hoisted("tosa.const_shape",
                   tosa::shapeType::get(context, shape.size()),
                   DenseIntElementsAttr::get(type, shape));
  }

  //===--------------------------------------------------------------------===//
  // TOSA building blocks
  //===--------------------------------------------------------------------===//

  Value reshape(Value value, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getShape() == shape)
      return value;
    // A reshape of a reshape reads the original value: views stay one op.
    if (auto inner = value.getDefiningOp<tosa::ReshapeOp>())
      return reshape(inner.getInput1(), shape);
    // An identical earlier reshape (operations are appended, so it
    // dominates) is reused.
    RankedTensorType target = tensorOf(shape, type.getElementType());
    for (Operation *user : value.getUsers())
      if (auto existing = dyn_cast<tosa::ReshapeOp>(user);
          existing && existing.getType() == target &&
          existing->getBlock() == builder.getInsertionBlock())
        return existing;
    // Constants (weights) are reshaped at import: consumers see a constant.
    if (auto constOp = value.getDefiningOp<tosa::ConstOp>())
      return constant(cast<DenseElementsAttr>(constOp.getValues())
                          .reshape(tensorOf(shape, type.getElementType())));
    return emit("tosa.reshape", tensorOf(shape, type.getElementType()),
                {value, shapeValue(shape)});
  }
  Value castTo(Value value, Type element) {
    auto type = cast<RankedTensorType>(value.getType());
    return emit("tosa.cast", tensorOf(type.getShape(), element), {value});
  }
  Value elementwise(StringRef name, Value lhs, Value rhs,
                    ArrayRef<NamedAttribute> attributes = {}) {
    return emit(name, broadcastType(lhs, rhs), {lhs, rhs}, attributes);
  }
  RankedTensorType broadcastType(Value lhs, Value rhs) {
    auto a = cast<RankedTensorType>(lhs.getType());
    auto b = cast<RankedTensorType>(rhs.getType());
    SmallVector<int64_t> shape;
    for (auto [x, y] : llvm::zip_equal(a.getShape(), b.getShape()))
      shape.push_back(x == 1 ? y : x);
    return tensorOf(shape, a.getElementType());
  }
  Value compare(StringRef name, Value lhs, Value rhs) {
    return emit(
        name, tensorOf(broadcastType(lhs, rhs).getShape(), builder.getI1Type()),
        {lhs, rhs});
  }
  Value select(Value predicate, Value onTrue, Value onFalse) {
    auto p = cast<RankedTensorType>(predicate.getType()).getShape();
    auto t = cast<RankedTensorType>(onTrue.getType());
    auto f = cast<RankedTensorType>(onFalse.getType()).getShape();
    SmallVector<int64_t> shape;
    for (size_t i = 0; i < p.size(); ++i)
      shape.push_back(std::max({p[i], t.getDimSize(i), f[i]}));
    return emit("tosa.select", tensorOf(shape, t.getElementType()),
                {predicate, onTrue, onFalse});
  }
  /// Integer multiply with TOSA's rounding right shift (shift 31 is
  /// gemmlowp's SaturatingRoundingDoublingHighMul for the operands used).
  Value multiply(Value lhs, Value rhs, int32_t shift) {
    return emit("tosa.mul", broadcastType(lhs, rhs),
                {lhs, rhs, scalarI8(shift)});
  }
  Value clampInt(Value value, int64_t min, int64_t max) {
    auto type = cast<RankedTensorType>(value.getType());
    Type element = type.getElementType();
    return emit("tosa.clamp", type, {value},
                {attr("min_val", builder.getIntegerAttr(element, min)),
                 attr("max_val", builder.getIntegerAttr(element, max))});
  }
  Value clampFloat(Value value, float min, float max) {
    return emit("tosa.clamp", value.getType(), {value},
                {attr("min_val", builder.getF32FloatAttr(min)),
                 attr("max_val", builder.getF32FloatAttr(max))});
  }
  Value reduce(StringRef name, Value value, int64_t axis) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    return emit(name, tensorOf(shape, type.getElementType()), {value},
                {attr("axis", builder.getI32IntegerAttr(axis))});
  }
  Value gather(Value table, Value indices) {
    auto tableType = cast<RankedTensorType>(table.getType());
    auto shape = cast<RankedTensorType>(indices.getType()).getShape();
    return emit("tosa.gather",
                tensorOf({1, shape[1], 1}, tableType.getElementType()),
                {table, indices});
  }
  /// Looks up `indices` (any shape, values in [0, table size)) in a
  /// one-dimensional table with tosa.gather.
  Value lookup(Value indices, Value table) {
    auto type = cast<RankedTensorType>(indices.getType());
    int64_t count = type.getNumElements();
    Value flat = reshape(indices, {1, count});
    Value found = gather(table, flat);
    return reshape(found, type.getShape());
  }

  /// A rescale to `element` (i8 or i32) with TFLite Micro's rounding.
  Value rescale(Value value, Type element, ArrayRef<Rescale> scales,
                int32_t inputZeroPoint, int32_t outputZeroPoint) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int32_t> multipliers;
    SmallVector<int8_t> shifts;
    for (const Rescale &scale : scales) {
      multipliers.push_back(scale.multiplier);
      shifts.push_back(static_cast<int8_t>(scale.shift));
    }
    bool doubleRound = scales.front().doubleRound;
    int64_t count = scales.size();
    auto mode = doubleRound ? tosa::RoundingMode::DOUBLE_ROUND
                            : tosa::RoundingMode::SINGLE_ROUND;
    return emit(
        "tosa.rescale", tensorOf(type.getShape(), element),
        {value, constant<int32_t>(multipliers, {count}, i32()),
         constant<int8_t>(shifts, {count}, i8()),
         zeroPointFor(type.getElementType(), inputZeroPoint),
         zeroPointFor(element, outputZeroPoint)},
        {attr("scale32", builder.getBoolAttr(true)),
         attr("rounding_mode", tosa::RoundingModeAttr::get(context, mode)),
         attr("per_channel", builder.getBoolAttr(count > 1)),
         attr("input_unsigned", builder.getBoolAttr(false)),
         attr("output_unsigned", builder.getBoolAttr(false))});
  }
  /// The TOSA rescale equivalent to MultiplyByQuantizedMultiplier with `m`.
  FailureOr<Rescale> rescaleFor(tflm::QuantizedMultiplier m,
                                const Twine &what) {
    // TFLite's shift is a left shift; TOSA's a right shift of the 64-bit
    // product with the multiplier as a Q0.31 value. Double rounding in TOSA
    // matches gemmlowp's doubling high multiply + rounding divide exactly.
    int shift = 31 - m.shift;
    if (shift < 2 || shift > 62)
      return opError(what + ": scale 2^" + Twine(m.shift) +
                     " is outside what a TOSA rescale can express");
    return Rescale{m.multiplier, shift, rounding == tflm::Rounding::Double};
  }
  /// An int32 value narrowed to int8 with saturation, by an identity
  /// rescale (TOSA has no int32 clamp); |value| must stay below 2^29.
  Value saturateToInt8(Value value, int32_t offset = 0) {
    return rescale(value, i8(), {Rescale{1 << 30, 30, false}}, 0, offset);
  }
  /// Clamps an int8 value to the activation range when it is not the full
  /// int8 range.
  Value applyRange(Value value, Range range) {
    if (range.isFull())
      return value;
    return clampInt(value, range.min, range.max);
  }

  //===--------------------------------------------------------------------===//
  // Operands
  //===--------------------------------------------------------------------===//

  /// The tensor index of input `position`, or -1 when it is absent.
  int32_t inputIndex(unsigned position) {
    if (position >= currentOp->inputs.size())
      return -1;
    return currentOp->inputs[position];
  }
  bool isConstant(int32_t index) {
    return !model.buffers[graph.tensors[index].buffer].data.empty();
  }
  ArrayRef<uint8_t> constantData(int32_t index) {
    return model.buffers[graph.tensors[index].buffer].data;
  }
  FailureOr<Value> materialize(int32_t index);
  FailureOr<Value> operand(unsigned position);
  template <typename T>
  FailureOr<SmallVector<T>>
  constantValues(unsigned position, TensorElementType type, StringRef what);
  LogicalResult expectCounts(size_t minInputs, size_t maxInputs,
                             size_t outputs);
  LogicalResult expectType(int32_t index, TensorElementType type,
                           StringRef what);
  /// expectType(INT8) for each (tensor, what), stopping at the first error.
  LogicalResult
  expectInt8(std::initializer_list<std::pair<int32_t, StringRef>> tensors);
  /// The error the flatbuffer reader stopped at (an options table).
  LogicalResult readerError() {
    return error(reader.getError().offset, reader.getError().message);
  }
  FailureOr<Quant> activationQuant(int32_t index, StringRef what);
  FailureOr<Range> activationRange(Activation activation, Quant output);
  FailureOr<Window> window(int64_t input, int64_t kernel, int64_t stride,
                           int64_t dilation, Padding padding, StringRef dim);
  Value cropSpatial(Value input, const Window &height, const Window &width);
  /// The tosa.pad that produced `tensor`, when a convolution whose input
  /// zero point is `zeroPoint` can take over its padding: it pads only
  /// height and width, with that zero point, and nothing else reads it.
  tosa::PadOp foldablePad(int32_t tensor, int32_t zeroPoint);
  LogicalResult define(unsigned position, Value value);
  /// The int32 bias of a convolution with `channels` outputs at input
  /// `position`, or zeros when the operator has none.
  FailureOr<Value> biasOperand(unsigned position, int64_t channels);

  //===--------------------------------------------------------------------===//
  // Operators
  //===--------------------------------------------------------------------===//

  LogicalResult convertOperator();
  /// The names of the builtin operators convertOperator converts.
  static std::string supportedOperatorList();
  LogicalResult convertConvolution(bool depthwise);
  LogicalResult convertFullyConnected();
  LogicalResult convertAdd();
  LogicalResult convertPool(bool average);
  LogicalResult convertReshape();
  LogicalResult convertMean();
  LogicalResult convertPad();
  LogicalResult convertConcatenation();
  LogicalResult convertQuantize();
  LogicalResult convertDequantize();
  LogicalResult convertLogistic();

  Value averageWithRounding(Value input, const Window &height,
                            const Window &width, int64_t kernelH,
                            int64_t kernelW, int64_t strideH, int64_t strideW,
                            Range range);
  Value windowSum(Value input, int64_t kernelH, int64_t kernelW,
                  int64_t strideH, int64_t strideW, ArrayRef<int64_t> pad);

  //===--------------------------------------------------------------------===//
  // Arithmetic, activations and reductions (ImportMath.cpp)
  //===--------------------------------------------------------------------===//

  /// The operands of an elementwise binary operator, aligned to the
  /// output's rank for TOSA's broadcasting, their quantisation and (`fused`)
  /// the range of the options' fused activation.
  struct Binary {
    Value lhs, rhs;
    Quant lhsQuant, rhsQuant, outQuant;
    Range range;
  };
  FailureOr<Binary> binaryOperands(bool quantised = true, bool fused = false);
  /// An int8 value minus its zero point, in int32 (constants are folded).
  Value centred(Value value, int32_t zeroPoint);
  /// MultiplyByQuantizedMultiplier((x - zp) << leftShift, m) in int32.
  FailureOr<Value> widenShifted(Value value, Quant quant,
                                tflm::QuantizedMultiplier m, int leftShift);
  /// ADD's and SQUARED_DIFFERENCE's inputs: (x - zp) << leftShift scaled by
  /// scale / `twiceMax` (twice the larger input scale), in int32.
  FailureOr<std::pair<Value, Value>> widenBoth(const Binary &b, int leftShift,
                                               double &twiceMax);
  /// Defines output 0 as `function` of the int8 input 0: a clamp when it is
  /// one, else a 256-entry table.
  LogicalResult defineUnary(Value input,
                            llvm::function_ref<int32_t(int32_t)> function);
  FailureOr<Value> unaryOperand(Quant *inQuant, Quant *outQuant);
  /// The sorted axes of a reducer (input, axis constant, ReducerOptions),
  /// after checking the output shape.
  FailureOr<SmallVector<int64_t>> reducedAxes();

  LogicalResult convertAddOrSub(bool subtract);
  LogicalResult convertMul();
  LogicalResult convertSquaredDifference();
  LogicalResult convertMinMax(bool maximum);
  LogicalResult convertRelu(Activation activation);
  LogicalResult convertRelu6();
  LogicalResult convertHardSwish();
  LogicalResult convertLeakyRelu();
  LogicalResult convertTanh();
  LogicalResult convertPrelu();
  LogicalResult convertMeanOrSum(bool sum);
  LogicalResult convertReduceMax();
  LogicalResult convertSoftmax();
  LogicalResult convertLogSoftmax();

  /// gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent.
  Value saturatingShiftLeft(Value value, int exponent);
  /// gemmlowp's RoundingDivideByPOT (halves away from zero).
  Value roundingDivideByPOT(Value value, int exponent);
  /// gemmlowp's one_over_one_plus_x_for_x_in_0_1 (raw Q0.31 in and out).
  Value oneOverOnePlusX(Value value);
  /// The raw Q5.26 log_x_for_x_greater_than_or_equal_to_1 of a Q12.19 sum.
  Value logOfSum(Value sum);

  //===--------------------------------------------------------------------===//
  // Layout, resize and matrix operators (ImportLayout.cpp)
  //===--------------------------------------------------------------------===//

  LogicalResult convertTranspose();
  LogicalResult convertSqueezeOrExpandDims(bool squeeze);
  LogicalResult convertSlice();
  LogicalResult convertStridedSlice();
  LogicalResult convertSplit(bool sizes);
  LogicalResult convertPack();
  LogicalResult convertUnpack();
  LogicalResult convertDepthToSpace(bool toSpace);
  LogicalResult convertResizeNearest();
  LogicalResult convertResizeBilinear();
  LogicalResult convertTransposeConv();
  LogicalResult convertBatchMatMul();

  FailureOr<Value> layoutInput(unsigned position, int32_t outputTensor);
  /// Checks the counts of a one-output layout operator; its input 0.
  FailureOr<Value> layoutOperand(size_t inputs);
  LogicalResult expectOutputShape(ArrayRef<int64_t> computed, StringRef what);
  FailureOr<int64_t> axisOperand(unsigned position, int64_t rank);
  LogicalResult defineView(unsigned position, Value value);
  Value transpose(Value value, ArrayRef<int32_t> perm);
  Value slice(Value value, ArrayRef<int64_t> start, ArrayRef<int64_t> size);
  Value takeEvery(Value value, int64_t axis, int64_t count, int64_t stride);
  LogicalResult checkResizeSize(ArrayRef<int64_t> in, ArrayRef<int64_t> out);
  FailureOr<SmallVector<Rescale>>
  convolutionScales(Quant input, const QuantizationInfo &filter, Quant output);

  MLIRContext *context;
  OpBuilder builder;
  FlatBufferReader &reader;
  const ModelInfo &model;
  const SubGraphInfo &graph;
  StringRef fileName;
  const TFLiteImportOptions &options;
  tflm::Rounding rounding;
  Location loc;

  /// The SSA value of every tensor defined so far (inputs, operator outputs
  /// and materialised constants).
  std::vector<Value> values;
  const OperatorInfo *currentOp = nullptr;
  unsigned currentIndex = 0;
  std::string currentName;
  /// PADs taken over by their convolution, erased once every operator is
  /// converted (until then their tensor counts as defined).
  SmallVector<tosa::PadOp> foldedPads;
  /// How many operator inputs and model outputs read each tensor.
  llvm::DenseMap<int32_t, unsigned> readers;
  /// Operator outputs in execution order, for returnIntermediates.
  SmallVector<int32_t> producedTensors;
  /// Hoisted constants by operation name and value.
  llvm::DenseMap<std::pair<const void *, const void *>, Value> constants;
  Operation *lastConstant = nullptr;
};

} // namespace mlir::pex::tflite

#endif // PEX_LIB_TARGET_TFLITE_IMPORTER_H
