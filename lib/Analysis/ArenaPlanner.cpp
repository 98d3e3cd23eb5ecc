//===- ArenaPlanner.cpp - static arena packing ----------------------------===//

#include "pex/Analysis/ArenaPlanner.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <algorithm>
#include <functional>
#include <numeric>

using namespace mlir::pex;
using llvm::ArrayRef;

namespace {

int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

bool liveTogether(const ArenaBuffer &a, const ArenaBuffer &b) {
  return a.first <= b.last && b.first <= a.last;
}

/// Whether `b` may share `a`'s bytes: `b` is declared in place of `a`, or
/// the other way round.
bool inPlacePair(ArrayRef<ArenaBuffer> buffers, unsigned a, unsigned b) {
  return buffers[b].inPlaceOf == a || buffers[a].inPlaceOf == b;
}

enum class Fit { First, Best };

ArenaPlan place(ArrayRef<ArenaBuffer> buffers, ArrayRef<unsigned> order,
                Fit fit, bool useInPlace) {
  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), -1);
  std::vector<unsigned> placed;
  for (unsigned index : order) {
    const ArenaBuffer &buffer = buffers[index];
    if (buffer.size == 0) {
      plan.offsets[index] = 0;
      continue;
    }
    // An in-place buffer takes its source's offset when nothing else that
    // is live with it sits there.
    auto conflicts = [&](int64_t offset) {
      for (unsigned other : placed) {
        if (!liveTogether(buffer, buffers[other]))
          continue;
        if (useInPlace && inPlacePair(buffers, index, other) &&
            plan.offsets[other] == offset)
          continue;
        if (offset < plan.offsets[other] + buffers[other].size &&
            plan.offsets[other] < offset + buffer.size)
          return true;
      }
      return false;
    };
    if (useInPlace && buffer.inPlaceOf &&
        plan.offsets[*buffer.inPlaceOf] >= 0 &&
        plan.offsets[*buffer.inPlaceOf] % buffer.alignment == 0 &&
        !conflicts(plan.offsets[*buffer.inPlaceOf])) {
      plan.offsets[index] = plan.offsets[*buffer.inPlaceOf];
      placed.push_back(index);
      continue;
    }

    // Busy intervals of the buffers live at the same time, by offset.
    llvm::SmallVector<std::pair<int64_t, int64_t>> busy;
    for (unsigned other : placed)
      if (liveTogether(buffer, buffers[other]))
        busy.push_back(
            {plan.offsets[other], plan.offsets[other] + buffers[other].size});
    llvm::sort(busy);
    int64_t bestOffset = -1, bestGap = INT64_MAX, cursor = 0;
    auto consider = [&](int64_t gapEnd) {
      int64_t offset = alignTo(cursor, buffer.alignment);
      if (offset + buffer.size > gapEnd || conflicts(offset))
        return false;
      int64_t gap = gapEnd - offset;
      if (bestOffset < 0 || (fit == Fit::Best && gap < bestGap)) {
        bestOffset = offset;
        bestGap = gap;
      }
      return fit == Fit::First;
    };
    bool done = false;
    for (auto [begin, end] : busy) {
      if (begin > cursor && consider(begin)) {
        done = true;
        break;
      }
      cursor = std::max(cursor, end);
    }
    if (!done && (bestOffset < 0 || fit == Fit::Best)) {
      // After the last busy interval: unbounded, chosen only without a gap.
      int64_t offset = alignTo(cursor, buffer.alignment);
      while (conflicts(offset))
        offset += buffer.alignment;
      if (bestOffset < 0)
        bestOffset = offset;
    }
    plan.offsets[index] = bestOffset;
    placed.push_back(index);
  }
  for (auto [index, buffer] : llvm::enumerate(buffers))
    plan.arenaBytes =
        std::max(plan.arenaBytes, plan.offsets[index] + buffer.size);
  return plan;
}

std::vector<unsigned> sortedOrder(
    ArrayRef<ArenaBuffer> buffers,
    const std::function<bool(const ArenaBuffer &, const ArenaBuffer &)> &less) {
  std::vector<unsigned> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
    return less(buffers[a], buffers[b]);
  });
  return order;
}

} // namespace

int64_t mlir::pex::computeLiveBytesBound(ArrayRef<ArenaBuffer> buffers) {
  unsigned steps = 0;
  for (const ArenaBuffer &buffer : buffers)
    steps = std::max(steps, buffer.last + 1);
  std::vector<int64_t> live(steps, 0);
  for (auto [index, buffer] : llvm::enumerate(buffers)) {
    int64_t size = buffer.size;
    for (unsigned step = buffer.first; step <= buffer.last; ++step) {
      // The in-place successor shares its source's bytes at the shared step.
      if (buffer.inPlaceOf && step == buffer.first &&
          buffers[*buffer.inPlaceOf].last == step)
        live[step] +=
            std::max<int64_t>(0, size - buffers[*buffer.inPlaceOf].size);
      else
        live[step] += size;
    }
  }
  return live.empty() ? 0 : *std::max_element(live.begin(), live.end());
}

ArenaPlan mlir::pex::planGreedyBySize(ArrayRef<ArenaBuffer> buffers) {
  ArenaPlan plan =
      place(buffers,
            sortedOrder(buffers,
                        [](const ArenaBuffer &a, const ArenaBuffer &b) {
                          return a.size > b.size;
                        }),
            Fit::First, /*useInPlace=*/false);
  plan.heuristic = "greedy-by-size";
  return plan;
}

ArenaPlan mlir::pex::planArena(ArrayRef<ArenaBuffer> buffers) {
  using Less = std::function<bool(const ArenaBuffer &, const ArenaBuffer &)>;
  auto length = [](const ArenaBuffer &b) { return b.last - b.first + 1; };
  std::pair<const char *, Less> orders[] = {
      {"size", [](const ArenaBuffer &a,
                  const ArenaBuffer &b) { return a.size > b.size; }},
      {"lifetime",
       [&](const ArenaBuffer &a, const ArenaBuffer &b) {
         return std::make_pair(length(a), a.size) >
                std::make_pair(length(b), b.size);
       }},
      {"area",
       [&](const ArenaBuffer &a, const ArenaBuffer &b) {
         return a.size * length(a) > b.size * length(b);
       }},
      {"start",
       [](const ArenaBuffer &a, const ArenaBuffer &b) {
         return std::make_pair(a.first, -a.size) <
                std::make_pair(b.first, -b.size);
       }},
  };
  ArenaPlan best = planGreedyBySize(buffers);
  for (auto &[name, less] : orders) {
    std::vector<unsigned> order = sortedOrder(buffers, less);
    for (Fit fit : {Fit::First, Fit::Best})
      for (bool inPlace : {false, true}) {
        ArenaPlan plan = place(buffers, order, fit, inPlace);
        if (plan.arenaBytes < best.arenaBytes) {
          best = std::move(plan);
          best.heuristic = std::string(name) +
                           (fit == Fit::First ? "/first-fit" : "/best-fit") +
                           (inPlace ? "/in-place" : "");
        }
      }
  }
  return best;
}

std::optional<std::string>
mlir::pex::verifyArenaPlan(ArrayRef<ArenaBuffer> buffers,
                           const ArenaPlan &plan) {
  if (plan.offsets.size() != buffers.size())
    return std::string("plan has ") + std::to_string(plan.offsets.size()) +
           " offsets for " + std::to_string(buffers.size()) + " buffers";
  for (auto [a, buffer] : llvm::enumerate(buffers)) {
    int64_t offset = plan.offsets[a];
    if (offset < 0 || offset % buffer.alignment != 0)
      return "buffer " + std::to_string(a) + " at offset " +
             std::to_string(offset) + " is not aligned to " +
             std::to_string(buffer.alignment);
    if (offset + buffer.size > plan.arenaBytes)
      return "buffer " + std::to_string(a) + " ends past the arena";
    for (unsigned b = a + 1; b < buffers.size(); ++b) {
      if (!buffer.size || !buffers[b].size || !liveTogether(buffer, buffers[b]))
        continue;
      if (inPlacePair(buffers, a, b) && plan.offsets[b] == offset)
        continue;
      if (offset < plan.offsets[b] + buffers[b].size &&
          plan.offsets[b] < offset + buffer.size)
        return "buffers " + std::to_string(a) + " and " + std::to_string(b) +
               " are live together and overlap";
    }
  }
  return std::nullopt;
}
