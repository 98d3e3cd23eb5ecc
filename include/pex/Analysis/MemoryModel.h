//===- MemoryModel.h - SRAM model of a schedule -----------------*- C++ -*-===//
//
// The memory model Pex reports and optimises: which activation buffers are
// live at each step of a schedule, and how many bytes they occupy.
//
// Steps are *fused groups*, counted as an int8 runtime such as TensorFlow
// Lite Micro runs them: a channel-mixing op followed by its rescale (and
// clamp) is one group with an int8 output, and so is the quantised
// elementwise pattern rescale(i8->i32) -> add/sub/mul -> rescale(i32->i8).
// Their int32 intermediates are registers, never buffers. Constants live in
// flash and reshapes are views: neither occupies SRAM.
//
// Inside a partial.chain, intermediates exist only as slice buffers, the
// chain's inputs stay live for the whole loop, an `accumulate` chain holds a
// full-size accumulator from its first slice to its finish, and a
// `materialize` chain holds its output from its first slice on.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_ANALYSIS_MEMORYMODEL_H
#define PEX_ANALYSIS_MEMORYMODEL_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"
#include <functional>
#include <string>
#include <vector>

namespace mlir::pex {

//===----------------------------------------------------------------------===//
// Schedule: tensors, steps and liveness, independent of the IR.
//===----------------------------------------------------------------------===//

/// Whether `value` is an int32 (or wider) integer value that only feeds
/// requantisation or quantised elementwise arithmetic: an intermediate of a
/// fused group, which an int8 runtime keeps in registers and the memory
/// model does not count as a buffer.
bool isFusedIntermediate(Value value);

/// A buffer of the schedule.
struct ScheduleTensor {
  std::string name;
  int64_t bytes = 0;
  /// The IR value the buffer holds (the whole tensor, one slice of it, or
  /// the accumulator of a consumer's result), when known.
  Value value;
  /// Live from the first step (a model input).
  bool liveAtEntry = false;
  /// Live until the last step (a model output).
  bool liveAtExit = false;
};

/// A step of the schedule: it defines and reads buffers. Every buffer it
/// touches is live during the step.
struct ScheduleStep {
  std::string label;
  Operation *anchor = nullptr;
  /// Index of the chain the step belongs to, or -1.
  int chain = -1;
  /// The stage within the chain ("produce", "slice", "consume", "finish").
  std::string stage;
  llvm::SmallVector<unsigned> defs;
  llvm::SmallVector<unsigned> uses;
};

/// Live bytes per step.
struct LivenessResult {
  std::vector<int64_t> liveBytes;
  std::vector<llvm::SmallVector<unsigned>> liveTensors;
  int64_t peakBytes = 0;
  /// The first step at the peak; -1 for an empty schedule.
  int peakStep = -1;
  /// How many steps reach the peak.
  unsigned stepsAtPeak = 0;
  /// Sum of live bytes over all steps, a tie-breaker between schedules.
  int64_t area = 0;
};

class Schedule {
public:
  unsigned addTensor(ScheduleTensor tensor);
  unsigned addStep(ScheduleStep step);
  ScheduleStep &getStep(unsigned index) { return steps[index]; }

  llvm::ArrayRef<ScheduleTensor> getTensors() const { return tensors; }
  llvm::ArrayRef<ScheduleStep> getSteps() const { return steps; }

  /// A tensor is live from its first to its last touching step (from step 0
  /// if live at entry, to the last step if live at exit).
  LivenessResult computeLiveness() const;

private:
  std::vector<ScheduleTensor> tensors;
  std::vector<ScheduleStep> steps;
};

//===----------------------------------------------------------------------===//
// Kernel graph: the fused groups of a function.
//===----------------------------------------------------------------------===//

/// A fused group: the ops a runtime runs as one operator.
struct Kernel {
  /// Ops in program order.
  llvm::SmallVector<Operation *> ops;
  /// The op that names the kernel (the channel-mixing op, the add of a
  /// quantised add, ...).
  Operation *anchor = nullptr;
  /// Buffers read from outside the kernel and buffers it writes that are
  /// used outside it.
  llvm::SmallVector<Value> inputs;
  llvm::SmallVector<Value> outputs;
  /// Channel class of the kernel as a whole.
  partial::ChannelClass channelClass = partial::ChannelClass::Barrier;
  /// The op of the kernel that mixes channels, if any.
  Operation *mixingOp = nullptr;
};

/// A chain over kernels, as formed in the IR or proposed by chain formation.
struct ChainPlan {
  /// Kernel indices in execution order, with their stages.
  llvm::SmallVector<unsigned> kernels;
  llvm::SmallVector<partial::ChainStage> stages;
  int64_t channels = 0;
  int64_t sliceSize = 0;
  partial::ChainBoundary boundary = partial::ChainBoundary::Materialize;
  /// Bands of output rows for a row chain (partial.row_chain), whose
  /// kernels run band by band; 0 for a channel chain. A row chain has no
  /// channels, slices, boundary or stages.
  int64_t band = 0;
  /// The chain op when the plan describes IR (a partial.chain or a
  /// partial.row_chain).
  Operation *op = nullptr;

  bool isRowChain() const { return band > 0; }
  /// Names of the kernels' anchor ops, for reports.
  llvm::SmallVector<std::string> kernelLabels;
};

/// Whether `op` only views its first operand's buffer (a reshape, or a
/// slice that crops rows or columns for window operations): it holds no
/// bytes of its own.
bool isViewOp(Operation *op);

/// The fused groups of a function body, in program order. Bodies of
/// partial.chain ops are flattened in place: their block arguments alias the
/// chain's inputs and the chain's results alias the yielded values.
class KernelGraph {
public:
  explicit KernelGraph(func::FuncOp func);

  llvm::ArrayRef<Kernel> getKernels() const { return kernels; }
  /// Chains present in the IR, with kernel stages from the chain verifier.
  llvm::ArrayRef<ChainPlan> getChainsInIR() const { return chainsInIR; }

  /// The buffer a value occupies: looks through views (isViewOp) and chain
  /// block arguments and results.
  Value getRoot(Value value) const;
  /// Bytes of the buffer of `value`.
  int64_t getBytes(Value value) const;
  /// The kernel that writes buffer `root`, or -1 for function arguments.
  int getProducer(Value root) const;
  /// Kernels reading buffer `root`.
  llvm::ArrayRef<unsigned> getConsumers(Value root) const;
  /// Whether buffer `root` is a function result.
  bool isFunctionResult(Value root) const;
  /// Whether buffer `root` is a function argument.
  bool isFunctionArgument(Value root) const;
  /// Name of buffer `root` as printed in the function (`%arg0`, `%5`).
  std::string getName(Value root) const;
  /// The kernel an op belongs to, or -1.
  int getKernelOf(Operation *op) const;
  /// The ops of `kernelIndices`' kernels in program order (a chain's body).
  llvm::SmallVector<Operation *>
  getOpsInProgramOrder(llvm::ArrayRef<unsigned> kernelIndices) const;

  func::FuncOp getFunction() const { return func; }

private:
  void collectOps(Block &block, llvm::SmallVectorImpl<Operation *> &ops);
  void formKernels(llvm::ArrayRef<Operation *> ops);

  mutable func::FuncOp func;
  std::vector<Kernel> kernels;
  std::vector<ChainPlan> chainsInIR;
  /// Body ops of each chain in `chainsInIR`, until kernels are formed.
  std::vector<llvm::SmallVector<Operation *>> pendingChainOps;
  llvm::DenseMap<Value, Value> aliases;
  llvm::DenseMap<Operation *, int> kernelOf;
  llvm::DenseMap<Value, int> producer;
  llvm::DenseMap<Value, llvm::SmallVector<unsigned>> consumers;
  llvm::DenseSet<Value> results;
  llvm::DenseMap<Value, std::string> names;
};

/// The channel count a value would have (the last dimension of its type by
/// default); pruning evaluates models with fewer channels through it.
using ChannelCountFn = std::function<int64_t(Value)>;

/// Builds the schedule of `graph` when the given chains run partially and
/// every other kernel runs on whole buffers. Chain kernels run together, at
/// the position of the chain's last kernel. With `channels`, every buffer,
/// slice and accumulator is sized for the channel counts it returns.
Schedule buildSchedule(const KernelGraph &graph,
                       llvm::ArrayRef<ChainPlan> chains,
                       const ChannelCountFn &channels = nullptr);

/// A structured-pruning hint found on a layer (`pex.prune_hint`).
struct PruneHintEntry {
  std::string layer;
  int64_t channelsBefore = 0;
  int64_t channelsAfter = 0;
  int64_t group = 0;
  int64_t peakBytes = 0;
};

/// The memory report of a function: whole-buffer and as-formed schedules.
struct MemoryReport {
  std::string function;
  Schedule wholeBuffer;
  LivenessResult wholeBufferLiveness;
  Schedule formed;
  LivenessResult formedLiveness;
  std::vector<ChainPlan> chains;
  /// Per chain, the largest live bytes over its kernels' steps in the
  /// whole-buffer schedule and in the schedule as formed.
  std::vector<int64_t> chainPeakBefore;
  std::vector<int64_t> chainPeakAfter;
  std::vector<PruneHintEntry> pruneHints;

  static MemoryReport build(func::FuncOp func);
  void printText(llvm::raw_ostream &os) const;
  /// The report as a JSON object.
  llvm::json::Object toJSON() const;
  /// One JSON object for a module: the keys of the first function's report
  /// at the top level, and every function's report under `functions`.
  static void printJSON(llvm::raw_ostream &os,
                        llvm::ArrayRef<MemoryReport> reports);
};

} // namespace mlir::pex

#endif // PEX_ANALYSIS_MEMORYMODEL_H
