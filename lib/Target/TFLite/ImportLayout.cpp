//===- ImportLayout.cpp - layout, resize and matrix operators -------------===//
//
// TRANSPOSE, SQUEEZE, EXPAND_DIMS, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V,
// PACK, UNPACK, DEPTH_TO_SPACE, SPACE_TO_DEPTH, RESIZE_NEAREST_NEIGHBOR,
// RESIZE_BILINEAR, TRANSPOSE_CONV and BATCH_MATMUL. TFLite Micro copies the
// bytes of the layout operators whatever the quantisation, so they become
// TOSA reshape, transpose, slice, reverse, concat and gather of the raw
// values; docs/tflite-import.md derives the arithmetic of the others.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::tflite;
using llvm::Twine;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

FailureOr<Value> Importer::layoutInput(unsigned position,
                                       int32_t outputTensor) {
  int32_t index = inputIndex(position);
  if (index < 0)
    return opError("input " + Twine(position) + " is missing");
  const TensorInfo &in = graph.tensors[index];
  const TensorInfo &out = graph.tensors[outputTensor];
  if (in.type != out.type)
    return opError("input " + Twine(position) + " is " +
                   tensorTypeName(in.type) + ", the output " +
                   tensorTypeName(out.type));
  if (!elementType(in.type))
    return opError("tensors of type " + tensorTypeName(in.type) +
                   " are not supported");
  return operand(position);
}

FailureOr<int64_t> Importer::axisOperand(unsigned position, int64_t rank) {
  FailureOr<SmallVector<int32_t>> values =
      constantValues<int32_t>(position, TensorElementType::Int32, "axis");
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return opError("axis (input " + Twine(position) + ") holds " +
                   Twine(values->size()) + " values, expected one");
  int64_t axis = values->front();
  if (axis < -rank || axis >= rank)
    return opError("axis " + Twine(axis) + " is outside [" + Twine(-rank) +
                   ", " + Twine(rank) + ")");
  return axis < 0 ? axis + rank : axis;
}

LogicalResult Importer::defineView(unsigned position, Value value) {
  return define(
      position,
      reshape(value, graph.tensors[currentOp->outputs[position]].shape));
}

Value Importer::transpose(Value value, ArrayRef<int32_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int32_t p : perm)
    shape.push_back(type.getDimSize(p));
  // Moving only dimensions of size 1 keeps the byte order: a view.
  SmallVector<int32_t> moved;
  for (int32_t p : perm)
    if (type.getDimSize(p) != 1)
      moved.push_back(p);
  if (llvm::is_sorted(moved))
    return reshape(value, shape);
  return emit("tosa.transpose", tensorOf(shape, type.getElementType()), {value},
              {attr("perms", builder.getDenseI32ArrayAttr(perm))});
}

Value Importer::slice(Value value, ArrayRef<int64_t> start,
                      ArrayRef<int64_t> size) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == size)
    return value;
  return emit("tosa.slice", tensorOf(size, type.getElementType()),
              {value, shapeValue(start), shapeValue(size)});
}

Value Importer::takeEvery(Value value, int64_t axis, int64_t count,
                          int64_t stride) {
  // [outer, count * stride, inner] -> [outer, count, stride, inner], keep
  // the first of each group of `stride`.
  if (stride == 1)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer = numElements(shape.take_front(axis));
  int64_t inner = numElements(shape.drop_front(axis + 1));
  Value grouped = reshape(value, {outer, count, stride, inner});
  Value first = slice(grouped, {0, 0, 0, 0}, {outer, count, 1, inner});
  SmallVector<int64_t> result(shape);
  result[axis] = count;
  return reshape(first, result);
}

//===----------------------------------------------------------------------===//
// TRANSPOSE, SQUEEZE, EXPAND_DIMS
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertTranspose() {
  if (failed(expectCounts(2, 2, 1)))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  FailureOr<Value> input = layoutInput(0, outputTensor);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int32_t>> perm =
      constantValues<int32_t>(1, TensorElementType::Int32, "perm");
  if (failed(perm))
    return failure();
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  int64_t rank = inShape.size();
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> expected;
  for (int32_t p : *perm) {
    if (static_cast<int64_t>(perm->size()) != rank || p < 0 || p >= rank ||
        seen[p])
      return opError(
          "perm " +
          shapeString(SmallVector<int64_t>(perm->begin(), perm->end())) +
          " is not a permutation of the " + Twine(rank) +
          " dimensions of the input");
    seen[p] = true;
    expected.push_back(inShape[p]);
  }
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the transpose computes " + shapeString(expected));
  return define(0, transpose(*input, *perm));
}

LogicalResult Importer::convertSqueezeOrExpandDims(bool squeeze) {
  if (failed(squeeze ? expectCounts(1, 1, 1) : expectCounts(2, 2, 1)))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  FailureOr<Value> input = layoutInput(0, outputTensor);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  int64_t rank = inShape.size();
  SmallVector<int64_t> expected;
  if (squeeze) {
    SqueezeOptions o = readSqueezeOptions(reader, currentOp->options);
    if (!reader.ok())
      return error(reader.getError().offset, reader.getError().message);
    // No squeeze_dims: every dimension of size 1 goes.
    SmallVector<bool> drop(rank, o.squeezeDims.empty());
    for (int32_t dim : o.squeezeDims) {
      int64_t d = dim < 0 ? dim + rank : dim;
      if (d < 0 || d >= rank || inShape[d] != 1)
        return opError("squeeze_dims entry " + Twine(dim) +
                       " is not a dimension of size 1 of the input " +
                       shapeString(inShape));
      drop[d] = true;
    }
    for (int64_t d = 0; d < rank; ++d)
      if (!drop[d] || inShape[d] != 1)
        expected.push_back(inShape[d]);
  } else {
    FailureOr<int64_t> axis = axisOperand(1, rank + 1);
    if (failed(axis))
      return failure();
    expected.assign(inShape.begin(), inShape.end());
    expected.insert(expected.begin() + *axis, 1);
  }
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the operator computes " + shapeString(expected));
  return define(0, reshape(*input, expected));
}
