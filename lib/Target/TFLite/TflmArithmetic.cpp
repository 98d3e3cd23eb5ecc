//===- TflmArithmetic.cpp - TFLite Micro's integer arithmetic -------------===//

#include "TflmArithmetic.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir::pex::tflite;
using namespace mlir::pex::tflite::tflm;

namespace {

constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

/// Two's complement wrap-around of an int64 into int32, which is what the
/// non-saturating gemmlowp Add/Sub/Neg compute on every real target.
int32_t wrap(int64_t value) {
  return static_cast<int32_t>(static_cast<uint32_t>(value));
}

int32_t add(int32_t a, int32_t b) { return wrap(int64_t(a) + b); }
int32_t sub(int32_t a, int32_t b) { return wrap(int64_t(a) - b); }

/// gemmlowp::RoundingHalfSum on int32.
int32_t roundingHalfSum(int32_t a, int32_t b) {
  int64_t sum = int64_t(a) + b;
  int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

/// exp(x) for x in [-1/4, 0) on Q0.31 values
/// (exp_on_interval_between_negative_one_quarter_and_0_excl).
int32_t expOnQuarterInterval(int32_t a) {
  const int32_t constantTerm = 1895147668; // exp(-1/8)
  const int32_t oneThird = 715827883;      // 1/3
  int32_t x = add(a, int32_t(1) << 28);    // a + 1/8
  int32_t x2 = saturatingRoundingDoublingHighMul(x, x);
  int32_t x3 = saturatingRoundingDoublingHighMul(x2, x);
  int32_t x4 = saturatingRoundingDoublingHighMul(x2, x2);
  int32_t x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  int32_t polynomial = saturatingRoundingMultiplyByPOT(
      add(saturatingRoundingDoublingHighMul(add(x4Over4, x3), oneThird), x2),
      -1);
  return add(constantTerm, saturatingRoundingDoublingHighMul(
                               constantTerm, add(x, polynomial)));
}

} // namespace

float tflm::roundFloat(float value) { return std::round(value); }

QuantizedMultiplier tflm::quantizeMultiplier(double real, Rounding rounding) {
  QuantizedMultiplier result;
  if (real == 0.0)
    return result;
  // A ratio of extreme scales can overflow; report it as a multiplier no
  // TOSA rescale accepts (shift 63) instead of converting inf to int64.
  if (!std::isfinite(real) || real < 0.0 || real >= 0x1p62)
    return QuantizedMultiplier{std::numeric_limits<int32_t>::max(), 63};
  int shift = 0;
  double fraction = std::frexp(real, &shift);
  int64_t fixed = static_cast<int64_t>(std::round(fraction * (1LL << 31)));
  if (fixed == (1LL << 31)) {
    fixed /= 2;
    ++shift;
  }
  if (shift < -31) {
    shift = 0;
    fixed = 0;
  }
  if (rounding == Rounding::Single && shift > 30) {
    shift = 30;
    fixed = (1LL << 31) - 1;
  }
  result.multiplier = static_cast<int32_t>(fixed);
  result.shift = shift;
  return result;
}

int32_t tflm::saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == kInt32Min && b == kInt32Min)
    return kInt32Max;
  int64_t product = int64_t(a) * b;
  int64_t nudge = product >= 0 ? (1 << 30) : (1 - (1 << 30));
  // C++ division truncates toward zero, as the reference does.
  return static_cast<int32_t>((product + nudge) / (int64_t(1) << 31));
}

int32_t tflm::roundingDivideByPOT(int32_t x, int exponent) {
  int32_t mask = static_cast<int32_t>((int64_t(1) << exponent) - 1);
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t tflm::saturatingRoundingMultiplyByPOT(int32_t x, int exponent) {
  if (exponent < 0)
    return roundingDivideByPOT(x, -exponent);
  if (exponent == 0)
    return x;
  int32_t threshold = static_cast<int32_t>((int64_t(1) << (31 - exponent)) - 1);
  if (x > threshold)
    return kInt32Max;
  if (x < -threshold)
    return kInt32Min;
  return wrap(int64_t(x) * (int64_t(1) << exponent));
}

int32_t tflm::multiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m,
                                            Rounding rounding) {
  if (rounding == Rounding::Single) {
    int totalShift = 31 - m.shift;
    int64_t round = int64_t(1) << (totalShift - 1);
    return static_cast<int32_t>((int64_t(x) * m.multiplier + round) >>
                                totalShift);
  }
  int leftShift = m.shift > 0 ? m.shift : 0;
  int rightShift = m.shift > 0 ? 0 : -m.shift;
  int32_t shifted = wrap(int64_t(x) * (int64_t(1) << leftShift));
  return roundingDivideByPOT(
      saturatingRoundingDoublingHighMul(shifted, m.multiplier), rightShift);
}

int tflm::calculateInputRadius(int inputIntegerBits, int inputLeftShift,
                               int totalSignedBits) {
  double maxInputRescaled =
      1.0 * ((1 << inputIntegerBits) - 1) *
      static_cast<double>(1LL << (totalSignedBits - inputIntegerBits)) /
      static_cast<double>(1LL << inputLeftShift);
  return static_cast<int>(std::floor(maxInputRescaled));
}

int32_t tflm::expOnNegativeValues(int32_t a, int integerBits) {
  const int fractionalBits = 31 - integerBits;
  const int32_t oneQuarter = int32_t(1) << (fractionalBits - 2);
  const int32_t mask = oneQuarter - 1;
  int32_t aModQuarterMinusOneQuarter = sub(a & mask, oneQuarter);
  int32_t result = expOnQuarterInterval(
      saturatingRoundingMultiplyByPOT(aModQuarterMinusOneQuarter, integerBits));
  int32_t remainder = sub(aModQuarterMinusOneQuarter, a);
  // exp(-2^e) in Q0.31 for e = -2 .. 4 (the barrel shifter).
  static const int32_t kMultipliers[] = {
      1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int exponent = -2; exponent <= 4; ++exponent) {
    if (integerBits <= exponent)
      continue;
    int shift = fractionalBits + exponent;
    if (remainder & (int32_t(1) << shift))
      result =
          saturatingRoundingDoublingHighMul(result, kMultipliers[exponent + 2]);
  }
  if (integerBits > 5) {
    int32_t clamp = -(int32_t(1) << (36 - integerBits)); // -32.0
    if (a < clamp)
      result = 0;
  }
  if (a == 0)
    result = kInt32Max; // One() of Q0.31
  return result;
}

int32_t tflm::oneOverOnePlusXForXIn0To1(int32_t a) {
  int32_t halfDenominator = roundingHalfSum(a, kInt32Max);
  const int32_t constant48Over17 = 1515870810;     // Q2.29
  const int32_t constantNeg32Over17 = -1010580540; // Q2.29
  int32_t x = add(constant48Over17, saturatingRoundingDoublingHighMul(
                                        halfDenominator, constantNeg32Over17));
  const int32_t oneQ229 = int32_t(1) << 29;
  for (int i = 0; i < 3; ++i) {
    int32_t halfDenominatorTimesX =
        saturatingRoundingDoublingHighMul(halfDenominator, x);
    int32_t oneMinus = sub(oneQ229, halfDenominatorTimesX);
    x = add(x, saturatingRoundingMultiplyByPOT(
                   saturatingRoundingDoublingHighMul(x, oneMinus), 2));
  }
  // ExactMulByPot<-1> relabels Q2.29 as Q1.30; Rescale<0> shifts it up by 1.
  return saturatingRoundingMultiplyByPOT(x, 1);
}

int32_t tflm::logistic(int32_t a, int integerBits) {
  if (a == 0)
    return int32_t(1) << 30; // one half
  int32_t absolute = a > 0 ? a : wrap(-int64_t(a));
  int32_t positive = oneOverOnePlusXForXIn0To1(
      expOnNegativeValues(wrap(-int64_t(absolute)), integerBits));
  return a > 0 ? positive : sub(kInt32Max, positive);
}

std::optional<SoftmaxTables> tflm::softmaxTables(float beta, float inputScale,
                                                 Rounding rounding,
                                                 const char **reason) {
  // PreprocessSoftmaxScaling with 5 integer bits of scaled difference.
  const int scaledDiffIntegerBits = 5;
  double maxRealMultiplier =
      rounding == Rounding::Single ? (1LL << 30) - 1.0 : (1LL << 31) - 1.0;
  double real = std::min<double>(static_cast<double>(beta) *
                                     static_cast<double>(inputScale) *
                                     (1 << (31 - scaledDiffIntegerBits)),
                                 maxRealMultiplier);
  if (!(real > 1.0)) {
    *reason = "beta * input scale * 2^26 must exceed 1 "
              "(QuantizeMultiplierGreaterThanOne)";
    return std::nullopt;
  }
  QuantizedMultiplier m = quantizeMultiplier(real, rounding);
  if (m.shift < 0 || m.shift > 30) {
    *reason = "the scaled beta's left shift is outside [0, 30]";
    return std::nullopt;
  }
  SoftmaxTables tables;
  tables.inputMultiplier = m.multiplier;
  tables.inputLeftShift = m.shift;
  tables.diffMin = static_cast<int>(
      -1.0 * calculateInputRadius(scaledDiffIntegerBits, m.shift));
  for (int d = -255; d <= 0; ++d) {
    int index = d + 255;
    if (d < tables.diffMin)
      continue;
    // MultiplyByQuantizedMultiplierGreaterThanOne; |d * 2^shift| < 31 * 2^26
    // because d >= diffMin, so the kernel's int32 product does not overflow.
    int32_t rescaled;
    if (rounding == Rounding::Single)
      rescaled = multiplyByQuantizedMultiplier(d, m, rounding);
    else
      rescaled = saturatingRoundingDoublingHighMul(
          wrap(int64_t(d) * (int64_t(1) << m.shift)), m.multiplier);
    int32_t exp = expOnNegativeValues(rescaled, scaledDiffIntegerBits);
    tables.scaledDiff[index] = rescaled;
    tables.exp[index] = exp;
    tables.expSum[index] = saturatingRoundingMultiplyByPOT(exp, -12);
  }
  return tables;
}

int32_t tflm::tanh(int32_t a, int integerBits) {
  if (a == 0)
    return 0;
  // neg_tanh_on_negative_values(-|a|): exp of 2 * -|a| (the same raw value
  // read with one more integer bit), then (1 - x) / (1 + x) by three
  // Newton-Raphson steps on Q2.29.
  int32_t absolute = a > 0 ? a : wrap(-int64_t(a));
  int32_t e = expOnNegativeValues(wrap(-int64_t(absolute)), integerBits + 1);
  int32_t halfDenominator = roundingHalfSum(e, kInt32Max);
  int32_t x = add(1515870810, saturatingRoundingDoublingHighMul(halfDenominator,
                                                                -1010580540));
  const int32_t oneQ229 = int32_t(1) << 29;
  for (int i = 0; i < 3; ++i) {
    int32_t oneMinus =
        sub(oneQ229, saturatingRoundingDoublingHighMul(halfDenominator, x));
    x = add(x, saturatingRoundingMultiplyByPOT(
                   saturatingRoundingDoublingHighMul(x, oneMinus), 2));
  }
  int32_t t = saturatingRoundingMultiplyByPOT(sub(x, oneQ229), 2);
  return a > 0 ? t : wrap(-int64_t(t));
}

/// The int8 LOGISTIC and TANH kernels share their input stage: the input
/// multiplier from frexp(scale * 2^27) (no renormalisation), the input
/// radius, and MultiplyByQuantizedMultiplier to Q4.27; `finish` maps the
/// Q4.27 value to the int8 output.
static std::optional<std::array<int8_t, 256>>
q4Table(float inputScale, int32_t inputZeroPoint, Rounding rounding,
        const char **reason, int32_t (*finish)(int32_t)) {
  const int inputIntegerBits = 4;
  double realMultiplier = static_cast<double>(inputScale) *
                          static_cast<double>(1 << (31 - inputIntegerBits));
  int leftShift = 0;
  double fraction = std::frexp(realMultiplier, &leftShift);
  double fixed = std::round(fraction * (1LL << 31));
  // The kernel casts this to int32 without TFLite's usual renormalisation.
  if (fixed >= 2147483648.0) {
    *reason = "the input multiplier rounds to 2^31, which TFLite Micro "
              "converts to int32 with overflow";
    return std::nullopt;
  }
  if (leftShift < 0 || leftShift > 30) {
    *reason = "input scale * 2^27 needs a left shift outside [0, 30]";
    return std::nullopt;
  }
  QuantizedMultiplier m{static_cast<int32_t>(fixed), leftShift};
  int radius = calculateInputRadius(inputIntegerBits, leftShift, 31);
  std::array<int8_t, 256> table{};
  for (int x = -128; x <= 127; ++x) {
    int32_t input = x - inputZeroPoint;
    int32_t output;
    if (input <= -radius)
      output = -128;
    else if (input >= radius)
      output = 127;
    else
      output = finish(multiplyByQuantizedMultiplier(input, m, rounding));
    table[x + 128] = static_cast<int8_t>(output);
  }
  return table;
}

std::optional<std::array<int8_t, 256>>
tflm::logisticTable(float inputScale, int32_t inputZeroPoint, Rounding rounding,
                    const char **reason) {
  return q4Table(inputScale, inputZeroPoint, rounding, reason,
                 [](int32_t inputQ4) {
                   int32_t outputQ0 = logistic(inputQ4, 4);
                   return std::clamp(
                       roundingDivideByPOT(outputQ0, 31 - 8) - 128, -128, 127);
                 });
}

std::optional<std::array<int8_t, 256>> tflm::tanhTable(float inputScale,
                                                       int32_t inputZeroPoint,
                                                       Rounding rounding,
                                                       const char **reason) {
  return q4Table(
      inputScale, inputZeroPoint, rounding, reason, [](int32_t inputQ4) {
        int32_t outputQ0 = tanh(inputQ4, 4);
        return std::clamp(roundingDivideByPOT(outputQ0, 31 - 7), -128, 127);
      });
}

int16_t tflm::downScaleInt32ToInt16Multiplier(int32_t multiplier) {
  const int32_t roundingOffset = 1 << 15;
  if (multiplier >= kInt32Max - roundingOffset)
    return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((multiplier + roundingOffset) >> 16);
}

/// gemmlowp::SaturatingRoundingDoublingHighMul on int16.
static int16_t saturatingRoundingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min())
    return std::numeric_limits<int16_t>::max();
  int32_t product = int32_t(a) * b;
  int32_t nudge = product >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((product + nudge) / (1 << 15));
}

/// reference_ops::SaturatingLeftShift on int16.
static int16_t saturatingLeftShift16(int16_t value, int amount) {
  int64_t result = static_cast<int64_t>(value) * (int64_t(1) << amount);
  return static_cast<int16_t>(
      std::clamp<int64_t>(result, std::numeric_limits<int16_t>::min(),
                          std::numeric_limits<int16_t>::max()));
}

std::optional<std::array<int8_t, 256>>
tflm::hardSwishTable(float inputScale, int32_t inputZeroPoint,
                     float outputScale, int32_t outputZeroPoint,
                     Rounding rounding, const char **reason) {
  // HardSwishPrepare: the float scales are combined in float.
  const float hiresInputScale = (1.0f / 128.0f) * inputScale;
  const float reluishScale = 3.0f / 32768.0f;
  QuantizedMultiplier output = quantizeMultiplier(
      static_cast<double>(hiresInputScale / outputScale), rounding);
  QuantizedMultiplier reluish = quantizeMultiplier(
      static_cast<double>(hiresInputScale / reluishScale), rounding);
  if (output.shift > 0) {
    *reason = "the output multiplier exceeds 1, which TFLite Micro rejects";
    return std::nullopt;
  }
  if (output.shift < -31 || reluish.shift < -31 || reluish.shift > 16) {
    *reason = "the scales need shifts outside the kernel's range";
    return std::nullopt;
  }
  int16_t outputFixed = downScaleInt32ToInt16Multiplier(output.multiplier);
  int16_t reluishFixed = downScaleInt32ToInt16Multiplier(reluish.multiplier);
  std::array<int8_t, 256> table{};
  for (int x = -128; x <= 127; ++x) {
    // reference_ops::HardSwish<int8_t>, in the kernel's int16 steps.
    int16_t input = static_cast<int16_t>(x - inputZeroPoint);
    int16_t hires = static_cast<int16_t>(input * (1 << 7));
    int16_t preshift = saturatingRoundingDoublingHighMul16(hires, outputFixed);
    int16_t value = hires;
    if (reluish.shift > 0)
      value = saturatingLeftShift16(value, reluish.shift - 1);
    value = saturatingRoundingDoublingHighMul16(value, reluishFixed);
    if (reluish.shift > 0)
      value = saturatingLeftShift16(value, 1);
    if (reluish.shift < 0)
      value = static_cast<int16_t>(roundingDivideByPOT(value, -reluish.shift));
    value = static_cast<int16_t>((value + (1 << 15)) >> 1);
    // SaturatingDoublingHighMul: truncating, not rounding.
    int16_t product =
        (value == preshift && value == std::numeric_limits<int16_t>::min())
            ? std::numeric_limits<int16_t>::max()
            : static_cast<int16_t>((int32_t(value) * preshift) / (1 << 15));
    int32_t result = static_cast<int16_t>(
        roundingDivideByPOT(product, -output.shift) + outputZeroPoint);
    table[x + 128] = static_cast<int8_t>(std::clamp(result, -128, 127));
  }
  return table;
}

std::optional<int64_t> tflm::applyScale32(int64_t value, int32_t multiplier,
                                          int shift, bool doubleRound) {
  if (multiplier < 0 || shift < 2 || shift > 62)
    return std::nullopt;
  int64_t half = int64_t(1) << (shift - 1);
  if (value < -half || value >= half)
    return std::nullopt;
  int64_t round = half;
  if (doubleRound && shift > 31)
    round += value >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  // |value * multiplier| < 2^(shift - 1) * 2^31 <= 2^92 does not fit int64
  // for large shifts: compute in 128 bits.
  __int128 product = static_cast<__int128>(value) * multiplier + round;
  return static_cast<int64_t>(product >> shift);
}
