//===- KernelOps.td - kernel dialect ------------------------*- tablegen -*-===//
//
// The `kernel` dialect: one operation per entry point of the int8 kernel
// library for ARMv7E-M (runtime/kernels/pex_kernels.h), on tensors before
// bufferization and on memrefs after it. The Cortex-M pipeline matches the
// fused groups of the memory model to these operations
// (--pex-lower-to-kernels) and turns them into calls of the library
// (--pex-kernels-to-calls).
//
//===----------------------------------------------------------------------===//

#ifndef PEX_DIALECT_KERNEL_IR_KERNELOPS_TD
#define PEX_DIALECT_KERNEL_IR_KERNELOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let cppNamespace = "::mlir::pex::kernel";
  let summary = "Calls of the int8 kernel library for Cortex-M4/M7";
  let description = [{
    Each operation computes what one entry point of the int8 kernel library
    (`runtime/kernels/pex_kernels.h`) computes, with TOSA's arithmetic: a
    convolution, depthwise convolution or fully connected layer followed by
    `tosa.rescale` (`scale32`, `DOUBLE_ROUND`, per channel) and `tosa.clamp`;
    the accumulation of one slice of a convolution's input channels into an
    int32 accumulator (the consumer of a partial-execution chain); and the
    requantisation of an int32 accumulator (the chain's finish).

    The operations are in destination-passing style: on tensors each result
    is the updated value of an `into` operand; after bufferization they work
    on memrefs, whose layouts give the kernel's pixel and weight strides, and
    have no results. Activations are NHWC with one batch element, weights are
    TOSA's (`[O][KH][KW][C]`, depthwise `[KH][KW][C][1]`), and biases,
    multipliers and shifts have one element per output channel. Operations
    that need working memory take a 1-D i8 `scratch` operand, which
    bufferization allocates, so the static arena reserves it.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def Kernel_Shaped : AnyTypeOf<[AnyRankedTensor, AnyMemRef]>;

// An i32 attribute read as a signed value (zero points and clamp bounds are
// negative), where upstream's I32Attr returns uint32_t.
def Kernel_I32Attr : TypedSignlessIntegerAttrBase<I32, "int32_t",
    "32-bit signless integer attribute"> {
  let convertFromStorage =
      "static_cast<int32_t>($_self.getValue().getSExtValue())";
}

/// An operation of the dialect whose last `numInits` operands are its
/// destinations.
class Kernel_Op<string mnemonic, int numInits, list<Trait> traits = []>
    : Op<Kernel_Dialect, mnemonic, !listconcat([
        DestinationStyleOpInterface,
        DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
        DeclareOpInterfaceMethods<BufferizableOpInterface,
            ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
             "getAliasingValues", "bufferize"]>], traits)> {
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  code kernelClassDeclaration = [{
    static constexpr unsigned kNumInits = }] # numInits # [{;
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return ::mlir::MutableOperandRange(getOperation(),
                                         getNumOperands() - kNumInits,
                                         kNumInits);
    }
  }];
  let extraClassDeclaration = kernelClassDeclaration;
}

def Kernel_Conv2DOp : Kernel_Op<"conv2d", 2> {
  let summary = "conv2d -> rescale -> clamp (pex_conv2d_s8)";
  let description = [{
    `output = clamp(apply_scale_32(bias + conv2d(input - input_zp, weights),
    multiplier, shift) + output_zp, act_min, act_max)` per output channel,
    with TOSA's `stride`, `pad` (`[top, bottom, left, right]`) and
    `dilation`. Input `[1, IH, IW, C]` i8, weights `[O, KH, KW, C]` i8, bias
    and multiplier `[O]` i32, shift `[O]` i8, output `[1, OH, OW, O]` i8;
    `scratch` holds the im2col windows (`getConv2DScratchBytes`).

    ```mlir
    %y, %s = kernel.conv2d %x, %w, %b, %m, %sh, %out, %scratch
        {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>,
         dilation = array<i64: 1, 1>, input_zp = -128 : i32,
         output_zp = 5 : i32, act_min = -128 : i32, act_max = 127 : i32}
        : (tensor<1x8x8x16xi8>, tensor<32x1x1x16xi8>, tensor<32xi32>,
           tensor<32xi32>, tensor<32xi8>, tensor<1x8x8x32xi8>,
           tensor<64xi8>) -> (tensor<1x8x8x32xi8>, tensor<64xi8>)
    ```
  }];
  let arguments = (ins Kernel_Shaped:$input, Kernel_Shaped:$weights,
                       Kernel_Shaped:$bias, Kernel_Shaped:$multiplier,
                       Kernel_Shaped:$shift, Kernel_Shaped:$output,
                       Kernel_Shaped:$scratch,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$pad,
                       DenseI64ArrayAttr:$dilation, Kernel_I32Attr:$input_zp,
                       Kernel_I32Attr:$output_zp, Kernel_I32Attr:$act_min,
                       Kernel_I32Attr:$act_max);
}

def Kernel_DepthwiseConv2DOp : Kernel_Op<"depthwise_conv2d", 1> {
  let summary = "depthwise_conv2d -> rescale -> clamp (pex_depthwise_conv2d_s8)";
  let description = [{
    The depthwise convolution with a channel multiplier of 1 followed by the
    output stage of `kernel.conv2d`. Input `[1, IH, IW, C]` i8, weights
    `[KH, KW, C, 1]` i8, bias and multiplier `[C]` i32, shift `[C]` i8,
    output `[1, OH, OW, C]` i8. No scratch.

    ```mlir
    %y = kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %out
        {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>,
         dilation = array<i64: 1, 1>, input_zp = -128 : i32,
         output_zp = -128 : i32, act_min = -128 : i32, act_max = 127 : i32}
        : (tensor<1x8x8x16xi8>, tensor<3x3x16x1xi8>, tensor<16xi32>,
           tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>)
        -> tensor<1x8x8x16xi8>
    ```
  }];
  let arguments = (ins Kernel_Shaped:$input, Kernel_Shaped:$weights,
                       Kernel_Shaped:$bias, Kernel_Shaped:$multiplier,
                       Kernel_Shaped:$shift, Kernel_Shaped:$output,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$pad,
                       DenseI64ArrayAttr:$dilation, Kernel_I32Attr:$input_zp,
                       Kernel_I32Attr:$output_zp, Kernel_I32Attr:$act_min,
                       Kernel_I32Attr:$act_max);
}

def Kernel_FullyConnectedOp : Kernel_Op<"fully_connected", 1> {
  let summary = "1x1 conv2d of single pixels -> rescale -> clamp "
                "(pex_fully_connected_s8)";
  let description = [{
    A fully connected layer as TFLite's importer writes it: a 1x1 `conv2d`
    of `N` single-pixel rows. Input `[N, 1, 1, C]` i8, weights
    `[O, 1, 1, C]` i8, bias and multiplier `[O]` i32, shift `[O]` i8, output
    `[N, 1, 1, O]` i8. No scratch.

    ```mlir
    %y = kernel.fully_connected %x, %w, %b, %m, %sh, %out
        {input_zp = -128 : i32, output_zp = 3 : i32, act_min = -128 : i32,
         act_max = 127 : i32}
        : (tensor<1x1x1x256xi8>, tensor<2x1x1x256xi8>, tensor<2xi32>,
           tensor<2xi32>, tensor<2xi8>, tensor<1x1x1x2xi8>)
        -> tensor<1x1x1x2xi8>
    ```
  }];
  let arguments = (ins Kernel_Shaped:$input, Kernel_Shaped:$weights,
                       Kernel_Shaped:$bias, Kernel_Shaped:$multiplier,
                       Kernel_Shaped:$shift, Kernel_Shaped:$output,
                       Kernel_I32Attr:$input_zp, Kernel_I32Attr:$output_zp,
                       Kernel_I32Attr:$act_min, Kernel_I32Attr:$act_max);
}

def Kernel_Conv2DAccumulateOp : Kernel_Op<"conv2d_accumulate", 2> {
  let summary = "add a slice's conv2d into an int32 accumulator "
                "(pex_conv2d_s8_consume)";
  let description = [{
    The consumer of a partial-execution chain: `acc += conv2d(input -
    input_zp, weights)` without bias, wrapping like TOSA's int32 `add`.
    Input `[1, IH, IW, K]` i8 (one slice of K input channels), weights
    `[O, KH, KW, K]` i8 (the slice's input channels of the whole weight
    tensor), accumulator `[1, OH, OW, O]` i32, read and written. `scratch`
    holds the im2col windows (`getConv2DAccumulateScratchBytes`).

    ```mlir
    %acc2, %s = kernel.conv2d_accumulate %x, %w, %acc, %scratch
        {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>,
         dilation = array<i64: 1, 1>, input_zp = -128 : i32}
        : (tensor<1x8x8x8xi8>, tensor<16x1x1x8xi8>, tensor<1x8x8x16xi32>,
           tensor<32xi8>) -> (tensor<1x8x8x16xi32>, tensor<32xi8>)
    ```
  }];
  let arguments = (ins Kernel_Shaped:$input, Kernel_Shaped:$weights,
                       Kernel_Shaped:$acc, Kernel_Shaped:$scratch,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$pad,
                       DenseI64ArrayAttr:$dilation, Kernel_I32Attr:$input_zp);
}

def Kernel_RequantizeOp : Kernel_Op<"requantize", 1> {
  let summary = "int32 accumulator + bias -> rescale -> clamp "
                "(pex_requantize_s32_s8)";
  let description = [{
    The finish of an accumulating chain: `output = clamp(apply_scale_32(acc +
    bias, multiplier, shift) + output_zp, act_min, act_max)` per channel.
    Accumulator `[1, H, W, C]` i32, bias and multiplier `[C]` i32, shift
    `[C]` i8, output `[1, H, W, C]` i8.

    ```mlir
    %y = kernel.requantize %acc, %b, %m, %sh, %out
        {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32}
        : (tensor<1x8x8x16xi32>, tensor<16xi32>, tensor<16xi32>,
           tensor<16xi8>, tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
    ```
  }];
  let arguments = (ins Kernel_Shaped:$acc, Kernel_Shaped:$bias,
                       Kernel_Shaped:$multiplier, Kernel_Shaped:$shift,
                       Kernel_Shaped:$output, Kernel_I32Attr:$output_zp,
                       Kernel_I32Attr:$act_min, Kernel_I32Attr:$act_max);
}

#endif // PEX_DIALECT_KERNEL_IR_KERNELOPS_TD
