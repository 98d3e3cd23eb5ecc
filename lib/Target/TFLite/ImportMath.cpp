//===- ImportMath.cpp - TFLite arithmetic and activations to TOSA ---------===//
//
// The importer's elementwise arithmetic (ADD, SUB, MUL, SQUARED_DIFFERENCE,
// MAXIMUM, MINIMUM), activations (RELU, RELU_N1_TO_1, RELU6, HARD_SWISH,
// LEAKY_RELU, PRELU, TANH), reductions (MEAN, SUM, REDUCE_MAX) and the
// normalisations SOFTMAX and LOG_SOFTMAX. Each one
// reproduces TensorFlow Lite Micro's int8 reference kernel exactly;
// docs/tflite-import.md derives the mappings.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/ADT/SmallSet.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::tflite;

static __int128 floorDiv(__int128 a, __int128 b) {
  __int128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

static __int128 ceilDiv(__int128 a, __int128 b) { return -floorDiv(-a, b); }

/// A TOSA rescale of an int8 input (value = x - zeroPoint) that yields
/// `target(x)` for all 256 values of x, if one exists. For a shift and a
/// rounding mode, each x bounds the multiplier to an interval; the
/// intersection over the 256 values is tried from the finest shift down, and
/// the result is then checked value by value with TOSA's apply_scale_32.
static std::optional<Rescale>
findExactInt8Rescale(int32_t zeroPoint,
                     llvm::function_ref<int64_t(int32_t)> target) {
  for (int shift = 62; shift >= 10; --shift) {
    for (bool doubleRound : {false, true}) {
      if (doubleRound && shift <= 31)
        continue; // identical to single rounding
      __int128 low = 0, high = std::numeric_limits<int32_t>::max();
      __int128 scale = __int128(1) << shift;
      __int128 half = __int128(1) << (shift - 1);
      bool possible = true;
      for (int32_t x = -128; x <= 127 && possible; ++x) {
        int64_t value = x - zeroPoint;
        __int128 round = half;
        if (doubleRound)
          round += value >= 0 ? (__int128(1) << 30) : -(__int128(1) << 30);
        __int128 expected = target(x);
        // expected * 2^shift <= value * M + round < (expected + 1) * 2^shift
        __int128 lowest = expected * scale - round;
        __int128 highest = (expected + 1) * scale - 1 - round;
        if (value == 0) {
          possible = lowest <= 0 && 0 <= highest;
        } else if (value > 0) {
          low = std::max<__int128>(low, ceilDiv(lowest, value));
          high = std::min<__int128>(high, floorDiv(highest, value));
        } else {
          low = std::max<__int128>(low, ceilDiv(highest, value));
          high = std::min<__int128>(high, floorDiv(lowest, value));
        }
        possible = possible && low <= high;
      }
      if (!possible)
        continue;
      Rescale rescale{static_cast<int32_t>(low), shift, doubleRound};
      bool exact = true;
      for (int32_t x = -128; x <= 127 && exact; ++x) {
        std::optional<int64_t> result = tflm::applyScale32(
            x - zeroPoint, rescale.multiplier, rescale.shift, doubleRound);
        exact = result && *result == target(x);
      }
      if (exact)
        return rescale;
    }
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

FailureOr<Importer::Binary> Importer::binaryOperands(bool quantised,
                                                     bool fused) {
  if (failed(expectCounts(2, 2, 1)))
    return failure();
  int32_t lhsTensor = inputIndex(0), rhsTensor = inputIndex(1),
          outputTensor = currentOp->outputs[0];
  if (lhsTensor < 0 || rhsTensor < 0)
    return opError("both inputs are required");
  if (failed(expectInt8({{lhsTensor, "input 0"},
                         {rhsTensor, "input 1"},
                         {outputTensor, "output"}})))
    return failure();

  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  // TFLite broadcasts numpy-style; TOSA needs equal ranks.
  auto aligned = [&](int32_t tensor) -> FailureOr<SmallVector<int64_t>> {
    ArrayRef<int64_t> shape = graph.tensors[tensor].shape;
    if (shape.size() > outShape.size())
      return opError("input " + shapeString(shape) +
                     " has a higher rank than the output " +
                     shapeString(outShape));
    SmallVector<int64_t> result(outShape.size() - shape.size(), 1);
    result.append(shape.begin(), shape.end());
    return result;
  };
  FailureOr<SmallVector<int64_t>> lhsShape = aligned(lhsTensor);
  FailureOr<SmallVector<int64_t>> rhsShape = aligned(rhsTensor);
  if (failed(lhsShape) || failed(rhsShape))
    return failure();
  for (size_t i = 0; i < outShape.size(); ++i) {
    int64_t a = (*lhsShape)[i], b = (*rhsShape)[i];
    if ((a != 1 && a != outShape[i]) || (b != 1 && b != outShape[i]) ||
        std::max(a, b) != outShape[i])
      return opError("inputs " + shapeString(graph.tensors[lhsTensor].shape) +
                     " and " + shapeString(graph.tensors[rhsTensor].shape) +
                     " do not broadcast to the output " +
                     shapeString(outShape));
  }
  Binary result;
  if (quantised) {
    FailureOr<Quant> lhsQuant = activationQuant(lhsTensor, "input 0");
    FailureOr<Quant> rhsQuant = activationQuant(rhsTensor, "input 1");
    FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
    if (failed(lhsQuant) || failed(rhsQuant) || failed(outQuant))
      return failure();
    result.lhsQuant = *lhsQuant;
    result.rhsQuant = *rhsQuant;
    result.outQuant = *outQuant;
  }
  if (fused) {
    // AddOptions, SubOptions and MulOptions start with the activation.
    AddOptions o = readAddOptions(reader, currentOp->options);
    if (!reader.ok())
      return readerError();
    FailureOr<Range> range = activationRange(o.activation, result.outQuant);
    if (failed(range))
      return failure();
    result.range = *range;
  }
  FailureOr<Value> lhs = operand(0);
  FailureOr<Value> rhs = operand(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  result.lhs = reshape(*lhs, *lhsShape);
  result.rhs = reshape(*rhs, *rhsShape);
  return result;
}

Value Importer::centred(Value value, int32_t zeroPoint) {
  auto type = cast<RankedTensorType>(value.getType());
  // A constant operand (a PRELU alpha, a MUL scale) is centred at import.
  if (auto constOp = value.getDefiningOp<tosa::ConstOp>()) {
    SmallVector<int32_t> data;
    for (int8_t v :
         cast<DenseElementsAttr>(constOp.getValues()).getValues<int8_t>())
      data.push_back(int32_t(v) - zeroPoint);
    return constant<int32_t>(data, type.getShape(), i32());
  }
  // Identity rescale: x - zp exactly.
  return rescale(value, i32(), {Rescale{1 << 30, 30, false}}, zeroPoint, 0);
}

FailureOr<Value> Importer::widenShifted(Value value, Quant quant,
                                        tflm::QuantizedMultiplier m,
                                        int leftShift) {
  // The kernel's MultiplyByQuantizedMultiplierSmallerThanOneExp of
  // (x - zp) << leftShift. As x has 256 values, one TOSA rescale from int8
  // that agrees on all of them is searched for; otherwise the left shift is
  // a separate exact rescale (2^30 >> (30 - leftShift)).
  auto target = [&](int32_t x) -> int64_t {
    return tflm::multiplyByQuantizedMultiplier(
        (x - quant.zeroPoint) * (1 << leftShift), m, rounding);
  };
  if (std::optional<Rescale> exact =
          findExactInt8Rescale(quant.zeroPoint, target))
    return rescale(value, i32(), {*exact}, quant.zeroPoint, 0);
  FailureOr<Rescale> scale = rescaleFor(m, "input rescale");
  if (failed(scale))
    return failure();
  Value shifted =
      rescale(value, i32(), {Rescale{1 << 30, 30 - leftShift, false}},
              quant.zeroPoint, 0);
  return rescale(shifted, i32(), {*scale}, 0, 0);
}

FailureOr<std::pair<Value, Value>>
Importer::widenBoth(const Binary &b, int leftShift, double &twiceMax) {
  twiceMax =
      2.0 * static_cast<double>(std::max(b.lhsQuant.scale, b.rhsQuant.scale));
  tflm::QuantizedMultiplier lhsM = tflm::quantizeMultiplier(
      static_cast<double>(b.lhsQuant.scale) / twiceMax, rounding);
  tflm::QuantizedMultiplier rhsM = tflm::quantizeMultiplier(
      static_cast<double>(b.rhsQuant.scale) / twiceMax, rounding);
  if (lhsM.shift > 0 || rhsM.shift > 0)
    return opError("the input scales need a multiplier of at least 1, which "
                   "TFLite Micro rejects");
  FailureOr<Value> lhs = widenShifted(b.lhs, b.lhsQuant, lhsM, leftShift);
  FailureOr<Value> rhs = widenShifted(b.rhs, b.rhsQuant, rhsM, leftShift);
  if (failed(lhs) || failed(rhs))
    return failure();
  return std::make_pair(*lhs, *rhs);
}

FailureOr<Value> Importer::unaryOperand(Quant *inQuant, Quant *outQuant) {
  if (failed(expectCounts(1, 1, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  if (failed(expectInt8({{inputTensor, "input"}, {outputTensor, "output"}})))
    return failure();
  if (graph.tensors[inputTensor].shape != graph.tensors[outputTensor].shape)
    return opError("input and output shapes differ");
  FailureOr<Quant> in = activationQuant(inputTensor, "input");
  FailureOr<Quant> out = activationQuant(outputTensor, "output");
  if (failed(in) || failed(out))
    return failure();
  *inQuant = *in;
  *outQuant = *out;
  return operand(0);
}

LogicalResult
Importer::defineUnary(Value input,
                      llvm::function_ref<int32_t(int32_t)> function) {
  // The kernel is a function of one int8: a 256-entry table, exactly. When
  // that function is a clamp (a RELU without requantisation), a clamp.
  SmallVector<int8_t> table;
  for (int32_t x = -128; x <= 127; ++x)
    table.push_back(static_cast<int8_t>(std::clamp(function(x), -128, 127)));
  int32_t low = table.front(), high = table.back();
  bool isClamp = low <= high;
  for (int32_t x = -128; x <= 127 && isClamp; ++x)
    isClamp = table[x + 128] == std::clamp(x, low, high);
  RankedTensorType type = typeOf(currentOp->outputs[0]);
  if (isClamp)
    return define(0, clampInt(input, low, high));
  return define(0, emit("tosa.table", type,
                        {input, constant<int8_t>(table, {256}, i8())}));
}

//===----------------------------------------------------------------------===//
// ADD, SUB, MUL, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertAdd() { return convertAddOrSub(false); }

LogicalResult Importer::convertAddOrSub(bool subtract) {
  FailureOr<Binary> b = binaryOperands(/*quantised=*/true, /*fused=*/true);
  if (failed(b))
    return failure();

  // CalculateOpDataAdd / CalculateOpDataSub: both inputs go to twice the
  // larger input scale, after a left shift of 20 bits.
  const int leftShift = 20;
  double twiceMaxInputScale = 0;
  FailureOr<std::pair<Value, Value>> wide =
      widenBoth(*b, leftShift, twiceMaxInputScale);
  if (failed(wide))
    return failure();
  double outReal = twiceMaxInputScale /
                   ((1 << leftShift) * static_cast<double>(b->outQuant.scale));
  tflm::QuantizedMultiplier outM = tflm::quantizeMultiplier(outReal, rounding);
  if (outM.shift > 0)
    return opError("the output scale needs a multiplier of at least 1, which "
                   "TFLite Micro rejects");
  FailureOr<Rescale> outScale = rescaleFor(outM, "output rescale");
  if (failed(outScale))
    return failure();
  Value sum = elementwise(subtract ? "tosa.sub" : "tosa.add", wide->first,
                          wide->second);
  Value output = rescale(sum, i8(), {*outScale}, 0, b->outQuant.zeroPoint);
  return define(0, applyRange(output, b->range));
}

LogicalResult Importer::convertMul() {
  FailureOr<Binary> b = binaryOperands(/*quantised=*/true, /*fused=*/true);
  if (failed(b))
    return failure();
  // CalculateOpDataMul: in1 * in2 / out in double;
  // reference_integer_ops::Mul: MultiplyByQuantizedMultiplier of the
  // product of the centred inputs (at most 255^2 in magnitude).
  double real = static_cast<double>(b->lhsQuant.scale) *
                static_cast<double>(b->rhsQuant.scale) /
                static_cast<double>(b->outQuant.scale);
  FailureOr<Rescale> scale =
      rescaleFor(tflm::quantizeMultiplier(real, rounding), "output rescale");
  if (failed(scale))
    return failure();
  if (scale->shift < 18)
    return opError("the output scale is too small for the product's range");
  Value product = multiply(centred(b->lhs, b->lhsQuant.zeroPoint),
                           centred(b->rhs, b->rhsQuant.zeroPoint), 0);
  Value output = rescale(product, i8(), {*scale}, 0, b->outQuant.zeroPoint);
  return define(0, applyRange(output, b->range));
}

LogicalResult Importer::convertSquaredDifference() {
  FailureOr<Binary> b = binaryOperands();
  if (failed(b))
    return failure();
  // PrepareQuantized with left shift 7: the inputs go to twice the larger
  // scale, the squared difference back with (2 * max)^2 / (2^14 * out).
  const int leftShift = 7;
  double twiceMaxInputScale = 0;
  FailureOr<std::pair<Value, Value>> wide =
      widenBoth(*b, leftShift, twiceMaxInputScale);
  if (failed(wide))
    return failure();
  double outReal =
      twiceMaxInputScale * twiceMaxInputScale /
      static_cast<double>((1 << (2 * leftShift)) * b->outQuant.scale);
  FailureOr<Rescale> outScale =
      rescaleFor(tflm::quantizeMultiplier(outReal, rounding), "output rescale");
  if (failed(outScale))
    return failure();
  // The squared difference is below 2^30; the rescale must accept it.
  if (outScale->shift < 31)
    return opError("the output scale is too small for the squared "
                   "difference's range");
  Value difference = elementwise("tosa.sub", wide->first, wide->second);
  Value square = multiply(difference, difference, 0);
  return define(0,
                rescale(square, i8(), {*outScale}, 0, b->outQuant.zeroPoint));
}

LogicalResult Importer::convertMinMax(bool maximum) {
  // TFLite Micro compares the raw int8 values (no requantisation).
  FailureOr<Binary> b = binaryOperands(/*quantised=*/false);
  if (failed(b))
    return failure();
  RankedTensorType outType = typeOf(currentOp->outputs[0]);
  // Against a constant scalar (or a splat), the operator is a clamp.
  auto splatValue = [](Value value) -> std::optional<int32_t> {
    auto constOp = value.getDefiningOp<tosa::ConstOp>();
    if (!constOp)
      return std::nullopt;
    auto values =
        cast<DenseElementsAttr>(constOp.getValues()).getValues<int8_t>();
    if (!llvm::all_equal(values))
      return std::nullopt;
    return *values.begin();
  };
  for (auto [value, other] :
       {std::pair(b->lhs, b->rhs), std::pair(b->rhs, b->lhs)}) {
    std::optional<int32_t> bound = splatValue(other);
    if (bound && value.getType() == outType)
      return define(0, maximum ? clampInt(value, *bound, 127)
                               : clampInt(value, -128, *bound));
  }
  // TOSA's integer profile has maximum and minimum on int32 only; the
  // casts are exact and fuse with the comparison.
  Value lhs = castTo(b->lhs, i32());
  Value rhs = castTo(b->rhs, i32());
  Value result =
      elementwise(maximum ? "tosa.maximum" : "tosa.minimum", lhs, rhs);
  return define(0, castTo(result, i8()));
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertRelu(Activation activation) {
  Quant in, out;
  FailureOr<Value> input = unaryOperand(&in, &out);
  if (failed(input))
    return failure();
  // CalculateReluOpData (RELU_N1_TO_1 is TFLite's QuantizedReluX with
  // [-1, 1]): requantise by in / out, then clamp to the range.
  FailureOr<Range> range = activationRange(activation, out);
  if (failed(range))
    return failure();
  tflm::QuantizedMultiplier m = tflm::quantizeMultiplier(
      static_cast<double>(in.scale) / static_cast<double>(out.scale), rounding);
  if (m.shift > 22)
    return opError("the input/output scale ratio is too large to requantise");
  return defineUnary(*input, [&](int32_t x) {
    int32_t value = out.zeroPoint + tflm::multiplyByQuantizedMultiplier(
                                        x - in.zeroPoint, m, rounding);
    return std::clamp(value, range->min, range->max);
  });
}

LogicalResult Importer::convertRelu6() {
  Quant in, out;
  FailureOr<Value> input = unaryOperand(&in, &out);
  if (failed(input))
    return failure();
  // Relu6Prepare: TFLite Micro clamps the raw input between its zero point
  // and FloatToQuantizedType(6.0); the output quantisation is not used.
  double six = std::round(static_cast<double>(6.0f / in.scale)) + in.zeroPoint;
  int32_t upper = static_cast<int32_t>(std::clamp(six, -128.0, 127.0));
  return define(0, clampInt(*input, in.zeroPoint, upper));
}

LogicalResult Importer::convertHardSwish() {
  Quant in, out;
  FailureOr<Value> input = unaryOperand(&in, &out);
  if (failed(input))
    return failure();
  const char *reason = "";
  std::optional<std::array<int8_t, 256>> table = tflm::hardSwishTable(
      in.scale, in.zeroPoint, out.scale, out.zeroPoint, rounding, &reason);
  if (!table)
    return opError(Twine("unsupported parameters: ") + reason);
  return defineUnary(*input, [&](int32_t x) { return (*table)[x + 128]; });
}

LogicalResult Importer::convertLeakyRelu() {
  LeakyReluOptions o = readLeakyReluOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  Quant in, out;
  FailureOr<Value> input = unaryOperand(&in, &out);
  if (failed(input))
    return failure();
  if (!std::isfinite(o.alpha) || o.alpha < 0.0f)
    return opError("alpha " + floatString(o.alpha) +
                   " must be finite and non-negative");
  // CalculateOpDataLeakyRelu: both multipliers are float expressions.
  tflm::QuantizedMultiplier identity = tflm::quantizeMultiplier(
      static_cast<double>(in.scale / out.scale), rounding);
  tflm::QuantizedMultiplier alpha = tflm::quantizeMultiplier(
      static_cast<double>(in.scale * o.alpha / out.scale), rounding);
  if (identity.shift > 22 || alpha.shift > 22)
    return opError("the input/output scale ratio is too large to requantise");
  return defineUnary(*input, [&](int32_t x) {
    int32_t value = x - in.zeroPoint;
    return out.zeroPoint + tflm::multiplyByQuantizedMultiplier(
                               value, value >= 0 ? identity : alpha, rounding);
  });
}

LogicalResult Importer::convertTanh() {
  Quant in, out;
  FailureOr<Value> input = unaryOperand(&in, &out);
  if (failed(input))
    return failure();
  const char *reason = "";
  std::optional<std::array<int8_t, 256>> table =
      tflm::tanhTable(in.scale, in.zeroPoint, rounding, &reason);
  if (!table)
    return opError(Twine("unsupported parameters: ") + reason);
  return defineUnary(*input, [&](int32_t x) { return (*table)[x + 128]; });
}

LogicalResult Importer::convertPrelu() {
  FailureOr<Binary> b = binaryOperands();
  if (failed(b))
    return failure();
  if (b->lhs.getType() != typeOf(currentOp->outputs[0]))
    return opError("the alpha must broadcast to the input's shape");
  // CalculatePreluParams: x >= zp gives (x - zp) * in / out, x < zp gives
  // (x - zp) * (alpha - alpha_zp) * in * alpha / out. Both branches are
  // computed on the input clamped to their side of the zero point, where
  // the other is exactly 0, and added: one fused int32 kernel.
  Quant in = b->lhsQuant, alphaQuant = b->rhsQuant, out = b->outQuant;
  FailureOr<Rescale> positiveScale =
      rescaleFor(tflm::quantizeMultiplier(static_cast<double>(in.scale) /
                                              static_cast<double>(out.scale),
                                          rounding),
                 "identity rescale");
  FailureOr<Rescale> negativeScale = rescaleFor(
      tflm::quantizeMultiplier(static_cast<double>(in.scale) *
                                   static_cast<double>(alphaQuant.scale) /
                                   static_cast<double>(out.scale),
                               rounding),
      "alpha rescale");
  if (failed(positiveScale) || failed(negativeScale))
    return failure();
  if (positiveScale->shift < 12 || negativeScale->shift < 18)
    return opError("the input/output scale ratio is too large to requantise");
  Value positive = rescale(clampInt(b->lhs, in.zeroPoint, 127), i32(),
                           {*positiveScale}, in.zeroPoint, 0);
  Value product =
      multiply(centred(clampInt(b->lhs, -128, in.zeroPoint), in.zeroPoint),
               centred(b->rhs, alphaQuant.zeroPoint), 0);
  Value negative = rescale(product, i32(), {*negativeScale}, 0, 0);
  return define(0, saturateToInt8(elementwise("tosa.add", positive, negative),
                                  out.zeroPoint));
}

//===----------------------------------------------------------------------===//
// MEAN, SUM, REDUCE_MAX
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>> Importer::reducedAxes() {
  if (failed(expectCounts(2, 2, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  if (failed(expectInt8({{inputTensor, "input"}, {outputTensor, "output"}})))
    return failure();
  ReducerOptions o = readReducerOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  FailureOr<SmallVector<int32_t>> axes =
      constantValues<int32_t>(1, TensorElementType::Int32, "axis");
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> inShape = graph.tensors[inputTensor].shape;
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  int64_t rank = inShape.size();
  llvm::SmallSet<int64_t, 4> reduced;
  for (int32_t axis : *axes) {
    int64_t resolved = axis < 0 ? axis + rank : axis;
    if (resolved < 0 || resolved >= rank)
      return opError("axis " + Twine(axis) + " is not a dimension of " +
                     shapeString(inShape));
    reduced.insert(resolved);
  }
  SmallVector<int64_t> result, expected;
  for (int64_t d = 0; d < rank; ++d) {
    if (reduced.contains(d))
      result.push_back(d);
    if (!reduced.contains(d) || o.keepDims)
      expected.push_back(reduced.contains(d) ? 1 : inShape[d]);
  }
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the reduction computes " + shapeString(expected));
  return result;
}

LogicalResult Importer::convertMean() { return convertMeanOrSum(false); }

LogicalResult Importer::convertMeanOrSum(bool sum) {
  FailureOr<SmallVector<int64_t>> reduced = reducedAxes();
  if (failed(reduced))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  ArrayRef<int64_t> inShape = graph.tensors[inputTensor].shape;
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  int64_t rank = inShape.size();
  SmallVector<int64_t> keptShape(inShape);
  int64_t count = 1;
  for (int64_t d : *reduced) {
    keptShape[d] = 1;
    count *= inShape[d];
  }
  FailureOr<Quant> inQuant = activationQuant(inputTensor, "input");
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(inQuant) || failed(outQuant))
    return failure();
  // QuantizedMeanOrSum: sum the raw values, subtract zp * count, and (for
  // MEAN) fold 1/count into the multiplier.
  if (int64_t(255) * count >= (int64_t(1) << 30))
    return opError("a reduction over " + Twine(count) +
                   " values can overflow TFLite Micro's int32 sum");
  tflm::QuantizedMultiplier m =
      tflm::quantizeMultiplier(static_cast<double>(inQuant->scale) /
                                   static_cast<double>(outQuant->scale),
                               rounding);
  if (!sum) {
    int shift = 63 - llvm::countl_zero(static_cast<uint64_t>(count));
    shift = std::min(shift, 32);
    shift = std::min(shift, 31 + m.shift);
    m = tflm::QuantizedMultiplier{
        static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << shift) /
                             count),
        m.shift - shift};
  }
  FailureOr<Rescale> scale = rescaleFor(m, "output rescale");
  if (failed(scale))
    return failure();
  if (int64_t(255) * count >= (int64_t(1) << (scale->shift - 1)))
    return opError("the rescaled sum exceeds the range a TOSA rescale with "
                   "shift " +
                   Twine(scale->shift) + " accepts");
  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();

  Value total;
  auto contains = [&](int64_t d) { return llvm::is_contained(*reduced, d); };
  bool spatial = rank == 4 && !reduced->empty() && !contains(0) && !contains(3);
  if (spatial) {
    total = windowSum(*input, keptShape[1] == 1 ? inShape[1] : 1,
                      keptShape[2] == 1 ? inShape[2] : 1, 1, 1, {0, 0, 0, 0});
  } else if (*reduced == ArrayRef<int64_t>{rank - 1}) {
    // Over the innermost axis: a 1x1 convolution with a filter of ones sums
    // each row into int32 without a full-size int32 copy of the input; the
    // result is reshaped after the rescale, which fuses with it.
    int64_t depth = inShape.back(), rows = numElements(inShape) / depth;
    total = emit("tosa.conv2d", tensorOf({rows, 1, 1, 1}, i32()),
                 {reshape(*input, {rows, 1, 1, depth}),
                  splat<int8_t>({1, 1, 1, depth}, i8(), 1),
                  splat<int32_t>({1}, i32(), 0), scalarI8(0), scalarI8(0)},
                 {arrayAttr("pad", {0, 0, 0, 0}), arrayAttr("stride", {1, 1}),
                  arrayAttr("dilation", {1, 1}),
                  attr("acc_type", TypeAttr::get(i32()))});
  } else {
    total = castTo(*input, i32());
    for (int64_t d : *reduced)
      total = reduce("tosa.reduce_sum", total, d);
  }
  Value centredSum = elementwise(
      "tosa.add", total,
      broadcastI32(static_cast<int32_t>(-inQuant->zeroPoint * count),
                   cast<RankedTensorType>(total.getType()).getRank()));
  Value output = rescale(centredSum, i8(), {*scale}, 0, outQuant->zeroPoint);
  return define(0, reshape(output, outShape));
}

LogicalResult Importer::convertReduceMax() {
  FailureOr<SmallVector<int64_t>> reduced = reducedAxes();
  if (failed(reduced))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  FailureOr<Quant> inQuant = activationQuant(inputTensor, "input");
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(inQuant) || failed(outQuant))
    return failure();
  // The int8 kernel takes the maximum of the raw values and requires one
  // quantisation for input and output.
  if (inQuant->scale != outQuant->scale ||
      inQuant->zeroPoint != outQuant->zeroPoint)
    return opError("input and output quantisation must be equal, as TFLite "
                   "Micro requires");
  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();
  Value result = *input;
  for (int64_t d : *reduced)
    result = reduce("tosa.reduce_max", result, d);
  return define(0, reshape(result, graph.tensors[outputTensor].shape));
}

//===----------------------------------------------------------------------===//
// SOFTMAX and LOG_SOFTMAX
//===----------------------------------------------------------------------===//

Value Importer::saturatingShiftLeft(Value value, int exponent) {
  // gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent.
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  int32_t threshold = static_cast<int32_t>((int64_t(1) << (31 - exponent)) - 1);
  // The shift wraps outside [-threshold, threshold]; the selects replace
  // those lanes with the saturated values.
  Value shifted = elementwise("tosa.logical_left_shift", value,
                              broadcastI32(exponent, rank));
  Value high = compare("tosa.greater", value, broadcastI32(threshold, rank));
  Value low = compare("tosa.greater", broadcastI32(-threshold, rank), value);
  Value result = select(
      high, broadcastI32(std::numeric_limits<int32_t>::max(), rank), shifted);
  return select(low, broadcastI32(std::numeric_limits<int32_t>::min(), rank),
                result);
}

Value Importer::roundingDivideByPOT(Value value, int exponent) {
  // TOSA's rounding shift rounds halves up; gemmlowp's RoundingDivideByPOT
  // rounds them away from zero, so negative exact halves step down by one.
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  Value rounded = elementwise("tosa.arithmetic_right_shift", value,
                              broadcastI32(exponent, rank),
                              {attr("round", builder.getBoolAttr(true))});
  Value remainder = elementwise("tosa.bitwise_and", value,
                                broadcastI32((1 << exponent) - 1, rank));
  Value half =
      compare("tosa.equal", remainder, broadcastI32(1 << (exponent - 1), rank));
  Value negative = compare("tosa.greater", broadcastI32(0, rank), value);
  Value tie = elementwise("tosa.logical_and", half, negative);
  return select(tie, elementwise("tosa.sub", rounded, broadcastI32(1, rank)),
                rounded);
}

Value Importer::oneOverOnePlusX(Value value) {
  // gemmlowp's one_over_one_plus_x_for_x_in_0_1 on a raw Q0.31 value:
  // RoundingHalfSum(x, 1) is (x >> 1) + 2^30 for every int32 x, then three
  // Newton-Raphson steps on Q2.29 and Rescale<0> of the Q1.30 result.
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  Value halfDenominator = elementwise(
      "tosa.add",
      elementwise("tosa.arithmetic_right_shift", value, broadcastI32(1, rank),
                  {attr("round", builder.getBoolAttr(false))}),
      broadcastI32(1 << 30, rank));
  Value x = elementwise(
      "tosa.add",
      multiply(halfDenominator, broadcastI32(-1010580540, rank), 31),
      broadcastI32(1515870810, rank));
  for (int i = 0; i < 3; ++i) {
    Value product = multiply(halfDenominator, x, 31);
    Value oneMinus =
        elementwise("tosa.sub", broadcastI32(1 << 29, rank), product);
    x = elementwise("tosa.add", x,
                    saturatingShiftLeft(multiply(x, oneMinus, 31), 2));
  }
  return saturatingShiftLeft(x, 1);
}

Value Importer::logOfSum(Value sum) {
  // log_x_for_x_greater_than_or_equal_to_1<5> of a Q12.19 sum >= 1, the raw
  // Q5.26 result; the accumulation has 6 integer bits. The kernel's 64-bit
  // and saturating steps are replaced by int32 ones where the operands'
  // ranges (sum in [2^19, 2^31)) make them equal; those ranges are noted.
  auto type = cast<RankedTensorType>(sum.getType());
  int64_t rank = type.getRank();
  auto c = [&](int32_t v) { return broadcastI32(v, rank); };
  auto add = [&](Value a, Value b) { return elementwise("tosa.add", a, b); };
  auto sub = [&](Value a, Value b) { return elementwise("tosa.sub", a, b); };
  auto shl = [&](Value a, Value b) {
    return elementwise("tosa.logical_left_shift", a, b);
  };
  auto mul = [&](Value a, Value b) { return multiply(a, b, 31); };
  const int32_t kLog2 = 1488522236, kSqrtSqrtHalf = 1805811301,
                kSqrtHalf = 1518500250, kAlphaN = 117049297,
                kAlphaD = 127690142, kAlphaI = 1057819769, kAlphaF = 638450708;
  const int inputBits = 12, accumShift = 31 - 6;
  const int32_t shiftedQuarter = 1 << 23; // Rescale<6>(1/4)

  // z_a = sum read as Q0.31, normalised to [1/2, 1) by its headroom.
  Value headroomPlusOne = emit("tosa.clz", type, {sum});
  Value normalised = shl(sum, sub(headroomPlusOne, c(1)));
  Value rA = saturatingShiftLeft(mul(normalised, c(kSqrtHalf)), 1);
  // (inputBits - headroomPlusOne) is in [0, 11]: the saturating shift by 25
  // is exact.
  Value zAPow2 = add(shl(sub(c(inputBits), headroomPlusOne), c(accumShift)),
                     c(shiftedQuarter));
  // z_b = z_a * sqrt(1/2); r_b is z_a (sic, as the kernel) shifted by z_b's
  // headroom, saturating exactly when that shift reaches z_a's leading zeros.
  Value zBHeadroom =
      sub(emit("tosa.clz", type, {mul(sum, c(kSqrtHalf))}), c(1));
  Value rB =
      select(compare("tosa.greater", headroomPlusOne, zBHeadroom),
             shl(sum, zBHeadroom), c(std::numeric_limits<int32_t>::max()));
  Value zBPow2 =
      sub(shl(sub(c(inputBits), zBHeadroom), c(accumShift)), c(shiftedQuarter));
  Value r = elementwise("tosa.minimum", rA, rB);
  Value zPow2 = elementwise("tosa.maximum", zAPow2, zBPow2);

  // RoundingHalfSum(r, sqrt(sqrt(1/2))) without a 64-bit sum: r > 0 and the
  // constant is odd.
  Value p = add(elementwise("tosa.arithmetic_right_shift", r, c(1),
                            {attr("round", builder.getBoolAttr(false))}),
                c((kSqrtSqrtHalf + 1) / 2));
  Value q = sub(r, c(kSqrtSqrtHalf));
  q = add(q, q);
  Value commonSq = mul(q, q);
  Value num = add(mul(q, r), mul(mul(q, commonSq), c(kAlphaN)));
  Value denominatorMinusOne =
      add(mul(p, add(add(c(kAlphaI), q), mul(c(kAlphaD), commonSq))),
          mul(c(kAlphaF), q));
  Value reciprocal = oneOverOnePlusX(denominatorMinusOne);
  Value numScaled = roundingDivideByPOT(num, 6);
  Value accumulated = add(mul(zPow2, c(kLog2)), mul(numScaled, reciprocal));
  return saturatingShiftLeft(accumulated, 1); // Rescale<5> of Q6.25
}

LogicalResult Importer::convertSoftmax() {
  Quant inQuant, outQuant;
  FailureOr<Value> input = unaryOperand(&inQuant, &outQuant);
  if (failed(input))
    return failure();
  SoftmaxOptions o = readSoftmaxOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  ArrayRef<int64_t> shape = graph.tensors[inputIndex(0)].shape;
  if (shape.empty())
    return opError("the input must not be a scalar");
  if (outQuant.zeroPoint != -128 || outQuant.scale != 1.0f / 256)
    return opError("the output must have scale 1/256 and zero point -128, "
                   "as TFLite Micro requires");
  int64_t depth = shape.back();
  // The sum of depth terms of at most 2^19 must leave the output shift
  // (35 - clz(sum)) within TFLite Micro's check of at most 31.
  if (depth > 511)
    return opError("softmax over " + Twine(depth) +
                   " values can exceed TFLite Micro's output shift limit");
  const char *reason = "";
  std::optional<tflm::SoftmaxTables> tables =
      tflm::softmaxTables(o.beta, inQuant.scale, rounding, &reason);
  if (!tables)
    return opError(Twine("unsupported parameters: ") + reason);

  // reference_ops::Softmax<int8_t, int8_t>; the steps follow the kernel.
  int64_t rank = shape.size(), axis = rank - 1;
  Value wide = castTo(*input, i32());
  Value rowMax = castTo(reduce("tosa.reduce_max", *input, axis), i32());
  // Index of the difference x - max in [-255, 0] into the tables.
  Value index = elementwise("tosa.add", elementwise("tosa.sub", wide, rowMax),
                            broadcastI32(255, rank));
  Value expSumTable = constant<int32_t>(tables->expSum, {1, 256, 1}, i32());
  Value expTable = constant<int32_t>(tables->exp, {1, 256, 1}, i32());
  Value sumOfExps = reduce("tosa.reduce_sum", lookup(index, expSumTable), axis);

  // GetReciprocal(sum, 12 integer bits): normalise the sum to [1, 2), then
  // one_over_one_plus_x_for_x_in_0_1 of the part above 1.
  Value headroom = emit("tosa.clz", sumOfExps.getType(), {sumOfExps});
  Value normalised =
      elementwise("tosa.logical_left_shift", sumOfExps, headroom);
  Value minusOne = elementwise("tosa.bitwise_and", normalised,
                               broadcastI32(0x7fffffff, rank));
  Value reciprocal = oneOverOnePlusX(minusOne);
  // exponent = num_bits_over_unit + 31 - 8 = (12 - headroom) + 23.
  Value exponent = elementwise("tosa.sub", broadcastI32(35, rank), headroom);
  Value scaled = multiply(lookup(index, expTable), reciprocal, 31);
  Value rounded = elementwise("tosa.arithmetic_right_shift", scaled, exponent,
                              {attr("round", builder.getBoolAttr(true))});
  // + (-128) and saturation to int8 in one exact rescale.
  return define(0, saturateToInt8(rounded, -128));
}

LogicalResult Importer::convertLogSoftmax() {
  Quant inQuant, outQuant;
  FailureOr<Value> input = unaryOperand(&inQuant, &outQuant);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = graph.tensors[inputIndex(0)].shape;
  if (shape.empty())
    return opError("the input must not be a scalar");
  if (outQuant.zeroPoint != 127 || outQuant.scale != 16.0f / 256)
    return opError("the output must have scale 16/256 and zero point 127, "
                   "as TFLite Micro requires");
  int64_t depth = shape.back();
  // Each of the depth summands is at most 2^19 (1.0 in Q12.19); the Q12.19
  // sum must stay below 2^31, as the kernel's comment assumes.
  if (depth >= 4096)
    return opError("log-softmax over " + Twine(depth) +
                   " values overflows TFLite Micro's Q12.19 sum");
  const char *reason = "";
  std::optional<tflm::SoftmaxTables> tables =
      tflm::softmaxTables(1.0f, inQuant.scale, rounding, &reason);
  if (!tables)
    return opError(Twine("unsupported parameters: ") + reason);
  // PreprocessLogSoftmaxScalingExp's reverse scaling 2^(31 - shift) /
  // multiplier: below 1, as TFLite Micro checks, since the scaled input
  // exceeds 1 (shift >= 1).
  double reverse = std::ldexp(1.0, 31 - tables->inputLeftShift) /
                   static_cast<double>(tables->inputMultiplier);
  FailureOr<Rescale> reverseScale = rescaleFor(
      tflm::quantizeMultiplier(reverse, rounding), "reverse scaling");
  if (failed(reverseScale))
    return failure();

  // reference_ops::LogSoftmax<int8_t>; the steps follow the kernel.
  int64_t rank = shape.size(), axis = rank - 1;
  Value rowMax = castTo(reduce("tosa.reduce_max", *input, axis), i32());
  Value diff = elementwise("tosa.sub", castTo(*input, i32()), rowMax);
  Value index = elementwise("tosa.add", diff, broadcastI32(255, rank));
  Value sumOfExps = reduce(
      "tosa.reduce_sum",
      lookup(index, constant<int32_t>(tables->expSum, {1, 256, 1}, i32())),
      axis);
  Value logSum = logOfSum(sumOfExps);
  // Differences at or below max(diff_min - 1, the reverse-scaled
  // logSum - 2^31) give -128: their Q5.26 value minus logSum would wrap.
  Value shiftedLogSum =
      elementwise("tosa.add", logSum,
                  broadcastI32(std::numeric_limits<int32_t>::min(), rank));
  Value adjustedDiffMin = elementwise(
      "tosa.maximum", rescale(shiftedLogSum, i32(), {*reverseScale}, 0, 0),
      broadcastI32(tables->diffMin - 1, rank));
  Value kept = compare("tosa.greater", diff, adjustedDiffMin);
  Value scaledDiff =
      lookup(index, constant<int32_t>(tables->scaledDiff, {1, 256, 1}, i32()));
  // Q5.26 to Q4.3 (scale 16/256) by a rounding shift of 31 - 5 - 4, then
  // + 127 and saturation.
  Value output = saturateToInt8(
      roundingDivideByPOT(elementwise("tosa.sub", scaledDiff, logSum), 22),
      127);
  SmallVector<int64_t> ones(rank, 1);
  return define(0, select(kept, output, splat<int8_t>(ones, i8(), -128)));
}
