//===- Passes.td - Pex project-wide passes -----------------*- tablegen -*-===//

#ifndef PEX_TRANSFORMS_PASSES_TD
#define PEX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PexVerifyInput : Pass<"pex-verify-input", "::mlir::ModuleOp"> {
  let summary = "Reject input the Pex pipeline cannot compile";
  let description = [{
    The legality gate at the front of every Pex pipeline. It rejects, with a
    diagnostic that names the operation and the reason:

    - tensors with dynamic dimensions and unranked tensors;
    - element types other than i1, i8, i32 and f32 (int16 activations, their
      i48 accumulators, f16, bf16, f64 and i64 are not supported);
    - operations of dialects other than `tosa`, `func` and `partial`, and the
      TOSA operations the backend does not compile (control flow, variables,
      custom operators, FFTs).

    ```mlir
    // error: 'tosa.while_loop' op is not supported by Pex: control flow
    ```
  }];
}

def PexMarkInt32Buffers : Pass<"pex-mark-int32-buffers", "::mlir::ModuleOp"> {
  let summary = "Mark the int32 tensors the memory model counts as buffers";
  let description = [{
    Some int8 models hold int32 tensors that no kernel fusion can remove
    and that the memory model counts as buffers like any other: the
    exponent sums of an int8 softmax, the widened input of a dequantise.
    Others are fused intermediates (the accumulator of a convolution
    between it and its rescale, the widened operands of a quantised add),
    which the memory model assumes are never materialised.

    This pass runs on TOSA, before the conversion to linalg, and wraps the
    location of every operation with an int32 result of the first kind in
    a fused location whose metadata is `pex.int32_buffer`. The locations
    survive the conversion and bufferization, so `--pex-check-buffers`
    accepts the allocations of these tensors and keeps rejecting any other
    full-size int32 buffer: the check guards what the memory model
    promised, and never refuses a tensor the model itself has.

    ```mlir
    %e = tosa.cast %x : (tensor<1x10xi8>) -> tensor<1x10xi32>
    // becomes
    %e = tosa.cast %x : (tensor<1x10xi8>) -> tensor<1x10xi32>
           loc(fused<"pex.int32_buffer">["model.tflite":0:0])
    ```
  }];
}

def PexMemoryReport : Pass<"pex-memory-report", "::mlir::ModuleOp"> {
  let summary = "Report live bytes per step, the peak and the chains";
  let description = [{
    Prints, for each function, the schedule of fused kernels with the live
    bytes and live tensors at each step, for whole-buffer execution (every
    tensor materialised) and for the chains as formed (`partial.chain` ops
    executed slice by slice), the peak and the operation at the peak, and
    the live-bytes bound (no arena packing can go below it). The IR is left
    unchanged.

    Kernels are counted as an int8 runtime runs them: a convolution with its
    rescale and clamp, or a quantised add with its rescales, is one step with
    an int8 output; constants live in flash and reshapes are views.

    With `format=json` the report is one JSON object per function with the
    stable keys `function`, `whole_buffer_peak_bytes`, `whole_buffer_peak_op`,
    `peak_bytes`, `peak_op`, `live_bytes_bound`, `chains` (`channels`,
    `slice_size`, `boundary`, `ops`, and `peak_before_bytes`,
    `peak_after_bytes`: the largest live bytes over the chain's kernels
    without and with partial execution), `steps` and `whole_buffer_steps`
    (lists of `op`, `live_bytes`, `live_tensors`, and `chain`, `stage` for
    chain steps). `file=<path>` writes to a file instead of standard output.

    The report describes TOSA functions. To report on a model after it has
    been lowered, `record=true` attaches the report to the module as the
    attribute `pex.memory_report` instead of printing it; a later run of the
    pass on a module without TOSA functions prints the recorded report.
    Once `--pex-plan-memory` has placed the buffers in a static arena
    (attribute `pex.arena`), the report adds `arena_bytes`,
    `arena_symbol`, `arena_alignment`, `greedy_by_size_arena_bytes` (TFLite
    Micro's packing of the same buffers), `arena_live_bytes_bound` (the
    live-bytes bound of the bufferized buffers, which no packing of them can
    beat), `arena_heuristic` and `arena_buffers` (per buffer: `role`, `type`,
    `offset`, `bytes`, `first` and `last` step of its lifetime, `loc` or
    `argument`, `in_place_of`).

    ```
    memory report for @block
      whole-buffer peak: 119808 bytes at step 2 (tosa.depthwise_conv2d)
      peak: 55296 bytes at step 4 (tosa.conv2d (chain 0 finish))
    ```
  }];
  let options = [
    Option<"format", "format", "std::string", /*default=*/"\"text\"",
           "Output format: text or json">,
    Option<"file", "file", "std::string", /*default=*/"\"-\"",
           "Output file ('-' for standard output)">,
    Option<"record", "record", "bool", /*default=*/"false",
           "Attach the report to the module (pex.memory_report) instead of "
           "printing it">,
  ];
}

def PexPruneHints : Pass<"pex-prune-hints", "::mlir::func::FuncOp"> {
  let summary = "Compute memory-driven structured-pruning hints for a budget";
  let description = [{
    When partial execution alone cannot bring the peak live bytes under
    `sram-budget`, finds how many output channels to remove from which layers
    so that the peak, re-planned with partial execution, meets the budget
    while removing as little capacity as possible.

    Channels are pruned by *channel group*: the output channels of a
    convolution or fully connected layer together with every tensor that
    carries them through channel-local ops. So a depthwise convolution
    follows its producer and the operands of a residual add are pruned
    together; the matching input channels of every consumer go with them.
    Groups that touch a model input or output, or an op that needs all
    channels (a flattening reshape, a reduction over C), are not pruned.

    The search is greedy: it repeatedly shrinks the group with the best ratio
    of peak bytes saved (with the chains of partial execution, in one-channel
    slices) to capacity removed (its share of the model's MACs plus its share
    of the parameters), never below `min-channel-fraction` of a group's
    channels. A budget that even the floor cannot meet is an error that
    states the best peak reachable.

    Hints are `pex.prune_hint` dictionary attributes on the producers of the
    pruned groups:

    ```mlir
    %0 = tosa.conv2d %x, ... {pex.prune_hint = {channels_after = 6 : i64,
        channels_before = 16 : i64, group = 3 : i64, peak_bytes = 82944 : i64}}
    ```

    `peak_bytes` is what the group's tensors hold at the unpruned peak. The
    memory report lists the hints (`prune_hints` in its JSON) and
    `--pex-apply-pruning` applies them.
  }];
  let options = [
    Option<"sramBudget", "sram-budget", "int64_t", /*default=*/"0",
           "Peak live bytes to reach (required, > 0)">,
    Option<"minChannelFraction", "min-channel-fraction", "double",
           /*default=*/"0.25",
           "No group keeps fewer than this fraction of its channels">,
  ];
}

def PexApplyPruning : Pass<"pex-apply-pruning", "::mlir::func::FuncOp"> {
  let summary = "Apply pex.prune_hint attributes to the TOSA constants";
  let description = [{
    For each channel group with a `pex.prune_hint`, keeps the
    `channels_after` output channels whose filters have the largest L1 norm
    (summed over the group's producers) and removes the others: the
    producers' output channels (weights, bias), the matching channels of the
    group's channel-local ops (depthwise weights and bias, per-channel
    rescale multipliers and shifts, per-channel constants, reshape shapes)
    and the matching input channels of every consumer (convolution and
    matmul weights). Tensor types shrink accordingly; the result is a
    smaller valid TOSA model. The hints are removed once applied.

    ```mlir
    // before: tosa.conv2d ... -> tensor<1x72x72x16xi32> {pex.prune_hint = {channels_after = 6 ...}}
    // after:  tosa.conv2d ... -> tensor<1x72x72x6xi32>
    ```
  }];
}

#endif // PEX_TRANSFORMS_PASSES_TD
