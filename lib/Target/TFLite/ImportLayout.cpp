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

//===----------------------------------------------------------------------===//
// SLICE, STRIDED_SLICE
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertSlice() {
  if (failed(expectCounts(3, 3, 1)))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  FailureOr<Value> input = layoutInput(0, outputTensor);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int32_t>> begin =
      constantValues<int32_t>(1, TensorElementType::Int32, "begin");
  FailureOr<SmallVector<int32_t>> size =
      constantValues<int32_t>(2, TensorElementType::Int32, "size");
  if (failed(begin) || failed(size))
    return failure();
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  size_t rank = inShape.size();
  if (begin->size() != rank || size->size() != rank)
    return opError("begin and size must have " + Twine(rank) + " entries");
  SmallVector<int64_t> start, extent;
  for (size_t d = 0; d < rank; ++d) {
    int64_t b = (*begin)[d];
    // A size of -1 runs to the end of the dimension.
    int64_t s = (*size)[d] == -1 ? inShape[d] - b : (*size)[d];
    if (b < 0 || s < 1 || b + s > inShape[d])
      return opError("begin " + Twine(b) + " and size " + Twine((*size)[d]) +
                     " do not select a non-empty part of dimension " +
                     Twine(d) + " (" + Twine(inShape[d]) + ")");
    start.push_back(b);
    extent.push_back(s);
  }
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (ArrayRef<int64_t>(extent) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the slice computes " + shapeString(extent));
  return define(0, slice(*input, start, extent));
}

namespace {
/// One input dimension of a strided slice: `count` elements from `start`,
/// `stride` apart.
struct SliceAxis {
  int64_t start = 0, count = 0, stride = 1;
  bool shrink = false;
};
} // namespace

LogicalResult Importer::convertStridedSlice() {
  if (failed(expectCounts(4, 4, 1)))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  FailureOr<Value> input = layoutInput(0, outputTensor);
  if (failed(input))
    return failure();
  StridedSliceOptions o = readStridedSliceOptions(reader, currentOp->options);
  if (!reader.ok())
    return error(reader.getError().offset, reader.getError().message);
  if (o.offset)
    return opError("the offset option is not supported (TFLite Micro "
                   "ignores it)");
  FailureOr<SmallVector<int32_t>> begin =
      constantValues<int32_t>(1, TensorElementType::Int32, "begin");
  FailureOr<SmallVector<int32_t>> end =
      constantValues<int32_t>(2, TensorElementType::Int32, "end");
  FailureOr<SmallVector<int32_t>> strides =
      constantValues<int32_t>(3, TensorElementType::Int32, "strides");
  if (failed(begin) || failed(end) || failed(strides))
    return failure();
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  int64_t rank = inShape.size();
  int64_t sparse = begin->size();
  if (static_cast<int64_t>(end->size()) != sparse ||
      static_cast<int64_t>(strides->size()) != sparse || sparse > 16)
    return opError("begin, end and strides must have the same length");

  // TensorFlow's sparse-to-dense expansion: an ellipsis stands for the
  // dimensions the other entries do not name, a new axis inserts a
  // dimension of 1 into the output, missing trailing entries take whole
  // dimensions. Without those masks, entry i is dimension i.
  auto bit = [](int32_t mask, int64_t i) { return ((mask >> i) & 1) != 0; };
  int64_t ellipsisAt = -1;
  for (int64_t i = 0; i < sparse; ++i) {
    if (!bit(o.ellipsisMask, i))
      continue;
    if (ellipsisAt >= 0)
      return opError("ellipsis_mask names more than one entry");
    ellipsisAt = i;
  }
  SmallVector<SliceAxis> axes;
  SmallVector<int64_t> expected;
  auto wholeAxis = [&]() {
    int64_t d = axes.size();
    axes.push_back({0, inShape[d], 1, false});
    expected.push_back(inShape[d]);
  };
  for (int64_t i = 0; i < sparse; ++i) {
    if (i == ellipsisAt) {
      int64_t names = 0;
      for (int64_t j = i + 1; j < sparse; ++j)
        names += !bit(o.newAxisMask, j);
      int64_t upTo = rank - names;
      if (static_cast<int64_t>(axes.size()) > upTo)
        return opError("the slice names more dimensions than the input has");
      while (static_cast<int64_t>(axes.size()) < upTo)
        wholeAxis();
      continue;
    }
    if (bit(o.newAxisMask, i)) {
      expected.push_back(1);
      continue;
    }
    int64_t d = axes.size();
    if (d >= rank)
      return opError("the slice names more dimensions than the input has");
    int64_t size = inShape[d];
    int64_t stride = (*strides)[i];
    if (stride == 0)
      return opError("stride of dimension " + Twine(d) + " is 0");
    // StartForAxis and StopForAxis of TFLite Micro's kernel.
    auto clampIndex = [&](int64_t v) {
      return stride > 0 ? std::clamp<int64_t>(v, 0, size)
                        : std::clamp<int64_t>(v, -1, size - 1);
    };
    int64_t first = (*begin)[i];
    if (bit(o.beginMask, i))
      first = stride > 0 ? std::numeric_limits<int32_t>::min()
                         : std::numeric_limits<int32_t>::max();
    if (first < 0)
      first += size;
    first = clampIndex(first);
    bool shrink = bit(o.shrinkAxisMask, i);
    int64_t stop;
    if (shrink) {
      stop = first + 1;
    } else {
      stop = (*end)[i];
      if (bit(o.endMask, i))
        stop = stride > 0 ? std::numeric_limits<int32_t>::max()
                          : std::numeric_limits<int32_t>::min();
      if (stop < 0)
        stop += size;
      stop = clampIndex(stop);
    }
    int64_t count = stride > 0 ? (stop - first + stride - 1) / stride
                               : (first - stop - stride - 1) / -stride;
    if (count < 1 || (shrink && count != 1))
      return opError("dimension " + Twine(d) + " of the input " +
                     shapeString(inShape) + " is sliced to nothing (begin " +
                     Twine((*begin)[i]) + ", end " + Twine((*end)[i]) +
                     ", stride " + Twine(stride) + ")");
    axes.push_back({first, count, stride, shrink});
    if (!shrink)
      expected.push_back(count);
  }
  while (static_cast<int64_t>(axes.size()) < rank)
    wholeAxis();
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the strided slice computes " + shapeString(expected));

  // One slice of the smallest window holding the selected elements, a
  // reverse per negative stride, then every |stride|-th element (padding the
  // window to a whole number of strides when it ends early).
  SmallVector<int64_t> start, extent, padding;
  bool pad = false;
  for (auto [d, axis] : llvm::enumerate(axes)) {
    int64_t step = std::abs(axis.stride);
    int64_t lowest = axis.stride > 0
                         ? axis.start
                         : axis.start + (axis.count - 1) * axis.stride;
    int64_t length = std::min(axis.count * step, inShape[d] - lowest);
    if (axis.stride < 0)
      length = (axis.count - 1) * step + 1;
    start.push_back(lowest);
    extent.push_back(length);
    padding.push_back(0);
    padding.push_back(axis.count * step - length);
    pad |= axis.count * step != length;
  }
  Value value = slice(*input, start, extent);
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  for (auto [d, axis] : llvm::enumerate(axes))
    if (axis.stride < 0 && extent[d] > 1)
      value = emit("tosa.reverse", value.getType(), {value},
                   {attr("axis", builder.getI32IntegerAttr(d))});
  if (pad) {
    SmallVector<int64_t> padded;
    for (auto [d, axis] : llvm::enumerate(axes))
      padded.push_back(axis.count * std::abs(axis.stride));
    // The padded elements are never selected.
    value = emit("tosa.pad", tensorOf(padded, element),
                 {value, shapeValue(padding), zeroPointFor(element, 0)});
  }
  for (auto [d, axis] : llvm::enumerate(axes))
    value = takeEvery(value, d, axis.count, std::abs(axis.stride));
  return define(0, reshape(value, outShape));
}

//===----------------------------------------------------------------------===//
// SPLIT, SPLIT_V, PACK, UNPACK
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertSplit(bool sizes) {
  size_t outputs = currentOp->outputs.size();
  if (outputs < 1 ||
      failed(expectCounts(sizes ? 3 : 2, sizes ? 3 : 2, outputs)))
    return failure();
  // SPLIT: (axis, input); SPLIT_V: (input, size_splits, axis).
  unsigned inputPosition = sizes ? 0 : 1;
  FailureOr<Value> input = layoutInput(inputPosition, currentOp->outputs[0]);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  FailureOr<int64_t> axis = axisOperand(sizes ? 2 : 0, inShape.size());
  if (failed(axis))
    return failure();
  int64_t total = inShape[*axis];
  SmallVector<int64_t> parts;
  SingleIntOptions o =
      readSingleIntOptions(reader, currentOp->options, "num_splits");
  if (!reader.ok())
    return error(reader.getError().offset, reader.getError().message);
  if (o.value != static_cast<int32_t>(outputs))
    return opError("num_splits is " + Twine(o.value) +
                   " but the operator has " + Twine(outputs) + " outputs");
  if (sizes) {
    FailureOr<SmallVector<int32_t>> splits =
        constantValues<int32_t>(1, TensorElementType::Int32, "size_splits");
    if (failed(splits))
      return failure();
    if (splits->size() != outputs)
      return opError("size_splits has " + Twine(splits->size()) +
                     " entries for " + Twine(outputs) + " outputs");
    // At most one -1: whatever the others leave.
    int64_t known = 0, unknown = 0;
    for (int32_t s : *splits) {
      if (s == -1)
        ++unknown;
      else if (s < 1)
        return opError("size_splits entry " + Twine(s) + " is not positive");
      else
        known += s;
    }
    if (unknown > 1 || (unknown == 0 && known != total) ||
        (unknown == 1 && known >= total))
      return opError("size_splits do not add up to the " + Twine(total) +
                     " elements of axis " + Twine(*axis));
    for (int32_t s : *splits)
      parts.push_back(s == -1 ? total - known : s);
  } else {
    if (total % static_cast<int64_t>(outputs) != 0)
      return opError("axis " + Twine(*axis) + " of " + Twine(total) +
                     " elements does not split into " + Twine(outputs));
    parts.assign(outputs, total / outputs);
  }
  SmallVector<int64_t> start(inShape.size(), 0), size(inShape);
  for (size_t i = 0; i < outputs; ++i) {
    size[*axis] = parts[i];
    if (failed(define(i, slice(*input, start, size))))
      return failure();
    start[*axis] += parts[i];
  }
  return success();
}

LogicalResult Importer::convertPack() {
  size_t inputs = currentOp->inputs.size();
  if (inputs < 1 || failed(expectCounts(1, 1024, 1)))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  PackOptions o = readPackOptions(reader, currentOp->options);
  if (!reader.ok())
    return error(reader.getError().offset, reader.getError().message);
  if (o.count != static_cast<int32_t>(inputs))
    return opError("values_count is " + Twine(o.count) +
                   " but the operator has " + Twine(inputs) + " inputs");
  SmallVector<Value> values;
  for (unsigned i = 0; i < inputs; ++i) {
    FailureOr<Value> value = layoutInput(i, outputTensor);
    if (failed(value))
      return failure();
    if (!values.empty() && value->getType() != values.front().getType())
      return opError("input " + Twine(i) + " differs in shape from input 0");
    values.push_back(*value);
  }
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(values.front().getType()).getShape();
  int64_t rank = inShape.size() + 1;
  int64_t axis = o.axis < 0 ? o.axis + rank : o.axis;
  if (axis < 0 || axis >= rank)
    return opError("axis " + Twine(o.axis) + " is outside [" + Twine(-rank) +
                   ", " + Twine(rank) + ")");
  SmallVector<int64_t> one(inShape), expected(inShape);
  one.insert(one.begin() + axis, 1);
  expected.insert(expected.begin() + axis, inputs);
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", packing computes " + shapeString(expected));
  for (Value &value : values)
    value = reshape(value, one);
  if (inputs == 1)
    return define(0, values.front());
  return define(0, emit("tosa.concat", typeOf(outputTensor), values,
                        {attr("axis", builder.getI32IntegerAttr(axis))}));
}

LogicalResult Importer::convertUnpack() {
  size_t outputs = currentOp->outputs.size();
  if (outputs < 1 || failed(expectCounts(1, 1, outputs)))
    return failure();
  FailureOr<Value> input = layoutInput(0, currentOp->outputs[0]);
  if (failed(input))
    return failure();
  PackOptions o = readPackOptions(reader, currentOp->options);
  if (!reader.ok())
    return error(reader.getError().offset, reader.getError().message);
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  int64_t rank = inShape.size();
  int64_t axis = o.axis < 0 ? o.axis + rank : o.axis;
  if (axis < 0 || axis >= rank)
    return opError("axis " + Twine(o.axis) + " is outside [" + Twine(-rank) +
                   ", " + Twine(rank) + ")");
  if (inShape[axis] != static_cast<int64_t>(outputs) ||
      o.count != static_cast<int32_t>(outputs))
    return opError("unpacking axis " + Twine(axis) + " of " +
                   shapeString(inShape) + " into num " + Twine(o.count) +
                   " needs as many outputs, not " + Twine(outputs));
  SmallVector<int64_t> start(rank, 0), size(inShape);
  size[axis] = 1;
  for (size_t i = 0; i < outputs; ++i) {
    start[axis] = i;
    if (failed(defineView(i, slice(*input, start, size))))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// DEPTH_TO_SPACE, SPACE_TO_DEPTH
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertDepthToSpace(bool toSpace) {
  if (failed(expectCounts(1, 1, 1)))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  FailureOr<Value> input = layoutInput(0, outputTensor);
  if (failed(input))
    return failure();
  SingleIntOptions o =
      readSingleIntOptions(reader, currentOp->options, "block_size");
  if (!reader.ok())
    return error(reader.getError().offset, reader.getError().message);
  ArrayRef<int64_t> in = cast<RankedTensorType>(input->getType()).getShape();
  int64_t b = o.value;
  if (in.size() != 4 || b < 1 || b > (1 << 12))
    return opError("needs a 4-D input and a positive block size (input " +
                   shapeString(in) + ", block size " + Twine(b) + ")");
  // Channel (i * b + j) * C' + c of pixel (h, w) is pixel (h * b + i,
  // w * b + j), channel c: one transpose of a 6-D view.
  SmallVector<int64_t> expected, view;
  if (toSpace) {
    if (in[3] % (b * b) != 0)
      return opError("depth " + Twine(in[3]) + " is not a multiple of " +
                     Twine(b * b));
    expected = {in[0], in[1] * b, in[2] * b, in[3] / (b * b)};
    view = {in[0], in[1], in[2], b, b, in[3] / (b * b)};
  } else {
    if (in[1] % b != 0 || in[2] % b != 0)
      return opError("height and width of " + shapeString(in) +
                     " are not multiples of " + Twine(b));
    expected = {in[0], in[1] / b, in[2] / b, in[3] * b * b};
    view = {in[0], in[1] / b, b, in[2] / b, b, in[3]};
  }
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  if (ArrayRef<int64_t>(expected) != outShape)
    return opError("output is declared " + shapeString(outShape) +
                   ", the operator computes " + shapeString(expected));
  Value moved = transpose(reshape(*input, view), {0, 1, 3, 2, 4, 5});
  return define(0, reshape(moved, expected));
}
