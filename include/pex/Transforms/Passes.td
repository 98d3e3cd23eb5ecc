//===- Passes.td - Pex target-neutral passes ---------------*- tablegen -*-===//
//
// Passes that do not depend on the target: the legality gate, the memory
// report, pruning, and the fusion, buffer check, MAC count and static arena
// that the host and Cortex-M pipelines share.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TRANSFORMS_PASSES_TD
#define PEX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PexVerifyInput : Pass<"pex-verify-input", "::mlir::ModuleOp"> {
  let summary = "Reject input the Pex pipeline cannot compile";
  let description = [{
    The legality gate at the front of every Pex pipeline. It rejects, with a
    diagnostic that names the operation and the reason:

    - tensors with dynamic dimensions and unranked tensors;
    - rank-0 tensors (TOSA's scalars are rank-1 tensors of one element) and
      tensors of rank above 6, TOSA's maximum rank;
    - element types other than i1, i8, i32 and f32 (int16 activations, their
      i48 accumulators, f16, bf16, f64 and i64 are not supported);
    - tensors of more than 2^31 - 1 bytes, which a 32-bit index cannot
      address;
    - tensors that cannot fit `max-sram` bytes of SRAM (0: no limit): a
      model input or output (always whole in the arena) larger than it, or
      an int8 activation of which even one channel, the smallest slice of
      partial execution, is larger. Constants live in flash and int32
      accumulators are computed a pixel at a time, so neither is counted;
    - a function that returns the same value twice or returns an argument
      directly: each output is a buffer of its own;
    - `tosa.rescale` whose multiplier or shift is not a constant or is
      outside TOSA's ranges (multiplier >= 0, 2 <= shift <= 62);
    - operations of dialects other than `tosa`, `func` and `partial`, and the
      TOSA operations the backend does not compile (control flow, variables,
      custom operators, FFTs).

    Float operations that would need the C math library (`tosa.sin`,
    `tosa.exp`, ...) are target-dependent: the host links it, and
    `--pex-check-bare-metal` rejects them for Cortex-M.

    ```mlir
    // error: 'tosa.while_loop' op is not supported by Pex: control flow
    // error: 'func.func' op is not supported by Pex: argument #0: rank-0
    //        tensor tensor<i8> (tensors need rank 1 to 6)
    ```
  }];
  let options = [
    Option<"maxSram", "max-sram", "int64_t", /*default=*/"2097152",
           "SRAM bytes of the target (default 2 MiB, the largest Cortex-M "
           "SRAM; 0: no limit): a tensor that cannot fit is rejected">,
  ];
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
    Prints, for each function, the schedule of fused groups with the live
    bytes and live tensors at each step, for whole-buffer execution (every
    tensor materialised) and for the chains as formed (`partial.chain` ops
    executed slice by slice), the peak and the operation at the peak, and
    the live-bytes bound (no arena packing can go below it). The IR is left
    unchanged.

    Fused groups are counted as an int8 runtime runs them: a convolution with
    its rescale and clamp, or a quantised add with its rescales, is one step
    with an int8 output; constants live in flash and reshapes are views.

    With `format=json` the report is one JSON object per function with the
    stable keys `function`, `whole_buffer_peak_bytes`, `whole_buffer_peak_op`,
    `peak_bytes`, `peak_op`, `live_bytes_bound`, `chains` (`channels`,
    `slice_size`, `boundary`, `ops`, and `peak_before_bytes`,
    `peak_after_bytes`: the largest live bytes over the chain's fused groups
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
    `argument`, `in_place_of`). In the profiling build (attribute
    `pex.profile` of `--pex-cortexm-profile`) it adds `profile_regions`,
    the ids the profiling hooks count.

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

    The budget is met by the planned arena, not only by the peak: the arena
    also holds alignment padding, what packing cannot reuse and the kernels'
    scratch, so it can exceed the peak. The pass applies the hints to a copy
    of the function and compiles it with `arena-pipeline` (a registered
    pipeline, given `sram-budget` as `pex-compile --sram-budget` gives it;
    default `pex-cortexm-pipeline`), which records the arena in `pex.arena`.
    While that arena exceeds the budget, the search runs again for a peak
    lower by the excess (or by twice the previous step, when that is more),
    then bisects back towards the budget to prune no more than needed; at
    most 12 arenas are planned. So the model pruned with the hints compiles
    with `pex-compile --sram-budget` of the same budget. A model
    whose peak already meets the budget may still get hints when its arena
    does not. `arena-pipeline=''` meets the budget at the peak alone, with
    no compilation.

    The search models channel chains only, while the arena pipeline may
    also stream the first layers by rows (`partial.row_chain`), which its
    arena then shows: a model whose unpruned arena meets the budget gets no
    hint, a budget below the best peak at the floors is still met when the
    floors' arena meets it, and when the first target's arena meets the
    budget the search bisects up towards the unpruned peak, so that no more
    channels are removed than the arena needs.
  }];
  let options = [
    Option<"sramBudget", "sram-budget", "int64_t", /*default=*/"0",
           "Bytes to reach: of the planned arena, or of the peak with "
           "arena-pipeline='' (required, > 0)">,
    Option<"minChannelFraction", "min-channel-fraction", "double",
           /*default=*/"0.25",
           "No group keeps fewer than this fraction of its channels">,
    Option<"arenaPipeline", "arena-pipeline", "std::string",
           /*default=*/"\"pex-cortexm-pipeline\"",
           "The registered pipeline that plans the arena of the pruned model "
           "(it is given sram-budget; '': meet the budget at the peak)">,
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

def PexFuseKernels : Pass<"pex-fuse-kernels", "::mlir::func::FuncOp"> {
  let summary = "Fuse each lowered group so its wide intermediates vanish";
  let description = [{
    Runs on linalg on tensors, after the TOSA conversions, and makes the
    fused groups of the memory model real: their int32 intermediates become
    per-pixel temporaries instead of full-size buffers.

    1. An accumulation `add(%acc, reduce(init = 0))`, where `reduce` is a
       linalg operation that sums into its init (convolution, matmul), is
       folded into `reduce(init = %acc)`: a chain's consumer adds each
       slice's contribution straight into the accumulator.
    2. Elementwise operations are fused (`linalg` elementwise fusion with
       reshape propagation; a producer is fused only into its single user,
       and only when that user is elementwise too):
       rescale and clamp become one operation, and so does a quantised add
       `rescale -> add -> rescale`, whose int32 values then never leave
       registers. A chain of three or more elementwise operations, each
       the only user of the previous one, is fused pairwise first, level
       by level, into the same operation: fused one link at a time, its
       growing body would be cloned once per link (quadratic time).
    3. Each elementwise operation that reads the result of a reduction
       (a convolution, depthwise convolution, matmul or pooling) is tiled
       one output pixel at a time (every loop but the innermost channel
       loops) and the reduction, the producer of its init (bias broadcast or
       zero fill) and the padding of its input are fused into the tile loop,
       which is marked `pex.kernel_tile`. Nothing else is fused, so no
       group is recomputed.

    Example: `conv -> rescale -> clamp`

    ```mlir
    %b = linalg.generic ... ins(%bias) outs(%e0 : tensor<1x8x8x24xi32>)
    %c = linalg.conv_2d_nhwc_fhwc_q ins(%x, %w, ...) outs(%b)
    %r = linalg.generic ... ins(%c, ...) outs(%e1 : tensor<1x8x8x24xi8>)
    ```

    becomes a loop nest over the 8x8 output pixels whose body computes a
    `tensor<1x1x1x24xi32>` convolution tile and rescales it into the int8
    result.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def PexCheckBuffers : Pass<"pex-check-buffers", "::mlir::ModuleOp"> {
  let summary = "Check that bufferized code holds no full-size intermediate";
  let description = [{
    Runs after bufferization and proves, on the `memref.alloc` and
    `memref.alloca` operations, what partial execution and the fused groups
    promise:

    - inside a loop over channel slices (`partial.slice_loop`, left by
      `--partial-lower-chains`), no buffer has one of the chain's full-size
      types, and every buffer outside a per-pixel tile loop is a channel
      slice: its last dimension is at most the loop's slice size (a loop
      whose single slice covers every channel proves nothing and is not
      checked);
    - outside those loops, every int32 buffer is either a chain accumulator
      (the initial value of a slice loop) or lies in a per-pixel tile
      loop (`pex.kernel_tile`, left by `--pex-fuse-kernels`): no full-size
      int32 intermediate of a fused `conv -> rescale` or quantised add
      remains.

    The scratch buffer of a `kernel` operation (working memory of the kernel
    library, sized by the kernel's window) is accepted anywhere.

    Each violation is an error at the allocation. With `report=true` the pass
    also prints, per function, how many allocations it checked in each
    class, and the largest.

    ```
    buffer check for @mobilenetv2_block: 7 allocations, 6 in slice loops,
      1 accumulators, 0 in kernel tiles, 0 other; largest 36864 bytes
      (memref<1x24x24x16xi32>)
    ```

    A buffer that nothing reads or writes (the window operand of a linalg
    pooling operation, which only gives the window shape) is counted as
    other.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print a summary of the allocations per function">,
  ];
}

def PexCountMacs : Pass<"pex-count-macs", "::mlir::ModuleOp"> {
  let summary = "Count the multiply-accumulates of each function";
  let description = [{
    Prints, for each function, the multiply-accumulate operations (MACs) of
    its TOSA convolutions, depthwise convolutions and matmuls, each
    multiplied by the trip counts of the `scf.for` loops around it. Run on
    the unsplit program and on the program after `--partial-lower-chains`,
    it shows that partial execution computes exactly as many MACs.

    ```
    macs for @main: 11264 (tosa.conv2d 6144, tosa.depthwise_conv2d 5120)
    ```

    A convolution counts `N * OH * OW * OC * KH * KW * IC`, a depthwise
    convolution `N * OH * OW * C * M * KH * KW`, a matmul `N * H * W * C`.
    The pass fails on a loop without constant bounds around such an op.

    With `per-location=true` a line per operator follows, in program order:
    the MACs under each operator key (the op's location as
    `--pex-cortexm-profile` names it: `op3.CONV_2D:tensor61`,
    `model.mlir:12:8`), for `pex-compile --profile`:

    ```
    macs for @main: 11264 (tosa.conv2d 6144, tosa.depthwise_conv2d 5120)
      macs at "model.mlir:4:8": 6144
      macs at "model.mlir:6:8": 5120
    ```
  }];
  let options = [
    Option<"perLocation", "per-location", "bool", /*default=*/"false",
           "Also print the MACs of each operator location">,
  ];
}

def PexPlanMemory : Pass<"pex-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place every buffer at a fixed offset of one static arena";
  let description = [{
    Runs on bufferized code (after `one-shot-bufferize` and
    `buffer-results-to-out-params`, before any deallocation) and replaces
    every `memref.alloc` and `memref.alloca` by a `memref.view` at a constant
    offset of one statically allocated, aligned arena: a public
    `memref.global` named `arena-name` without initial value, which the LLVM
    lowering puts in `.bss`. No allocation or deallocation remains.

    Lifetimes come from the schedule, the order of the operations: a buffer
    lives from the first operation that touches it (through any view) to the
    last one; a buffer defined outside a loop and used inside it lives for
    the whole loop, while a buffer allocated inside a loop body lives only
    within the iteration (a per-pixel tile is reused by every pixel
    and shares its bytes with the tiles of other fused groups). A buffer carried
    from one iteration to the next lives for the whole loop.

    The buffers are packed by the arena planner (`pex/Analysis/ArenaPlanner.h`):
    several orders and fits, TensorFlow Lite Micro's greedy-by-size among
    them, keeping the smallest arena, with in-place reuse where an
    elementwise `linalg` operation writes a whole buffer of the same shape and
    element size as an input that dies at that operation, and where a
    `memref.copy` (through reshapes) copies a whole buffer that dies there
    into a whole buffer that starts there, such as the last result into the
    output slot: when the plan gives both the same offset the copy is
    erased. The plan is verified before the IR is rewritten.

    With `place-arguments` (the default) the memref arguments of each public
    function, the model input and output, get arena slots too, as TensorFlow
    Lite Micro's arena holds them: an argument that the function only reads
    is an input, copied into its slot on entry; one it writes is an output,
    copied out of its slot on return. A copy is skipped when the caller
    passes the slot itself, so a caller that fills the input slot and reads
    the output slot copies nothing.

    The plan is recorded as the module attribute `pex.arena`: `symbol`,
    `bytes`, `alignment`, and per function `bytes`, `greedy_by_size_bytes`
    (the baseline's arena for the same buffers), `live_bytes_bound` (no
    packing of these buffers can be smaller), `heuristic`, `arguments`
    (`index`, `role`, `offset`, `bytes`) and `buffers` (`type`, `loc`,
    `offset`, `bytes`, `first`, `last`, and `in_place_of`).

    ```mlir
    func.func @f(%x: memref<64xi8>, %y: memref<64xi8>) {
      %t = memref.alloc() : memref<64xi8>
      ...
    }
    // becomes
    memref.global @pex_arena : memref<128xi8> = uninitialized {alignment = 8 : i64}
    func.func @f(%x: memref<64xi8>, %y: memref<64xi8>) {
      %arena = memref.get_global @pex_arena : memref<128xi8>
      %x_slot = memref.view %arena[%c0][] : memref<128xi8> to memref<64xi8>
      // copy %x into %x_slot unless it is the slot
      %t = memref.view %arena[%c64][] : memref<128xi8> to memref<64xi8>
      ...
    }
    ```

    Errors: an allocation with a dynamic size, a buffer that escapes through
    a return or a call, a call to a function with a body (inline first).
  }];
  let options = [
    Option<"arenaName", "arena-name", "std::string", /*default=*/"\"pex_arena\"",
           "Symbol of the arena">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"8",
           "Least alignment of every buffer in the arena, in bytes (a power "
           "of two; an allocation may ask for more)">,
    Option<"placeArguments", "place-arguments", "bool", /*default=*/"true",
           "Give the memref arguments of public functions arena slots">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // PEX_TRANSFORMS_PASSES_TD
