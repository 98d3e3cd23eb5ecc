//===- RowSchedule.h - band-by-band schedules of row chains -----*- C++ -*-===//
//
// Row geometry of TOSA operations on NHWC tensors (which input rows an output
// row needs) and the static schedule of a row chain: at each step, which rows
// each operation computes, which rows each line buffer keeps, and where they
// sit in it. The verifier of partial.row_chain, its lowering and the memory
// model share this one computation, so the planned line buffers are the ones
// the lowering allocates.
//
// Each step computes `band` more rows of the chain's first operations (those
// that read only the chain's inputs); every other operation then computes,
// in program order, every row whose input rows are computed. Every row of
// every tensor is computed exactly once (no halo recomputation), consumed as
// early as possible, and a tensor keeps only the rows a consumer will still
// read.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_DIALECT_PARTIAL_IR_ROWSCHEDULE_H
#define PEX_DIALECT_PARTIAL_IR_ROWSCHEDULE_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::pex::partial {

/// Rows [begin, end) of a tensor.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool operator==(const RowRange &other) const {
    return begin == other.begin && end == other.end;
  }
};

/// How the output rows of an operation depend on the rows of one operand:
/// output rows [a, b) read operand rows [a*stride - padTop,
/// (b-1)*stride - padTop + extent), clipped to the operand's `rows`; what
/// the clipping cuts off is padding of the computation.
struct RowWindow {
  /// The dilated kernel height: (kernel - 1) * dilation + 1.
  int64_t extent = 1;
  int64_t stride = 1;
  int64_t padTop = 0;
  /// Height of the operand.
  int64_t rows = 0;

  /// The unclipped rows output rows `out` read (may start below 0 or end
  /// past `rows`: padding).
  RowRange reads(RowRange out) const {
    return {out.begin * stride - padTop,
            (out.end - 1) * stride - padTop + extent};
  }
  /// The operand rows output rows `out` read, clipped to the operand.
  RowRange clippedReads(RowRange out) const {
    RowRange r = reads(out);
    return {std::max<int64_t>(r.begin, 0), std::min(r.end, rows)};
  }
};

/// Whether `type` is a static rank-4 NHWC tensor of batch 1, the layout row
/// chains stream.
bool isRowTensor(Type type);

/// The row geometry of `op`: one entry per operand, a window for an operand
/// read band by band, std::nullopt for one read whole (weights, biases,
/// quantisation parameters, tensors broadcast along the rows). Fails with a
/// `reason` when `op` cannot run band by band.
FailureOr<SmallVector<std::optional<RowWindow>>>
getRowWindows(Operation *op, std::string &reason);

/// Whether the operation has a pad attribute that a band sets per step
/// (convolutions and pools).
bool hasRowPadding(Operation *op);

/// What one operation does at one step.
struct RowStepOp {
  /// Output rows computed at this step (empty: the operation waits).
  RowRange rows;
  /// Per operand: the operand rows read (clipped), for windowed operands.
  SmallVector<RowRange> reads;
  /// Per operand: padding rows above and below the rows read.
  SmallVector<std::pair<int64_t, int64_t>> pads;
};

/// One step of the schedule.
struct RowStep {
  /// Per operation of the schedule.
  SmallVector<RowStepOp> ops;
  /// Per operation: the first row of its result held in its buffer during
  /// this step (the buffer's row 0).
  SmallVector<int64_t> base;
};

/// The static schedule of a row chain.
struct RowSchedule {
  /// The chain's operations in program order (constants excluded).
  SmallVector<Operation *> ops;
  /// Per operation, per operand: the index of the producing operation in
  /// `ops`, or -1 for a value from outside (a chain input or a constant).
  SmallVector<SmallVector<int>> producers;
  SmallVector<SmallVector<std::optional<RowWindow>>> windows;
  /// The operation whose result is the chain's output (the last one).
  unsigned output = 0;
  int64_t band = 1;
  std::vector<RowStep> steps;
  /// Per operation: the most rows its result holds at once (its line buffer,
  /// or the band it passes on within a step).
  SmallVector<int64_t> capacity;
  /// Per operation: whether its result keeps rows from one step to the next
  /// (a line buffer); otherwise the rows a step computes are read in that
  /// step only (a band).
  SmallVector<bool> lineBuffered;

  /// Bytes of operation `index`'s result buffer: `capacity` rows.
  int64_t getBufferBytes(unsigned index) const;
};

/// Builds the schedule of `ops` (program order, each with one ranked tensor
/// result; operands produced by an op outside `ops` are chain inputs) whose
/// last op's result is the output, in steps of `band` rows of the first
/// operations. Fails
/// with a `reason` when an op cannot run band by band.
FailureOr<RowSchedule> buildRowSchedule(ArrayRef<Operation *> ops, int64_t band,
                                        std::string &reason);

} // namespace mlir::pex::partial

#endif // PEX_DIALECT_PARTIAL_IR_ROWSCHEDULE_H
