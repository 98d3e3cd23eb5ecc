//===- Schema.h - the TFLite flatbuffer schema, decoded ---------*- C++ -*-===//
//
// The parts of the TFLite schema (tensorflow/lite/schema/schema.fbs, file
// identifier "TFL3") the importer reads, decoded into plain structures by a
// FlatBufferReader. Field indices are the declaration order of the schema; a
// union occupies two fields (its type, then its value).
//
//===----------------------------------------------------------------------===//

#ifndef PEX_LIB_TARGET_TFLITE_SCHEMA_H
#define PEX_LIB_TARGET_TFLITE_SCHEMA_H

#include "FlatBuffer.h"

#include "llvm/ADT/SmallVector.h"

#include <vector>

namespace mlir::pex::tflite {

/// TensorElementType enum of the schema (the values the importer names).
enum class TensorElementType : int8_t {
  Float32 = 0,
  Float16 = 1,
  Int32 = 2,
  UInt8 = 3,
  Int64 = 4,
  String = 5,
  Bool = 6,
  Int16 = 7,
  Int8 = 9,
};

/// BuiltinOperator enum of the schema (the operators the importer knows).
enum class BuiltinOperator : int32_t {
  Add = 0,
  AveragePool2D = 1,
  Concatenation = 2,
  Conv2D = 3,
  DepthwiseConv2D = 4,
  Dequantize = 6,
  FullyConnected = 9,
  Logistic = 14,
  MaxPool2D = 17,
  Reshape = 22,
  Softmax = 25,
  Custom = 32,
  Pad = 34,
  Mean = 40,
  Quantize = 114,
  // Arithmetic and activations (ImportMath.cpp).
  Mul = 18,
  Relu = 19,
  ReluN1To1 = 20,
  Relu6 = 21,
  Tanh = 28,
  Sub = 41,
  LogSoftmax = 50,
  Prelu = 54,
  Maximum = 55,
  Minimum = 57,
  Sum = 74,
  ReduceMax = 82,
  LeakyRelu = 98,
  SquaredDifference = 99,
  HardSwish = 117,
  // Layout, resize and matrix operators (ImportLayout.cpp).
  DepthToSpace = 5,
  ResizeBilinear = 23,
  SpaceToDepth = 26,
  Transpose = 39,
  Squeeze = 43,
  StridedSlice = 45,
  Split = 49,
  PadV2 = 60,
  Slice = 65,
  TransposeConv = 67,
  ExpandDims = 70,
  Pack = 83,
  Unpack = 88,
  ResizeNearestNeighbor = 97,
  SplitV = 102,
  BatchMatMul = 126,
};

/// BuiltinOptions union tags of the schema (1-based; 0 is NONE).
enum class BuiltinOptionsType : uint8_t {
  None = 0,
  Conv2DOptions = 1,
  DepthwiseConv2DOptions = 2,
  Pool2DOptions = 5,
  FullyConnectedOptions = 8,
  SoftmaxOptions = 9,
  ConcatenationOptions = 10,
  AddOptions = 11,
  ReshapeOptions = 17,
  PadOptions = 22,
  ReducerOptions = 27,
  DequantizeOptions = 38,
  QuantizeOptions = 89,
  // Arithmetic and activations (ImportMath.cpp).
  MulOptions = 21,
  SubOptions = 28,
  LogSoftmaxOptions = 36,
  MaximumMinimumOptions = 39,
  LeakyReluOptions = 75,
  SquaredDifferenceOptions = 76,
  HardSwishOptions = 91,
  // Options of the layout, resize and matrix operators.
  ResizeBilinearOptions = 15,
  SpaceToDepthOptions = 19,
  SqueezeOptions = 30,
  StridedSliceOptions = 32,
  SplitOptions = 35,
  TransposeConvOptions = 49,
  PackOptions = 59,
  UnpackOptions = 64,
  ResizeNearestNeighborOptions = 74,
  SplitVOptions = 79,
  DepthToSpaceOptions = 94,
  BatchMatMulOptions = 101,
};

enum class Padding : int8_t { Same = 0, Valid = 1 };

enum class Activation : int8_t {
  None = 0,
  Relu = 1,
  ReluN1To1 = 2,
  Relu6 = 3,
  Tanh = 4,
  SignBit = 5,
};

/// Name of a builtin operator code, or "BUILTIN_<code>" for others.
std::string builtinOperatorName(int32_t code);
/// Name of a tensor type, or "TYPE_<code>".
std::string tensorTypeName(int8_t type);

struct QuantizationInfo {
  llvm::SmallVector<float, 1> scale;
  llvm::SmallVector<int64_t, 1> zeroPoint;
  int32_t quantizedDimension = 0;
  bool hasCustomDetails = false;
};

struct TensorInfo {
  llvm::SmallVector<int64_t, 4> shape;
  int8_t type = 0;
  uint32_t buffer = 0;
  std::string name;
  std::optional<QuantizationInfo> quantization;
  bool isVariable = false;
  bool isSparse = false;
  uint64_t fileOffset = 0; // of the Tensor table, for messages
};

struct OperatorCodeInfo {
  int32_t builtinCode = 0; // the larger of the deprecated and new fields
  std::string customCode;
  int32_t version = 1;
};

struct OperatorInfo {
  uint32_t opcodeIndex = 0;
  llvm::SmallVector<int32_t, 4> inputs;
  llvm::SmallVector<int32_t, 1> outputs;
  uint8_t optionsType = 0;
  std::optional<TableRef> options;
  bool hasCustomOptions = false;
  bool hasIntermediates = false;
  uint64_t fileOffset = 0; // of the Operator table
};

struct BufferInfo {
  llvm::ArrayRef<uint8_t> data;
  uint64_t fileOffset = 0; // of the data, for messages
};

struct SubGraphInfo {
  std::vector<TensorInfo> tensors;
  llvm::SmallVector<int32_t, 2> inputs;
  llvm::SmallVector<int32_t, 2> outputs;
  std::vector<OperatorInfo> operators;
  std::string name;
};

struct ModelInfo {
  uint32_t version = 0;
  std::vector<OperatorCodeInfo> operatorCodes;
  uint64_t numSubgraphs = 0;
  SubGraphInfo mainGraph; // subgraph 0, the one TFLite Micro runs
  std::vector<BufferInfo> buffers;
  std::string description;
};

/// Largest rank and element count the importer accepts for a tensor: far
/// above any microcontroller model, and low enough that per-element work at
/// import time stays bounded for hostile files.
constexpr size_t kMaxRank = 6;
constexpr int64_t kMaxElements = int64_t(1) << 24;

/// Decodes and structurally validates the model (every index is in range,
/// every shape is positive and bounded, constant data sizes match shapes).
/// Returns std::nullopt with `reader`'s error set on failure.
std::optional<ModelInfo> decodeModel(FlatBufferReader &reader);

/// Typed accessors of builtin options tables (defaults when absent).
struct Conv2DOptions {
  Padding padding = Padding::Same;
  int32_t strideW = 0, strideH = 0;
  Activation activation = Activation::None;
  int32_t dilationW = 1, dilationH = 1;
};
struct DepthwiseConv2DOptions {
  Padding padding = Padding::Same;
  int32_t strideW = 0, strideH = 0;
  int32_t depthMultiplier = 0;
  Activation activation = Activation::None;
  int32_t dilationW = 1, dilationH = 1;
};
struct Pool2DOptions {
  Padding padding = Padding::Same;
  int32_t strideW = 0, strideH = 0;
  int32_t filterW = 0, filterH = 0;
  Activation activation = Activation::None;
};
struct FullyConnectedOptions {
  Activation activation = Activation::None;
  int8_t weightsFormat = 0;
  bool keepNumDims = false;
  bool asymmetricQuantizeInputs = false;
};
struct SoftmaxOptions {
  float beta = 0.0f;
};
struct ConcatenationOptions {
  int32_t axis = 0;
  Activation activation = Activation::None;
};
struct AddOptions {
  Activation activation = Activation::None;
};
struct ReducerOptions {
  bool keepDims = false;
};
struct LeakyReluOptions {
  float alpha = 0.0f;
};

Conv2DOptions readConv2DOptions(FlatBufferReader &reader,
                                const std::optional<TableRef> &table);
DepthwiseConv2DOptions
readDepthwiseConv2DOptions(FlatBufferReader &reader,
                           const std::optional<TableRef> &table);
Pool2DOptions readPool2DOptions(FlatBufferReader &reader,
                                const std::optional<TableRef> &table);
FullyConnectedOptions
readFullyConnectedOptions(FlatBufferReader &reader,
                          const std::optional<TableRef> &table);
SoftmaxOptions readSoftmaxOptions(FlatBufferReader &reader,
                                  const std::optional<TableRef> &table);
ConcatenationOptions
readConcatenationOptions(FlatBufferReader &reader,
                         const std::optional<TableRef> &table);
AddOptions readAddOptions(FlatBufferReader &reader,
                          const std::optional<TableRef> &table);
ReducerOptions readReducerOptions(FlatBufferReader &reader,
                                  const std::optional<TableRef> &table);
/// MulOptions and SubOptions also start with fused_activation_function:
/// they are read with readAddOptions.
LeakyReluOptions readLeakyReluOptions(FlatBufferReader &reader,
                                      const std::optional<TableRef> &table);

/// Options of the layout, resize and matrix operators.
struct SqueezeOptions {
  llvm::SmallVector<int32_t, 4> squeezeDims;
};
struct StridedSliceOptions {
  int32_t beginMask = 0, endMask = 0, ellipsisMask = 0, newAxisMask = 0,
          shrinkAxisMask = 0;
  bool offset = false;
};
/// SplitOptions, SplitVOptions (num_splits), DepthToSpaceOptions and
/// SpaceToDepthOptions (block_size): one int32 field.
struct SingleIntOptions {
  int32_t value = 0;
};
/// PackOptions (values_count, axis) and UnpackOptions (num, axis).
struct PackOptions {
  int32_t count = 0, axis = 0;
};
struct ResizeOptions {
  bool alignCorners = false, halfPixelCenters = false;
};
struct TransposeConvOptions {
  Padding padding = Padding::Same;
  int32_t strideW = 0, strideH = 0;
  Activation activation = Activation::None;
};
struct BatchMatMulOptions {
  bool adjX = false, adjY = false;
};
SqueezeOptions readSqueezeOptions(FlatBufferReader &reader,
                                  const std::optional<TableRef> &table);
StridedSliceOptions
readStridedSliceOptions(FlatBufferReader &reader,
                        const std::optional<TableRef> &table);
SingleIntOptions readSingleIntOptions(FlatBufferReader &reader,
                                      const std::optional<TableRef> &table,
                                      llvm::StringRef field);
PackOptions readPackOptions(FlatBufferReader &reader,
                            const std::optional<TableRef> &table);
/// ResizeBilinearOptions keep two deprecated fields before the flags.
ResizeOptions readResizeOptions(FlatBufferReader &reader,
                                const std::optional<TableRef> &table,
                                bool bilinear);
TransposeConvOptions
readTransposeConvOptions(FlatBufferReader &reader,
                         const std::optional<TableRef> &table);
BatchMatMulOptions readBatchMatMulOptions(FlatBufferReader &reader,
                                          const std::optional<TableRef> &table);

} // namespace mlir::pex::tflite

#endif // PEX_LIB_TARGET_TFLITE_SCHEMA_H
