//===- ArenaPlannerTest.cpp - static arena packing ------------------------===//

#include "pex/Analysis/ArenaPlanner.h"

#include "gtest/gtest.h"
#include <random>

using namespace mlir::pex;

namespace {

ArenaBuffer buffer(int64_t size, unsigned first, unsigned last,
                   int64_t alignment = 1) {
  ArenaBuffer result;
  result.size = size;
  result.first = first;
  result.last = last;
  result.alignment = alignment;
  return result;
}

void expectValid(const std::vector<ArenaBuffer> &buffers,
                 const ArenaPlan &plan) {
  std::optional<std::string> error = verifyArenaPlan(buffers, plan);
  EXPECT_FALSE(error) << *error;
  EXPECT_GE(plan.arenaBytes, computeLiveBytesBound(buffers));
}

TEST(ArenaPlannerTest, ChainOfBuffersReusesMemory) {
  // a -> b -> c -> d: only neighbours are live together.
  std::vector<ArenaBuffer> buffers = {buffer(100, 0, 1), buffer(50, 1, 2),
                                      buffer(100, 2, 3), buffer(50, 3, 4)};
  ArenaPlan plan = planArena(buffers);
  expectValid(buffers, plan);
  EXPECT_EQ(computeLiveBytesBound(buffers), 150);
  EXPECT_EQ(plan.arenaBytes, 150);
}

TEST(ArenaPlannerTest, BuffersLiveTogetherNeverOverlap) {
  std::vector<ArenaBuffer> buffers = {buffer(10, 0, 5), buffer(20, 0, 5),
                                      buffer(30, 0, 5)};
  ArenaPlan plan = planArena(buffers);
  expectValid(buffers, plan);
  EXPECT_EQ(plan.arenaBytes, 60);
}

TEST(ArenaPlannerTest, OffsetsRespectAlignment) {
  std::vector<ArenaBuffer> buffers = {buffer(3, 0, 2, 1), buffer(5, 0, 2, 16),
                                      buffer(7, 1, 2, 8), buffer(1, 2, 3, 4)};
  for (const ArenaPlan &plan : {planArena(buffers), planGreedyBySize(buffers)})
    expectValid(buffers, plan);
}

TEST(ArenaPlannerTest, InPlaceReuseSharesTheDyingInput) {
  // b is written by an elementwise op whose input a dies there.
  std::vector<ArenaBuffer> buffers = {buffer(64, 0, 1), buffer(64, 1, 2),
                                      buffer(16, 0, 2)};
  buffers[1].inPlaceOf = 0;
  EXPECT_EQ(computeLiveBytesBound(buffers), 80);
  ArenaPlan plan = planArena(buffers);
  expectValid(buffers, plan);
  EXPECT_EQ(plan.offsets[0], plan.offsets[1]);
  EXPECT_EQ(plan.arenaBytes, 80);
  // Without the hint both must be live at step 1.
  buffers[1].inPlaceOf.reset();
  EXPECT_EQ(planArena(buffers).arenaBytes, 144);
}

TEST(ArenaPlannerTest, BeatsGreedyBySizeOnFragmentation) {
  // Greedy-by-size places the two 40-byte buffers side by side and leaves
  // a hole the 60-byte buffer cannot use; ordering by start time does not.
  std::vector<ArenaBuffer> buffers = {buffer(40, 0, 1), buffer(40, 2, 3),
                                      buffer(60, 1, 2), buffer(20, 0, 3)};
  ArenaPlan greedy = planGreedyBySize(buffers);
  ArenaPlan best = planArena(buffers);
  expectValid(buffers, greedy);
  expectValid(buffers, best);
  EXPECT_LE(best.arenaBytes, greedy.arenaBytes);
  EXPECT_EQ(best.arenaBytes, computeLiveBytesBound(buffers));
}

TEST(ArenaPlannerTest, ZeroSizedBuffersTakeNoSpace) {
  std::vector<ArenaBuffer> buffers = {buffer(0, 0, 3), buffer(8, 0, 3)};
  ArenaPlan plan = planArena(buffers);
  expectValid(buffers, plan);
  EXPECT_EQ(plan.arenaBytes, 8);
}

TEST(ArenaPlannerTest, VerifierCatchesOverlapAndMisalignment) {
  std::vector<ArenaBuffer> buffers = {buffer(8, 0, 1), buffer(8, 1, 2, 4)};
  ArenaPlan overlapping{{0, 4}, 12, "test"};
  EXPECT_TRUE(verifyArenaPlan(buffers, overlapping));
  ArenaPlan misaligned{{0, 10}, 18, "test"};
  EXPECT_TRUE(verifyArenaPlan(buffers, misaligned));
  ArenaPlan good{{0, 8}, 16, "test"};
  EXPECT_FALSE(verifyArenaPlan(buffers, good));
}

TEST(ArenaPlannerTest, RandomSchedulesStayValidAndNoWorseThanGreedy) {
  std::mt19937 random(1234);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<ArenaBuffer> buffers;
    unsigned steps = 2 + random() % 20;
    unsigned count = 1 + random() % 30;
    for (unsigned i = 0; i < count; ++i) {
      unsigned first = random() % steps;
      unsigned last = first + random() % (steps - first);
      ArenaBuffer b = buffer(1 + random() % 4096, first, last,
                             int64_t(1) << (random() % 5));
      // Occasionally an elementwise op writes in place of a dying input.
      if (i > 0 && random() % 4 == 0) {
        unsigned source = random() % i;
        if (buffers[source].last < steps - 1) {
          b.first = buffers[source].last;
          b.last = std::max(b.first, b.last);
          b.inPlaceOf = source;
        }
      }
      buffers.push_back(b);
    }
    ArenaPlan greedy = planGreedyBySize(buffers);
    ArenaPlan best = planArena(buffers);
    expectValid(buffers, greedy);
    expectValid(buffers, best);
    EXPECT_LE(best.arenaBytes, greedy.arenaBytes);
  }
}

} // namespace
