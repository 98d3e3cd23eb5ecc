//===- ArenaPlanner.h - static arena packing --------------------*- C++ -*-===//
//
// Places buffers with known sizes and lifetimes at fixed offsets of one
// static arena, so that buffers live at the same time never overlap. This is
// the offline memory plan of an MCU model: no heap, the arena size known at
// compile time. TensorFlow Lite Micro's greedy-by-size packing is the
// baseline; the planner tries several orders and placement rules, keeps the
// smallest arena, and reports how far it is from the live-bytes bound that no
// packing can beat.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_ANALYSIS_ARENAPLANNER_H
#define PEX_ANALYSIS_ARENAPLANNER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::pex {

/// The module attribute in which --pex-plan-memory records the arena (its
/// symbol, size and buffers) for the memory report, the model entry and the
/// C header.
inline constexpr llvm::StringLiteral kArenaAttrName = "pex.arena";

/// A buffer to place: live from step `first` to step `last`, inclusive.
struct ArenaBuffer {
  int64_t size = 0;
  int64_t alignment = 1;
  unsigned first = 0;
  unsigned last = 0;
  /// A buffer whose last use is this buffer's first step (an elementwise
  /// op's input dying at the op that writes this buffer): this buffer may
  /// take its place in the arena.
  std::optional<unsigned> inPlaceOf;
};

/// The result of packing.
struct ArenaPlan {
  std::vector<int64_t> offsets;
  /// Bytes of the arena: the end of the highest buffer.
  int64_t arenaBytes = 0;
  /// The heuristic that produced the plan.
  std::string heuristic;
};

/// The largest sum of sizes of buffers live at one step: no packing can use
/// less (an in-place pair counts once at the step it shares; alignment
/// padding is not counted, so the bound may be below any aligned plan).
int64_t computeLiveBytesBound(llvm::ArrayRef<ArenaBuffer> buffers);

/// TensorFlow Lite Micro's greedy-by-size packing: largest buffer first,
/// each at the lowest aligned offset that fits between the buffers already
/// placed that are live at the same time.
ArenaPlan planGreedyBySize(llvm::ArrayRef<ArenaBuffer> buffers);

/// Tries several orders (size, lifetime, size x lifetime, start) and
/// placement rules (first fit, best fit), with in-place reuse, and keeps the
/// smallest arena. Never worse than planGreedyBySize.
ArenaPlan planArena(llvm::ArrayRef<ArenaBuffer> buffers);

/// Checks a plan: every offset aligned, no two buffers live at the same time
/// overlap (except an in-place pair at the same offset), the arena covers
/// every buffer. Returns an explanation of the first violation, or none.
std::optional<std::string> verifyArenaPlan(llvm::ArrayRef<ArenaBuffer> buffers,
                                           const ArenaPlan &plan);

} // namespace mlir::pex

#endif // PEX_ANALYSIS_ARENAPLANNER_H
