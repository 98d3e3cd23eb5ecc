//===- FormChains.cpp - wrap splittable subgraphs into chains -------------===//
//
// Chain formation works on fused groups (see pex/Analysis/MemoryModel.h):
// it enumerates the paths of kernels that can run slice by slice, adds the
// ones that lower the peak live bytes most, sizes their slices, and moves
// their ops into partial.chain ops.
//
//===----------------------------------------------------------------------===//

#include "pex/Dialect/Partial/Transforms/FormChains.h"
#include "pex/Dialect/Partial/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "pex/Analysis/ChainPlanner.h"
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

struct PartialFormChainsPass
    : public partial::impl::PartialFormChainsBase<PartialFormChainsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (slices < 0 || sramBudget < 0 || band < 0) {
      func.emitError("partial-form-chains options must not be negative");
      return signalPassFailure();
    }
    KernelGraph graph(func);
    ChainPlannerOptions options;
    options.sramBudget = sramBudget;
    options.slices = slices;
    options.rows = rows || band > 0;
    options.band = band;
    for (const ChainPlan &plan : planChains(graph, options)) {
      if (plan.isRowChain() ? failed(wrapInRowChain(graph, plan))
                            : failed(wrapInChain(graph, plan)))
        return signalPassFailure();
    }
  }
};

} // namespace

namespace {
/// Moves `plan`'s ops into a region op that `create` builds at the last op
/// from the materialised inputs (see wrapInChain).
template <typename OpTy>
OpTy wrapOps(
    const KernelGraph &graph, const ChainPlan &plan,
    llvm::function_ref<OpTy(OpBuilder &, Location, Type, ValueRange)> create) {
  SmallVector<Operation *> ops = graph.getOpsInProgramOrder(plan.kernels);
  llvm::SmallPtrSet<Operation *, 16> inChain(ops.begin(), ops.end());
  Value output = graph.getKernels()[plan.kernels.back()].outputs.front();

  // Materialised inputs become block arguments; constants are cloned in.
  llvm::SetVector<Value> inputs;
  for (Operation *op : ops)
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (def && (inChain.count(def) || def->hasTrait<OpTrait::ConstantLike>()))
        continue;
      inputs.insert(operand);
    }

  OpBuilder builder(ops.back()->getContext());
  builder.setInsertionPointAfter(ops.back());
  OpTy chain = create(builder, ops.back()->getLoc(), output.getType(),
                      inputs.getArrayRef());
  Block *body = builder.createBlock(&chain.getBody());
  llvm::DenseMap<Value, BlockArgument> arguments;
  for (Value input : inputs)
    arguments[input] = body->addArgument(input.getType(), input.getLoc());
  output.replaceUsesWithIf(chain->getResult(0), [&](OpOperand &use) {
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
  return chain;
}
} // namespace

FailureOr<ChainOp> mlir::pex::partial::wrapInChain(const KernelGraph &graph,
                                                   const ChainPlan &plan) {
  ChainOp chain = wrapOps<ChainOp>(
      graph, plan,
      [&](OpBuilder &builder, Location loc, Type type, ValueRange inputs) {
        return ChainOp::create(builder, loc, TypeRange{type}, inputs,
                               plan.channels, plan.sliceSize, plan.boundary);
      });
  ChainStructure structure;
  if (failed(chain.analyzeBody(structure, /*emitDiagnostics=*/true)))
    return chain.emitError("formed an invalid chain");
  return chain;
}

FailureOr<RowChainOp>
mlir::pex::partial::wrapInRowChain(const KernelGraph &graph,
                                   const ChainPlan &plan) {
  RowChainOp chain = wrapOps<RowChainOp>(
      graph, plan,
      [&](OpBuilder &builder, Location loc, Type type, ValueRange inputs) {
        return RowChainOp::create(builder, loc, type, inputs, plan.band);
      });
  std::string reason;
  if (failed(chain.getSchedule(reason)))
    return chain.emitOpError("formed a row chain that cannot run band by "
                             "band: ")
           << reason;
  return chain;
}
