//===- FuseKernels.cpp - fuse the lowered kernels -------------------------===//
//
// After the TOSA -> linalg conversions, a kernel of the memory model (a
// convolution with its rescale and clamp, a quantised add) is a sequence of
// linalg operations joined by full-size int32 tensors. This pass folds chain
// accumulations into the reductions, fuses elementwise operations, and tiles
// each reduction with its elementwise user one output pixel at a time, so
// that those int32 tensors never become buffers.
//
//===----------------------------------------------------------------------===//

#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXFUSEKERNELS
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

bool isZero(Value value) {
  return matchPattern(value, m_Zero()) || matchPattern(value, m_AnyZeroFloat());
}

/// Whether `value` is a tensor of zeros: a zero fill, or a generic that
/// yields zero or broadcasts a zero constant.
bool isZeroTensor(Value value) {
  Operation *def = value.getDefiningOp();
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(def))
    return isZero(fill.getInputs().front());
  auto generic = dyn_cast_or_null<linalg::GenericOp>(def);
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0)
    return false;
  Value yielded = generic.getBody()->getTerminator()->getOperand(0);
  if (isZero(yielded))
    return true;
  auto arg = dyn_cast<BlockArgument>(yielded);
  if (!arg || arg.getOwner() != generic.getBody() ||
      arg.getArgNumber() >= generic.getNumDpsInputs())
    return false;
  return pex::partial::isZeroSplat(
      generic.getDpsInputOperand(arg.getArgNumber())->get());
}

/// Whether `op` adds the values it reduces into its (single) init: its body
/// yields `add(init, f(inputs))` and uses the init nowhere else.
bool accumulatesIntoInit(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0 || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1)
    return false;
  Block *body = op.getBlock();
  BlockArgument init = op.getRegionOutputArgs().front();
  Operation *add = body->getTerminator()->getOperand(0).getDefiningOp();
  if (!add || !isa<arith::AddIOp, arith::AddFOp>(add) || !init.hasOneUse())
    return false;
  return add->getOperand(0) == init || add->getOperand(1) == init;
}

/// add(%acc, reduce(init = 0)) -> reduce(init = %acc).
struct FoldAccumulation : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        op.getNumReductionLoops() != 0 ||
        !llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }))
      return failure();
    Block *body = op.getBody();
    if (body->getOperations().size() != 2)
      return failure();
    Operation *add = &body->front();
    if (!isa<arith::AddIOp, arith::AddFOp>(add) ||
        body->getTerminator()->getOperand(0) != add->getResult(0))
      return failure();
    BlockArgument lhs = body->getArgument(0), rhs = body->getArgument(1);
    if (!((add->getOperand(0) == lhs && add->getOperand(1) == rhs) ||
          (add->getOperand(0) == rhs && add->getOperand(1) == lhs)))
      return failure();

    for (unsigned partialIndex : {0u, 1u}) {
      Value partial = op.getDpsInputOperand(partialIndex)->get();
      Value acc = op.getDpsInputOperand(1 - partialIndex)->get();
      auto reduce = partial.getDefiningOp<linalg::LinalgOp>();
      if (!reduce || !partial.hasOneUse() || acc.getType() != partial.getType())
        continue;
      if (!accumulatesIntoInit(reduce) ||
          !isZeroTensor(reduce.getDpsInitOperand(0)->get()))
        continue;
      rewriter.setInsertionPoint(op);
      Operation *accumulated = rewriter.clone(*reduce);
      cast<linalg::LinalgOp>(accumulated).getDpsInitOperand(0)->set(acc);
      rewriter.replaceOp(op, accumulated->getResults());
      rewriter.eraseOp(reduce);
      return success();
    }
    return failure();
  }
};

/// collapse(depthwise_hwcm(x, w) with a channel multiplier of 1) ->
/// depthwise_hwc(x, collapse(w)): the upstream TOSA conversion always
/// produces the multiplier dimension and reshapes it away afterwards. With
/// no reshape between the convolution and its rescale, the rescale writes
/// its int8 result straight into the destination of a slice (the empty
/// tensor elimination finds no reshape in its way) and the kernel fuses
/// without reshape propagation.
template <typename HwcmOp, typename HwcOp>
struct DropDepthwiseMultiplier
    : public OpRewritePattern<tensor::CollapseShapeOp> {
  using OpRewritePattern<tensor::CollapseShapeOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::CollapseShapeOp collapse,
                                PatternRewriter &rewriter) const override {
    auto conv = collapse.getSrc().getDefiningOp<HwcmOp>();
    if (!conv || !conv->hasOneUse() || conv.getNumDpsInits() != 1)
      return failure();
    auto resultType = cast<RankedTensorType>(conv->getResult(0).getType());
    SmallVector<ReassociationIndices> expected = {{0}, {1}, {2}, {3, 4}};
    if (resultType.getRank() != 5 || resultType.getDimSize(4) != 1 ||
        collapse.getReassociationIndices() != expected)
      return failure();
    Value weight = conv.getDpsInputOperand(1)->get();
    auto weightType = cast<RankedTensorType>(weight.getType());
    if (weightType.getRank() != 4 || weightType.getDimSize(3) != 1)
      return failure();

    Location loc = conv.getLoc();
    Value collapsedWeight = tensor::CollapseShapeOp::create(
        rewriter, loc, weight,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    // A zero fill of the init becomes a fill of the smaller init, which
    // stays fusable into the per-pixel tile.
    Value init = conv.getDpsInitOperand(0)->get();
    auto collapsedType = cast<RankedTensorType>(collapse.getType());
    Value newInit;
    if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
      Value empty =
          tensor::EmptyOp::create(rewriter, loc, collapsedType.getShape(),
                                  collapsedType.getElementType());
      newInit =
          linalg::FillOp::create(rewriter, loc, fill.getInputs().front(), empty)
              .getResult(0);
    } else {
      newInit = tensor::CollapseShapeOp::create(rewriter, loc, init, expected);
    }
    SmallVector<Value> inputs = conv.getDpsInputs();
    inputs[1] = collapsedWeight;
    auto replacement = HwcOp::create(rewriter, loc, TypeRange{collapsedType},
                                     inputs, ValueRange{newInit},
                                     conv.getStrides(), conv.getDilations());
    rewriter.replaceOp(collapse, replacement->getResults());
    rewriter.eraseOp(conv);
    return success();
  }
};

/// An operand of size 1 indexed by the constant 0 in every dimension, as the
/// TOSA conversion broadcasts the per-channel parameters of a one-channel
/// slice, becomes a rank-0 operand: reshape propagation (and so the fusion
/// of a depthwise convolution with its rescale) needs every indexing map to
/// be a projected permutation. Only whole scalars are collapsed: a partly
/// collapsed operand would be a reshape that propagation expands the loops
/// of the operation by.
struct DropBroadcastUnitDims : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    bool changed = false;
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto type = dyn_cast<RankedTensorType>(input->get().getType());
      AffineMap map = maps[input->getOperandNumber()];
      if (!type || type.getRank() != map.getNumResults())
        continue;
      if (map.getNumResults() == 0 ||
          !llvm::all_of(llvm::enumerate(map.getResults()), [&](auto result) {
            auto constant = dyn_cast<AffineConstantExpr>(result.value());
            return constant && constant.getValue() == 0 &&
                   type.getDimSize(result.index()) == 1;
          }))
        continue;
      rewriter.setInsertionPoint(op);
      Value collapsed = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(),
          RankedTensorType::get({}, type.getElementType()), input->get(),
          SmallVector<ReassociationIndices>{});
      rewriter.modifyOpInPlace(op, [&] { input->set(collapsed); });
      maps[input->getOperandNumber()] = AffineMap::get(
          map.getNumDims(), map.getNumSymbols(), {}, op.getContext());
      changed = true;
    }
    if (!changed)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

/// Whether `op` is elementwise: all loops parallel.
bool isAllParallel(linalg::LinalgOp op) {
  return op.getNumLoops() > 0 && op.getNumLoops() == op.getNumParallelLoops();
}

/// The reductions that an elementwise `root` reads and alone uses (two for a
/// residual add of two convolutions).
SmallVector<linalg::LinalgOp> getFusableReductions(linalg::GenericOp root) {
  SmallVector<linalg::LinalgOp> reductions;
  for (OpOperand *input : root.getDpsInputOperands()) {
    auto reduce = input->get().getDefiningOp<linalg::LinalgOp>();
    if (reduce && reduce.getNumReductionLoops() > 0 &&
        reduce->getNumResults() == 1 && input->get().hasOneUse() &&
        !llvm::is_contained(reductions, reduce))
      reductions.push_back(reduce);
  }
  return reductions;
}

/// Tiles `root` one output pixel at a time and fuses `reductions`, the
/// producers of their inits and the padding of their inputs into the loops.
LogicalResult tileKernel(RewriterBase &rewriter, linalg::GenericOp root,
                         ArrayRef<linalg::LinalgOp> reductions) {
  llvm::SmallPtrSet<Operation *, 8> fusable;
  for (linalg::LinalgOp reduce : reductions) {
    fusable.insert(reduce);
    for (OpOperand &operand : reduce->getOpOperands()) {
      Operation *def = operand.get().getDefiningOp();
      if (!def || !operand.get().hasOneUse())
        continue;
      if (reduce.isDpsInit(&operand) && isa<linalg::LinalgOp>(def))
        fusable.insert(def);
      else if (isa<tensor::PadOp>(def))
        fusable.insert(def);
    }
  }

  // Every loop but the innermost (channel) loops: batch and the output
  // pixel for NHWC, the rows for an [N, H, W] matmul.
  unsigned numLoops = root.getNumLoops();
  SmallVector<OpFoldResult> tileSizes(numLoops, rewriter.getIndexAttr(0));
  for (unsigned i = 0, e = std::min(3u, numLoops - 1); i < e; ++i)
    tileSizes[i] = rewriter.getIndexAttr(1);

  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(tileSizes);
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!fusable.contains(producer.getOwner()))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rewriter.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(root.getOperation()), options);
  if (failed(result))
    return failure();
  for (LoopLikeOpInterface loop : result->loops)
    loop->setAttr(pex::kKernelTileAttrName, rewriter.getUnitAttr());
  for (OpResult value : root->getResults())
    rewriter.replaceAllUsesWith(value, result->replacements.lookup(value));
  rewriter.eraseOp(root);
  // Producers fused into the loops are dead now, innermost first.
  SmallVector<Operation *> dead(result->fusedProducers.begin(),
                                result->fusedProducers.end());
  bool erased = true;
  while (erased) {
    erased = false;
    for (Operation *&op : dead)
      if (op && op->use_empty()) {
        rewriter.eraseOp(op);
        op = nullptr;
        erased = true;
      }
  }
  return success();
}

/// Whether `op` is a link of an elementwise chain: an all-parallel generic
/// on tensors with one result and identity maps for its result.
bool isChainLink(linalg::GenericOp op) {
  return op.hasPureTensorSemantics() && isAllParallel(op) &&
         op->getNumResults() == 1 && op.getNumDpsInits() == 1 &&
         op.getIndexingMapMatchingResult(op->getResult(0)).isIdentity();
}

/// The operand by which `consumer`, a chain link, reads the single-use
/// result of another chain link; null unless that is the only operand that
/// an elementwise producer fusable into `consumer` defines (with several,
/// the order in which the greedy fusion takes them shapes the fused op).
OpOperand *getChainOperand(linalg::GenericOp consumer, bool &otherProducer) {
  OpOperand *found = nullptr;
  otherProducer = false;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || !isAllParallel(producer) || !input->get().hasOneUse())
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(producer.getOperation());
    if (found || !generic || !isChainLink(generic) ||
        !consumer.getMatchingIndexingMap(input).isIdentity() ||
        !linalg::areElementwiseOpsFusable(input)) {
      otherProducer = true;
      return nullptr;
    }
    found = input;
  }
  return found;
}

/// Fuses `producer` into `consumer` (which reads its only use) as the
/// elementwise fusion pattern does; returns the fused op or null.
linalg::GenericOp fusePair(RewriterBase &rewriter, linalg::GenericOp producer,
                           linalg::GenericOp consumer) {
  OpOperand *operand = nullptr;
  for (OpOperand *input : consumer.getDpsInputOperands())
    if (input->get().getDefiningOp() == producer.getOperation())
      operand = input;
  if (!operand)
    return {};
  FailureOr<linalg::ElementwiseOpFusionResult> fused =
      linalg::fuseElementwiseOps(rewriter, operand);
  if (failed(fused))
    return {};
  for (OpResult result : consumer->getResults())
    rewriter.replaceAllUsesWith(result, fused->replacements.lookup(result));
  rewriter.eraseOp(consumer);
  rewriter.eraseOp(producer);
  return dyn_cast<linalg::GenericOp>(fused->fusedOp);
}

/// Fuses long chains of elementwise generics (a producer whose only use is
/// the next link) pairwise, level by level. The greedy fusion pattern
/// fuses one link at a time into an op whose body grows with the chain,
/// cloning it every time: quadratic in the chain's length. Fusion is
/// associative for such chains (bodies and operands concatenate in chain
/// order), so the fused op is the same.
void fuseElementwiseChains(func::FuncOp func) {
  SmallVector<SmallVector<linalg::GenericOp>> chains;
  llvm::DenseSet<Operation *> linked;
  func.walk([&](linalg::GenericOp op) {
    if (linked.contains(op) || !isChainLink(op))
      return;
    // Start at a link that reads no elementwise producer it could fuse.
    bool otherProducer;
    if (getChainOperand(op, otherProducer) || otherProducer)
      return;
    SmallVector<linalg::GenericOp> chain = {op};
    while (true) {
      Value result = chain.back()->getResult(0);
      if (!result.hasOneUse())
        break;
      auto next = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
      if (!next || !isChainLink(next))
        break;
      OpOperand *operand = getChainOperand(next, otherProducer);
      if (!operand || operand->get() != result)
        break;
      chain.push_back(next);
    }
    for (linalg::GenericOp link : chain)
      linked.insert(link);
    if (chain.size() > 2)
      chains.push_back(std::move(chain));
  });

  IRRewriter rewriter(func.getContext());
  for (SmallVector<linalg::GenericOp> &chain : chains) {
    while (chain.size() > 1) {
      SmallVector<linalg::GenericOp> next;
      for (size_t i = 0; i + 1 < chain.size(); i += 2) {
        rewriter.setInsertionPoint(chain[i + 1]);
        linalg::GenericOp fused = fusePair(rewriter, chain[i], chain[i + 1]);
        if (!fused)
          return; // Left to the greedy fusion.
        next.push_back(fused);
      }
      if (chain.size() % 2)
        next.push_back(chain.back());
      chain = std::move(next);
    }
  }
}

struct PexFuseKernelsPass
    : public pex::impl::PexFuseKernelsBase<PexFuseKernelsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();

    // Accumulations first, before elementwise fusion absorbs the adds.
    {
      RewritePatternSet patterns(context);
      patterns.add<FoldAccumulation>(context);
      patterns.add<DropDepthwiseMultiplier<linalg::DepthwiseConv2DNhwcHwcmQOp,
                                           linalg::DepthwiseConv2DNhwcHwcQOp>,
                   DropDepthwiseMultiplier<linalg::DepthwiseConv2DNhwcHwcmOp,
                                           linalg::DepthwiseConv2DNhwcHwcOp>>(
          context);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // Elementwise fusion, as linalg-fuse-elementwise-ops does it.
    fuseElementwiseChains(func);
    {
      RewritePatternSet patterns(context);
      auto singleUse = [](OpOperand *fused) {
        Operation *producer = fused->get().getDefiningOp();
        return producer && producer->hasOneUse();
      };
      // Only into elementwise users: fused into a reduction (the matmul of
      // a classifier after an average pooling), an elementwise producer
      // would be recomputed per reduction step and leave the reduction
      // before it unfused.
      auto intoElementwise = [&](OpOperand *fused) {
        auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
        return singleUse(fused) && consumer && isAllParallel(consumer);
      };
      patterns.add<DropBroadcastUnitDims>(context);
      linalg::populateElementwiseOpsFusionPatterns(patterns, intoElementwise);
      linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, singleUse);
      linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
      // Reshaped empty tensors are empty tensors (reshape propagation leaves
      // them in front of matmul inits).
      tensor::populateFoldTensorEmptyPatterns(patterns);
      tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
      tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
      linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // Per-pixel kernels.
    SmallVector<std::pair<linalg::GenericOp, SmallVector<linalg::LinalgOp>>>
        kernels;
    func.walk([&](linalg::GenericOp root) {
      // One loop is the channel loop: there is no pixel to tile.
      if (!isAllParallel(root) || root.getNumDpsInits() != 1 ||
          root.getNumLoops() < 2)
        return;
      SmallVector<linalg::LinalgOp> reductions = getFusableReductions(root);
      if (!reductions.empty())
        kernels.emplace_back(root, std::move(reductions));
    });
    IRRewriter rewriter(context);
    // A kernel that cannot be tiled stays whole; --pex-check-buffers then
    // reports its full-size int32 buffer.
    for (auto &[root, reductions] : kernels)
      (void)tileKernel(rewriter, root, reductions);

    // Slices of empty tensors become small empty tensors inside the loops,
    // and a padded window cast to its static shape is padded to that shape
    // (a statically sized buffer).
    RewritePatternSet patterns(context);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    tensor::PadOp::getCanonicalizationPatterns(patterns, context);
    tensor::CastOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
