//===- PruneHints.cpp - memory-driven structured-pruning hints ------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "pex/Analysis/ChainPlanner.h"
#include "pex/Analysis/ChannelGroups.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXPRUNEHINTS
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;
using namespace mlir::pex;

namespace {

/// Channel counts of a what-if model, by group.
class PruningState {
public:
  PruningState(const KernelGraph &graph, const ChannelGroups &groups)
      : graph(graph), groups(groups) {
    for (const ChannelGroup &group : groups.getGroups())
      channels.push_back(group.channels);
  }

  ChannelCountFn channelFn() const {
    return [this](Value value) {
      int group = groups.getGroupOf(value);
      if (group < 0)
        return cast<ShapedType>(value.getType()).getShape().back();
      return channels[group];
    };
  }

  /// Liveness with the given chains in one-channel slices.
  LivenessResult evaluate(ArrayRef<ChainPlan> chains) const {
    return buildSchedule(graph, chains, channelFn()).computeLiveness();
  }

  /// Plans chains anew for the current channel counts.
  std::vector<ChainPlan> replan() const {
    ChainPlannerOptions options;
    options.channels = channelFn();
    return chooseChains(graph, options);
  }

  const KernelGraph &graph;
  const ChannelGroups &groups;
  std::vector<int64_t> channels;
};

struct PexPruneHintsPass
    : public pex::impl::PexPruneHintsBase<PexPruneHintsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (sramBudget <= 0 || minChannelFraction <= 0 || minChannelFraction > 1) {
      func.emitError("pex-prune-hints needs sram-budget > 0 and "
                     "0 < min-channel-fraction <= 1");
      return signalPassFailure();
    }
    if (!func.getOps<partial::ChainOp>().empty()) {
      func.emitError("pex-prune-hints runs on TOSA before chain formation");
      return signalPassFailure();
    }

    KernelGraph graph(func);
    ChannelGroups groups(func);
    PruningState state(graph, groups);
    std::vector<ChainPlan> chains = state.replan();
    Schedule unprunedSchedule = buildSchedule(graph, chains);
    LivenessResult unpruned = unprunedSchedule.computeLiveness();
    if (unpruned.peakBytes <= sramBudget)
      return; // Partial execution alone meets the budget.

    ArrayRef<ChannelGroup> all = groups.getGroups();
    std::vector<int64_t> floors;
    for (const ChannelGroup &group : all)
      floors.push_back(group.pinned.empty() && !group.producers.empty()
                           ? std::max<int64_t>(1, std::ceil(minChannelFraction *
                                                            group.channels))
                           : group.channels);

    // The best any pruning within the floors can do.
    state.channels = floors;
    int64_t best = state.evaluate(state.replan()).peakBytes;
    if (best > sramBudget) {
      func.emitError("sram-budget of ")
          << sramBudget.getValue()
          << " bytes cannot be met: with partial execution and every "
             "prunable layer at min-channel-fraction="
          << llvm::formatv("{0}", minChannelFraction.getValue()).str()
          << ", the best peak reachable is " << best << " bytes ("
          << unpruned.peakBytes << " bytes without pruning)";
      return signalPassFailure();
    }
    for (auto [index, group] : llvm::enumerate(all))
      state.channels[index] = group.channels;

    if (failed(search(state, chains, floors)))
      return signalPassFailure();
    annotate(func, state, unprunedSchedule, unpruned);
  }

  /// Capacity one channel of a group carries, as a share of the model's.
  double cost(const ChannelGroups &groups, const ChannelGroup &group) {
    double macs = groups.getTotalMacs()
                      ? double(group.macsPerChannel) / groups.getTotalMacs()
                      : 0;
    double params = groups.getTotalParams() ? double(group.paramsPerChannel) /
                                                  groups.getTotalParams()
                                            : 0;
    return macs + params + 1e-12;
  }

  /// A candidate reduction of one group.
  struct Step {
    unsigned group;
    int64_t channels;
    double score;
  };

  /// The reduction with the best ratio of peak bytes saved to capacity
  /// removed. With `chains`, the chain structure stays fixed and each group
  /// shrinks by one quantum (fast); without, chains are planned anew for
  /// every trial and each group shrinks until the peak moves (this crosses
  /// plateaus where a different chain structure becomes the better one).
  std::optional<Step> bestStep(PruningState &state,
                               std::optional<ArrayRef<ChainPlan>> chains,
                               const LivenessResult &current,
                               ArrayRef<int64_t> floors) {
    // Live bytes at the current peak steps break ties between reductions
    // that leave the peak where it is because several steps share it.
    auto atPeak = [&](const LivenessResult &liveness) {
      int64_t sum = 0;
      for (auto [step, bytes] : llvm::enumerate(current.liveBytes))
        if (bytes == current.peakBytes && step < liveness.liveBytes.size())
          sum += liveness.liveBytes[step];
      return sum;
    };
    int64_t currentAtPeak = atPeak(current);
    std::optional<Step> best;
    for (auto [index, group] : llvm::enumerate(state.groups.getGroups())) {
      int64_t before = state.channels[index];
      int64_t quantum = std::max<int64_t>(1, group.channels / 32);
      for (int64_t after = std::max(floors[index], before - quantum);
           after < before; after = std::max(floors[index], after - quantum)) {
        state.channels[index] = after;
        LivenessResult trial =
            state.evaluate(chains ? *chains : ArrayRef(state.replan()));
        state.channels[index] = before;
        double gain = double(current.peakBytes - trial.peakBytes) *
                      (current.stepsAtPeak + 1);
        if (chains)
          gain +=
              double(currentAtPeak - atPeak(trial)) / (current.stepsAtPeak + 1);
        double score =
            gain / (cost(state.groups, group) * double(before - after));
        if (gain > 0 && (!best || score > best->score))
          best = Step{static_cast<unsigned>(index), after, score};
        if (gain > 0 || chains || after == floors[index])
          break;
      }
    }
    return best;
  }

  /// Shrinks groups until the re-planned peak meets the budget.
  LogicalResult search(PruningState &state, std::vector<ChainPlan> &chains,
                       ArrayRef<int64_t> floors) {
    LivenessResult current = state.evaluate(chains);
    while (true) {
      if (current.peakBytes <= sramBudget) {
        // Chains were planned before the last reductions: plan them again
        // for the pruned model, and go on if the new plan misses the budget.
        chains = state.replan();
        current = state.evaluate(chains);
        if (current.peakBytes <= sramBudget) {
          giveBack(state);
          return success();
        }
      }
      std::optional<Step> step =
          bestStep(state, ArrayRef<ChainPlan>(chains), current, floors);
      bool replanned = !step;
      if (!step)
        step = bestStep(state, std::nullopt, current, floors);
      if (!step) {
        getOperation().emitError("pruning hints found no layer whose pruning "
                                 "lowers the peak of ")
            << current.peakBytes << " bytes";
        return failure();
      }
      state.channels[step->group] = step->channels;
      if (replanned)
        chains = state.replan();
      current = state.evaluate(chains);
    }
  }

  /// Greedy steps can overshoot once a later step moved the peak elsewhere:
  /// give each pruned group back the channels the budget allows.
  void giveBack(PruningState &state) {
    for (auto [index, group] : llvm::enumerate(state.groups.getGroups())) {
      int64_t low = state.channels[index], high = group.channels;
      while (low < high) {
        int64_t mid = (low + high + 1) / 2;
        state.channels[index] = mid;
        if (state.evaluate(state.replan()).peakBytes <= sramBudget)
          low = mid;
        else
          high = mid - 1;
      }
      state.channels[index] = low;
    }
  }

  /// Attaches the hints to the producers of the pruned groups.
  void annotate(func::FuncOp func, const PruningState &state,
                const Schedule &unprunedSchedule,
                const LivenessResult &unpruned) {
    // What each group holds at the unpruned peak.
    std::vector<int64_t> peakBytes(state.channels.size(), 0);
    for (unsigned tensor : unpruned.liveTensors[unpruned.peakStep]) {
      const ScheduleTensor &record = unprunedSchedule.getTensors()[tensor];
      int group = record.value ? state.groups.getGroupOf(record.value) : -1;
      if (group >= 0)
        peakBytes[group] += record.bytes;
    }
    Builder builder(func.getContext());
    for (auto [index, group] : llvm::enumerate(state.groups.getGroups())) {
      if (state.channels[index] == group.channels)
        continue;
      auto hint = builder.getDictionaryAttr({
          builder.getNamedAttr("channels_before",
                               builder.getI64IntegerAttr(group.channels)),
          builder.getNamedAttr("channels_after", builder.getI64IntegerAttr(
                                                     state.channels[index])),
          builder.getNamedAttr("group", builder.getI64IntegerAttr(index)),
          builder.getNamedAttr("peak_bytes",
                               builder.getI64IntegerAttr(peakBytes[index])),
      });
      for (Operation *producer : group.producers)
        producer->setAttr(kPruneHintAttrName, hint);
    }
  }
};

} // namespace
