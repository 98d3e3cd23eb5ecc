//===- PartialOps.td - partial dialect operations ----------*- tablegen -*-===//

#ifndef PEX_DIALECT_PARTIAL_IR_PARTIALOPS_TD
#define PEX_DIALECT_PARTIAL_IR_PARTIALOPS_TD

include "pex/Dialect/Partial/IR/PartialBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"

def Partial_ChainBoundary : I32EnumAttr<"ChainBoundary",
    "how a channel-split chain delivers its result", [
      I32EnumAttrCase<"Accumulate", 0, "accumulate">,
      I32EnumAttrCase<"Materialize", 1, "materialize">
    ]> {
  let cppNamespace = "::mlir::pex::partial";
}

//===----------------------------------------------------------------------===//
// ChainOp
//===----------------------------------------------------------------------===//

def Partial_ChainOp : Partial_Op<"chain", [
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a chain of operators executed one channel slice at a time";
  let description = [{
    Holds one splittable chain of TOSA operations. The chain splits a channel
    extent of `channels` channels into slices of `slice_size` channels (the
    last slice holds the remainder when `slice_size` does not divide
    `channels`) and runs its body once per slice, so that every intermediate
    tensor of the body exists only as a slice buffer.

    The operands are the chain's *materialised inputs*: they are present in
    full for the whole chain; the body receives them as block arguments.
    Weights, biases and quantisation parameters are `tosa.const` operations
    inside the body (the chain is isolated from above): they live in flash
    and are sliced as views.

    The role of each body operation follows from the dataflow and the
    `ChannelSplitOpInterface` of the operation:

    - a channel-mixing operation that reads a materialised input whole is the
      *producer*: it computes one slice of its output channels per iteration
      (weights sliced by output channel);
    - a channel-local operation maps a slice to the same slice; when it reads
      a materialised input (a chain starting at a depthwise convolution, the
      other operand of a residual add) it reads a view of that slice;
    - a channel-mixing operation that reads a slice is the *consumer*: it
      adds the contribution of that slice of its input channels into a
      full-size accumulator (int32 for int8 models, f32 for float);
    - channel-local operations after the consumer *finish* the accumulator
      (rescale, clamp, residual add) once, after the last slice.

    `boundary` states how the chain ends: `accumulate` when its result is the
    finished accumulator of the consumer, `materialize` when it has no
    consumer and its results are written slice by slice into materialised
    tensors. At most one producer and one consumer exist in a chain; a
    barrier (an operation that needs all channels at once) cannot be part of
    one.

    Example: a MobileNetV2 inverted residual block whose 96 expanded channels
    are processed 8 at a time; only `x`, the int32 accumulator of the
    projection and two 24x24x8 slices are ever live.

    ```mlir
    %y = partial.chain(%x) channels(96) slice(8) accumulate
        : (tensor<1x24x24x16xi8>) -> tensor<1x24x24x16xi8> {
    ^bb0(%in: tensor<1x24x24x16xi8>):
      %e = tosa.conv2d %in, %w1, %b1, %zp, %wzp {...}   // producer
          : (...) -> tensor<1x24x24x96xi32>
      %e8 = tosa.rescale %e, ... -> tensor<1x24x24x96xi8>
      %d = tosa.depthwise_conv2d %e8, %w2, ... -> tensor<1x24x24x96xi32>
      %d8 = tosa.rescale %d, ... -> tensor<1x24x24x96xi8>
      %p = tosa.conv2d %d8, %w3, %b3, ... -> tensor<1x24x24x16xi32> // consumer
      %r = tosa.rescale %p, ... -> tensor<1x24x24x16xi8>          // finish
      partial.yield %r : tensor<1x24x24x16xi8>
    }
    ```

    The types in the body are the full (unsplit) types: the body states what
    is computed, the attributes how it is scheduled.
  }];

  let arguments = (ins
    Variadic<AnyRankedTensor>:$inputs,
    ConfinedAttr<I64Attr, [IntPositive]>:$channels,
    ConfinedAttr<I64Attr, [IntPositive]>:$slice_size,
    Partial_ChainBoundary:$boundary
  );
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);

  let assemblyFormat = [{
    `(` $inputs `)` `channels` `(` $channels `)` `slice` `(` $slice_size `)`
    $boundary attr-dict `:` functional-type($inputs, $results) $body
  }];

  let hasVerifier = 1;
  let hasRegionVerifier = 1;

  let extraClassDeclaration = [{
    /// The number of slices the chain runs, including a remainder slice.
    int64_t getNumSlices() {
      return (getChannels() + getSliceSize() - 1) / getSliceSize();
    }
    /// Derives the stage of each body operation from the dataflow. Emits a
    /// diagnostic and fails when the body is not a valid chain and
    /// `emitDiagnostics` is set; fails silently otherwise.
    ::llvm::LogicalResult analyzeBody(ChainStructure &structure,
                                      bool emitDiagnostics = false);
  }];
}

//===----------------------------------------------------------------------===//
// RowChainOp
//===----------------------------------------------------------------------===//

def Partial_RowChainOp : Partial_Op<"row_chain", [
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a chain of operators executed one band of rows at a time";
  let description = [{
    Holds a chain of spatial TOSA operations on NHWC tensors of batch 1
    (convolutions, depthwise convolutions, pools and the elementwise
    operations around them, residual adds included) that runs band by band:
    each step finishes `band` more rows of the chain's output. The second
    split dimension of the `partial` dialect, next to `partial.chain`'s
    channels: it shrinks what channel slicing cannot, the first layers of an
    image model, where every channel of the image is read at every pixel.

    Every intermediate tensor keeps only the rows a consumer will still
    read: the window height of its consumer plus the stride's slack (a line
    buffer); a tensor whose rows are read in the step that computes them
    exists only as that step's band. The schedule is demand driven: each
    step, every operation computes, in program order, the rows its
    consumers need and nothing it computed before, so every row of every
    tensor is computed exactly once: no halo is recomputed and the MACs are
    those of the unsplit program. Padding rows are the convolutions' own
    padding attributes, set per band.

    The operands are the chain's materialised inputs (read band by band in
    place); weights and quantisation parameters are `tosa.const` operations
    inside the body. The body's last operation computes the single result,
    written band by band into a whole tensor. Its types are the full
    (unsplit) types: the body states what is computed, `band` how.

    Example: a MobileNetV2 stem streamed two output rows at a time; only the
    image, the output and a few rows of the 72x72x16 tensors are live.

    ```mlir
    %y = partial.row_chain(%image) band(2)
        : (tensor<1x144x144x3xi8>) -> tensor<1x72x72x8xi8> {
    ^bb0(%in: tensor<1x144x144x3xi8>):
      %c = tosa.conv2d %in, %w1, %b1, %zp, %wzp {stride = array<i64: 2, 2>, ...}
          : (...) -> tensor<1x72x72x16xi32>
      %c8 = tosa.rescale %c, ... -> tensor<1x72x72x16xi8>
      %d = tosa.depthwise_conv2d %c8, %w2, ... -> tensor<1x72x72x16xi32>
      %d8 = tosa.rescale %d, ... -> tensor<1x72x72x16xi8>
      %p = tosa.conv2d %d8, %w3, ... -> tensor<1x72x72x8xi32>
      %p8 = tosa.rescale %p, ... -> tensor<1x72x72x8xi8>
      partial.yield %p8 : tensor<1x72x72x8xi8>
    }
    ```
  }];

  let arguments = (ins
    Variadic<AnyRankedTensor>:$inputs,
    ConfinedAttr<I64Attr, [IntPositive]>:$band
  );
  let results = (outs AnyRankedTensor:$result);
  let regions = (region SizedRegion<1>:$body);

  let assemblyFormat = [{
    `(` $inputs `)` `band` `(` $band `)` attr-dict `:`
    functional-type($inputs, $result) $body
  }];

  let hasVerifier = 1;
  let hasRegionVerifier = 1;

  let extraClassDeclaration = [{
    /// The body's operations in program order, constants excluded.
    ::llvm::SmallVector<::mlir::Operation *> getComputeOps();
    /// The band-by-band schedule of the body; fails with a reason when the
    /// body cannot run band by band.
    ::mlir::FailureOr<RowSchedule> getSchedule(std::string &reason);
  }];
}

//===----------------------------------------------------------------------===//
// RotateRowsOp
//===----------------------------------------------------------------------===//

def Partial_RotateRowsOp : Partial_Op<"rotate_rows", [
    Pure, AllTypesMatch<["source", "result"]>,
    DeclareOpInterfaceMethods<BufferizableOpInterface,
        ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
         "getAliasingValues", "bufferize"]>]> {
  let summary = "moves the rows a line buffer keeps to its top";
  let description = [{
    Rows `[shift, shift + keep)` of `source` become rows `[0, keep)` of the
    result; the other rows are unspecified (the caller overwrites them).
    The lowering of a `partial.row_chain` rotates each line buffer this way
    before writing a step's new rows below the kept ones, so that every
    window a consumer reads is contiguous.

    It bufferizes in place into copies of `shift` rows at a time, top to
    bottom: each copy's source and destination are disjoint, and a row is
    read before a later copy overwrites it.

    ```mlir
    %kept = partial.rotate_rows %lb by 1 keep 2 : tensor<1x3x72x16xi8>
    ```
  }];

  let arguments = (ins
    AnyRankedTensor:$source,
    ConfinedAttr<I64Attr, [IntPositive]>:$shift,
    ConfinedAttr<I64Attr, [IntPositive]>:$keep
  );
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $source `by` $shift `keep` $keep attr-dict `:` type($source)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// YieldOp
//===----------------------------------------------------------------------===//

def Partial_YieldOp : Partial_Op<"yield", [
    Pure, ReturnLike, Terminator, ParentOneOf<["ChainOp", "RowChainOp"]>]> {
  let summary = "terminates a chain or a row chain and names its results";
  let description = [{
    Returns the chain's results: the finished accumulator of an `accumulate`
    chain, or the tensors an `materialize` chain writes slice by slice. The
    operand types match the chain's result types.

    ```mlir
    partial.yield %r : tensor<1x24x24x16xi8>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // PEX_DIALECT_PARTIAL_IR_PARTIALOPS_TD
