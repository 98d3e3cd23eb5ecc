//===- TosaChannelSplitModels.cpp - TOSA channel-split models -------------===//
//
// External models of ChannelSplitOpInterface for the TOSA operations that can
// take part in a channel-split chain. Operations without a model are
// barriers. Activations are NHWC: the channel dimension is the last one.
//
//===----------------------------------------------------------------------===//

#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::pex::partial;

namespace {

int64_t lastDim(Value value) {
  auto type = cast<ShapedType>(value.getType());
  return type.getRank() - 1;
}

bool isConstant(Value value) {
  return value.getDefiningOp<tosa::ConstOp>() != nullptr;
}

/// An operand of a channel-local op: sliced along its last dimension when it
/// carries the result's channels, used whole when broadcast along them.
OperandSlicing sliceLikeResult(Operation *op, unsigned index) {
  Value operand = op->getOperand(index);
  auto operandType = dyn_cast<RankedTensorType>(operand.getType());
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  OperandKind kind =
      isConstant(operand) ? OperandKind::Weight : OperandKind::Activation;
  if (!operandType || operandType.getRank() != resultType.getRank())
    return OperandSlicing::whole(kind);
  int64_t dim = operandType.getRank() - 1;
  if (operandType.getDimSize(dim) != resultType.getDimSize(dim) ||
      (operandType.getDimSize(dim) == 1 && kind == OperandKind::Weight))
    return OperandSlicing::whole(kind);
  return OperandSlicing::sliced(kind, dim);
}

/// Elementwise and pooling ops: every operand that carries the channels is
/// sliced like the result; the rest are used whole.
template <typename OpTy>
struct ChannelLocalModel
    : public ChannelSplitOpInterface::ExternalModel<ChannelLocalModel<OpTy>,
                                                    OpTy> {
  ChannelClass getChannelClass(Operation *op) const {
    return ChannelClass::Local;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    return sliceLikeResult(op, index);
  }
};

/// Pooling: input sliced, zero points whole.
template <typename OpTy>
struct PoolModel
    : public ChannelSplitOpInterface::ExternalModel<PoolModel<OpTy>, OpTy> {
  ChannelClass getChannelClass(Operation *op) const {
    return ChannelClass::Local;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    if (index == 0)
      return OperandSlicing::sliced(OperandKind::Activation, 3);
    return OperandSlicing::whole(OperandKind::ZeroPoint);
  }
};

/// Ops whose first operand carries the channels (sliced like the result)
/// and whose other operands (tables, shapes) are used whole. Derived models
/// give the channel class.
template <typename Derived, typename OpTy>
struct FirstOperandSlicedModel
    : public ChannelSplitOpInterface::ExternalModel<Derived, OpTy> {
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    if (index == 0)
      return OperandSlicing::sliced(OperandKind::Activation,
                                    lastDim(op->getOperand(0)));
    return OperandSlicing::whole(OperandKind::Other);
  }
};

/// Unary ops (clamp, sigmoid, tanh, table with its lookup table).
template <typename OpTy>
struct UnaryModel : public FirstOperandSlicedModel<UnaryModel<OpTy>, OpTy> {
  ChannelClass getChannelClass(Operation *op) const {
    return ChannelClass::Local;
  }
};

struct MulModel
    : public ChannelSplitOpInterface::ExternalModel<MulModel, tosa::MulOp> {
  ChannelClass getChannelClass(Operation *op) const {
    return ChannelClass::Local;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    if (index == 2) // shift
      return OperandSlicing::whole(OperandKind::Other);
    return sliceLikeResult(op, index);
  }
};

struct Conv2DModel
    : public ChannelSplitOpInterface::ExternalModel<Conv2DModel,
                                                    tosa::Conv2DOp> {
  ChannelClass getChannelClass(Operation *op) const {
    return ChannelClass::Producer | ChannelClass::Consumer;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole role) const {
    bool consume = role == ChannelRole::Consume;
    switch (index) {
    case 0: // input [N, H, W, I]
      return consume ? OperandSlicing::sliced(OperandKind::Activation, 3)
                     : OperandSlicing::whole(OperandKind::Activation);
    case 1: // weight [O, KH, KW, I]
      return OperandSlicing::sliced(OperandKind::Weight, consume ? 3 : 0);
    case 2: // bias [O]: added once, after the last input slice
      return consume ? OperandSlicing::whole(OperandKind::Bias)
                     : OperandSlicing::sliced(OperandKind::Bias, 0);
    default: // input and weight zero points
      return OperandSlicing::whole(OperandKind::ZeroPoint);
    }
  }
};

struct DepthwiseConv2DModel
    : public ChannelSplitOpInterface::ExternalModel<DepthwiseConv2DModel,
                                                    tosa::DepthwiseConv2DOp> {
  ChannelClass getChannelClass(Operation *op) const {
    // weight [KH, KW, C, M]: with a multiplier M > 1, output channel c*M+m
    // reads input channel c and slices no longer line up.
    auto weightType = cast<ShapedType>(op->getOperand(1).getType());
    return weightType.getDimSize(3) == 1 ? ChannelClass::Local
                                         : ChannelClass::Barrier;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    switch (index) {
    case 0:
      return OperandSlicing::sliced(OperandKind::Activation, 3);
    case 1:
      return OperandSlicing::sliced(OperandKind::Weight, 2);
    case 2:
      return OperandSlicing::sliced(OperandKind::Bias, 0);
    default:
      return OperandSlicing::whole(OperandKind::ZeroPoint);
    }
  }
};

/// matmul a[N, H, C] x b[N, C, W] -> [N, H, W]: a fully connected layer when b
/// holds constant weights. Activation-by-activation products are barriers.
struct MatMulModel
    : public ChannelSplitOpInterface::ExternalModel<MatMulModel,
                                                    tosa::MatMulOp> {
  ChannelClass getChannelClass(Operation *op) const {
    if (!isConstant(op->getOperand(1)))
      return ChannelClass::Barrier;
    return ChannelClass::Producer | ChannelClass::Consumer;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole role) const {
    bool consume = role == ChannelRole::Consume;
    switch (index) {
    case 0:
      return consume ? OperandSlicing::sliced(OperandKind::Activation, 2)
                     : OperandSlicing::whole(OperandKind::Activation);
    case 1:
      return OperandSlicing::sliced(OperandKind::Weight, consume ? 1 : 2);
    default:
      return OperandSlicing::whole(OperandKind::ZeroPoint);
    }
  }
};

struct RescaleModel
    : public ChannelSplitOpInterface::ExternalModel<RescaleModel,
                                                    tosa::RescaleOp> {
  ChannelClass getChannelClass(Operation *op) const {
    return ChannelClass::Local;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    auto rescale = cast<tosa::RescaleOp>(op);
    switch (index) {
    case 0:
      return OperandSlicing::sliced(OperandKind::Activation,
                                    lastDim(rescale.getInput()));
    case 1:
    case 2:
      return rescale.getPerChannel()
                 ? OperandSlicing::sliced(OperandKind::QuantParam, 0)
                 : OperandSlicing::whole(OperandKind::QuantParam);
    default:
      return OperandSlicing::whole(OperandKind::ZeroPoint);
    }
  }
};

struct PadModel
    : public ChannelSplitOpInterface::ExternalModel<PadModel, tosa::PadOp> {
  ChannelClass getChannelClass(Operation *op) const {
    // Local only when the channel dimension gets no padding.
    auto pad = cast<tosa::PadOp>(op);
    DenseElementsAttr padding;
    if (!matchPattern(pad.getPadding(), m_Constant(&padding)))
      return ChannelClass::Barrier;
    auto values = llvm::to_vector(padding.getValues<APInt>());
    if (values.size() < 2 || !values[values.size() - 1].isZero() ||
        !values[values.size() - 2].isZero())
      return ChannelClass::Barrier;
    return ChannelClass::Local;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    if (index == 0)
      return OperandSlicing::sliced(OperandKind::Activation,
                                    lastDim(op->getOperand(0)));
    return OperandSlicing::whole(index == 2 ? OperandKind::ZeroPoint
                                            : OperandKind::Other);
  }
};

/// reduce_sum / reduce_max: local when reducing H or W, a barrier over C.
template <typename OpTy>
struct ReduceModel : public FirstOperandSlicedModel<ReduceModel<OpTy>, OpTy> {
  ChannelClass getChannelClass(Operation *op) const {
    auto reduce = cast<OpTy>(op);
    return static_cast<int64_t>(reduce.getAxis()) == lastDim(reduce.getInput())
               ? ChannelClass::Barrier
               : ChannelClass::Local;
  }
};

/// reshape keeps channels when the last dimension is unchanged (row-major
/// order then maps element (..., c) to (..., c)); a flatten mixes C.
struct ReshapeModel
    : public FirstOperandSlicedModel<ReshapeModel, tosa::ReshapeOp> {
  ChannelClass getChannelClass(Operation *op) const {
    auto in = cast<ShapedType>(op->getOperand(0).getType());
    auto out = cast<ShapedType>(op->getResult(0).getType());
    if (!in.hasRank() || !out.hasRank() || in.getRank() == 0 ||
        out.getRank() == 0)
      return ChannelClass::Barrier;
    return in.getDimSize(in.getRank() - 1) == out.getDimSize(out.getRank() - 1)
               ? ChannelClass::Local
               : ChannelClass::Barrier;
  }
  bool isView(Operation *op) const { return true; }
};

struct TransposeModel
    : public FirstOperandSlicedModel<TransposeModel, tosa::TransposeOp> {
  ChannelClass getChannelClass(Operation *op) const {
    ArrayRef<int32_t> perms = cast<tosa::TransposeOp>(op).getPerms();
    return !perms.empty() &&
                   perms.back() == static_cast<int32_t>(perms.size() - 1)
               ? ChannelClass::Local
               : ChannelClass::Barrier;
  }
};

/// concat along H or W keeps channels; along C it is a barrier (the chain
/// would have to track slice offsets per input).
struct ConcatModel
    : public ChannelSplitOpInterface::ExternalModel<ConcatModel,
                                                    tosa::ConcatOp> {
  ChannelClass getChannelClass(Operation *op) const {
    auto concat = cast<tosa::ConcatOp>(op);
    return static_cast<int64_t>(concat.getAxis()) == lastDim(concat.getResult())
               ? ChannelClass::Barrier
               : ChannelClass::Local;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    return sliceLikeResult(op, index);
  }
};

/// Constants live in flash and can be viewed at any channel slice.
struct ConstModel
    : public ChannelSplitOpInterface::ExternalModel<ConstModel, tosa::ConstOp> {
  ChannelClass getChannelClass(Operation *op) const {
    return ChannelClass::Local;
  }
  OperandSlicing getOperandSlicing(Operation *op, unsigned index,
                                   ChannelRole) const {
    return OperandSlicing::whole(OperandKind::Other);
  }
  bool residesInFlash(Operation *op) const { return true; }
};

} // namespace

void mlir::pex::partial::registerTosaChannelSplitModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tosa::TosaDialect *) {
    tosa::Conv2DOp::attachInterface<Conv2DModel>(*ctx);
    tosa::DepthwiseConv2DOp::attachInterface<DepthwiseConv2DModel>(*ctx);
    tosa::MatMulOp::attachInterface<MatMulModel>(*ctx);
    tosa::AvgPool2dOp::attachInterface<PoolModel<tosa::AvgPool2dOp>>(*ctx);
    tosa::MaxPool2dOp::attachInterface<PoolModel<tosa::MaxPool2dOp>>(*ctx);
    tosa::RescaleOp::attachInterface<RescaleModel>(*ctx);
    tosa::ClampOp::attachInterface<UnaryModel<tosa::ClampOp>>(*ctx);
    tosa::TableOp::attachInterface<UnaryModel<tosa::TableOp>>(*ctx);
    tosa::SigmoidOp::attachInterface<UnaryModel<tosa::SigmoidOp>>(*ctx);
    tosa::TanhOp::attachInterface<UnaryModel<tosa::TanhOp>>(*ctx);
    tosa::AddOp::attachInterface<ChannelLocalModel<tosa::AddOp>>(*ctx);
    tosa::SubOp::attachInterface<ChannelLocalModel<tosa::SubOp>>(*ctx);
    tosa::MaximumOp::attachInterface<ChannelLocalModel<tosa::MaximumOp>>(*ctx);
    tosa::MinimumOp::attachInterface<ChannelLocalModel<tosa::MinimumOp>>(*ctx);
    tosa::MulOp::attachInterface<MulModel>(*ctx);
    tosa::PadOp::attachInterface<PadModel>(*ctx);
    tosa::ReduceSumOp::attachInterface<ReduceModel<tosa::ReduceSumOp>>(*ctx);
    tosa::ReduceMaxOp::attachInterface<ReduceModel<tosa::ReduceMaxOp>>(*ctx);
    tosa::ReshapeOp::attachInterface<ReshapeModel>(*ctx);
    tosa::TransposeOp::attachInterface<TransposeModel>(*ctx);
    tosa::ConcatOp::attachInterface<ConcatModel>(*ctx);
    tosa::ConstOp::attachInterface<ConstModel>(*ctx);
  });
}
