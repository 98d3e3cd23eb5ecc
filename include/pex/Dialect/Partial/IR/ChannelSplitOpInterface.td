//===- ChannelSplitOpInterface.td - channel-split interface -*- tablegen -*-===//
//
// Tells how an operation behaves when its tensors are split along the channel
// dimension (the last dimension, NHWC). Attached to TOSA operations as
// external models; an operation without it is a barrier.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_DIALECT_PARTIAL_IR_CHANNELSPLITOPINTERFACE_TD
#define PEX_DIALECT_PARTIAL_IR_CHANNELSPLITOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def ChannelSplitOpInterface : OpInterface<"ChannelSplitOpInterface"> {
  let cppNamespace = "::mlir::pex::partial";
  let description = [{
    Describes an operation along the channel dimension C (the last dimension
    of NHWC activations), which is what partial execution splits:

    - *channel-local*: output channel `c` depends only on input channel `c`;
      the operation consumes a channel slice and produces the same slice
      (depthwise convolution with multiplier 1, rescale, clamp, pooling,
      elementwise operations whose operands are sliced alike or broadcast).
    - *producer*: channel mixing; with its whole input present it can produce
      any slice of its output channels (convolution, matmul: weights sliced
      by output channel).
    - *consumer*: channel mixing; it can consume a slice of its input
      channels and add its contribution into a full-size accumulator; bias,
      rescale and activation run once after the last slice.
    - *barrier*: needs the whole tensor along C at once.

    For each operand, `getOperandSlicing` says what the operand is (an
    activation, a weight, a bias, a per-channel quantisation parameter, a
    zero point) and which of its dimensions is sliced when the operation
    plays a given role in a chain. The byte methods give what the operands
    and results occupy, which the memory model sums.

    Example: for `tosa.conv2d %x, %w, %b, %x_zp, %w_zp` acting as a producer,
    `%x` is used whole, `%w` (`[O, KH, KW, I]`) is sliced along dimension 0
    and `%b` along dimension 0; acting as a consumer, `%x` is sliced along
    dimension 3, `%w` along dimension 3 and `%b` is used whole, once, when
    the accumulator is finished.
  }];

  let methods = [
    InterfaceMethod<
      /*desc=*/[{Returns the channel class of this operation: a combination of
        `ChannelClass::Local`, `Producer` and `Consumer`, or `Barrier` when the
        operation cannot be split along channels as configured (for example a
        depthwise convolution with a channel multiplier, or a reshape that
        mixes C with other dimensions).}],
      /*retTy=*/"::mlir::pex::partial::ChannelClass",
      /*methodName=*/"getChannelClass",
      /*args=*/(ins)>,
    InterfaceMethod<
      /*desc=*/[{Returns what operand `index` is and, when the operation plays
        `role` in a chain, which of its dimensions is sliced (none when the
        operand is used whole).}],
      /*retTy=*/"::mlir::pex::partial::OperandSlicing",
      /*methodName=*/"getOperandSlicing",
      /*args=*/(ins "unsigned":$index, "::mlir::pex::partial::ChannelRole":$role)>,
    InterfaceMethod<
      /*desc=*/[{Returns the bytes of operand `index` when fully materialised.}],
      /*retTy=*/"int64_t",
      /*methodName=*/"getOperandBytes",
      /*args=*/(ins "unsigned":$index),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::mlir::pex::partial::getTensorBytes(
            $_op->getOperand(index).getType());
      }]>,
    InterfaceMethod<
      /*desc=*/[{Returns the bytes of result `index` when fully materialised.}],
      /*retTy=*/"int64_t",
      /*methodName=*/"getResultBytes",
      /*args=*/(ins "unsigned":$index),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::mlir::pex::partial::getTensorBytes(
            $_op->getResult(index).getType());
      }]>,
    InterfaceMethod<
      /*desc=*/[{Returns true when the results live in flash (`.rodata`), not in
        SRAM: constants such as weights, biases and quantisation parameters.}],
      /*retTy=*/"bool",
      /*methodName=*/"residesInFlash",
      /*args=*/(ins),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return false;">,
    InterfaceMethod<
      /*desc=*/[{Returns true when result 0 is a view of operand 0 (same bytes,
        another shape), so it occupies no memory of its own.}],
      /*retTy=*/"bool",
      /*methodName=*/"isView",
      /*args=*/(ins),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return false;">,
  ];
}

#endif // PEX_DIALECT_PARTIAL_IR_CHANNELSPLITOPINTERFACE_TD
