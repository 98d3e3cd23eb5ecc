//===- FormChains.cpp - wrap splittable subgraphs into chains -------------===//
//
// Chain formation works on fused kernels (see pex/Analysis/MemoryModel.h):
// it enumerates the paths of kernels that can run slice by slice, adds the
// ones that lower the peak live bytes most, sizes their slices, and moves
// their ops into partial.chain ops.
//
//===----------------------------------------------------------------------===//

#include "pex/Dialect/Partial/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "pex/Analysis/MemoryModel.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::pex::partial {
#define GEN_PASS_DEF_PARTIALFORMCHAINS
#include "pex/Dialect/Partial/Transforms/Passes.h.inc"
} // namespace mlir::pex::partial

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::partial;

namespace {

bool hasClass(ChannelClass cls, ChannelClass bit) {
  return cls != ChannelClass::Barrier && (cls & bit) == bit;
}

int64_t channelsOf(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getRank() ? type.getShape().back() : 0;
}

/// Enumerates the chains a kernel graph admits.
class CandidateFinder {
public:
  explicit CandidateFinder(const KernelGraph &graph) : graph(graph) {}

  std::vector<ChainPlan> find() {
    std::vector<ChainPlan> candidates;
    ArrayRef<Kernel> kernels = graph.getKernels();
    for (unsigned start = 0; start < kernels.size(); ++start) {
      const Kernel &kernel = kernels[start];
      if (!isTopLevel(kernel) || kernel.outputs.size() != 1)
        continue;
      ChainPlan plan;
      plan.channels = channelsOf(kernel.outputs.front());
      if (hasClass(kernel.channelClass, ChannelClass::Producer)) {
        plan.kernels.push_back(start);
        plan.stages.push_back(ChainStage::Produce);
      } else if (kernel.channelClass == ChannelClass::Local) {
        if (!sliceable(kernel, ChainStage::Slice, plan.channels))
          continue;
        plan.kernels.push_back(start);
        plan.stages.push_back(ChainStage::Slice);
      } else {
        continue;
      }
      extend(plan, candidates);
    }
    return candidates;
  }

private:
  bool isTopLevel(const Kernel &kernel) const {
    return llvm::all_of(kernel.ops, [&](Operation *op) {
      return op->getParentOp() == graph.getFunction().getOperation();
    });
  }

  /// The kernel that alone reads the single output of `kernelIndex`.
  std::optional<unsigned> next(unsigned kernelIndex) const {
    const Kernel &kernel = graph.getKernels()[kernelIndex];
    if (kernel.outputs.size() != 1)
      return std::nullopt;
    Value output = kernel.outputs.front();
    if (graph.isFunctionResult(output))
      return std::nullopt;
    ArrayRef<unsigned> users = graph.getConsumers(output);
    if (users.size() != 1)
      return std::nullopt;
    // Read directly, not through a view.
    for (Operation *user : output.getUsers())
      if (graph.getKernelOf(user) != static_cast<int>(users.front()))
        return std::nullopt;
    if (!isTopLevel(graph.getKernels()[users.front()]))
      return std::nullopt;
    return users.front();
  }

  /// Whether every activation the kernel slices at `stage` carries
  /// `channels` channels.
  bool sliceable(const Kernel &kernel, ChainStage stage,
                 int64_t channels) const {
    for (Operation *op : kernel.ops) {
      ChainStage opStage = stage;
      if (op != kernel.mixingOp && stage != ChainStage::Slice)
        opStage = stage == ChainStage::Produce ? ChainStage::Slice
                                               : ChainStage::Finish;
      std::optional<ChannelRole> role = getSlicingRole(opStage);
      if (!role)
        continue;
      auto iface = cast<ChannelSplitOpInterface>(op);
      for (unsigned i = 0, e = op->getNumOperands(); i < e; ++i) {
        OperandSlicing slicing = iface.getOperandSlicing(i, *role);
        if (slicing.kind == OperandKind::Activation && slicing.isSliced() &&
            channelsOf(op->getOperand(i)) != channels)
          return false;
      }
    }
    return true;
  }

  void extend(ChainPlan plan, std::vector<ChainPlan> &candidates) const {
    ArrayRef<Kernel> kernels = graph.getKernels();
    unsigned current = plan.kernels.back();
    while (std::optional<unsigned> following = next(current)) {
      const Kernel &kernel = kernels[*following];
      if (channelsOf(kernels[current].outputs.front()) != plan.channels)
        return;
      if (kernel.channelClass == ChannelClass::Local) {
        if (kernel.outputs.size() != 1 ||
            channelsOf(kernel.outputs.front()) != plan.channels ||
            !sliceable(kernel, ChainStage::Slice, plan.channels))
          return;
        plan.kernels.push_back(*following);
        plan.stages.push_back(ChainStage::Slice);
        plan.boundary = ChainBoundary::Materialize;
        candidates.push_back(plan);
        current = *following;
        continue;
      }
      if (hasClass(kernel.channelClass, ChannelClass::Consumer) &&
          kernel.outputs.size() == 1 &&
          sliceable(kernel, ChainStage::Consume, plan.channels)) {
        plan.kernels.push_back(*following);
        plan.stages.push_back(ChainStage::Consume);
        plan.boundary = ChainBoundary::Accumulate;
        candidates.push_back(plan);
      }
      return;
    }
  }

  const KernelGraph &graph;
};

/// Orders schedules: lower peak first, then fewer steps at the peak, then
/// fewer live bytes overall.
bool isBetter(const LivenessResult &a, const LivenessResult &b) {
  return std::make_tuple(a.peakBytes, a.stepsAtPeak, a.area) <
         std::make_tuple(b.peakBytes, b.stepsAtPeak, b.area);
}

struct PartialFormChainsPass
    : public partial::impl::PartialFormChainsBase<PartialFormChainsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (slices < 0 || sramBudget < 0) {
      func.emitError("partial-form-chains options must not be negative");
      return signalPassFailure();
    }
    KernelGraph graph(func);
    std::vector<ChainPlan> chosen = choose(graph);
    sizeSlices(graph, chosen);
    for (const ChainPlan &plan : chosen)
      if (failed(rewrite(graph, plan)))
        return signalPassFailure();
  }

  std::vector<ChainPlan> choose(const KernelGraph &graph) {
    std::vector<ChainPlan> candidates = CandidateFinder(graph).find();
    for (ChainPlan &candidate : candidates)
      candidate.sliceSize = 1;
    std::vector<ChainPlan> chosen;
    llvm::DenseSet<unsigned> used;
    LivenessResult current = buildSchedule(graph, {}).computeLiveness();
    while (current.peakBytes > sramBudget) {
      std::optional<unsigned> best;
      LivenessResult bestLiveness;
      for (auto [index, candidate] : llvm::enumerate(candidates)) {
        if (llvm::any_of(candidate.kernels,
                         [&](unsigned k) { return used.count(k); }))
          continue;
        chosen.push_back(candidate);
        LivenessResult trial = buildSchedule(graph, chosen).computeLiveness();
        chosen.pop_back();
        if (!best || isBetter(trial, bestLiveness)) {
          best = index;
          bestLiveness = std::move(trial);
        }
      }
      if (!best ||
          std::make_pair(bestLiveness.peakBytes, bestLiveness.stepsAtPeak) >=
              std::make_pair(current.peakBytes, current.stepsAtPeak))
        break;
      chosen.push_back(candidates[*best]);
      used.insert(candidates[*best].kernels.begin(),
                  candidates[*best].kernels.end());
      current = std::move(bestLiveness);
    }
    // A chain accepted for lowering one of several steps tied at the peak
    // is useless if another chain could not lower the rest: drop chains
    // whose removal leaves the peak where it is.
    for (size_t i = chosen.size(); i-- > 0;) {
      ChainPlan removed = chosen[i];
      chosen.erase(chosen.begin() + i);
      if (buildSchedule(graph, chosen).computeLiveness().peakBytes >
          current.peakBytes)
        chosen.insert(chosen.begin() + i, std::move(removed));
    }
    return chosen;
  }

  /// Gives each chain the fewest slices that keep its loop under the
  /// bottleneck the rest of the function forces (its own finish included),
  /// or under the budget when that is higher.
  void sizeSlices(const KernelGraph &graph, std::vector<ChainPlan> &chosen) {
    if (slices > 0) {
      for (ChainPlan &plan : chosen) {
        int64_t numSlices = std::min<int64_t>(slices, plan.channels);
        plan.sliceSize = (plan.channels + numSlices - 1) / numSlices;
      }
      return;
    }
    for (auto [index, plan] : llvm::enumerate(chosen)) {
      // Peak of the steps outside this chain's loop, and peak of the loop.
      auto peaks = [&, index = index]() {
        Schedule schedule = buildSchedule(graph, chosen);
        LivenessResult liveness = schedule.computeLiveness();
        int64_t rest = sramBudget, loop = 0;
        for (auto [step, bytes] :
             llvm::zip(schedule.getSteps(), liveness.liveBytes)) {
          bool inLoop = step.chain == static_cast<int>(index) &&
                        step.stage != stringifyChainStage(ChainStage::Finish);
          (inLoop ? loop : rest) = std::max(inLoop ? loop : rest, bytes);
        }
        return std::make_pair(rest, loop);
      };
      plan.sliceSize = 1;
      int64_t target = peaks().first;
      // The loop's live bytes grow with the slice size: binary search the
      // largest slice that fits.
      int64_t low = 1, high = plan.channels;
      while (low < high) {
        int64_t mid = (low + high + 1) / 2;
        plan.sliceSize = mid;
        if (peaks().second <= target)
          low = mid;
        else
          high = mid - 1;
      }
      // Same number of slices, with a slice size that divides the channels
      // when one exists.
      int64_t numSlices = (plan.channels + low - 1) / low;
      plan.sliceSize =
          plan.channels % numSlices == 0 ? plan.channels / numSlices : low;
    }
  }

  LogicalResult rewrite(const KernelGraph &graph, const ChainPlan &plan) {
    SmallVector<Operation *> ops;
    for (unsigned kernel : plan.kernels)
      llvm::append_range(ops, graph.getKernels()[kernel].ops);
    llvm::sort(
        ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    llvm::SmallPtrSet<Operation *, 16> inChain(ops.begin(), ops.end());
    Value output = graph.getKernels()[plan.kernels.back()].outputs.front();

    // Materialised inputs become block arguments; constants are cloned in.
    llvm::SetVector<Value> inputs;
    for (Operation *op : ops)
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (def &&
            (inChain.count(def) || def->hasTrait<OpTrait::ConstantLike>()))
          continue;
        inputs.insert(operand);
      }

    OpBuilder builder(ops.back()->getContext());
    builder.setInsertionPointAfter(ops.back());
    auto chain = ChainOp::create(
        builder, ops.back()->getLoc(), TypeRange{output.getType()},
        inputs.getArrayRef(), plan.channels, plan.sliceSize, plan.boundary);
    Block *body = builder.createBlock(&chain.getBody());
    llvm::DenseMap<Value, BlockArgument> arguments;
    for (Value input : inputs)
      arguments[input] = body->addArgument(input.getType(), input.getLoc());
    output.replaceUsesWithIf(chain.getResult(0), [&](OpOperand &use) {
      return !inChain.count(use.getOwner());
    });

    IRMapping constants;
    llvm::SmallSetVector<Operation *, 8> clonedFrom;
    for (Operation *op : ops) {
      op->moveBefore(body, body->end());
      for (OpOperand &operand : op->getOpOperands()) {
        Value value = operand.get();
        if (BlockArgument argument = arguments.lookup(value)) {
          operand.set(argument);
          continue;
        }
        Operation *def = value.getDefiningOp();
        if (!def || !def->hasTrait<OpTrait::ConstantLike>() ||
            def->getBlock() == body)
          continue;
        if (!constants.contains(value)) {
          OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPointToStart(body);
          builder.clone(*def, constants);
          clonedFrom.insert(def);
        }
        operand.set(constants.lookup(value));
      }
    }
    builder.setInsertionPointToEnd(body);
    YieldOp::create(builder, chain.getLoc(), ValueRange{output});

    // Constants that only the chain used are now dead outside it.
    for (Operation *op : clonedFrom)
      if (op->use_empty())
        op->erase();

    ChainStructure structure;
    if (failed(chain.analyzeBody(structure, /*emitDiagnostics=*/true)))
      return chain.emitError("internal error: formed an invalid chain");
    return success();
  }
};

} // namespace
