//===- TflmArithmetic.h - TFLite Micro's integer arithmetic -----*- C++ -*-===//
//
// The fixed-point helpers of TensorFlow Lite Micro's reference kernels
// (tensorflow/lite/kernels/internal/{common,quantization_util}.cc and the
// gemmlowp fixed-point library they use), re-implemented so that the
// importer computes at import time exactly the multipliers, shifts and
// lookup tables those kernels compute at run time. Every function states the
// reference function it reproduces; none relies on signed overflow.
//
// TOSA's `apply_scale_32` is also modelled here, so that an emitted
// `tosa.rescale` can be checked exhaustively against the kernel it replaces
// when its input is int8.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_LIB_TARGET_TFLITE_TFLMARITHMETIC_H
#define PEX_LIB_TARGET_TFLITE_TFLMARITHMETIC_H

#include <array>
#include <cstdint>
#include <optional>

namespace mlir::pex::tflite::tflm {

/// A multiplier in [2^30, 2^31) (or 0) and a power-of-two exponent:
/// real ~= multiplier * 2^(shift - 31). TFLite's QuantizeMultiplier.
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
};

/// Which MultiplyByQuantizedMultiplier TFLite Micro was built with: the
/// default double rounding, or TFLITE_SINGLE_ROUNDING.
enum class Rounding { Double, Single };

/// TfLiteRound on floats (std::round: halves away from zero).
float roundFloat(float value);

/// QuantizeMultiplier (with the single-rounding shift saturation when
/// `rounding` is Single). Non-finite, negative or huge inputs give shift 63,
/// which every caller rejects.
QuantizedMultiplier quantizeMultiplier(double real, Rounding rounding);

/// gemmlowp::SaturatingRoundingDoublingHighMul on int32.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);
/// gemmlowp::RoundingDivideByPOT on int32, exponent in [0, 31].
int32_t roundingDivideByPOT(int32_t x, int exponent);
/// gemmlowp::SaturatingRoundingMultiplyByPOT<exponent> on int32.
int32_t saturatingRoundingMultiplyByPOT(int32_t x, int exponent);
/// tflite::MultiplyByQuantizedMultiplier(int32 x, multiplier, shift). The
/// double-rounding variant computes `x * (1 << left_shift)` in int32 as the
/// kernel does; callers keep that product in range.
int32_t multiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m,
                                      Rounding rounding);

/// tflite::CalculateInputRadius.
int calculateInputRadius(int inputIntegerBits, int inputLeftShift,
                         int totalSignedBits = 31);

/// gemmlowp::exp_on_negative_values for a FixedPoint<int32, integerBits>
/// raw value; returns the raw FixedPoint<int32, 0> result.
int32_t expOnNegativeValues(int32_t raw, int integerBits);
/// gemmlowp::one_over_one_plus_x_for_x_in_0_1 (raw Q0.31 in and out).
int32_t oneOverOnePlusXForXIn0To1(int32_t raw);
/// gemmlowp::logistic for a FixedPoint<int32, integerBits> raw value.
int32_t logistic(int32_t raw, int integerBits);

/// TFLite Micro's int8 SOFTMAX parameters and the two functions of the
/// input difference d = x - max(row) in [-255, 0] it evaluates
/// (reference_ops::Softmax<int8_t, int8_t>): entry `d + 255` of `exp` is
/// exp_on_negative_values of the rescaled difference (Q0.31), of `expSum`
/// its Rescale<12> (the Q12.19 summand), of `scaledDiff` the rescaled
/// difference itself (Q5.26, which LOG_SOFTMAX also reads); all 0 below
/// `diffMin`.
struct SoftmaxTables {
  int32_t inputMultiplier = 0;
  int inputLeftShift = 0;
  int diffMin = 0;
  std::array<int32_t, 256> exp{};
  std::array<int32_t, 256> expSum{};
  std::array<int32_t, 256> scaledDiff{};
};
/// std::nullopt when TFLite Micro's own checks would reject the parameters
/// (the scaled beta must exceed 1; `reason` says why).
std::optional<SoftmaxTables> softmaxTables(float beta, float inputScale,
                                           Rounding rounding,
                                           const char **reason);

/// The 256-entry int8 -> int8 table of TFLite Micro's int8 LOGISTIC
/// (reference_integer_ops::Logistic), indexed by x + 128. std::nullopt when
/// the input scale makes the kernel's own arithmetic overflow.
std::optional<std::array<int8_t, 256>> logisticTable(float inputScale,
                                                     int32_t inputZeroPoint,
                                                     Rounding rounding,
                                                     const char **reason);

/// gemmlowp::tanh for a FixedPoint<int32, integerBits> raw value; returns
/// the raw FixedPoint<int32, 0> result.
int32_t tanh(int32_t raw, int integerBits);

/// The 256-entry int8 -> int8 table of TFLite Micro's int8 TANH
/// (reference_integer_ops::Tanh), indexed by x + 128; std::nullopt as for
/// logisticTable.
std::optional<std::array<int8_t, 256>> tanhTable(float inputScale,
                                                 int32_t inputZeroPoint,
                                                 Rounding rounding,
                                                 const char **reason);

/// DownScaleInt32ToInt16Multiplier.
int16_t downScaleInt32ToInt16Multiplier(int32_t multiplier);

/// The 256-entry table of TFLite Micro's int8 HARD_SWISH
/// (HardSwishPrepare and reference_ops::HardSwish<int8_t>); std::nullopt
/// when the kernel's Prepare rejects the scales.
std::optional<std::array<int8_t, 256>>
hardSwishTable(float inputScale, int32_t inputZeroPoint, float outputScale,
               int32_t outputZeroPoint, Rounding rounding, const char **reason);

/// TOSA 1.0 apply_scale_32; std::nullopt when one of its REQUIRE conditions
/// fails (negative multiplier, shift outside [2, 62], value out of range).
std::optional<int64_t> applyScale32(int64_t value, int32_t multiplier,
                                    int shift, bool doubleRound);

} // namespace mlir::pex::tflite::tflm

#endif // PEX_LIB_TARGET_TFLITE_TFLMARITHMETIC_H
