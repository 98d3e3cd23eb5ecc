//===- RowChainLowering.cpp - lower row chains into loops over bands ------===//
//
// Rewrites a partial.row_chain into straight-line steps and scf.for loops
// over bands, on tensors, following the chain's RowSchedule. Steps whose
// shapes, pads and buffer positions are the same (the steady state) form
// one loop; the first steps (the pipeline filling, top padding) and the last
// ones (bottom padding, remainder rows) are emitted one by one with their
// own static shapes. Each line buffer is a loop-carried tensor of its
// capacity's rows: partial.rotate_rows moves the rows it keeps to its top,
// the step's new rows are inserted below them, and consumers read
// contiguous windows of it.
//
//===----------------------------------------------------------------------===//

#include "pex/Dialect/Partial/Transforms/RowChainLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::partial;

namespace {

/// The longest period of steps a loop body holds (a chain with strides
/// whose product is up to 8).
constexpr int64_t kMaxPeriod = 8;

RankedTensorType withRows(Type type, int64_t rows) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[1] = rows;
  return tensor.clone(shape);
}

class RowChainLowering {
public:
  RowChainLowering(RowChainOp chain, RowSchedule schedule)
      : chain(chain), schedule(std::move(schedule)) {}

  void lower();

private:
  /// What distinguishes a step's code from another's: everything but the
  /// absolute rows of the chain's inputs and output.
  SmallVector<int64_t> getSignature(int64_t t) const;
  /// The absolute rows a step reads from the chain's inputs and writes into
  /// its output, in emission order.
  SmallVector<int64_t> getAbsoluteRows(int64_t t) const;
  /// Emits step `t`; `absolute(q)` gives the q-th absolute row.
  void emitStep(OpBuilder &builder, int64_t t,
                llvm::function_ref<OpFoldResult(unsigned)> absolute);

  Value rowsOf(OpBuilder &builder, Value source, OpFoldResult offset,
               int64_t count);

  /// The rows of operation `i`'s buffer at step `t` that the rotation moves.
  std::pair<int64_t, int64_t> getRotation(unsigned i, int64_t t) const;

  RowChainOp chain;
  RowSchedule schedule;
  IRMapping outer;
  /// Per operation: its line buffer, or the band it computed this step.
  SmallVector<Value> buffers;
  Value output;
};

std::pair<int64_t, int64_t> RowChainLowering::getRotation(unsigned i,
                                                          int64_t t) const {
  if (!schedule.lineBuffered[i])
    return {0, 0};
  int64_t previous = t ? schedule.steps[t - 1].base[i] : 0;
  int64_t base = schedule.steps[t].base[i];
  int64_t done = schedule.steps[t].ops[i].rows.begin;
  return {base - previous, done - base};
}

SmallVector<int64_t> RowChainLowering::getSignature(int64_t t) const {
  SmallVector<int64_t> key;
  const RowStep &step = schedule.steps[t];
  for (unsigned i = 0, n = schedule.ops.size(); i < n; ++i) {
    const RowStepOp &op = step.ops[i];
    auto [shift, keep] = getRotation(i, t);
    key.append({op.rows.size(), op.rows.begin - step.base[i], shift, keep});
    if (op.rows.empty())
      continue;
    for (auto [k, producer] : llvm::enumerate(schedule.producers[i])) {
      if (!schedule.windows[i][k])
        continue;
      key.append({op.reads[k].size(), op.pads[k].first, op.pads[k].second});
      if (producer >= 0)
        key.push_back(op.reads[k].begin - step.base[producer]);
    }
  }
  return key;
}

SmallVector<int64_t> RowChainLowering::getAbsoluteRows(int64_t t) const {
  SmallVector<int64_t> rows;
  const RowStep &step = schedule.steps[t];
  for (unsigned i = 0, n = schedule.ops.size(); i < n; ++i) {
    const RowStepOp &op = step.ops[i];
    if (op.rows.empty())
      continue;
    for (auto [k, producer] : llvm::enumerate(schedule.producers[i]))
      if (schedule.windows[i][k] && producer < 0)
        rows.push_back(op.reads[k].begin);
    if (i == schedule.output)
      rows.push_back(op.rows.begin);
  }
  return rows;
}

Value RowChainLowering::rowsOf(OpBuilder &builder, Value source,
                               OpFoldResult offset, int64_t count) {
  auto type = cast<RankedTensorType>(source.getType());
  std::optional<int64_t> constant = getConstantIntValue(offset);
  if (constant && *constant == 0 && count == type.getDimSize(1))
    return source;
  SmallVector<OpFoldResult> offsets(type.getRank(), builder.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes,
      strides(type.getRank(), builder.getIndexAttr(1));
  for (int64_t extent : type.getShape())
    sizes.push_back(builder.getIndexAttr(extent));
  offsets[1] = offset;
  sizes[1] = builder.getIndexAttr(count);
  return tensor::ExtractSliceOp::create(builder, chain.getLoc(), source,
                                        offsets, sizes, strides);
}

void RowChainLowering::emitStep(
    OpBuilder &builder, int64_t t,
    llvm::function_ref<OpFoldResult(unsigned)> absolute) {
  const RowStep &step = schedule.steps[t];
  unsigned q = 0;
  for (unsigned i = 0, n = schedule.ops.size(); i < n; ++i) {
    Operation *op = schedule.ops[i];
    const RowStepOp &stepOp = step.ops[i];
    if (auto [shift, keep] = getRotation(i, t); shift > 0 && keep > 0)
      buffers[i] = RotateRowsOp::create(
          builder, op->getLoc(), buffers[i].getType(), buffers[i], shift, keep);
    if (stepOp.rows.empty())
      continue;

    SmallVector<Value> operands;
    std::optional<std::pair<int64_t, int64_t>> pads;
    for (auto [k, operand] : llvm::enumerate(op->getOperands())) {
      const std::optional<RowWindow> &window = schedule.windows[i][k];
      int producer = schedule.producers[i][k];
      if (!window) {
        operands.push_back(outer.lookup(operand));
        continue;
      }
      if (hasRowPadding(op))
        pads = stepOp.pads[k];
      RowRange read = stepOp.reads[k];
      if (producer >= 0)
        operands.push_back(
            rowsOf(builder, buffers[producer],
                   builder.getIndexAttr(read.begin - step.base[producer]),
                   read.size()));
      else
        operands.push_back(
            rowsOf(builder, outer.lookup(operand), absolute(q++), read.size()));
    }
    Operation *clone = builder.clone(*op);
    clone->setOperands(operands);
    clone->getResult(0).setType(
        withRows(op->getResult(0).getType(), stepOp.rows.size()));
    if (pads) {
      auto pad = cast<DenseI64ArrayAttr>(op->getAttr("pad"));
      clone->setAttr("pad", builder.getDenseI64ArrayAttr(
                                {pads->first, pads->second, pad[2], pad[3]}));
    }
    Value band = clone->getResult(0);

    auto insert = [&](Value into, OpFoldResult offset) -> Value {
      auto type = cast<RankedTensorType>(into.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        builder.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes,
          strides(type.getRank(), builder.getIndexAttr(1));
      for (int64_t extent : type.getShape())
        sizes.push_back(builder.getIndexAttr(extent));
      offsets[1] = offset;
      sizes[1] = builder.getIndexAttr(stepOp.rows.size());
      return tensor::InsertSliceOp::create(builder, op->getLoc(), band, into,
                                           offsets, sizes, strides);
    };
    if (i == schedule.output)
      output = insert(output, absolute(q++));
    else if (schedule.lineBuffered[i])
      buffers[i] = insert(
          buffers[i], builder.getIndexAttr(stepOp.rows.begin - step.base[i]));
    else
      buffers[i] = band;
  }
}

void RowChainLowering::lower() {
  Location loc = chain.getLoc();
  OpBuilder builder(chain);
  Block &body = chain.getBody().front();

  // Constants move out of the chain; block arguments become its inputs.
  SmallVector<Operation *> constants = hoistChainConstants(
      builder, body, chain.getInputs(), outer,
      [](Operation &op) { return op.hasTrait<OpTrait::ConstantLike>(); });

  unsigned n = schedule.ops.size();
  buffers.assign(n, Value());
  SmallVector<unsigned> lineBuffers;
  for (unsigned i = 0; i < n; ++i) {
    if (!schedule.lineBuffered[i])
      continue;
    RankedTensorType type =
        withRows(schedule.ops[i]->getResult(0).getType(), schedule.capacity[i]);
    buffers[i] = tensor::EmptyOp::create(builder, loc, type.getShape(),
                                         type.getElementType());
    lineBuffers.push_back(i);
  }
  auto resultType = cast<RankedTensorType>(chain.getResult().getType());
  output = tensor::EmptyOp::create(builder, loc, resultType.getShape(),
                                   resultType.getElementType());

  // Steps repeat with a period (a stride-2 operation computes a row every
  // other step): the longest run of whole periods whose steps have the same
  // code as the first period's and whose absolute rows advance by the same
  // amount each period becomes one loop with a period of steps as its body.
  int64_t numSteps = schedule.steps.size();
  SmallVector<SmallVector<int64_t>> signatures, absolutes;
  for (int64_t t = 0; t < numSteps; ++t) {
    signatures.push_back(getSignature(t));
    absolutes.push_back(getAbsoluteRows(t));
  }

  for (int64_t t0 = 0; t0 < numSteps;) {
    // The period covering the most steps with at least two repetitions.
    int64_t bestPeriod = 0, bestCount = 0;
    for (int64_t period = 1; period <= kMaxPeriod; ++period) {
      if (t0 + 2 * period > numSteps)
        break;
      int64_t count = 1;
      SmallVector<SmallVector<int64_t>> delta;
      for (int64_t q = 0; q < period; ++q) {
        SmallVector<int64_t> d;
        for (auto [a, b] :
             llvm::zip(absolutes[t0 + period + q], absolutes[t0 + q]))
          d.push_back(a - b);
        delta.push_back(std::move(d));
      }
      for (;; ++count) {
        int64_t first = t0 + count * period;
        if (first + period > numSteps)
          break;
        bool same = true;
        for (int64_t q = 0; q < period && same; ++q) {
          int64_t t = first + q;
          same = signatures[t] == signatures[t0 + q];
          SmallVector<int64_t> d;
          for (auto [a, b] : llvm::zip(absolutes[t], absolutes[t - period]))
            d.push_back(a - b);
          same = same && d == delta[q];
        }
        if (!same)
          break;
      }
      if (count >= 2 && count * period > bestCount * bestPeriod) {
        bestPeriod = period;
        bestCount = count;
      }
    }
    if (!bestPeriod) {
      emitStep(builder, t0, [&](unsigned q) {
        return builder.getIndexAttr(absolutes[t0][q]);
      });
      ++t0;
      continue;
    }

    SmallVector<Value> inits;
    for (unsigned i : lineBuffers)
      inits.push_back(buffers[i]);
    inits.push_back(output);
    Value lower = arith::ConstantIndexOp::create(builder, loc, 0);
    Value upper = arith::ConstantIndexOp::create(builder, loc, bestCount);
    Value one = arith::ConstantIndexOp::create(builder, loc, 1);
    auto loop = scf::ForOp::create(
        builder, loc, lower, upper, one, inits,
        [&](OpBuilder &nested, Location nestedLoc, Value iv,
            ValueRange iterArgs) {
          for (auto [index, i] : llvm::enumerate(lineBuffers))
            buffers[i] = iterArgs[index];
          output = iterArgs.back();
          for (int64_t q = 0; q < bestPeriod; ++q) {
            int64_t t = t0 + q;
            auto absolute = [&](unsigned index) -> OpFoldResult {
              int64_t start = absolutes[t][index];
              int64_t delta = absolutes[t + bestPeriod][index] - start;
              if (delta == 0)
                return nested.getIndexAttr(start);
              Value scaled = arith::MulIOp::create(
                  nested, nestedLoc, iv,
                  arith::ConstantIndexOp::create(nested, nestedLoc, delta));
              return arith::AddIOp::create(nested, nestedLoc, scaled,
                                           arith::ConstantIndexOp::create(
                                               nested, nestedLoc, start))
                  .getResult();
            };
            emitStep(nested, t, absolute);
          }
          SmallVector<Value> yields;
          for (unsigned i : lineBuffers)
            yields.push_back(buffers[i]);
          yields.push_back(output);
          scf::YieldOp::create(nested, nestedLoc, yields);
        });
    NamedAttribute entries[] = {
        builder.getNamedAttr("band", builder.getI64IntegerAttr(schedule.band)),
        builder.getNamedAttr("first_step", builder.getI64IntegerAttr(t0)),
        builder.getNamedAttr("period", builder.getI64IntegerAttr(bestPeriod))};
    loop->setAttr(kRowLoopAttrName, builder.getDictionaryAttr(entries));
    for (auto [index, i] : llvm::enumerate(lineBuffers))
      buffers[i] = loop.getResult(index);
    output = loop.getResults().back();
    t0 += bestCount * bestPeriod;
  }

  chain.getResult().replaceAllUsesWith(output);
  chain.erase();
  eraseUnusedConstants(constants);
}

} // namespace

SmallVector<Operation *> mlir::pex::partial::hoistChainConstants(
    OpBuilder &builder, Block &body, ValueRange inputs, IRMapping &mapping,
    llvm::function_ref<bool(Operation &)> hoist) {
  mapping.map(body.getArguments(), inputs);
  SmallVector<Operation *> constants;
  for (Operation &op : body.without_terminator())
    if (hoist(op))
      constants.push_back(builder.clone(op, mapping));
  return constants;
}

void mlir::pex::partial::eraseUnusedConstants(ArrayRef<Operation *> constants) {
  for (Operation *op : llvm::reverse(constants))
    if (op->use_empty())
      op->erase();
}

LogicalResult mlir::pex::partial::lowerRowChain(RowChainOp chain) {
  std::string reason;
  FailureOr<RowSchedule> schedule = chain.getSchedule(reason);
  if (failed(schedule))
    return chain.emitOpError("cannot run band by band: ") << reason;
  RowChainLowering(chain, std::move(*schedule)).lower();
  return success();
}
