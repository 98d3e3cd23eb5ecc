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

FailureOr<Value> Importer::layoutOperand(size_t inputs) {
  if (failed(expectCounts(inputs, inputs, 1)))
    return failure();
  return layoutInput(0, currentOp->outputs[0]);
}

LogicalResult Importer::expectOutputShape(ArrayRef<int64_t> computed,
                                          StringRef what) {
  ArrayRef<int64_t> declared = graph.tensors[currentOp->outputs[0]].shape;
  if (computed != declared)
    return opError("output is declared " + shapeString(declared) + ", " + what +
                   " computes " + shapeString(computed));
  return success();
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
  FailureOr<Value> input = layoutOperand(2);
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
  if (failed(expectOutputShape(expected, "the transpose")))
    return failure();
  return define(0, transpose(*input, *perm));
}

LogicalResult Importer::convertSqueezeOrExpandDims(bool squeeze) {
  FailureOr<Value> input = layoutOperand(squeeze ? 1 : 2);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  int64_t rank = inShape.size();
  SmallVector<int64_t> expected;
  if (squeeze) {
    SqueezeOptions o = readSqueezeOptions(reader, currentOp->options);
    if (!reader.ok())
      return readerError();
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
  if (failed(expectOutputShape(expected, "the operator")))
    return failure();
  return define(0, reshape(*input, expected));
}

//===----------------------------------------------------------------------===//
// SLICE, STRIDED_SLICE
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertSlice() {
  FailureOr<Value> input = layoutOperand(3);
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
  if (failed(expectOutputShape(extent, "the slice")))
    return failure();
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
  FailureOr<Value> input = layoutOperand(4);
  if (failed(input))
    return failure();
  StridedSliceOptions o = readStridedSliceOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
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
  if (failed(expectOutputShape(expected, "the strided slice")))
    return failure();

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
  return defineView(0, value);
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
    return readerError();
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
    return readerError();
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
  if (failed(expectOutputShape(expected, "packing")))
    return failure();
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
    return readerError();
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
  FailureOr<Value> input = layoutOperand(1);
  if (failed(input))
    return failure();
  SingleIntOptions o =
      readSingleIntOptions(reader, currentOp->options, "block_size");
  if (!reader.ok())
    return readerError();
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
  if (failed(expectOutputShape(expected, "the operator")))
    return failure();
  Value moved = transpose(reshape(*input, view), {0, 1, 3, 2, 4, 5});
  return define(0, reshape(moved, expected));
}

//===----------------------------------------------------------------------===//
// RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkResizeSize(ArrayRef<int64_t> in,
                                        ArrayRef<int64_t> out) {
  // The size operand (a constant [height, width]) must agree with the
  // output tensor, which TFLite Micro uses.
  FailureOr<SmallVector<int32_t>> size =
      constantValues<int32_t>(1, TensorElementType::Int32, "size");
  if (failed(size))
    return failure();
  if (in.size() != 4 || size->size() != 2 ||
      ArrayRef<int64_t>(out) !=
          ArrayRef<int64_t>{in[0], (*size)[0], (*size)[1], in[3]})
    return opError(
        "resizes " + shapeString(in) + " to size " +
        shapeString(SmallVector<int64_t>(size->begin(), size->end())) +
        " but the output is declared " + shapeString(out));
  return success();
}

namespace {

/// GetNearestNeighbor of TFLite's reference kernel, in its float arithmetic.
int64_t nearestIndex(int32_t out, int32_t inSize, int32_t outSize,
                     bool alignCorners, bool halfPixelCenters) {
  float scale =
      (alignCorners && outSize > 1)
          ? static_cast<float>(inSize - 1) / static_cast<float>(outSize - 1)
          : static_cast<float>(inSize) / static_cast<float>(outSize);
  float offset = halfPixelCenters ? 0.5f : 0.0f;
  float position = (static_cast<float>(out) + offset) * scale;
  float rounded =
      alignCorners ? tflm::roundFloat(position) : std::floor(position);
  int32_t index = std::min(static_cast<int32_t>(rounded), inSize - 1);
  if (halfPixelCenters)
    index = std::max<int32_t>(0, index);
  return index;
}

} // namespace

LogicalResult Importer::convertResizeNearest() {
  FailureOr<Value> input = layoutOperand(2);
  if (failed(input))
    return failure();
  int32_t outputTensor = currentOp->outputs[0];
  ResizeOptions o =
      readResizeOptions(reader, currentOp->options, /*bilinear=*/false);
  if (!reader.ok())
    return readerError();
  ArrayRef<int64_t> in = cast<RankedTensorType>(input->getType()).getShape();
  ArrayRef<int64_t> out = graph.tensors[outputTensor].shape;
  if (failed(checkResizeSize(in, out)))
    return failure();
  // The source row and column of each output pixel are constants; the
  // copy is a gather along H, then along W.
  int64_t n = in[0], c = in[3];
  auto indices = [&](int64_t inSize, int64_t outSize, int64_t repeat,
                     bool &identity) {
    SmallVector<int32_t> result;
    identity = inSize == outSize;
    for (int64_t r = 0; r < repeat; ++r)
      for (int64_t i = 0; i < outSize; ++i) {
        result.push_back(nearestIndex(i, inSize, outSize, o.alignCorners,
                                      o.halfPixelCenters));
        identity &= result.back() == i;
      }
    return result;
  };
  Value value = *input;
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  bool identity;
  SmallVector<int32_t> rows = indices(in[1], out[1], n, identity);
  if (!identity) {
    Value table = reshape(value, {n, in[1], in[2] * c});
    Value found = emit("tosa.gather", tensorOf({n, out[1], in[2] * c}, element),
                       {table, constant<int32_t>(rows, {n, out[1]}, i32())});
    value = reshape(found, {n, out[1], in[2], c});
  }
  SmallVector<int32_t> cols = indices(in[2], out[2], n * out[1], identity);
  if (!identity) {
    Value table = reshape(value, {n * out[1], in[2], c});
    Value found =
        emit("tosa.gather", tensorOf({n * out[1], out[2], c}, element),
             {table, constant<int32_t>(cols, {n * out[1], out[2]}, i32())});
    value = found;
  }
  return define(0, reshape(value, out));
}

LogicalResult Importer::convertResizeBilinear() {
  if (failed(expectCounts(2, 2, 1)))
    return failure();
  int32_t inputTensor = inputIndex(0), outputTensor = currentOp->outputs[0];
  if (inputTensor < 0)
    return opError("the input is required");
  if (failed(expectInt8({{inputTensor, "input"}, {outputTensor, "output"}})))
    return failure();
  ResizeOptions o =
      readResizeOptions(reader, currentOp->options, /*bilinear=*/true);
  if (!reader.ok())
    return readerError();
  if (o.alignCorners && o.halfPixelCenters)
    return opError("align_corners and half_pixel_centers are exclusive");
  ArrayRef<int64_t> in = graph.tensors[inputTensor].shape;
  ArrayRef<int64_t> out = graph.tensors[outputTensor].shape;
  if (failed(checkResizeSize(in, out)))
    return failure();
  // ResizeBilinearInteger places output pixel y at y * scale_10 (+
  // scale_10 / 2 - 512 with half-pixel centres) in 1/1024 input pixels and
  // weighs the two neighbours by the distances. TOSA's integer resize
  // computes the same sum of products with positions in 1/n pixels; n =
  // 2048 (every position doubled) makes the int32 sum four times TFLM's,
  // so that the final rounding fits one rescale (below).
  const int64_t unit = 2048;
  SmallVector<int64_t> scale, offset, border;
  for (int d : {1, 2}) {
    int64_t inSize = in[d], outSize = out[d];
    int64_t scale10 = ((1 << 10) * inSize + outSize / 2) / outSize;
    if (o.alignCorners && outSize > 1)
      scale10 = ((1 << 10) * (inSize - 1) + (outSize - 1) / 2) / (outSize - 1);
    int64_t offset10 = o.halfPixelCenters ? scale10 / 2 - (1 << 9) : 0;
    int64_t step = 2 * scale10, start = 2 * offset10;
    int64_t end = (outSize - 1) * step + start - (inSize - 1) * unit;
    if (step < 1 || step >= 16 * unit || start < -unit || end < -16 * unit ||
        end >= unit)
      return opError("resizing " + Twine(inSize) + " to " + Twine(outSize) +
                     " is outside what a TOSA resize can express");
    scale.append({unit, step});
    offset.push_back(start);
    border.push_back(end);
  }
  FailureOr<Value> input = operand(0);
  if (failed(input))
    return failure();
  // Half-pixel centres start output pixel 0 before input pixel 0, where
  // TFLM weighs pixel 0 against itself. MLIR's lowering of tosa.resize
  // departs from the specification for negative positions, so the first
  // row (column) is repeated in front and every position moved one pixel.
  Value source = *input;
  for (int d : {1, 2}) {
    if (offset[d - 1] >= 0)
      continue;
    auto type = cast<RankedTensorType>(source.getType());
    SmallVector<int64_t> first(type.getShape()), grown(type.getShape());
    first[d] = 1;
    grown[d] += 1;
    Value edge = slice(source, {0, 0, 0, 0}, first);
    source = emit("tosa.concat", tensorOf(grown, i8()), {edge, source},
                  {attr("axis", builder.getI32IntegerAttr(d))});
    offset[d - 1] += unit;
  }
  Value sum = emit(
      "tosa.resize", tensorOf(out, i32()),
      {source, shapeValue(scale), shapeValue(offset), shapeValue(border)},
      {attr("mode",
            tosa::ResizeModeAttr::get(context, tosa::ResizeMode::BILINEAR))});
  // TFLM divides its sum s by 2^20 rounding halves away from zero. The TOSA
  // sum is 4s; 4s * 2^30 >> 52 with DOUBLE_ROUND adds 2^51 +/- 2^30, i.e.
  // s / 2^20 + 1/2 +/- 1/4 / 2^20, which moves exactly the ties away from
  // zero (single rounding: TFLITE_SINGLE_ROUNDING's (s + 2^19) >> 20).
  Rescale divide{1 << 30, 52, rounding == tflm::Rounding::Double};
  return define(0, rescale(sum, i8(), {divide}, 0, 0));
}

//===----------------------------------------------------------------------===//
// TRANSPOSE_CONV, BATCH_MATMUL
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertTransposeConv() {
  // Inputs: output shape (TFLM reads the output tensor instead), filter
  // [OC, KH, KW, IC], input, optional bias.
  if (failed(expectCounts(3, 4, 1)))
    return failure();
  int32_t filterTensor = inputIndex(1), inputTensor = inputIndex(2),
          outputTensor = currentOp->outputs[0];
  if (inputTensor < 0 || filterTensor < 0)
    return opError("input and filter are required");
  if (failed(expectInt8({{inputTensor, "input"},
                         {filterTensor, "filter"},
                         {outputTensor, "output"}})))
    return failure();
  TransposeConvOptions o = readTransposeConvOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  if (o.activation != Activation::None)
    return opError("a fused activation on TRANSPOSE_CONV is not supported");
  ArrayRef<int64_t> in = graph.tensors[inputTensor].shape;
  ArrayRef<int64_t> filterShape = graph.tensors[filterTensor].shape;
  ArrayRef<int64_t> out = graph.tensors[outputTensor].shape;
  if (in.size() != 4 || filterShape.size() != 4 || out.size() != 4 ||
      filterShape[3] != in[3] || out[0] != in[0] || out[3] != filterShape[0])
    return opError("input " + shapeString(in) + ", filter " +
                   shapeString(filterShape) + " and output " +
                   shapeString(out) + " do not form a transposed convolution");
  if (!isConstant(filterTensor))
    return opError("the filter (tensor " + Twine(filterTensor) +
                   ") must be a constant");
  int64_t channelsOut = filterShape[0];
  int64_t strides[2] = {o.strideH, o.strideW};
  // TFLM pads as a forward convolution from the output to the input would
  // (ComputePaddingHeightWidth on the output size); input row i then lands
  // on output rows i * stride - pad + k, rows outside the output dropped.
  int64_t tflmPad[2];
  for (int d : {0, 1}) {
    int64_t stride = strides[d], kernel = filterShape[1 + d];
    int64_t outSize = out[1 + d];
    if (stride < 1 || stride > (1 << 16))
      return opError("stride " + Twine(stride) + " must be positive");
    int64_t forward = o.padding == Padding::Same
                          ? (outSize + stride - 1) / stride
                          : (outSize - kernel + stride) / stride;
    tflmPad[d] =
        std::max<int64_t>((forward - 1) * stride + kernel - outSize, 0) / 2;
    if (tflmPad[d] >= kernel)
      return opError("an output of " + Twine(outSize) +
                     " is too small for a kernel of " + Twine(kernel) +
                     " and stride " + Twine(stride));
  }

  FailureOr<Quant> inQuant = activationQuant(inputTensor, "input");
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(inQuant) || failed(outQuant))
    return failure();
  const std::optional<QuantizationInfo> &filterQuant =
      graph.tensors[filterTensor].quantization;
  if (!filterQuant || filterQuant->scale.empty())
    return opError("the filter has no quantisation parameters");
  if (filterQuant->scale.size() > 1 &&
      (filterQuant->scale.size() != static_cast<size_t>(channelsOut) ||
       filterQuant->quantizedDimension != 0))
    return opError("the filter has " + Twine(filterQuant->scale.size()) +
                   " scales along dimension " +
                   Twine(filterQuant->quantizedDimension) + "; expected " +
                   Twine(channelsOut) + " along dimension 0");
  FailureOr<SmallVector<Rescale>> scales =
      convolutionScales(*inQuant, *filterQuant, *outQuant);
  if (failed(scales))
    return failure();

  FailureOr<Value> input = operand(2);
  if (failed(input))
    return failure();
  FailureOr<Value> bias = biasOperand(3, channelsOut);
  if (failed(bias))
    return failure();
  // Input pixel i lands on output rows i * stride - pad + k: a stride-1
  // correlation with the flipped filter over the input upsampled with zero
  // points (which add nothing), padded by kernel - 1 - pad in front. Every
  // intermediate is int8 and the conv2d -> rescale pair is the usual fused
  // kernel; the price is stride^2 times the MACs of the transposed form.
  int64_t n = in[0], c = in[3], sH = strides[0], sW = strides[1];
  Value upsampled = *input;
  if (sH > 1 || sW > 1) {
    Value spread = reshape(*input, {n, in[1], 1, in[2], 1, c});
    upsampled = emit(
        "tosa.pad", tensorOf({n, in[1], sH, in[2], sW, c}, i8()),
        {spread, shapeValue({0, 0, 0, 0, 0, sH - 1, 0, 0, 0, sW - 1, 0, 0}),
         scalarI8(inQuant->zeroPoint)});
    upsampled = reshape(upsampled, {n, in[1] * sH, in[2] * sW, c});
  }
  SmallVector<int64_t> pad, kept = {n, in[1] * sH, in[2] * sW, c};
  for (int d : {0, 1}) {
    int64_t kernel = filterShape[1 + d], before = tflmPad[d];
    int64_t after = out[1 + d] - 1 + before - (kept[1 + d] - 1);
    pad.append({kernel - 1 - before, std::max<int64_t>(after, 0)});
    kept[1 + d] += std::min<int64_t>(after, 0);
  }
  upsampled = slice(upsampled, {0, 0, 0, 0}, kept);
  ArrayRef<uint8_t> raw = constantData(filterTensor);
  int64_t kH = filterShape[1], kW = filterShape[2];
  SmallVector<int8_t> flipped(raw.size());
  for (int64_t o = 0; o < channelsOut; ++o)
    for (int64_t y = 0; y < kH; ++y)
      for (int64_t x = 0; x < kW; ++x)
        for (int64_t i = 0; i < c; ++i)
          flipped[((o * kH + y) * kW + x) * c + i] = static_cast<int8_t>(
              raw[((o * kH + (kH - 1 - y)) * kW + (kW - 1 - x)) * c + i]);
  // TFLite Micro ignores the filter zero point of int8 convolutions.
  Value acc = emit("tosa.conv2d", tensorOf(out, i32()),
                   {upsampled, constant<int8_t>(flipped, filterShape, i8()),
                    *bias, scalarI8(inQuant->zeroPoint), scalarI8(0)},
                   {arrayAttr("pad", pad), arrayAttr("stride", {1, 1}),
                    arrayAttr("dilation", {1, 1}),
                    attr("acc_type", TypeAttr::get(i32()))});
  return define(0, rescale(acc, i8(), *scales, 0, outQuant->zeroPoint));
}

LogicalResult Importer::convertBatchMatMul() {
  if (failed(expectCounts(2, 2, 1)))
    return failure();
  int32_t lhsTensor = inputIndex(0), rhsTensor = inputIndex(1),
          outputTensor = currentOp->outputs[0];
  if (lhsTensor < 0 || rhsTensor < 0)
    return opError("both inputs are required");
  if (failed(expectInt8(
          {{lhsTensor, "lhs"}, {rhsTensor, "rhs"}, {outputTensor, "output"}})))
    return failure();
  BatchMatMulOptions o = readBatchMatMulOptions(reader, currentOp->options);
  if (!reader.ok())
    return readerError();
  ArrayRef<int64_t> lhsShape = graph.tensors[lhsTensor].shape;
  ArrayRef<int64_t> rhsShape = graph.tensors[rhsTensor].shape;
  ArrayRef<int64_t> outShape = graph.tensors[outputTensor].shape;
  int64_t rank = std::max(lhsShape.size(), rhsShape.size());
  if (lhsShape.size() < 2 || rhsShape.size() < 2 || rank > 5)
    return opError("operands of rank " + Twine(lhsShape.size()) + " and " +
                   Twine(rhsShape.size()) + " (2 to 5 are supported)");
  // Batch dimensions broadcast numpy-style; the matrices are the last two.
  auto batchOf = [&](ArrayRef<int64_t> shape) {
    SmallVector<int64_t> batch(rank - shape.size(), 1);
    batch.append(shape.begin(), shape.end() - 2);
    return batch;
  };
  SmallVector<int64_t> lhsBatch = batchOf(lhsShape),
                       rhsBatch = batchOf(rhsShape), batch;
  for (auto [a, b] : llvm::zip_equal(lhsBatch, rhsBatch)) {
    if (a != b && a != 1 && b != 1)
      return opError("batch dimensions of " + shapeString(lhsShape) + " and " +
                     shapeString(rhsShape) + " do not broadcast");
    batch.push_back(std::max(a, b));
  }
  int64_t m = lhsShape[lhsShape.size() - (o.adjX ? 1 : 2)];
  int64_t depth = lhsShape[lhsShape.size() - (o.adjX ? 2 : 1)];
  int64_t rhsDepth = rhsShape[rhsShape.size() - (o.adjY ? 1 : 2)];
  int64_t n = rhsShape[rhsShape.size() - (o.adjY ? 2 : 1)];
  SmallVector<int64_t> expected(batch);
  expected.append({m, n});
  if (depth != rhsDepth || ArrayRef<int64_t>(expected) != outShape)
    return opError("multiplying " + shapeString(lhsShape) + " by " +
                   shapeString(rhsShape) + " (adj_x " + Twine(o.adjX) +
                   ", adj_y " + Twine(o.adjY) + ") does not give the output " +
                   shapeString(outShape));

  FailureOr<Quant> lhsQuant = activationQuant(lhsTensor, "lhs");
  FailureOr<Quant> rhsQuant = activationQuant(rhsTensor, "rhs");
  FailureOr<Quant> outQuant = activationQuant(outputTensor, "output");
  if (failed(lhsQuant) || failed(rhsQuant) || failed(outQuant))
    return failure();
  // GetQuantizedConvolutionMultipler: the input scales multiply in float.
  double real = static_cast<double>(lhsQuant->scale * rhsQuant->scale) /
                static_cast<double>(outQuant->scale);
  FailureOr<Rescale> scale =
      rescaleFor(tflm::quantizeMultiplier(real, rounding), "output rescale");
  if (failed(scale))
    return failure();

  FailureOr<Value> lhs = operand(0);
  FailureOr<Value> rhs = operand(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  int64_t batches = numElements(batch);
  // Each operand as [batches, rows, columns] in matmul order: transposed
  // when adjoint, broadcast batches tiled. A right-hand side shared by every
  // batch lets the left-hand batches become rows instead.
  auto matrices = [&](Value value, ArrayRef<int64_t> ownBatch, bool adjoint,
                      int64_t rows, int64_t cols, int64_t target,
                      bool foldRows) {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t own = numElements(ownBatch);
    SmallVector<int64_t> view(ownBatch);
    view.append(type.getShape().take_back(2).begin(),
                type.getShape().take_back(2).end());
    Value result = reshape(value, view);
    if (adjoint) {
      SmallVector<int32_t> perm = llvm::to_vector(
          llvm::seq<int32_t>(0, static_cast<int32_t>(view.size())));
      std::swap(perm[view.size() - 2], perm[view.size() - 1]);
      result = transpose(result, perm);
    }
    if (foldRows)
      return reshape(result, {1, own * rows, cols});
    if (own != target) {
      SmallVector<int64_t> multiples;
      for (auto [mine, full] : llvm::zip_equal(ownBatch, batch))
        multiples.push_back(full / mine);
      multiples.append({1, 1});
      SmallVector<int64_t> tiled(batch);
      tiled.append({rows, cols});
      result = emit("tosa.tile", tensorOf(tiled, i8()),
                    {result, shapeValue(multiples)});
    }
    return reshape(result, {target, rows, cols});
  };
  bool fold = numElements(rhsBatch) == 1;
  int64_t groups = fold ? 1 : batches, rows = fold ? batches * m : m;
  Value a = matrices(*lhs, lhsBatch, o.adjX, m, depth, groups, fold);
  Value b = matrices(*rhs, rhsBatch, o.adjY, depth, n, groups, false);
  Value acc = emit(
      "tosa.matmul", tensorOf({groups, rows, n}, i32()),
      {a, b, scalarI8(lhsQuant->zeroPoint), scalarI8(rhsQuant->zeroPoint)});
  Value output = rescale(acc, i8(), {*scale}, 0, outQuant->zeroPoint);
  return define(0, reshape(output, outShape));
}
