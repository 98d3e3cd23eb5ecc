//===- RowSchedule.cpp - band-by-band schedules of row chains -------------===//

#include "pex/Dialect/Partial/IR/RowSchedule.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::pex::partial;

bool mlir::pex::partial::isRowTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getRank() == 4 &&
         tensor.getDimSize(0) == 1;
}

static int64_t rowsOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getDimSize(1);
}

bool mlir::pex::partial::hasRowPadding(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MaxPool2dOp,
             tosa::AvgPool2dOp>(op);
}

FailureOr<SmallVector<std::optional<RowWindow>>>
mlir::pex::partial::getRowWindows(Operation *op, std::string &reason) {
  if (op->getNumResults() != 1 || !isRowTensor(op->getResult(0).getType())) {
    reason = "does not produce one static NHWC tensor of batch 1";
    return failure();
  }
  int64_t outRows = rowsOf(op->getResult(0));
  SmallVector<std::optional<RowWindow>> windows(op->getNumOperands());
  auto window = [&](Value input, int64_t kernel, int64_t dilation,
                    int64_t stride, int64_t padTop) -> LogicalResult {
    if (!isRowTensor(input.getType())) {
      reason = "reads an input that is not a static NHWC tensor of batch 1";
      return failure();
    }
    windows[0] =
        RowWindow{(kernel - 1) * dilation + 1, stride, padTop, rowsOf(input)};
    return success();
  };

  LogicalResult result = failure();
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    result =
        window(conv.getInput(), weight.getDimSize(1), conv.getDilation()[0],
               conv.getStride()[0], conv.getPad()[0]);
  } else if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    result =
        window(conv.getInput(), weight.getDimSize(0), conv.getDilation()[0],
               conv.getStride()[0], conv.getPad()[0]);
  } else if (auto pool = dyn_cast<tosa::MaxPool2dOp>(op)) {
    result = window(pool.getInput(), pool.getKernel()[0], 1,
                    pool.getStride()[0], pool.getPad()[0]);
  } else if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op)) {
    result = window(pool.getInput(), pool.getKernel()[0], 1,
                    pool.getStride()[0], pool.getPad()[0]);
  } else if (isa<tosa::RescaleOp, tosa::ClampOp, tosa::AddOp, tosa::SubOp,
                 tosa::MulOp, tosa::TableOp, tosa::CastOp, tosa::MaximumOp,
                 tosa::MinimumOp, tosa::NegateOp, tosa::AbsOp>(op)) {
    // Elementwise: an operand of the output's height is read row for row;
    // one of height 1 (or lower rank: quantisation parameters) is
    // broadcast and read whole.
    for (auto [index, operand] : llvm::enumerate(op->getOperands())) {
      if (isRowTensor(operand.getType()) && rowsOf(operand) == outRows &&
          outRows > 1)
        windows[index] = RowWindow{1, 1, 0, outRows};
      else if (isRowTensor(operand.getType()) && rowsOf(operand) != 1) {
        reason = "broadcasts an operand of " + std::to_string(rowsOf(operand)) +
                 " rows";
        return failure();
      }
    }
    if (outRows == 1) {
      // A one-row tensor: every row-tensor operand is read whole.
      for (auto [index, operand] : llvm::enumerate(op->getOperands()))
        if (isRowTensor(operand.getType()))
          windows[index] = RowWindow{1, 1, 0, 1};
    }
    result = success();
  } else {
    reason = "is not computed row by row";
  }
  if (failed(result))
    return failure();
  return windows;
}

int64_t RowSchedule::getBufferBytes(unsigned index) const {
  auto type = cast<RankedTensorType>(ops[index]->getResult(0).getType());
  int64_t elementBytes = (type.getElementTypeBitWidth() + 7) / 8;
  return capacity[index] * type.getDimSize(2) * type.getDimSize(3) *
         elementBytes;
}

FailureOr<RowSchedule>
mlir::pex::partial::buildRowSchedule(ArrayRef<Operation *> ops, int64_t band,
                                     std::string &reason) {
  RowSchedule schedule;
  unsigned n = ops.size();
  if (n == 0) {
    reason = "has no operation";
    return failure();
  }
  schedule.ops.assign(ops.begin(), ops.end());
  schedule.band = band;
  schedule.output = n - 1;
  llvm::DenseMap<Operation *, unsigned> position;
  for (auto [index, op] : llvm::enumerate(ops))
    position[op] = index;

  // Geometry, producers and consumers.
  SmallVector<int64_t> height(n);
  SmallVector<SmallVector<std::pair<unsigned, unsigned>>> consumers(n);
  for (auto [index, op] : llvm::enumerate(ops)) {
    std::string why;
    auto windows = getRowWindows(op, why);
    if (failed(windows)) {
      reason = "'" + op->getName().getStringRef().str() + "' " + why;
      return failure();
    }
    schedule.windows.push_back(*windows);
    height[index] = rowsOf(op->getResult(0));
    SmallVector<int> producers;
    for (auto [operandIndex, operand] : llvm::enumerate(op->getOperands())) {
      Operation *def = operand.getDefiningOp();
      auto it = def ? position.find(def) : position.end();
      if (it == position.end()) {
        producers.push_back(-1);
        continue;
      }
      if (!(*windows)[operandIndex]) {
        reason = "'" + op->getName().getStringRef().str() +
                 "' reads a tensor of the chain whole";
        return failure();
      }
      producers.push_back(it->second);
      consumers[it->second].push_back(
          {static_cast<unsigned>(index), static_cast<unsigned>(operandIndex)});
    }
    schedule.producers.push_back(std::move(producers));
  }
  for (unsigned i = 0; i + 1 < n; ++i)
    if (consumers[i].empty()) {
      reason = "'" + ops[i]->getName().getStringRef().str() +
               "' has no consumer in the chain: only the last operation's "
               "result leaves a row chain";
      return failure();
    }
  // Sources: operations that read only the chain's inputs; each step
  // computes `band` more of their rows.
  int64_t sourceRows = 0;
  for (unsigned i = 0; i < n; ++i)
    if (llvm::all_of(schedule.producers[i], [](int p) { return p < 0; }))
      sourceRows = std::max(sourceRows, height[i]);
  if (band < 1 || band > sourceRows) {
    reason = "band of " + std::to_string(band) +
             " rows is not between 1 and the first operation's " +
             std::to_string(sourceRows) + " rows";
    return failure();
  }

  SmallVector<bool> pulled(n, false);
  for (unsigned i = 0; i + 1 < n; ++i) {
    auto element = dyn_cast<IntegerType>(
        cast<RankedTensorType>(ops[i]->getResult(0).getType())
            .getElementType());
    pulled[i] = element && element.getWidth() >= 32;
  }

  int64_t numSteps = (sourceRows + band - 1) / band;
  SmallVector<int64_t> done(n, 0), need(n, 0);
  schedule.capacity.assign(n, 0);
  schedule.lineBuffered.assign(n, false);
  SmallVector<int64_t> previousBase(n, 0);
  for (int64_t t = 0; t < numSteps; ++t) {
    // Every other operation computes, in program order, every row whose
    // inputs are computed: a row is consumed as early as possible, so a
    // line buffer holds little more than its consumer's window. An int32
    // intermediate of a fused group (a convolution's accumulator, the
    // operands of a quantised add) is computed only when its consumer
    // runs, in the same step: a fused kernel keeps it in registers, so it
    // must never be held across steps.
    SmallVector<int64_t> available(n, 0);
    for (unsigned i = 0; i < n; ++i) {
      need[i] = done[i];
      bool source =
          llvm::all_of(schedule.producers[i], [](int p) { return p < 0; });
      if (source) {
        need[i] = std::min(height[i], (t + 1) * band);
        available[i] = need[i];
        if (pulled[i])
          need[i] = done[i];
        continue;
      }
      auto ready = [&](int64_t end) {
        for (auto [k, producer] : llvm::enumerate(schedule.producers[i]))
          if (producer >= 0 &&
              schedule.windows[i][k]->clippedReads({done[i], end}).end >
                  available[producer])
            return false;
        return true;
      };
      available[i] = done[i];
      while (available[i] < height[i] && ready(available[i] + 1))
        ++available[i];
      if (!pulled[i])
        need[i] = available[i];
    }
    for (int i = n - 1; i >= 0; --i) {
      if (!pulled[i])
        continue;
      for (auto [j, k] : consumers[i])
        if (need[j] > done[j])
          need[i] = std::max(
              need[i],
              schedule.windows[j][k]->clippedReads({done[j], need[j]}).end);
    }

    RowStep step;
    for (unsigned i = 0; i < n; ++i) {
      RowStepOp stepOp;
      stepOp.rows = {done[i], need[i]};
      for (const std::optional<RowWindow> &window : schedule.windows[i]) {
        if (!window || stepOp.rows.empty()) {
          stepOp.reads.push_back({});
          stepOp.pads.push_back({0, 0});
          continue;
        }
        RowRange raw = window->reads(stepOp.rows);
        RowRange clipped = window->clippedReads(stepOp.rows);
        stepOp.reads.push_back(clipped);
        stepOp.pads.push_back(
            {clipped.begin - raw.begin, raw.end - clipped.end});
      }
      step.ops.push_back(std::move(stepOp));
    }
    // Row 0 of each buffer: the first row a consumer reads at this step or
    // later, or the first new row when no earlier row is still read.
    for (unsigned i = 0; i < n; ++i) {
      int64_t keep = height[i];
      for (auto [j, k] : consumers[i])
        if (done[j] < height[j])
          keep = std::min(keep, schedule.windows[j][k]
                                    ->clippedReads({done[j], done[j] + 1})
                                    .begin);
      int64_t base = i == schedule.output ? done[i] : std::min(keep, done[i]);
      if (base < previousBase[i]) {
        reason = "needs a row it already dropped (internal error)";
        return failure();
      }
      previousBase[i] = base;
      step.base.push_back(base);
      schedule.capacity[i] = std::max(schedule.capacity[i], need[i] - base);
      if (base < done[i])
        schedule.lineBuffered[i] = true;
    }
    // Every row read at this step must be in its buffer.
    for (unsigned j = 0; j < n; ++j)
      for (auto [k, producer] : llvm::enumerate(schedule.producers[j])) {
        if (producer < 0 || step.ops[j].rows.empty())
          continue;
        RowRange read = step.ops[j].reads[k];
        if (read.begin < step.base[producer] || read.end > need[producer]) {
          reason = "reads rows it has not kept (internal error)";
          return failure();
        }
      }
    schedule.steps.push_back(std::move(step));
    done = need;
  }
  for (unsigned i = 0; i < n; ++i)
    if (done[i] != height[i]) {
      reason = "leaves rows of '" + ops[i]->getName().getStringRef().str() +
               "' uncomputed (internal error)";
      return failure();
    }
  return schedule;
}
