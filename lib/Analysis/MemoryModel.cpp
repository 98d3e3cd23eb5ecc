//===- MemoryModel.cpp - SRAM model of a schedule -------------------------===//

#include "pex/Analysis/MemoryModel.h"
#include "pex/Analysis/ChannelGroups.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/AsmState.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::partial;

//===----------------------------------------------------------------------===//
// Schedule
//===----------------------------------------------------------------------===//

unsigned Schedule::addTensor(ScheduleTensor tensor) {
  tensors.push_back(std::move(tensor));
  return tensors.size() - 1;
}

unsigned Schedule::addStep(ScheduleStep step) {
  steps.push_back(std::move(step));
  return steps.size() - 1;
}

LivenessResult Schedule::computeLiveness() const {
  LivenessResult result;
  unsigned numSteps = steps.size();
  result.liveBytes.assign(numSteps, 0);
  result.liveTensors.assign(numSteps, {});
  if (numSteps == 0)
    return result;

  std::vector<int> first(tensors.size(), -1), last(tensors.size(), -1);
  auto touch = [&](unsigned tensor, int step) {
    if (first[tensor] < 0 || step < first[tensor])
      first[tensor] = step;
    last[tensor] = std::max(last[tensor], step);
  };
  for (auto [index, step] : llvm::enumerate(steps)) {
    for (unsigned tensor : step.defs)
      touch(tensor, index);
    for (unsigned tensor : step.uses)
      touch(tensor, index);
  }
  for (auto [index, tensor] : llvm::enumerate(tensors)) {
    if (tensor.liveAtEntry)
      touch(index, 0);
    if (tensor.liveAtExit)
      touch(index, numSteps - 1);
    if (first[index] < 0)
      continue;
    for (int step = first[index]; step <= last[index]; ++step) {
      result.liveBytes[step] += tensor.bytes;
      result.liveTensors[step].push_back(index);
    }
  }
  for (auto [step, bytes] : llvm::enumerate(result.liveBytes)) {
    result.area += bytes;
    if (bytes > result.peakBytes || result.peakStep < 0) {
      result.peakBytes = bytes;
      result.peakStep = step;
      result.stepsAtPeak = 1;
    } else if (bytes == result.peakBytes) {
      ++result.stepsAtPeak;
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// KernelGraph
//===----------------------------------------------------------------------===//

static bool isConstantLike(Operation *op) {
  if (!op)
    return false;
  if (op->hasTrait<OpTrait::ConstantLike>())
    return true;
  auto iface = dyn_cast<ChannelSplitOpInterface>(op);
  return iface && iface.residesInFlash();
}

/// A slice that keeps every image and channel and crops rows or columns,
/// read only as the input of window operations (TFLite's VALID strided
/// convolutions are imported so): it bufferizes to a subview, which the
/// kernels address through the source's row stride, so no copy is made.
static bool isWindowCrop(Operation *op) {
  auto slice = dyn_cast<tosa::SliceOp>(op);
  if (!slice)
    return false;
  auto in = dyn_cast<RankedTensorType>(slice.getInput1().getType());
  auto out = dyn_cast<RankedTensorType>(slice.getType());
  if (!in || !out || in.getRank() != 4 || !in.hasStaticShape() ||
      !out.hasStaticShape() || in.getDimSize(0) != out.getDimSize(0) ||
      in.getDimSize(3) != out.getDimSize(3))
    return false;
  return !slice->use_empty() &&
         llvm::all_of(slice->getUses(), [](OpOperand &use) {
           return use.getOperandNumber() == 0 &&
                  isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp,
                      tosa::AvgPool2dOp, tosa::MaxPool2dOp>(use.getOwner());
         });
}

bool mlir::pex::isViewOp(Operation *op) {
  auto iface = dyn_cast<ChannelSplitOpInterface>(op);
  return (iface && iface.isView()) || isWindowCrop(op);
}

/// Ops whose int32 results and operands an int8 runtime keeps in registers
/// when they form a fused kernel.
static bool producesAccumulator(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
             tosa::RescaleOp, tosa::AddOp, tosa::SubOp, tosa::MulOp>(op);
}
static bool consumesAccumulator(Operation *op) {
  return isa<tosa::RescaleOp, tosa::AddOp, tosa::SubOp, tosa::MulOp>(op);
}

bool mlir::pex::isFusedIntermediate(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.getElementType().isInteger() ||
      type.getElementType().getIntOrFloatBitWidth() < 32)
    return false;
  Operation *def = value.getDefiningOp();
  if (!def || !producesAccumulator(def) || value.use_empty())
    return false;
  return llvm::all_of(value.getUsers(), consumesAccumulator);
}

KernelGraph::KernelGraph(func::FuncOp func) : func(func) {
  SmallVector<Operation *> ops;
  collectOps(func.getBody().front(), ops);
  formKernels(ops);

  // Chain bodies are isolated from above and number their values afresh:
  // qualify those names with the chain.
  llvm::DenseMap<Operation *, unsigned> chainIndex;
  for (auto [index, plan] : llvm::enumerate(chainsInIR))
    chainIndex[plan.op] = index;
  AsmState asmState(func);
  auto nameOf = [&](Value value) {
    std::string name;
    llvm::raw_string_ostream os(name);
    Operation *parent = value.getParentRegion()->getParentOp();
    if (auto it = chainIndex.find(parent); it != chainIndex.end())
      os << "chain" << it->second << ":";
    value.printAsOperand(os, asmState);
    return name;
  };
  for (BlockArgument arg : func.getArguments())
    names[arg] = nameOf(arg);
  for (const Kernel &kernel : kernels)
    for (Value output : kernel.outputs)
      names[output] = nameOf(output);
}

void KernelGraph::collectOps(Block &block, SmallVectorImpl<Operation *> &ops) {
  for (Operation &op : block) {
    if (isa<RowChainOp, ChainOp>(op)) {
      // The body's arguments alias the chain's inputs, its results the
      // yielded values.
      Block &body = op.getRegion(0).front();
      for (auto [input, arg] : llvm::zip(op.getOperands(), body.getArguments()))
        aliases[arg] = getRoot(input);
      size_t firstOp = ops.size();
      collectOps(body, ops);
      for (auto [result, yielded] :
           llvm::zip(op.getResults(), body.getTerminator()->getOperands()))
        aliases[result] = getRoot(yielded);
      ChainPlan plan;
      plan.op = &op;
      if (auto chain = dyn_cast<RowChainOp>(op)) {
        plan.band = chain.getBand();
      } else {
        auto channelChain = cast<ChainOp>(op);
        plan.channels = channelChain.getChannels();
        plan.sliceSize = channelChain.getSliceSize();
        plan.boundary = channelChain.getBoundary();
      }
      // Kernels are known only after fusion: keep the body ops and resolve
      // the chain's kernels in formKernels.
      pendingChainOps.push_back(
          SmallVector<Operation *>(ops.begin() + firstOp, ops.end()));
      chainsInIR.push_back(std::move(plan));
      continue;
    }
    if (isa<func::ReturnOp>(op)) {
      for (Value value : op.getOperands())
        results.insert(getRoot(value));
      continue;
    }
    if (op.hasTrait<OpTrait::IsTerminator>() || isConstantLike(&op))
      continue;
    if (isViewOp(&op)) {
      aliases[op.getResult(0)] = getRoot(op.getOperand(0));
      continue;
    }
    ops.push_back(&op);
  }
}

void KernelGraph::formKernels(ArrayRef<Operation *> ops) {
  llvm::DenseMap<Operation *, unsigned> position;
  for (auto [index, op] : llvm::enumerate(ops))
    position[op] = index;

  llvm::EquivalenceClasses<Operation *> groups;
  for (Operation *op : ops) {
    groups.insert(op);
    for (Value result : op->getResults())
      if (isFusedIntermediate(result))
        for (Operation *user : result.getUsers())
          if (position.count(user))
            groups.unionSets(op, user);
    // A clamp is the activation of the kernel that produced its input.
    if (isa<tosa::ClampOp>(op)) {
      Value input = op->getOperand(0);
      Operation *def = input.getDefiningOp();
      if (def && input.hasOneUse() && position.count(def))
        groups.unionSets(op, def);
    }
  }

  // Kernels run when their last op runs.
  SmallVector<SmallVector<Operation *>> members;
  llvm::DenseMap<Operation *, unsigned> leaderIndex;
  for (Operation *op : ops) {
    Operation *leader = groups.getLeaderValue(op);
    auto [it, inserted] = leaderIndex.try_emplace(leader, members.size());
    if (inserted)
      members.emplace_back();
    members[it->second].push_back(op);
  }
  llvm::sort(members, [&](ArrayRef<Operation *> a, ArrayRef<Operation *> b) {
    return position[a.back()] < position[b.back()];
  });

  for (auto [index, group] : llvm::enumerate(members)) {
    Kernel kernel;
    kernel.ops.assign(group.begin(), group.end());
    for (Operation *op : group)
      kernelOf[op] = index;
    kernels.push_back(std::move(kernel));
  }

  for (auto [index, kernel] : llvm::enumerate(kernels)) {
    llvm::SmallSetVector<Value, 4> inputs, outputs;
    ChannelClass cls = ChannelClass::Local;
    for (Operation *op : kernel.ops) {
      for (Value operand : op->getOperands()) {
        if (!isa<RankedTensorType>(operand.getType()))
          continue;
        Value root = getRoot(operand);
        Operation *def = root.getDefiningOp();
        if (isConstantLike(def) || getKernelOf(def) == static_cast<int>(index))
          continue;
        inputs.insert(root);
      }
      for (Value result : op->getResults()) {
        if (isFusedIntermediate(result))
          continue;
        bool usedOutside = results.count(getRoot(result)) > 0;
        for (OpOperand &use : result.getUses()) {
          Operation *user = use.getOwner();
          auto it = kernelOf.find(user);
          if (it == kernelOf.end() || it->second != static_cast<int>(index))
            usedOutside = true;
        }
        if (usedOutside)
          outputs.insert(result);
      }
      auto iface = dyn_cast<ChannelSplitOpInterface>(op);
      ChannelClass opClass =
          iface ? iface.getChannelClass() : ChannelClass::Barrier;
      if (opClass == ChannelClass::Barrier) {
        cls = ChannelClass::Barrier;
      } else if ((opClass & ChannelClass::Local) != ChannelClass::Local &&
                 cls != ChannelClass::Barrier) {
        // One channel-mixing op per kernel; a second one makes it a barrier.
        cls = kernel.mixingOp ? ChannelClass::Barrier : opClass;
        kernel.mixingOp = op;
      }
    }
    kernel.channelClass = cls;
    kernel.inputs.assign(inputs.begin(), inputs.end());
    kernel.outputs.assign(outputs.begin(), outputs.end());
    kernel.anchor = kernel.mixingOp;
    if (!kernel.anchor) {
      auto it = llvm::find_if(kernel.ops, [](Operation *op) {
        return !isa<tosa::RescaleOp, tosa::ClampOp>(op);
      });
      kernel.anchor = it != kernel.ops.end() ? *it : kernel.ops.front();
    }
    for (Value input : kernel.inputs)
      consumers[input].push_back(index);
    for (Value output : kernel.outputs)
      producer[output] = index;
  }

  // Resolve the kernels of the chains found in the IR.
  for (auto [plan, chainOps] : llvm::zip(chainsInIR, pendingChainOps)) {
    ChainStructure structure;
    if (auto chain = dyn_cast<ChainOp>(plan.op))
      (void)chain.analyzeBody(structure);
    plan.stages.clear();
    llvm::SmallSetVector<unsigned, 8> chainKernels;
    for (Operation *op : chainOps)
      chainKernels.insert(kernelOf.lookup(op));
    SmallVector<unsigned> sorted(chainKernels.begin(), chainKernels.end());
    llvm::sort(sorted);
    for (unsigned kernelIndex : sorted) {
      Operation *anchor = kernels[kernelIndex].anchor;
      plan.kernels.push_back(kernelIndex);
      if (!plan.isRowChain())
        plan.stages.push_back(structure.stages.lookup(anchor));
    }
  }
  pendingChainOps.clear();
}

SmallVector<Operation *>
KernelGraph::getOpsInProgramOrder(ArrayRef<unsigned> kernelIndices) const {
  SmallVector<Operation *> ops;
  for (unsigned kernel : kernelIndices)
    llvm::append_range(ops, kernels[kernel].ops);
  llvm::sort(ops,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return ops;
}

Value KernelGraph::getRoot(Value value) const {
  while (true) {
    auto it = aliases.find(value);
    if (it == aliases.end())
      return value;
    value = it->second;
  }
}

int64_t KernelGraph::getBytes(Value value) const {
  return getTensorBytes(getRoot(value).getType());
}

int KernelGraph::getProducer(Value root) const {
  auto it = producer.find(root);
  return it == producer.end() ? -1 : it->second;
}

ArrayRef<unsigned> KernelGraph::getConsumers(Value root) const {
  auto it = consumers.find(root);
  if (it == consumers.end())
    return {};
  return it->second;
}

bool KernelGraph::isFunctionResult(Value root) const {
  return results.count(root) > 0;
}

bool KernelGraph::isFunctionArgument(Value root) const {
  auto arg = dyn_cast<BlockArgument>(root);
  return arg && arg.getOwner()->getParentOp() == func.getOperation();
}

std::string KernelGraph::getName(Value root) const {
  auto it = names.find(root);
  return it == names.end() ? std::string("<value>") : it->second;
}

int KernelGraph::getKernelOf(Operation *op) const {
  auto it = kernelOf.find(op);
  return it == kernelOf.end() ? -1 : it->second;
}

//===----------------------------------------------------------------------===//
// Schedules of a kernel graph
//===----------------------------------------------------------------------===//

namespace {
class ScheduleBuilder {
public:
  ScheduleBuilder(const KernelGraph &graph, ArrayRef<ChainPlan> chains,
                  const ChannelCountFn &channels)
      : graph(graph), chains(chains), channels(channels) {}

  Schedule build() {
    llvm::DenseMap<unsigned, unsigned> lastKernelOfChain;
    for (auto [index, plan] : llvm::enumerate(chains)) {
      for (unsigned kernel : plan.kernels)
        chainOfKernel[kernel] = index;
      lastKernelOfChain[index] =
          *std::max_element(plan.kernels.begin(), plan.kernels.end());
    }
    for (auto [index, kernel] : llvm::enumerate(graph.getKernels())) {
      auto it = chainOfKernel.find(index);
      if (it == chainOfKernel.end()) {
        ScheduleStep step;
        step.label = kernel.anchor->getName().getStringRef().str();
        step.anchor = kernel.anchor;
        for (Value input : kernel.inputs)
          step.uses.push_back(full(input));
        for (Value output : kernel.outputs)
          step.defs.push_back(full(output));
        schedule.addStep(std::move(step));
        continue;
      }
      if (lastKernelOfChain[it->second] == index)
        emitChain(it->second);
    }
    // Model inputs that no kernel reads still occupy the arena.
    for (BlockArgument arg : graph.getFunction().getArguments())
      if (isa<RankedTensorType>(arg.getType()))
        (void)full(arg);
    return std::move(schedule);
  }

private:
  unsigned full(Value root) {
    auto [it, inserted] = fullTensors.try_emplace(root, 0);
    if (inserted) {
      ScheduleTensor tensor;
      tensor.name = graph.getName(root);
      tensor.bytes = bytesWithChannels(root);
      tensor.value = root;
      tensor.liveAtEntry = graph.isFunctionArgument(root);
      tensor.liveAtExit = graph.isFunctionResult(root);
      it->second = schedule.addTensor(std::move(tensor));
    }
    return it->second;
  }

  /// A row chain is one step: its inputs and its output whole, and the
  /// line buffers and bands of its other results, as its schedule sizes
  /// them (int32 intermediates of fused groups stay in registers).
  void emitRowChain(unsigned chainIndex) {
    const ChainPlan &plan = chains[chainIndex];
    ArrayRef<Kernel> kernels = graph.getKernels();
    std::string reason;
    FailureOr<partial::RowSchedule> rows = partial::buildRowSchedule(
        graph.getOpsInProgramOrder(plan.kernels), plan.band, reason);
    const Kernel &last = kernels[plan.kernels.back()];
    ScheduleStep step;
    step.label = last.anchor->getName().getStringRef().str();
    step.anchor = last.anchor;
    step.chain = chainIndex;
    step.stage = "rows";
    llvm::DenseSet<unsigned> inChain(plan.kernels.begin(), plan.kernels.end());
    for (unsigned kernel : plan.kernels) {
      for (Value input : kernels[kernel].inputs) {
        int producer = graph.getProducer(input);
        if (producer < 0 || !inChain.count(producer))
          step.uses.push_back(full(input));
      }
    }
    for (Value output : last.outputs)
      step.defs.push_back(full(output));
    if (succeeded(rows)) {
      // A kernel's result is its one buffer: what its ops compute before
      // (an int32 accumulator, the rescale before a clamp) stays in
      // registers.
      llvm::DenseSet<Value> buffers;
      for (unsigned kernel : plan.kernels)
        buffers.insert(kernels[kernel].outputs.begin(),
                       kernels[kernel].outputs.end());
      for (auto [index, op] : llvm::enumerate(rows->ops)) {
        Value result = op->getResult(0);
        if (index == rows->output || !buffers.contains(result))
          continue;
        ScheduleTensor tensor;
        auto type = cast<RankedTensorType>(result.getType());
        tensor.name = graph.getName(graph.getRoot(result)) + "[" +
                      std::to_string(rows->capacity[index]) + "/" +
                      std::to_string(type.getDimSize(1)) + " rows]";
        tensor.bytes = rows->getBufferBytes(index);
        tensor.value = result;
        step.defs.push_back(schedule.addTensor(std::move(tensor)));
      }
    } else {
      // Not schedulable: count every intermediate whole.
      for (unsigned kernel : plan.kernels)
        for (Value output : kernels[kernel].outputs)
          step.defs.push_back(full(output));
    }
    schedule.addStep(std::move(step));
  }

  void emitChain(unsigned chainIndex) {
    const ChainPlan &plan = chains[chainIndex];
    if (plan.isRowChain())
      return emitRowChain(chainIndex);
    llvm::DenseSet<unsigned> inChain(plan.kernels.begin(), plan.kernels.end());
    ArrayRef<Kernel> kernels = graph.getKernels();

    // A buffer written and read only inside the chain's loop is a slice.
    auto isSliced = [&](Value root) {
      int producer = graph.getProducer(root);
      if (producer < 0 || !inChain.count(producer) ||
          graph.isFunctionResult(root))
        return false;
      auto stage = plan.stages[llvm::find(plan.kernels, producer) -
                               plan.kernels.begin()];
      if (stage == ChainStage::Consume || stage == ChainStage::Finish)
        return false;
      ArrayRef<unsigned> users = graph.getConsumers(root);
      return !users.empty() && llvm::all_of(users, [&](unsigned user) {
        return inChain.count(user) > 0;
      });
    };
    llvm::DenseMap<Value, unsigned> slices;
    auto slice = [&](Value root) {
      auto [it, inserted] = slices.try_emplace(root, 0);
      if (inserted) {
        ScheduleTensor tensor;
        tensor.name = graph.getName(root) + "[" +
                      std::to_string(std::min(plan.sliceSize, plan.channels)) +
                      "/" + std::to_string(plan.channels) + "]";
        tensor.bytes = bytesWithChannels(root, plan.sliceSize);
        tensor.value = root;
        it->second = schedule.addTensor(std::move(tensor));
      }
      return it->second;
    };

    // Produce and slice steps run once per slice; the consumer accumulates
    // each slice and is finished once after the loop, followed by the
    // chain's other finish kernels (all after the consumer in program order).
    llvm::SmallSetVector<unsigned, 8> spanning;
    SmallVector<unsigned> loopSteps;
    for (auto [kernelIndex, stage] : llvm::zip(plan.kernels, plan.stages)) {
      const Kernel &kernel = kernels[kernelIndex];
      ScheduleStep step = makeStep(kernel, chainIndex, stage);
      if (stage == ChainStage::Finish) {
        for (Value input : kernel.inputs)
          step.uses.push_back(full(input));
        for (Value output : kernel.outputs)
          step.defs.push_back(full(output));
        schedule.addStep(std::move(step));
        continue;
      }
      for (Value input : kernel.inputs) {
        if (isSliced(input))
          step.uses.push_back(slice(input));
        else // A materialised input stays live for the whole loop.
          spanning.insert(full(input));
      }
      if (stage != ChainStage::Consume) {
        for (Value output : kernel.outputs) {
          if (isSliced(output))
            step.defs.push_back(slice(output));
          else // Written slice by slice: live from the first slice on.
            spanning.insert(full(output));
        }
        loopSteps.push_back(schedule.addStep(std::move(step)));
        continue;
      }
      ScheduleTensor accumulator;
      Value accumulated = kernel.mixingOp->getResult(0);
      accumulator.name =
          "acc(" +
          graph.getName(kernel.outputs.empty() ? accumulated
                                               : kernel.outputs.front()) +
          ")";
      accumulator.bytes = bytesWithChannels(accumulated);
      accumulator.value = accumulated;
      unsigned accumulatorIndex = schedule.addTensor(std::move(accumulator));
      spanning.insert(accumulatorIndex);
      loopSteps.push_back(schedule.addStep(std::move(step)));

      ScheduleStep finish = makeStep(kernel, chainIndex, ChainStage::Finish);
      finish.uses.push_back(accumulatorIndex);
      for (Value output : kernel.outputs)
        finish.defs.push_back(full(output));
      schedule.addStep(std::move(finish));
    }
    for (unsigned tensor : spanning) {
      schedule.getStep(loopSteps.front()).uses.push_back(tensor);
      schedule.getStep(loopSteps.back()).uses.push_back(tensor);
    }
  }

  /// Bytes of `value` with `numChannels` of its channels (the last
  /// dimension); the channel count defaults to the effective one.
  int64_t bytesWithChannels(Value value,
                            std::optional<int64_t> numChannels = {}) const {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t typeChannels = type.getShape().back();
    int64_t effective = channels ? channels(value) : typeChannels;
    int64_t count = numChannels ? std::min(*numChannels, effective) : effective;
    return getTensorBytes(type) / typeChannels * count;
  }

  static ScheduleStep makeStep(const Kernel &kernel, unsigned chainIndex,
                               ChainStage stage) {
    ScheduleStep step;
    step.label = kernel.anchor->getName().getStringRef().str();
    step.anchor = kernel.anchor;
    step.chain = chainIndex;
    step.stage = stringifyChainStage(stage).str();
    return step;
  }

  const KernelGraph &graph;
  ArrayRef<ChainPlan> chains;
  Schedule schedule;
  llvm::DenseMap<Value, unsigned> fullTensors;
  llvm::DenseMap<unsigned, unsigned> chainOfKernel;
  const ChannelCountFn &channels;
};
} // namespace

Schedule mlir::pex::buildSchedule(const KernelGraph &graph,
                                  ArrayRef<ChainPlan> chains,
                                  const ChannelCountFn &channels) {
  return ScheduleBuilder(graph, chains, channels).build();
}

//===----------------------------------------------------------------------===//
// MemoryReport
//===----------------------------------------------------------------------===//

MemoryReport MemoryReport::build(func::FuncOp func) {
  MemoryReport report;
  report.function = func.getSymName().str();
  KernelGraph graph(func);
  report.chains.assign(graph.getChainsInIR().begin(),
                       graph.getChainsInIR().end());
  report.wholeBuffer = buildSchedule(graph, {});
  report.wholeBufferLiveness = report.wholeBuffer.computeLiveness();
  report.formed = buildSchedule(graph, report.chains);
  report.formedLiveness = report.formed.computeLiveness();
  func.walk([&](Operation *op) {
    auto hint = op->getAttrOfType<DictionaryAttr>(pex::kPruneHintAttrName);
    if (!hint)
      return;
    auto get = [&](StringRef key) -> int64_t {
      auto value = hint.getAs<IntegerAttr>(key);
      return value ? value.getInt() : 0;
    };
    std::string layer;
    llvm::raw_string_ostream os(layer);
    os << op->getName() << " at ";
    if (auto fileLoc = dyn_cast<FileLineColLoc>(op->getLoc()))
      os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine() << ":"
         << fileLoc.getColumn();
    else
      os << op->getLoc();
    report.pruneHints.push_back({layer, get("channels_before"),
                                 get("channels_after"), get("group"),
                                 get("peak_bytes")});
  });
  for (ChainPlan &plan : report.chains)
    for (unsigned kernel : plan.kernels)
      plan.kernelLabels.push_back(
          graph.getKernels()[kernel].anchor->getName().getStringRef().str());
  for (auto [index, plan] : llvm::enumerate(report.chains)) {
    llvm::SmallPtrSet<Operation *, 8> anchors;
    for (unsigned kernel : plan.kernels)
      anchors.insert(graph.getKernels()[kernel].anchor);
    int64_t before = 0, after = 0;
    for (auto [step, scheduled] :
         llvm::enumerate(report.wholeBuffer.getSteps()))
      if (anchors.contains(scheduled.anchor))
        before = std::max(before, report.wholeBufferLiveness.liveBytes[step]);
    for (auto [step, scheduled] : llvm::enumerate(report.formed.getSteps()))
      if (scheduled.chain == static_cast<int>(index))
        after = std::max(after, report.formedLiveness.liveBytes[step]);
    report.chainPeakBefore.push_back(before);
    report.chainPeakAfter.push_back(after);
  }
  return report;
}

static std::string describeStep(const ScheduleStep &step) {
  std::string text = step.label;
  if (step.chain >= 0)
    text += " (chain " + std::to_string(step.chain) + " " + step.stage + ")";
  return text;
}

static void printSteps(llvm::raw_ostream &os, const Schedule &schedule,
                       const LivenessResult &liveness) {
  for (auto [index, step] : llvm::enumerate(schedule.getSteps())) {
    os << "    " << llvm::format_decimal(index, 3) << "  "
       << llvm::left_justify(describeStep(step), 40)
       << llvm::format_decimal(liveness.liveBytes[index], 9) << " B:";
    for (unsigned tensor : liveness.liveTensors[index])
      os << " " << schedule.getTensors()[tensor].name << "("
         << schedule.getTensors()[tensor].bytes << ")";
    os << "\n";
  }
}

static std::string peakLabel(const Schedule &schedule,
                             const LivenessResult &liveness) {
  if (liveness.peakStep < 0)
    return "";
  return describeStep(schedule.getSteps()[liveness.peakStep]);
}

void MemoryReport::printText(llvm::raw_ostream &os) const {
  os << "memory report for @" << function << "\n";
  os << "  whole-buffer peak: " << wholeBufferLiveness.peakBytes
     << " bytes at step " << wholeBufferLiveness.peakStep << " ("
     << peakLabel(wholeBuffer, wholeBufferLiveness) << ")\n";
  os << "  peak: " << formedLiveness.peakBytes << " bytes at step "
     << formedLiveness.peakStep << " (" << peakLabel(formed, formedLiveness)
     << ")\n";
  os << "  live-bytes bound: " << formedLiveness.peakBytes << " bytes\n";
  os << "  chains: " << chains.size() << "\n";
  for (auto [index, plan] : llvm::enumerate(chains)) {
    if (plan.isRowChain()) {
      os << "    chain " << index << ": rows in bands of " << plan.band << ":";
      for (const std::string &label : plan.kernelLabels)
        os << " " << label;
      os << "\n";
      continue;
    }
    os << "    chain " << index << ": " << plan.channels
       << " channels in slices of " << plan.sliceSize << ", "
       << stringifyChainBoundary(plan.boundary) << ":";
    for (auto [label, stage] : llvm::zip(plan.kernelLabels, plan.stages))
      os << " " << label << "[" << stringifyChainStage(stage) << "]";
    os << "\n";
  }
  if (!pruneHints.empty()) {
    os << "  prune hints:\n";
    for (const PruneHintEntry &hint : pruneHints)
      os << "    " << hint.layer << ": " << hint.channelsBefore << " -> "
         << hint.channelsAfter << " channels (group " << hint.group << ", "
         << hint.peakBytes << " bytes at the unpruned peak)\n";
  }
  os << "  whole-buffer steps:\n";
  printSteps(os, wholeBuffer, wholeBufferLiveness);
  os << "  steps:\n";
  printSteps(os, formed, formedLiveness);
}

static llvm::json::Array stepsToJSON(const Schedule &schedule,
                                     const LivenessResult &liveness) {
  llvm::json::Array steps;
  for (auto [index, step] : llvm::enumerate(schedule.getSteps())) {
    llvm::json::Array live;
    for (unsigned tensor : liveness.liveTensors[index])
      live.push_back(schedule.getTensors()[tensor].name);
    llvm::json::Object object{{"op", step.label},
                              {"live_bytes", liveness.liveBytes[index]},
                              {"live_tensors", std::move(live)}};
    if (step.chain >= 0) {
      object["chain"] = step.chain;
      object["stage"] = step.stage;
    }
    steps.push_back(std::move(object));
  }
  return steps;
}

llvm::json::Object MemoryReport::toJSON() const {
  llvm::json::Array hintArray;
  for (const PruneHintEntry &hint : pruneHints)
    hintArray.push_back(
        llvm::json::Object{{"layer", hint.layer},
                           {"channels_before", hint.channelsBefore},
                           {"channels_after", hint.channelsAfter},
                           {"group", hint.group},
                           {"peak_contribution_bytes", hint.peakBytes}});
  llvm::json::Array chainArray;
  for (auto [index, plan] : llvm::enumerate(chains)) {
    llvm::json::Array ops;
    for (auto [label, stage] : llvm::zip(plan.kernelLabels, plan.stages))
      ops.push_back(llvm::json::Object{{"op", label},
                                       {"stage", stringifyChainStage(stage)}});
    if (plan.isRowChain()) {
      llvm::json::Array rowOps;
      for (const std::string &label : plan.kernelLabels)
        rowOps.push_back(llvm::json::Object{{"op", label}, {"stage", "rows"}});
      chainArray.push_back(
          llvm::json::Object{{"split", "rows"},
                             {"band", plan.band},
                             {"ops", std::move(rowOps)},
                             {"peak_before_bytes", chainPeakBefore[index]},
                             {"peak_after_bytes", chainPeakAfter[index]}});
      continue;
    }
    chainArray.push_back(
        llvm::json::Object{{"split", "channels"},
                           {"channels", plan.channels},
                           {"slice_size", plan.sliceSize},
                           {"boundary", stringifyChainBoundary(plan.boundary)},
                           {"ops", std::move(ops)},
                           {"peak_before_bytes", chainPeakBefore[index]},
                           {"peak_after_bytes", chainPeakAfter[index]}});
  }
  return llvm::json::Object{
      {"function", function},
      {"whole_buffer_peak_bytes", wholeBufferLiveness.peakBytes},
      {"whole_buffer_peak_op", peakLabel(wholeBuffer, wholeBufferLiveness)},
      {"peak_bytes", formedLiveness.peakBytes},
      {"peak_op", peakLabel(formed, formedLiveness)},
      {"live_bytes_bound", formedLiveness.peakBytes},
      {"chains", std::move(chainArray)},
      {"prune_hints", std::move(hintArray)},
      {"steps", stepsToJSON(formed, formedLiveness)},
      {"whole_buffer_steps", stepsToJSON(wholeBuffer, wholeBufferLiveness)}};
}

void MemoryReport::printJSON(llvm::raw_ostream &os,
                             ArrayRef<MemoryReport> reports) {
  llvm::json::Object root;
  if (!reports.empty())
    root = reports.front().toJSON();
  llvm::json::Array functions;
  for (const MemoryReport &report : reports)
    functions.push_back(report.toJSON());
  root["functions"] = std::move(functions);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}
