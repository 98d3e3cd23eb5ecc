//===- Schema.cpp - decoding the TFLite flatbuffer schema -----------------===//

#include "Schema.h"

#include "llvm/ADT/Twine.h"

#include <iterator>

using namespace mlir::pex::tflite;
using llvm::Twine;

namespace {

// Field indices, in schema declaration order (a union takes two).
namespace model {
enum : unsigned {
  Version = 0,
  OperatorCodes = 1,
  Subgraphs = 2,
  Description = 3,
  Buffers = 4
};
} // namespace model
namespace operator_code {
enum : unsigned {
  DeprecatedBuiltinCode = 0,
  CustomCode = 1,
  Version = 2,
  BuiltinCode = 3
};
} // namespace operator_code
namespace subgraph {
enum : unsigned {
  Tensors = 0,
  Inputs = 1,
  Outputs = 2,
  Operators = 3,
  Name = 4
};
} // namespace subgraph
namespace tensor {
enum : unsigned {
  Shape = 0,
  Type = 1,
  Buffer = 2,
  Name = 3,
  Quantization = 4,
  IsVariable = 5,
  Sparsity = 6
};
} // namespace tensor
namespace quantization {
enum : unsigned {
  Scale = 2,
  ZeroPoint = 3,
  DetailsType = 4,
  QuantizedDimension = 6
};
} // namespace quantization
namespace op {
enum : unsigned {
  OpcodeIndex = 0,
  Inputs = 1,
  Outputs = 2,
  BuiltinOptionsType = 3,
  BuiltinOptions = 4,
  CustomOptions = 5,
  Intermediates = 8,
  BuiltinOptions2Type = 11
};
} // namespace op
namespace buffer {
enum : unsigned { Data = 0, Offset = 1, Size = 2 };
} // namespace buffer

/// The schema version TFLite and TFLite Micro accept.
constexpr uint32_t kSchemaVersion = 3;

std::optional<unsigned> elementSize(int8_t type) {
  switch (static_cast<TensorElementType>(type)) {
  case TensorElementType::Float32:
  case TensorElementType::Int32:
    return 4;
  case TensorElementType::Float16:
  case TensorElementType::Int16:
    return 2;
  case TensorElementType::UInt8:
  case TensorElementType::Int8:
  case TensorElementType::Bool:
    return 1;
  case TensorElementType::Int64:
    return 8;
  default:
    return std::nullopt;
  }
}

/// Reads a vector of int32 indices; each must be in [-1 if optional, limit).
bool readIndices(FlatBufferReader &reader, const TableRef &table,
                 unsigned field, llvm::StringRef name, uint64_t limit,
                 bool allowOptional, llvm::StringRef limitWhat,
                 llvm::SmallVectorImpl<int32_t> &indices) {
  std::optional<VectorRef> vector = reader.vector(table, field, 4, name);
  if (!vector)
    return reader.ok();
  if (!reader.charge(vector->length, vector->position, vector->path))
    return false;
  indices.reserve(vector->length);
  for (uint64_t i = 0; i < vector->length; ++i) {
    int32_t index = reader.element<int32_t>(*vector, i);
    bool optional = allowOptional && index == -1;
    if (!optional && (index < 0 || static_cast<uint64_t>(index) >= limit))
      return reader.fail(vector->elementPosition(i),
                         vector->path + "[" + Twine(i) + "]: index " +
                             Twine(index) + " is out of range (" + limitWhat +
                             " has " + Twine(limit) + ")");
    indices.push_back(index);
  }
  return true;
}

bool decodeQuantization(FlatBufferReader &reader, const TableRef &table,
                        size_t rank, QuantizationInfo &info) {
  if (std::optional<VectorRef> scale =
          reader.vector(table, quantization::Scale, 4, "scale")) {
    if (!reader.charge(scale->length, scale->position, scale->path))
      return false;
    for (uint64_t i = 0; i < scale->length; ++i)
      info.scale.push_back(reader.element<float>(*scale, i));
  }
  std::optional<VectorRef> zeroPoint =
      reader.vector(table, quantization::ZeroPoint, 8, "zero_point");
  if (zeroPoint) {
    if (!reader.charge(zeroPoint->length, zeroPoint->position, zeroPoint->path))
      return false;
    for (uint64_t i = 0; i < zeroPoint->length; ++i)
      info.zeroPoint.push_back(reader.element<int64_t>(*zeroPoint, i));
  }
  info.hasCustomDetails =
      reader.scalar<uint8_t>(table, quantization::DetailsType, 0,
                             "details_type") != 0;
  info.quantizedDimension = reader.scalar<int32_t>(
      table, quantization::QuantizedDimension, 0, "quantized_dimension");
  if (!reader.ok())
    return false;
  if (!info.scale.empty() && info.zeroPoint.size() != info.scale.size())
    return reader.fail(table.position,
                       table.path + ": " + Twine(info.scale.size()) +
                           " scales but " + Twine(info.zeroPoint.size()) +
                           " zero points");
  if (info.scale.size() > 1 &&
      (info.quantizedDimension < 0 ||
       static_cast<size_t>(info.quantizedDimension) >= rank))
    return reader.fail(
        table.position,
        table.path + ".quantized_dimension: " + Twine(info.quantizedDimension) +
            " is not a dimension of a rank-" + Twine(rank) + " tensor");
  return true;
}

bool decodeTensor(FlatBufferReader &reader, const TableRef &table,
                  const std::vector<BufferInfo> &buffers, TensorInfo &info) {
  info.fileOffset = table.position;
  if (std::optional<VectorRef> shape =
          reader.vector(table, tensor::Shape, 4, "shape")) {
    if (shape->length > kMaxRank)
      return reader.fail(shape->position,
                         shape->path + ": rank " + Twine(shape->length) +
                             " exceeds the supported maximum of " +
                             Twine(kMaxRank));
    int64_t elements = 1;
    for (uint64_t i = 0; i < shape->length; ++i) {
      int32_t dim = reader.element<int32_t>(*shape, i);
      if (dim <= 0)
        return reader.fail(shape->elementPosition(i),
                           shape->path + "[" + Twine(i) + "]: dimension " +
                               Twine(dim) +
                               " is not positive (dynamic and empty tensors "
                               "are not supported)");
      elements *= dim;
      if (elements > kMaxElements)
        return reader.fail(shape->position, shape->path + ": more than " +
                                                Twine(kMaxElements) +
                                                " elements");
      info.shape.push_back(dim);
    }
  }
  info.type = reader.scalar<int8_t>(table, tensor::Type, 0, "type");
  info.buffer = reader.scalar<uint32_t>(table, tensor::Buffer, 0, "buffer");
  if (std::optional<llvm::StringRef> name =
          reader.string(table, tensor::Name, "name"))
    info.name = name->str();
  info.isVariable =
      reader.scalar<uint8_t>(table, tensor::IsVariable, 0, "is_variable") != 0;
  info.isSparse = reader.has(table, tensor::Sparsity);
  if (std::optional<TableRef> quant =
          reader.table(table, tensor::Quantization, "quantization")) {
    info.quantization.emplace();
    if (!decodeQuantization(reader, *quant, info.shape.size(),
                            *info.quantization))
      return false;
  }
  if (!reader.ok())
    return false;
  if (info.buffer >= buffers.size())
    return reader.fail(table.position, table.path + ".buffer: index " +
                                           Twine(info.buffer) +
                                           " is out of range (the model has " +
                                           Twine(buffers.size()) + " buffers)");
  const BufferInfo &data = buffers[info.buffer];
  if (!data.data.empty()) {
    std::optional<unsigned> size = elementSize(info.type);
    int64_t elements = 1;
    for (int64_t dim : info.shape)
      elements *= dim;
    if (!size)
      return reader.fail(table.position, table.path + ": constant of type " +
                                             tensorTypeName(info.type) +
                                             " has no fixed element size");
    if (data.data.size() != static_cast<uint64_t>(elements) * *size)
      return reader.fail(data.fileOffset,
                         table.path + ": buffer " + Twine(info.buffer) +
                             " holds " + Twine(data.data.size()) + " bytes; " +
                             Twine(elements) + " " + tensorTypeName(info.type) +
                             " elements need " +
                             Twine(static_cast<uint64_t>(elements) * *size));
  }
  return true;
}

bool decodeOperator(FlatBufferReader &reader, const TableRef &table,
                    size_t numOpcodes, size_t numTensors, OperatorInfo &info) {
  info.fileOffset = table.position;
  info.opcodeIndex =
      reader.scalar<uint32_t>(table, op::OpcodeIndex, 0, "opcode_index");
  if (reader.ok() && info.opcodeIndex >= numOpcodes)
    return reader.fail(table.position,
                       table.path +
                           ".opcode_index: " + Twine(info.opcodeIndex) +
                           " is out of range (the model has " +
                           Twine(numOpcodes) + " operator codes)");
  if (!readIndices(reader, table, op::Inputs, "inputs", numTensors,
                   /*allowOptional=*/true, "the subgraph's tensor list",
                   info.inputs) ||
      !readIndices(reader, table, op::Outputs, "outputs", numTensors,
                   /*allowOptional=*/false, "the subgraph's tensor list",
                   info.outputs))
    return false;
  info.optionsType = reader.scalar<uint8_t>(table, op::BuiltinOptionsType, 0,
                                            "builtin_options_type");
  info.options = reader.table(table, op::BuiltinOptions, "builtin_options");
  info.hasCustomOptions = reader.has(table, op::CustomOptions);
  if (std::optional<VectorRef> intermediates =
          reader.vector(table, op::Intermediates, 4, "intermediates"))
    info.hasIntermediates = intermediates->length != 0;
  if (reader.scalar<uint8_t>(table, op::BuiltinOptions2Type, 0,
                             "builtin_options_2_type") != 0)
    return reader.fail(table.position,
                       table.path +
                           ": builtin_options_2 (StableHLO operators) are not "
                           "supported");
  return reader.ok();
}

bool decodeBuffer(FlatBufferReader &reader, const TableRef &table,
                  BufferInfo &info) {
  if (std::optional<VectorRef> data =
          reader.vector(table, buffer::Data, 1, "data")) {
    info.data = reader.byteElements(*data);
    info.fileOffset = data->position + 4;
  }
  // Models above 2 GiB keep their data after the flatbuffer; the offset is
  // from the start of the file and only meaningful above 1.
  uint64_t offset = reader.scalar<uint64_t>(table, buffer::Offset, 0, "offset");
  uint64_t size = reader.scalar<uint64_t>(table, buffer::Size, 0, "size");
  if (!reader.ok())
    return false;
  if (offset > 1) {
    if (!info.data.empty())
      return reader.fail(table.position,
                         table.path +
                             ": has both inline data and an external offset");
    if (offset > reader.size() || size > reader.size() - offset)
      return reader.fail(table.position,
                         table.path + ": external data at offset " +
                             Twine(offset) + " of " + Twine(size) +
                             " bytes lies outside the file (" +
                             Twine(reader.size()) + " bytes)");
    info.data = reader.bytes().slice(offset, size);
    info.fileOffset = offset;
  }
  return true;
}

} // namespace

/// The names of schema.fbs's BuiltinOperator values 0 to 161, by value.
static const char *const kBuiltinOperatorNames[] = {
    "ADD",
    "AVERAGE_POOL_2D",
    "CONCATENATION",
    "CONV_2D",
    "DEPTHWISE_CONV_2D",
    "DEPTH_TO_SPACE",
    "DEQUANTIZE",
    "EMBEDDING_LOOKUP",
    "FLOOR",
    "FULLY_CONNECTED",
    "HASHTABLE_LOOKUP",
    "L2_NORMALIZATION",
    "L2_POOL_2D",
    "LOCAL_RESPONSE_NORMALIZATION",
    "LOGISTIC",
    "LSH_PROJECTION",
    "LSTM",
    "MAX_POOL_2D",
    "MUL",
    "RELU",
    "RELU_N1_TO_1",
    "RELU6",
    "RESHAPE",
    "RESIZE_BILINEAR",
    "RNN",
    "SOFTMAX",
    "SPACE_TO_DEPTH",
    "SVDF",
    "TANH",
    "CONCAT_EMBEDDINGS",
    "SKIP_GRAM",
    "CALL",
    "CUSTOM",
    "EMBEDDING_LOOKUP_SPARSE",
    "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN",
    "GATHER",
    "BATCH_TO_SPACE_ND",
    "SPACE_TO_BATCH_ND",
    "TRANSPOSE",
    "MEAN",
    "SUB",
    "DIV",
    "SQUEEZE",
    "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "STRIDED_SLICE",
    "BIDIRECTIONAL_SEQUENCE_RNN",
    "EXP",
    "TOPK_V2",
    "SPLIT",
    "LOG_SOFTMAX",
    "DELEGATE",
    "BIDIRECTIONAL_SEQUENCE_LSTM",
    "CAST",
    "PRELU",
    "MAXIMUM",
    "ARG_MAX",
    "MINIMUM",
    "LESS",
    "NEG",
    "PADV2",
    "GREATER",
    "GREATER_EQUAL",
    "LESS_EQUAL",
    "SELECT",
    "SLICE",
    "SIN",
    "TRANSPOSE_CONV",
    "SPARSE_TO_DENSE",
    "TILE",
    "EXPAND_DIMS",
    "EQUAL",
    "NOT_EQUAL",
    "LOG",
    "SUM",
    "SQRT",
    "RSQRT",
    "SHAPE",
    "POW",
    "ARG_MIN",
    "FAKE_QUANT",
    "REDUCE_PROD",
    "REDUCE_MAX",
    "PACK",
    "LOGICAL_OR",
    "ONE_HOT",
    "LOGICAL_AND",
    "LOGICAL_NOT",
    "UNPACK",
    "REDUCE_MIN",
    "FLOOR_DIV",
    "REDUCE_ANY",
    "SQUARE",
    "ZEROS_LIKE",
    "FILL",
    "FLOOR_MOD",
    "RANGE",
    "RESIZE_NEAREST_NEIGHBOR",
    "LEAKY_RELU",
    "SQUARED_DIFFERENCE",
    "MIRROR_PAD",
    "ABS",
    "SPLIT_V",
    "UNIQUE",
    "CEIL",
    "REVERSE_V2",
    "ADD_N",
    "GATHER_ND",
    "COS",
    "WHERE",
    "RANK",
    "ELU",
    "REVERSE_SEQUENCE",
    "MATRIX_DIAG",
    "QUANTIZE",
    "MATRIX_SET_DIAG",
    "ROUND",
    "HARD_SWISH",
    "IF",
    "WHILE",
    "NON_MAX_SUPPRESSION_V4",
    "NON_MAX_SUPPRESSION_V5",
    "SCATTER_ND",
    "SELECT_V2",
    "DENSIFY",
    "SEGMENT_SUM",
    "BATCH_MATMUL",
    "PLACEHOLDER_FOR_GREATER_OP_CODES",
    "CUMSUM",
    "CALL_ONCE",
    "BROADCAST_TO",
    "RFFT2D",
    "CONV_3D",
    "IMAG",
    "REAL",
    "COMPLEX_ABS",
    "HASHTABLE",
    "HASHTABLE_FIND",
    "HASHTABLE_IMPORT",
    "HASHTABLE_SIZE",
    "REDUCE_ALL",
    "CONV_3D_TRANSPOSE",
    "VAR_HANDLE",
    "READ_VARIABLE",
    "ASSIGN_VARIABLE",
    "BROADCAST_ARGS",
    "RANDOM_STANDARD_NORMAL",
    "BUCKETIZE",
    "RANDOM_UNIFORM",
    "MULTINOMIAL",
    "GELU",
    "DYNAMIC_UPDATE_SLICE",
    "RELU_0_TO_1",
    "UNSORTED_SEGMENT_PROD",
    "UNSORTED_SEGMENT_MAX",
    "UNSORTED_SEGMENT_SUM",
    "ATAN2",
    "UNSORTED_SEGMENT_MIN",
    "SIGN",
    "BITCAST",
    "BITWISE_XOR",
    "RIGHT_SHIFT"};

std::string mlir::pex::tflite::builtinOperatorName(int32_t code) {
  if (code >= 0 &&
      code < static_cast<int32_t>(std::size(kBuiltinOperatorNames)))
    return kBuiltinOperatorNames[code];
  return "BUILTIN_" + std::to_string(code);
}

std::string mlir::pex::tflite::tensorTypeName(int8_t type) {
  switch (static_cast<TensorElementType>(type)) {
  case TensorElementType::Float32:
    return "FLOAT32";
  case TensorElementType::Float16:
    return "FLOAT16";
  case TensorElementType::Int32:
    return "INT32";
  case TensorElementType::UInt8:
    return "UINT8";
  case TensorElementType::Int64:
    return "INT64";
  case TensorElementType::String:
    return "STRING";
  case TensorElementType::Bool:
    return "BOOL";
  case TensorElementType::Int16:
    return "INT16";
  case TensorElementType::Int8:
    return "INT8";
  }
  return "TYPE_" + std::to_string(type);
}

std::optional<ModelInfo>
mlir::pex::tflite::decodeModel(FlatBufferReader &reader) {
  std::optional<TableRef> root = reader.root("TFL3", "Model");
  if (!root)
    return std::nullopt;
  ModelInfo model;
  model.version = reader.scalar<uint32_t>(*root, model::Version, 0, "version");
  if (reader.ok() && model.version != kSchemaVersion) {
    reader.fail(root->position, "Model.version: schema version " +
                                    Twine(model.version) +
                                    " is not supported (expected " +
                                    Twine(kSchemaVersion) + ")");
    return std::nullopt;
  }
  if (std::optional<llvm::StringRef> description =
          reader.string(*root, model::Description, "description"))
    model.description = description->str();

  // Buffers first: tensors are checked against them.
  std::optional<VectorRef> buffers =
      reader.vector(*root, model::Buffers, 4, "buffers");
  if (!reader.ok())
    return std::nullopt;
  if (!buffers) {
    reader.fail(root->position, "Model.buffers: missing");
    return std::nullopt;
  }
  if (!reader.charge(buffers->length, buffers->position, buffers->path))
    return std::nullopt;
  model.buffers.resize(buffers->length);
  for (uint64_t i = 0; i < buffers->length; ++i) {
    std::optional<TableRef> table = reader.tableElement(*buffers, i);
    if (!table || !decodeBuffer(reader, *table, model.buffers[i]))
      return std::nullopt;
  }

  std::optional<VectorRef> codes =
      reader.vector(*root, model::OperatorCodes, 4, "operator_codes");
  if (codes) {
    if (!reader.charge(codes->length, codes->position, codes->path))
      return std::nullopt;
    model.operatorCodes.resize(codes->length);
    for (uint64_t i = 0; i < codes->length; ++i) {
      std::optional<TableRef> table = reader.tableElement(*codes, i);
      if (!table)
        return std::nullopt;
      OperatorCodeInfo &code = model.operatorCodes[i];
      int32_t deprecated =
          reader.scalar<int8_t>(*table, operator_code::DeprecatedBuiltinCode, 0,
                                "deprecated_builtin_code");
      int32_t extended = reader.scalar<int32_t>(
          *table, operator_code::BuiltinCode, 0, "builtin_code");
      // As TFLite's GetBuiltinCode: old files only set the byte field, new
      // ones set both (the byte saturating at 127).
      code.builtinCode = std::max(deprecated, extended);
      code.version =
          reader.scalar<int32_t>(*table, operator_code::Version, 1, "version");
      if (std::optional<llvm::StringRef> custom =
              reader.string(*table, operator_code::CustomCode, "custom_code"))
        code.customCode = custom->str();
    }
  }
  if (!reader.ok())
    return std::nullopt;

  std::optional<VectorRef> subgraphs =
      reader.vector(*root, model::Subgraphs, 4, "subgraphs");
  if (!reader.ok())
    return std::nullopt;
  if (!subgraphs || subgraphs->length == 0) {
    reader.fail(root->position, "Model.subgraphs: the model has no subgraph");
    return std::nullopt;
  }
  model.numSubgraphs = subgraphs->length;
  std::optional<TableRef> graphTable = reader.tableElement(*subgraphs, 0);
  if (!graphTable)
    return std::nullopt;
  SubGraphInfo &graph = model.mainGraph;
  if (std::optional<llvm::StringRef> name =
          reader.string(*graphTable, subgraph::Name, "name"))
    graph.name = name->str();

  std::optional<VectorRef> tensors =
      reader.vector(*graphTable, subgraph::Tensors, 4, "tensors");
  if (tensors) {
    if (!reader.charge(tensors->length, tensors->position, tensors->path))
      return std::nullopt;
    graph.tensors.resize(tensors->length);
    for (uint64_t i = 0; i < tensors->length; ++i) {
      std::optional<TableRef> table = reader.tableElement(*tensors, i);
      if (!table ||
          !decodeTensor(reader, *table, model.buffers, graph.tensors[i]))
        return std::nullopt;
    }
  }
  if (!reader.ok())
    return std::nullopt;
  uint64_t numTensors = graph.tensors.size();
  if (!readIndices(reader, *graphTable, subgraph::Inputs, "inputs", numTensors,
                   /*allowOptional=*/false, "the subgraph's tensor list",
                   graph.inputs) ||
      !readIndices(reader, *graphTable, subgraph::Outputs, "outputs",
                   numTensors, /*allowOptional=*/false,
                   "the subgraph's tensor list", graph.outputs))
    return std::nullopt;

  std::optional<VectorRef> operators =
      reader.vector(*graphTable, subgraph::Operators, 4, "operators");
  if (operators) {
    if (!reader.charge(operators->length, operators->position, operators->path))
      return std::nullopt;
    graph.operators.resize(operators->length);
    for (uint64_t i = 0; i < operators->length; ++i) {
      std::optional<TableRef> table = reader.tableElement(*operators, i);
      if (!table || !decodeOperator(reader, *table, model.operatorCodes.size(),
                                    numTensors, graph.operators[i]))
        return std::nullopt;
    }
  }
  if (!reader.ok())
    return std::nullopt;
  return model;
}

//===----------------------------------------------------------------------===//
// Builtin options
//===----------------------------------------------------------------------===//

namespace {

Padding readPadding(FlatBufferReader &reader, const TableRef &table,
                    unsigned field) {
  int8_t value = reader.scalar<int8_t>(table, field, 0, "padding");
  if (value != 0 && value != 1)
    reader.fail(table.position, table.path + ".padding: unknown value " +
                                    Twine(value) + " (expected SAME or VALID)");
  return static_cast<Padding>(value);
}

Activation readActivation(FlatBufferReader &reader, const TableRef &table,
                          unsigned field) {
  int8_t value =
      reader.scalar<int8_t>(table, field, 0, "fused_activation_function");
  if (value < 0 || value > 5)
    reader.fail(table.position, table.path +
                                    ".fused_activation_function: unknown "
                                    "value " +
                                    Twine(value));
  return static_cast<Activation>(value);
}

} // namespace

Conv2DOptions
mlir::pex::tflite::readConv2DOptions(FlatBufferReader &reader,
                                     const std::optional<TableRef> &table) {
  Conv2DOptions options;
  if (!table)
    return options;
  options.padding = readPadding(reader, *table, 0);
  options.strideW = reader.scalar<int32_t>(*table, 1, 0, "stride_w");
  options.strideH = reader.scalar<int32_t>(*table, 2, 0, "stride_h");
  options.activation = readActivation(reader, *table, 3);
  options.dilationW = reader.scalar<int32_t>(*table, 4, 1, "dilation_w_factor");
  options.dilationH = reader.scalar<int32_t>(*table, 5, 1, "dilation_h_factor");
  return options;
}

DepthwiseConv2DOptions mlir::pex::tflite::readDepthwiseConv2DOptions(
    FlatBufferReader &reader, const std::optional<TableRef> &table) {
  DepthwiseConv2DOptions options;
  if (!table)
    return options;
  options.padding = readPadding(reader, *table, 0);
  options.strideW = reader.scalar<int32_t>(*table, 1, 0, "stride_w");
  options.strideH = reader.scalar<int32_t>(*table, 2, 0, "stride_h");
  options.depthMultiplier =
      reader.scalar<int32_t>(*table, 3, 0, "depth_multiplier");
  options.activation = readActivation(reader, *table, 4);
  options.dilationW = reader.scalar<int32_t>(*table, 5, 1, "dilation_w_factor");
  options.dilationH = reader.scalar<int32_t>(*table, 6, 1, "dilation_h_factor");
  return options;
}

Pool2DOptions
mlir::pex::tflite::readPool2DOptions(FlatBufferReader &reader,
                                     const std::optional<TableRef> &table) {
  Pool2DOptions options;
  if (!table)
    return options;
  options.padding = readPadding(reader, *table, 0);
  options.strideW = reader.scalar<int32_t>(*table, 1, 0, "stride_w");
  options.strideH = reader.scalar<int32_t>(*table, 2, 0, "stride_h");
  options.filterW = reader.scalar<int32_t>(*table, 3, 0, "filter_width");
  options.filterH = reader.scalar<int32_t>(*table, 4, 0, "filter_height");
  options.activation = readActivation(reader, *table, 5);
  return options;
}

FullyConnectedOptions mlir::pex::tflite::readFullyConnectedOptions(
    FlatBufferReader &reader, const std::optional<TableRef> &table) {
  FullyConnectedOptions options;
  if (!table)
    return options;
  options.activation = readActivation(reader, *table, 0);
  options.weightsFormat = reader.scalar<int8_t>(*table, 1, 0, "weights_format");
  options.keepNumDims =
      reader.scalar<uint8_t>(*table, 2, 0, "keep_num_dims") != 0;
  options.asymmetricQuantizeInputs =
      reader.scalar<uint8_t>(*table, 3, 0, "asymmetric_quantize_inputs") != 0;
  return options;
}

SoftmaxOptions
mlir::pex::tflite::readSoftmaxOptions(FlatBufferReader &reader,
                                      const std::optional<TableRef> &table) {
  SoftmaxOptions options;
  if (table)
    options.beta = reader.scalar<float>(*table, 0, 0.0f, "beta");
  return options;
}

ConcatenationOptions mlir::pex::tflite::readConcatenationOptions(
    FlatBufferReader &reader, const std::optional<TableRef> &table) {
  ConcatenationOptions options;
  if (!table)
    return options;
  options.axis = reader.scalar<int32_t>(*table, 0, 0, "axis");
  options.activation = readActivation(reader, *table, 1);
  return options;
}

AddOptions
mlir::pex::tflite::readAddOptions(FlatBufferReader &reader,
                                  const std::optional<TableRef> &table) {
  AddOptions options;
  if (table)
    options.activation = readActivation(reader, *table, 0);
  return options;
}

ReducerOptions
mlir::pex::tflite::readReducerOptions(FlatBufferReader &reader,
                                      const std::optional<TableRef> &table) {
  ReducerOptions options;
  if (table)
    options.keepDims = reader.scalar<uint8_t>(*table, 0, 0, "keep_dims") != 0;
  return options;
}

LeakyReluOptions
mlir::pex::tflite::readLeakyReluOptions(FlatBufferReader &reader,
                                        const std::optional<TableRef> &table) {
  LeakyReluOptions options;
  if (table)
    options.alpha = reader.scalar<float>(*table, 0, 0.0f, "alpha");
  return options;
}

//===----------------------------------------------------------------------===//
// Options of the layout, resize and matrix operators
//===----------------------------------------------------------------------===//

SqueezeOptions
mlir::pex::tflite::readSqueezeOptions(FlatBufferReader &reader,
                                      const std::optional<TableRef> &table) {
  SqueezeOptions options;
  if (!table)
    return options;
  std::optional<VectorRef> dims = reader.vector(*table, 0, 4, "squeeze_dims");
  if (!dims || !reader.charge(dims->length, dims->position, dims->path))
    return options;
  for (uint64_t i = 0; i < dims->length; ++i)
    options.squeezeDims.push_back(reader.element<int32_t>(*dims, i));
  return options;
}

StridedSliceOptions mlir::pex::tflite::readStridedSliceOptions(
    FlatBufferReader &reader, const std::optional<TableRef> &table) {
  StridedSliceOptions options;
  if (!table)
    return options;
  options.beginMask = reader.scalar<int32_t>(*table, 0, 0, "begin_mask");
  options.endMask = reader.scalar<int32_t>(*table, 1, 0, "end_mask");
  options.ellipsisMask = reader.scalar<int32_t>(*table, 2, 0, "ellipsis_mask");
  options.newAxisMask = reader.scalar<int32_t>(*table, 3, 0, "new_axis_mask");
  options.shrinkAxisMask =
      reader.scalar<int32_t>(*table, 4, 0, "shrink_axis_mask");
  options.offset = reader.scalar<uint8_t>(*table, 5, 0, "offset") != 0;
  return options;
}

SingleIntOptions
mlir::pex::tflite::readSingleIntOptions(FlatBufferReader &reader,
                                        const std::optional<TableRef> &table,
                                        llvm::StringRef field) {
  SingleIntOptions options;
  if (table)
    options.value = reader.scalar<int32_t>(*table, 0, 0, field);
  return options;
}

PackOptions
mlir::pex::tflite::readPackOptions(FlatBufferReader &reader,
                                   const std::optional<TableRef> &table) {
  PackOptions options;
  if (!table)
    return options;
  options.count = reader.scalar<int32_t>(*table, 0, 0, "count");
  options.axis = reader.scalar<int32_t>(*table, 1, 0, "axis");
  return options;
}

ResizeOptions
mlir::pex::tflite::readResizeOptions(FlatBufferReader &reader,
                                     const std::optional<TableRef> &table,
                                     bool bilinear) {
  ResizeOptions options;
  if (!table)
    return options;
  unsigned first = bilinear ? 2 : 0;
  options.alignCorners =
      reader.scalar<uint8_t>(*table, first, 0, "align_corners") != 0;
  options.halfPixelCenters =
      reader.scalar<uint8_t>(*table, first + 1, 0, "half_pixel_centers") != 0;
  return options;
}

TransposeConvOptions mlir::pex::tflite::readTransposeConvOptions(
    FlatBufferReader &reader, const std::optional<TableRef> &table) {
  TransposeConvOptions options;
  if (!table)
    return options;
  options.padding = readPadding(reader, *table, 0);
  options.strideW = reader.scalar<int32_t>(*table, 1, 0, "stride_w");
  options.strideH = reader.scalar<int32_t>(*table, 2, 0, "stride_h");
  options.activation = readActivation(reader, *table, 3);
  return options;
}

BatchMatMulOptions mlir::pex::tflite::readBatchMatMulOptions(
    FlatBufferReader &reader, const std::optional<TableRef> &table) {
  BatchMatMulOptions options;
  if (!table)
    return options;
  options.adjX = reader.scalar<uint8_t>(*table, 0, 0, "adj_x") != 0;
  options.adjY = reader.scalar<uint8_t>(*table, 1, 0, "adj_y") != 0;
  return options;
}
