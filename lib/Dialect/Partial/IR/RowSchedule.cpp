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
    windows[0] = RowWindow{(kernel - 1) * dilation + 1, stride, padTop,
                           rowsOf(input)};
    return success();
  };

  LogicalResult result = failure();
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    result = window(conv.getInput(), weight.getDimSize(1),
                    conv.getDilation()[0], conv.getStride()[0],
                    conv.getPad()[0]);
  } else if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    result = window(conv.getInput(), weight.getDimSize(0),
                    conv.getDilation()[0], conv.getStride()[0],
                    conv.getPad()[0]);
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
        reason = "broadcasts an operand of " +
                 std::to_string(rowsOf(operand)) + " rows";
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

int64_t RowSchedule::getOutputRows() const {
  return rowsOf(ops[output]->getResult(0));
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
      consumers[it->second].push_back({static_cast<unsigned>(index),
                                       static_cast<unsigned>(operandIndex)});
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
  int64_t outRows = height[schedule.output];
  if (band < 1 || band > outRows) {
    reason = "band of " + std::to_string(band) +
             " rows is not between 1 and the output's " +
             std::to_string(outRows) + " rows";
    return failure();
  }

  int64_t numSteps = (outRows + band - 1) / band;
  SmallVector<int64_t> done(n, 0), need(n, 0);
  schedule.capacity.assign(n, 0);
  schedule.lineBuffered.assign(n, false);
  SmallVector<int64_t> previousBase(n, 0);
  for (int64_t t = 0; t < numSteps; ++t) {
    bool last = t + 1 == numSteps;
    need[schedule.output] = last ? outRows : (t + 1) * band;
    for (int i = n - 2; i >= 0; --i) {
      // The last step computes every remaining row, also rows no window
      // reads, so that the chain does the MACs of the unsplit program.
      if (last) {
        need[i] = height[i];
        continue;
      }
      need[i] = done[i];
      for (auto [j, k] : consumers[i])
        if (need[j] > done[j])
          need[i] = std::max(
              need[i],
              schedule.windows[j][k]->clippedReads({done[j], need[j]}).end);
      need[i] = std::min(need[i], height[i]);
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
          keep = std::min(
              keep,
              schedule.windows[j][k]->clippedReads({done[j], done[j] + 1})
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
  schedule.lineBuffered[schedule.output] = false;
  return schedule;
}
