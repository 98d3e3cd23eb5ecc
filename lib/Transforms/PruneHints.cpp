//===- PruneHints.cpp - memory-driven structured-pruning hints ------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "pex/Analysis/ArenaPlanner.h"
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

/// How many times at most the arena of a pruned model is planned.
constexpr unsigned kMaxArenaAttempts = 12;

/// `pipeline` with the option `sram-budget=<budget>` added.
std::string withBudget(StringRef pipeline, int64_t budget) {
  std::string option = "sram-budget=" + std::to_string(budget);
  if (pipeline.ends_with("}"))
    return (pipeline.drop_back() + " " + option + "}").str();
  return (pipeline + "{" + option + "}").str();
}

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
    if (unpruned.peakBytes <= sramBudget && arenaPipeline.empty())
      return; // Partial execution alone meets the budget.
    // With an arena pipeline the arena decides; it may stream rows, which
    // the what-ifs below (channel chains only) do not model.
    if (!arenaPipeline.empty()) {
      FailureOr<int64_t> arena = plannedArenaBytes(func, state);
      if (failed(arena))
        return signalPassFailure();
      if (*arena <= sramBudget)
        return; // The unpruned model's arena meets the budget.
    }

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
    std::string floorText =
        "every prunable layer at min-channel-fraction=" +
        llvm::formatv("{0}", minChannelFraction.getValue()).str();

    // Above the budget at the floors, only a row chain (in the arena, not
    // in the what-ifs) can still meet it.
    if (best > sramBudget) {
      FailureOr<int64_t> floorArena = best;
      if (!arenaPipeline.empty())
        floorArena = plannedArenaBytes(func, state);
      if (failed(floorArena))
        return signalPassFailure();
      if (*floorArena > sramBudget) {
        func.emitError("sram-budget of ")
            << sramBudget.getValue()
            << " bytes cannot be met: with partial execution and " << floorText
            << ", the best peak reachable is " << best << " bytes ("
            << unpruned.peakBytes << " bytes without pruning)";
        return signalPassFailure();
      }
    }

    // Channel counts that meet `target` at the peak, and the arena planned
    // for them (the peak itself without arena-pipeline).
    auto prune = [&](int64_t target) -> FailureOr<int64_t> {
      for (auto [index, group] : llvm::enumerate(all))
        state.channels[index] = group.channels;
      if (unpruned.peakBytes > target) {
        std::vector<ChainPlan> trialChains = chains;
        if (failed(search(state, trialChains, floors, target)))
          return failure();
      }
      if (arenaPipeline.empty())
        return state.evaluate(state.replan()).peakBytes;
      return plannedArenaBytes(func, state);
    };

    // The budget is for the planned arena, which can exceed the peak
    // (alignment, packing, kernel scratch, and chains formed only until the
    // peak fits). While the arena misses the budget, prune for a peak lower
    // by the excess, or by twice the last step, whichever is more, so that
    // a few attempts cross the plateaus where the arena does not move.
    // Then bisect between the last target that missed and the one that
    // met the budget, to remove no more channels than needed.
    int64_t target =
        std::max(best, std::min<int64_t>(sramBudget, unpruned.peakBytes - 1));
    int64_t step = 0, missed = 0;
    FailureOr<int64_t> arena = prune(target);
    unsigned attempts = arenaPipeline.empty() ? 1 : 2;
    for (; succeeded(arena) && *arena > sramBudget; ++attempts) {
      if (target == best || attempts == kMaxArenaAttempts) {
        func.emitError("sram-budget of ")
            << sramBudget.getValue() << " bytes cannot be met by the arena: "
            << "planned by " << arenaPipeline.getValue() << ", it needs "
            << *arena << " bytes for a pruned model whose peak is at most "
            << target << " bytes"
            << (target == best ? " (the best reachable with " + floorText + ")"
                               : "");
        return signalPassFailure();
      }
      missed = target;
      step = std::max(*arena - sramBudget, 2 * step);
      target = std::max(best, target - step);
      arena = prune(target);
    }
    if (failed(arena))
      return signalPassFailure();
    std::vector<int64_t> met = state.channels;
    // Met at the first target: the arena may be below the peak (row
    // chains), so look for a higher peak that still meets the budget.
    if (missed == 0)
      missed = unpruned.peakBytes;
    for (int64_t low = target, high = missed;
         high - low > 1 && attempts < kMaxArenaAttempts; ++attempts) {
      int64_t mid = low + (high - low) / 2;
      arena = prune(mid);
      if (failed(arena))
        return signalPassFailure();
      if (*arena <= sramBudget) {
        low = mid;
        met = state.channels;
      } else {
        high = mid;
      }
    }
    state.channels = met;
    annotate(func, state, unprunedSchedule, unpruned);
  }

  /// The arena `arena-pipeline` plans for the function pruned as `state`
  /// says. The pipeline runs on a copy in a context of its own, so that it
  /// neither sees nor races with the rest of the module.
  FailureOr<int64_t> plannedArenaBytes(func::FuncOp func,
                                       const PruningState &state) {
    std::string text;
    {
      OwningOpRef<ModuleOp> copy = ModuleOp::create(func.getLoc());
      OpBuilder builder(func.getContext());
      builder.setInsertionPointToEnd(copy->getBody());
      IRMapping mapping;
      auto clone = cast<func::FuncOp>(builder.clone(*func, mapping));
      clone.setPublic();
      for (auto [index, group] : llvm::enumerate(state.groups.getGroups())) {
        if (state.channels[index] == group.channels)
          continue;
        DictionaryAttr hint = makeHint(index, group, state.channels[index], 0);
        for (Operation *producer : group.producers)
          mapping.lookup(producer)->setAttr(kPruneHintAttrName, hint);
      }
      llvm::raw_string_ostream os(text);
      copy->print(os, OpPrintingFlags().enableDebugInfo());
    }

    MLIRContext context(getContext().getDialectRegistry(),
                        MLIRContext::Threading::DISABLED);
    std::string firstError;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      if (diagnostic.getSeverity() == DiagnosticSeverity::Error &&
          firstError.empty()) {
        llvm::raw_string_ostream os(firstError);
        os << diagnostic.getLocation() << ": " << diagnostic;
      }
      return success();
    });
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(text, ParserConfig(&context));
    if (!module)
      return func.emitError("cannot copy the function for arena-pipeline: ")
             << firstError;
    PassManager pm(&context);
    std::string pipelineError;
    llvm::raw_string_ostream pipelineErrors(pipelineError);
    if (failed(parsePassPipeline("func.func(pex-apply-pruning)," +
                                     withBudget(arenaPipeline, sramBudget),
                                 pm, pipelineErrors)))
      return func.emitError("arena-pipeline '")
             << arenaPipeline.getValue() << "' is invalid: " << pipelineError;
    if (failed(pm.run(*module)))
      return func.emitError("planning the arena of the pruned model with ")
             << arenaPipeline.getValue() << " failed: " << firstError;
    auto arena = (*module)->getAttrOfType<DictionaryAttr>(kArenaAttrName);
    auto bytes = arena ? arena.getAs<IntegerAttr>("bytes") : nullptr;
    if (!bytes)
      return func.emitError("arena-pipeline '")
             << arenaPipeline.getValue() << "' plans no arena ("
             << kArenaAttrName << ")";
    return bytes.getInt();
  }

  /// The hint of a pruned group.
  DictionaryAttr makeHint(unsigned index, const ChannelGroup &group,
                          int64_t channels, int64_t peakBytes) {
    Builder builder(&getContext());
    return builder.getDictionaryAttr({
        builder.getNamedAttr("channels_before",
                             builder.getI64IntegerAttr(group.channels)),
        builder.getNamedAttr("channels_after",
                             builder.getI64IntegerAttr(channels)),
        builder.getNamedAttr("group", builder.getI64IntegerAttr(index)),
        builder.getNamedAttr("peak_bytes",
                             builder.getI64IntegerAttr(peakBytes)),
    });
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

  /// Shrinks groups until the re-planned peak meets `budget`.
  LogicalResult search(PruningState &state, std::vector<ChainPlan> &chains,
                       ArrayRef<int64_t> floors, int64_t budget) {
    LivenessResult current = state.evaluate(chains);
    while (true) {
      if (current.peakBytes <= budget) {
        // Chains were planned before the last reductions: plan them again
        // for the pruned model, and go on if the new plan misses the budget.
        chains = state.replan();
        current = state.evaluate(chains);
        if (current.peakBytes <= budget) {
          giveBack(state, budget);
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
  void giveBack(PruningState &state, int64_t budget) {
    for (auto [index, group] : llvm::enumerate(state.groups.getGroups())) {
      int64_t low = state.channels[index], high = group.channels;
      while (low < high) {
        int64_t mid = (low + high + 1) / 2;
        state.channels[index] = mid;
        if (state.evaluate(state.replan()).peakBytes <= budget)
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
    for (auto [index, group] : llvm::enumerate(state.groups.getGroups())) {
      if (state.channels[index] == group.channels)
        continue;
      DictionaryAttr hint =
          makeHint(index, group, state.channels[index], peakBytes[index]);
      for (Operation *producer : group.producers)
        producer->setAttr(kPruneHintAttrName, hint);
    }
  }
};

} // namespace
