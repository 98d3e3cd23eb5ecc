//===- TestForceChains.cpp - wrap every admissible chain ------------------===//
//
// A test pass: wraps chain candidates into partial.chain ops whether or not
// they lower the peak, so that the lowering of chains is exercised on every
// chain shape a model admits, not only those the memory model picks.
// Candidates are taken longest first; overlapping ones are skipped.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "pex/Analysis/ChainPlanner.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"
#include "pex/Dialect/Partial/Transforms/FormChains.h"

using namespace mlir;
using namespace mlir::pex;
using namespace mlir::pex::partial;

namespace {

struct TestForceChainsPass
    : public PassWrapper<TestForceChainsPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestForceChainsPass)

  TestForceChainsPass() = default;
  TestForceChainsPass(const TestForceChainsPass &other) : PassWrapper(other) {}

  StringRef getArgument() const final { return "test-partial-force-chains"; }
  StringRef getDescription() const final {
    return "Wrap every non-overlapping chain candidate into a partial.chain, "
           "longest first, whether or not it lowers the peak";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<PartialDialect>();
  }

  Option<std::string> boundary{
      *this, "boundary",
      llvm::cl::desc("Candidates to wrap: any, accumulate or materialize"),
      llvm::cl::init("any")};
  Option<int64_t> sliceSize{*this, "slice-size",
                            llvm::cl::desc("Channels per slice"),
                            llvm::cl::init(1)};

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (boundary != "any" && boundary != "accumulate" &&
        boundary != "materialize") {
      func.emitError("unknown boundary '") << boundary << "'";
      return signalPassFailure();
    }
    KernelGraph graph(func);
    std::vector<ChainPlan> candidates =
        findChainCandidates(graph, ChainPlannerOptions());
    llvm::stable_sort(candidates, [](const ChainPlan &a, const ChainPlan &b) {
      return a.kernels.size() > b.kernels.size();
    });
    llvm::DenseSet<unsigned> used;
    std::vector<ChainPlan> chosen;
    for (ChainPlan &plan : candidates) {
      bool accumulate = plan.boundary == ChainBoundary::Accumulate;
      if ((boundary == "accumulate" && !accumulate) ||
          (boundary == "materialize" && accumulate))
        continue;
      if (llvm::any_of(plan.kernels, [&](unsigned k) { return used.count(k); }))
        continue;
      used.insert(plan.kernels.begin(), plan.kernels.end());
      plan.sliceSize = std::clamp<int64_t>(sliceSize, 1, plan.channels);
      chosen.push_back(plan);
    }
    for (const ChainPlan &plan : chosen)
      if (failed(wrapInChain(graph, plan)))
        return signalPassFailure();
  }
};

} // namespace

namespace mlir::pex::test {
void registerTestForceChainsPass() { PassRegistration<TestForceChainsPass>(); }
} // namespace mlir::pex::test
