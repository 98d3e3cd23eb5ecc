//===- TestForceChains.cpp - wrap every admissible chain ------------------===//
//
// A test pass: wraps chain candidates into partial.chain ops whether or not
// they lower the peak, so that the lowering of chains is exercised on every
// chain shape a model admits, not only those the memory model picks.
// Candidates are taken longest first; overlapping ones are skipped.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/Pass.h"
#include "pex/Analysis/ChainPlanner.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"
#include "llvm/ADT/SetVector.h"

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
      if (failed(wrap(graph, plan)))
        return signalPassFailure();
  }

  /// Moves the ops of the plan's kernels into a partial.chain.
  LogicalResult wrap(const KernelGraph &graph, const ChainPlan &plan) {
    SmallVector<Operation *> ops;
    for (unsigned kernel : plan.kernels)
      llvm::append_range(ops, graph.getKernels()[kernel].ops);
    llvm::sort(
        ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    llvm::SmallPtrSet<Operation *, 16> inChain(ops.begin(), ops.end());
    Value output = graph.getKernels()[plan.kernels.back()].outputs.front();

    llvm::SetVector<Value> inputs;
    for (Operation *op : ops)
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def ||
            (!inChain.count(def) && !def->hasTrait<OpTrait::ConstantLike>()))
          inputs.insert(operand);
      }

    OpBuilder builder(ops.back());
    builder.setInsertionPointAfter(ops.back());
    auto chain = ChainOp::create(
        builder, ops.back()->getLoc(), TypeRange{output.getType()},
        inputs.getArrayRef(), plan.channels, plan.sliceSize, plan.boundary);
    Block *body = builder.createBlock(&chain.getBody());
    IRMapping mapping;
    for (Value input : inputs)
      mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
    output.replaceUsesWithIf(chain.getResult(0), [&](OpOperand &use) {
      return !inChain.count(use.getOwner());
    });
    builder.setInsertionPointToStart(body);
    for (Operation *op : ops) {
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (def && def->hasTrait<OpTrait::ConstantLike>() &&
            !mapping.contains(operand))
          builder.clone(*def, mapping);
      }
    }
    for (Operation *op : ops) {
      op->moveBefore(body, body->end());
      for (OpOperand &operand : op->getOpOperands())
        if (Value mapped = mapping.lookupOrNull(operand.get()))
          operand.set(mapped);
    }
    builder.setInsertionPointToEnd(body);
    YieldOp::create(builder, chain.getLoc(), ValueRange{output});
    ChainStructure structure;
    return chain.analyzeBody(structure, /*emitDiagnostics=*/true);
  }
};

} // namespace

namespace mlir::pex::test {
void registerTestForceChainsPass() { PassRegistration<TestForceChainsPass>(); }
} // namespace mlir::pex::test
