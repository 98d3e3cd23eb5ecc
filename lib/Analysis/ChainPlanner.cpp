//===- ChainPlanner.cpp - choose and size partial.chain candidates --------===//

#include "pex/Analysis/ChainPlanner.h"

#include "llvm/ADT/DenseSet.h"

#include <limits>

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
  CandidateFinder(const KernelGraph &graph, const ChainPlannerOptions &options)
      : graph(graph), options(options) {}

  std::vector<ChainPlan> find() {
    std::vector<ChainPlan> candidates;
    ArrayRef<Kernel> kernels = graph.getKernels();
    for (unsigned start = 0; start < kernels.size(); ++start) {
      const Kernel &kernel = kernels[start];
      if (!isTopLevel(kernel) || kernel.outputs.size() != 1)
        continue;
      ChainPlan plan;
      plan.channels = effectiveChannels(kernel.outputs.front());
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
            effectiveChannels(op->getOperand(i)) != channels)
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
      if (effectiveChannels(kernels[current].outputs.front()) != plan.channels)
        return;
      if (kernel.channelClass == ChannelClass::Local) {
        if (kernel.outputs.size() != 1 ||
            effectiveChannels(kernel.outputs.front()) != plan.channels ||
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

  int64_t effectiveChannels(Value value) const {
    return options.channels ? options.channels(value) : channelsOf(value);
  }

  const KernelGraph &graph;
  const ChainPlannerOptions &options;
};

/// The smallest peak reduction for which a chain is worth its loop.
constexpr int64_t kMinimumChainGainBytes = 16;

/// Orders schedules: lower peak first, then fewer steps at the peak, then
/// fewer live bytes overall.
bool isBetter(const LivenessResult &a, const LivenessResult &b) {
  return std::make_tuple(a.peakBytes, a.stepsAtPeak, a.area) <
         std::make_tuple(b.peakBytes, b.stepsAtPeak, b.area);
}

} // namespace

std::vector<ChainPlan>
mlir::pex::findChainCandidates(const KernelGraph &graph,
                               const ChainPlannerOptions &options) {
  return CandidateFinder(graph, options).find();
}

std::vector<ChainPlan>
mlir::pex::chooseChains(const KernelGraph &graph,
                        const ChainPlannerOptions &options,
                        ArrayRef<ChainPlan> fixed) {
  std::vector<ChainPlan> candidates = findChainCandidates(graph, options);
  for (ChainPlan &candidate : candidates)
    candidate.sliceSize = 1;
  std::vector<ChainPlan> chosen(fixed.begin(), fixed.end());
  llvm::DenseSet<unsigned> used;
  for (const ChainPlan &plan : fixed)
    used.insert(plan.kernels.begin(), plan.kernels.end());
  LivenessResult current =
      buildSchedule(graph, chosen, options.channels).computeLiveness();
  while (current.peakBytes > options.sramBudget) {
    std::optional<unsigned> best;
    LivenessResult bestLiveness;
    for (auto [index, candidate] : llvm::enumerate(candidates)) {
      if (llvm::any_of(candidate.kernels,
                       [&](unsigned k) { return used.count(k); }))
        continue;
      chosen.push_back(candidate);
      LivenessResult trial =
          buildSchedule(graph, chosen, options.channels).computeLiveness();
      chosen.pop_back();
      if (!best || isBetter(trial, bestLiveness)) {
        best = index;
        bestLiveness = std::move(trial);
      }
    }
    if (!best)
      break;
    // A chain must lower the peak by more than the alignment padding of the
    // buffers it adds (a slice and an accumulator, up to 8 bytes each), or
    // no arena shrinks and a loop of kernel calls is all it brings; one
    // that only leaves fewer steps at the peak may let the next chain lower
    // it.
    int64_t saved = current.peakBytes - bestLiveness.peakBytes;
    bool fewerAtPeak =
        saved == 0 && bestLiveness.stepsAtPeak < current.stepsAtPeak;
    if (saved < kMinimumChainGainBytes && !fewerAtPeak)
      break;
    chosen.push_back(candidates[*best]);
    used.insert(candidates[*best].kernels.begin(),
                candidates[*best].kernels.end());
    current = std::move(bestLiveness);
  }
  // A chain accepted for lowering one of several steps tied at the peak
  // is useless if another chain could not lower the rest: drop chains
  // whose removal leaves the peak where it is.
  for (size_t i = chosen.size(); i-- > fixed.size();) {
    ChainPlan removed = chosen[i];
    chosen.erase(chosen.begin() + i);
    if (buildSchedule(graph, chosen, options.channels)
            .computeLiveness()
            .peakBytes > current.peakBytes)
      chosen.insert(chosen.begin() + i, std::move(removed));
  }
  chosen.erase(chosen.begin(), chosen.begin() + fixed.size());
  return chosen;
}

std::vector<ChainPlan>
mlir::pex::findRowChainCandidates(const KernelGraph &graph) {
  std::vector<ChainPlan> candidates;
  ArrayRef<Kernel> kernels = graph.getKernels();
  Operation *func = graph.getFunction().getOperation();
  auto streamable = [&](const Kernel &kernel) {
    if (kernel.outputs.size() != 1)
      return false;
    return llvm::all_of(kernel.ops, [&](Operation *op) {
      std::string reason;
      // A row chain's ops read each other directly: a view of a buffer the
      // run makes (a cropped input) would read it whole.
      bool readsView = llvm::any_of(op->getOperands(), [&](Value operand) {
        Operation *def = operand.getDefiningOp();
        return def && isViewOp(def) &&
               !graph.isFunctionArgument(graph.getRoot(operand));
      });
      return op->getParentOp() == func && !readsView &&
             succeeded(getRowWindows(op, reason));
    });
  };
  // The stem reads the model input, or what a kernel that cannot stream
  // makes of the input alone (a PyTorch export's NCHW -> NHWC transpose).
  auto readsInputOnly = [&](const Kernel &kernel) {
    return llvm::all_of(kernel.inputs, [&](Value input) {
      return graph.isFunctionArgument(input);
    });
  };
  auto isStemInput = [&](Value input) {
    if (graph.isFunctionArgument(input))
      return true;
    int producer = graph.getProducer(input);
    return producer >= 0 && !streamable(kernels[producer]) &&
           readsInputOnly(kernels[producer]);
  };
  for (unsigned start = 0; start < kernels.size(); ++start) {
    if (!streamable(kernels[start]) ||
        !llvm::all_of(kernels[start].inputs, isStemInput))
      continue;
    ChainPlan plan;
    // Results still to be read by a later kernel of the run, by reader.
    llvm::DenseMap<Value, unsigned> pending;
    for (unsigned end = start; end < kernels.size(); ++end) {
      const Kernel &kernel = kernels[end];
      if (!streamable(kernel))
        break;
      plan.kernels.push_back(end);
      for (Value input : kernel.inputs) {
        auto it = pending.find(input);
        if (it != pending.end() && --it->second == 0)
          pending.erase(it);
      }
      Value output = kernel.outputs.front();
      // Only the last kernel's result may leave the chain.
      if (pending.empty() && end > start) {
        std::string reason;
        SmallVector<Operation *> ops = graph.getOpsInProgramOrder(plan.kernels);
        if (ops.back()->getResult(0) == output &&
            succeeded(buildRowSchedule(ops, 1, reason)))
          candidates.push_back(plan);
      }
      if (graph.isFunctionResult(output))
        break;
      unsigned readers = graph.getConsumers(output).size();
      if (readers == 0)
        break;
      pending[output] = readers;
    }
  }
  return candidates;
}

std::optional<ChainPlan>
mlir::pex::chooseRowChain(const KernelGraph &graph,
                          ArrayRef<ChainPlan> channelChains,
                          const ChainPlannerOptions &options) {
  if (!options.rows || options.channels)
    return std::nullopt;
  auto peakOf = [&](ArrayRef<ChainPlan> chains) {
    return buildSchedule(graph, chains, options.channels)
        .computeLiveness()
        .peakBytes;
  };
  int64_t current = peakOf(channelChains);
  // A band counts rows of the first kernel (the one reading the image).
  auto sourceRows = [&](const ChainPlan &plan) {
    const Kernel &first = graph.getKernels()[plan.kernels.front()];
    return cast<RankedTensorType>(first.outputs.front().getType())
        .getDimSize(1);
  };

  // Each run with one-row bands (its least memory), and the channel chains
  // chosen again around it: the rest of the network bounds what a longer
  // run gains.
  std::optional<ChainPlan> best;
  std::vector<ChainPlan> bestChains;
  // A forced band streams the best run even when it gains nothing.
  int64_t bestPeak = options.band > 0 ? std::numeric_limits<int64_t>::max()
                                      : current - kMinimumChainGainBytes;
  // Choosing the channel chains again around a run is a whole chain choice.
  // Up to kExactRowChainKernels fused groups (every MCU network we know),
  // every run pays it. Beyond, the runs are ranked by a cheap estimate,
  // their peak next to the channel chains they do not overlap (which
  // favours longer runs), and only the kRowChainFinalists best that gain
  // pay it: a network of hundreds of streamable groups took minutes
  // otherwise. Either way, candidates come by start, shortest first, and
  // past the layers whose tensors the chain shrinks a longer run stops
  // gaining: after kRowChainPatience longer runs without a lower peak the
  // rest of that start's runs are skipped.
  constexpr size_t kExactRowChainKernels = 256;
  constexpr unsigned kRowChainPatience = 6;
  constexpr size_t kRowChainFinalists = 4;
  bool exact = graph.getKernels().size() <= kExactRowChainKernels;
  auto overlaps = [](const ChainPlan &a, const ChainPlan &b) {
    return llvm::any_of(a.kernels, [&](unsigned k) {
      return llvm::is_contained(b.kernels, k);
    });
  };
  auto evaluate = [&](const ChainPlan &candidate) {
    std::vector<ChainPlan> chains = {candidate};
    llvm::append_range(chains, chooseChains(graph, options, {candidate}));
    int64_t peak = peakOf(chains);
    if (peak < bestPeak || (best && peak == bestPeak &&
                            candidate.kernels.size() < best->kernels.size())) {
      best = candidate;
      bestChains = std::move(chains);
      bestPeak = peak;
    }
    return peak;
  };
  std::vector<std::pair<int64_t, ChainPlan>> ranked;
  unsigned currentStart = ~0u, sinceImproved = 0;
  int64_t startBest = std::numeric_limits<int64_t>::max();
  for (ChainPlan candidate : findRowChainCandidates(graph)) {
    if (candidate.kernels.front() != currentStart) {
      currentStart = candidate.kernels.front();
      sinceImproved = 0;
      startBest = std::numeric_limits<int64_t>::max();
    } else if (sinceImproved >= kRowChainPatience) {
      continue;
    }
    candidate.band =
        options.band > 0 ? std::min(options.band, sourceRows(candidate)) : 1;
    int64_t peak;
    if (exact) {
      peak = evaluate(candidate);
    } else {
      std::vector<ChainPlan> chains = {candidate};
      for (const ChainPlan &chain : channelChains)
        if (!overlaps(chain, candidate))
          chains.push_back(chain);
      peak = peakOf(chains);
      ranked.emplace_back(peak, candidate);
    }
    if (peak < startBest) {
      startBest = peak;
      sinceImproved = 0;
    } else {
      ++sinceImproved;
    }
  }
  llvm::stable_sort(ranked, [](const auto &a, const auto &b) {
    return std::make_pair(a.first, a.second.kernels.size()) <
           std::make_pair(b.first, b.second.kernels.size());
  });
  if (ranked.size() > kRowChainFinalists)
    ranked.resize(kRowChainFinalists);
  for (auto &[estimate, candidate] : ranked)
    if (options.band > 0 || estimate < current)
      evaluate(candidate);
  if (!best || options.band > 0)
    return best;

  // Fewer, larger steps: the largest band within 1% of that peak.
  int64_t tolerance = std::max<int64_t>(kMinimumChainGainBytes, bestPeak / 100);
  for (int64_t band = 2; band <= sourceRows(*best); band *= 2) {
    bestChains.front().band = band;
    int64_t peak = peakOf(bestChains);
    if (peak <= bestPeak + tolerance &&
        current - peak >= kMinimumChainGainBytes)
      best->band = band;
  }
  return best;
}

void mlir::pex::sizeChainSlices(const KernelGraph &graph,
                                std::vector<ChainPlan> &chosen,
                                const ChainPlannerOptions &options) {
  if (options.slices > 0) {
    for (ChainPlan &plan : chosen) {
      if (plan.isRowChain())
        continue;
      int64_t numSlices = std::min<int64_t>(options.slices, plan.channels);
      plan.sliceSize = (plan.channels + numSlices - 1) / numSlices;
    }
    return;
  }
  for (auto [index, plan] : llvm::enumerate(chosen)) {
    if (plan.isRowChain())
      continue;
    // Peak of the steps outside this chain's loop, and peak of the loop.
    auto peaks = [&, index = index]() {
      Schedule schedule = buildSchedule(graph, chosen, options.channels);
      LivenessResult liveness = schedule.computeLiveness();
      int64_t rest = options.sramBudget, loop = 0;
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

std::vector<ChainPlan>
mlir::pex::planChains(const KernelGraph &graph,
                      const ChainPlannerOptions &options) {
  std::vector<ChainPlan> chains = chooseChains(graph, options);
  if (std::optional<ChainPlan> rows = chooseRowChain(graph, chains, options)) {
    std::vector<ChainPlan> around = chooseChains(graph, options, {*rows});
    chains = {*rows};
    llvm::append_range(chains, around);
  }
  sizeChainSlices(graph, chains, options);
  return chains;
}
