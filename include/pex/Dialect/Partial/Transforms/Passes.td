//===- Passes.td - partial dialect passes ------------------*- tablegen -*-===//

#ifndef PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_TD
#define PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PartialFormChains : Pass<"partial-form-chains", "::mlir::func::FuncOp"> {
  let summary = "Wrap splittable TOSA subgraphs into partial.chain and "
                "partial.row_chain ops";
  let description = [{
    Finds chains of fused groups that can run one channel slice at a time
    and wraps each in a `partial.chain`, choosing its boundaries and its slice
    size with the memory model of `--pex-memory-report`.

    A candidate chain is a path of fused groups linked by tensors that have no
    other use: it starts at a producer (a convolution or fully connected
    layer reading its materialised input whole) or at a channel-local group,
    continues through channel-local groups, and ends either at a consumer
    (`accumulate`: a full-size accumulator, finished once after the loop) or
    at a channel-local group whose output is written slice by slice
    (`materialize`). A tensor used outside its chain is materialised, so
    fan-out and function results end chains; barriers (softmax, flattening
    reshapes, reductions over C, ...) never join one.

    The pass repeatedly adds the candidate that lowers the function's peak
    live bytes most (with slices of one channel), until the peak meets
    `sram-budget` or no candidate lowers it. Each chosen chain then gets the
    fewest slices that keep it under max(peak, budget), preferring a slice
    size that divides the channel count; `slices=<n>` forces n slices.

    Unless `rows=false`, it then tries streaming the first layers by rows:
    a `partial.row_chain` over consecutive fused groups from the stem (the
    groups reading only function arguments, or what a group that cannot
    stream makes of them alone, such as the NCHW -> NHWC transpose of a
    PyTorch export) through groups that run band by
    band (convolutions, depthwise convolutions, pools and elementwise
    groups, residual adds included), whose results are read only inside the chain
    but for the last one's. For every such run and every band height (1, 2,
    4, ... output rows) it evaluates the peak with the channel chains that
    do not overlap the run; the lowest peak wins if it is at least 16 bytes
    lower, and among peaks within 1% of it the largest band, then the
    shortest run. The channel chains are then chosen again around the row
    chain. `band=<k>` streams the best run in bands of k rows even when it
    lowers nothing (and overrides `rows=false`).

    Example: an inverted residual block `x -> conv1x1 (expand) -> clamp ->
    depthwise -> conv1x1 (project) -> y`

    ```mlir
    %e = tosa.conv2d %x, ...  -> tensor<1x24x24x96xi32>
    ...
    %y = tosa.rescale %p, ... -> tensor<1x24x24x16xi8>
    ```

    becomes

    ```mlir
    %y = partial.chain(%x) channels(96) slice(8) accumulate
        : (tensor<1x24x24x16xi8>) -> tensor<1x24x24x16xi8> {
    ^bb0(%in: tensor<1x24x24x16xi8>):
      ...
      partial.yield %r : tensor<1x24x24x16xi8>
    }
    ```
  }];
  let dependentDialects = ["::mlir::pex::partial::PartialDialect"];
  let options = [
    Option<"sramBudget", "sram-budget", "int64_t", /*default=*/"0",
           "Stop forming chains once the peak live bytes are at most this "
           "many bytes (0: minimise the peak)">,
    Option<"slices", "slices", "int64_t", /*default=*/"0",
           "Force this many slices per chain (0: choose with the memory "
           "model)">,
    Option<"rows", "rows", "bool", /*default=*/"true",
           "Stream the first layers band by band when it lowers the peak "
           "(false: channel chains only)">,
    Option<"band", "band", "int64_t", /*default=*/"0",
           "Force this many output rows per band of the row chain (0: "
           "choose with the memory model)">,
  ];
}

def PartialLowerChains : Pass<"partial-lower-chains", "::mlir::func::FuncOp"> {
  let summary = "Rewrite partial.chain ops into loops over channel slices "
                "and partial.row_chain ops into loops over bands of rows";
  let description = [{
    Replaces each `partial.chain` by an `scf.for` over its channel slices, on
    tensors, so that every intermediate of the chain exists only as a slice:

    - weights, biases and per-channel quantisation parameters are
      `tensor.extract_slice` views of the constants, cut along the dimension
      the `ChannelSplitOpInterface` of their user names (no sliced copy of a
      constant is created);
    - a materialised input read by a channel-local operation is viewed one
      slice at a time;
    - the producer and the channel-local operations are re-created as TOSA
      operations on slice-shaped tensors;
    - the consumer computes the contribution of the slice with a zero bias
      and adds it with `tosa.add` into a loop-carried full-size accumulator
      (int32 for int8 chains, f32 for float ones); after the loop the bias is
      added once and the finishing operations run on the accumulator;
    - a `materialize` chain inserts each result slice into a loop-carried
      full-size result with `tensor.insert_slice`.

    When the slice size does not divide the channel count, the last slice is
    peeled into a second loop of one iteration with its own static shapes.
    Both loops carry `partial.slice_loop = {channels, slice_size,
    full_types}` (the chain's unsplit types), which `--pex-check-buffers`
    reads after bufferization. `slice-size=<k>` overrides the slice size of
    every chain (clamped to its channel count).

    A `partial.row_chain` becomes the steps of its `RowSchedule`: the first
    steps (the pipeline filling, top padding) and the last ones (bottom
    padding) one by one with their own static shapes and `pad` attributes,
    the steady state as an `scf.for` whose body is one period of steps
    (`partial.row_loop = {band, first_step, period}`). The chain's inputs are
    read through `tensor.extract_slice` row windows, its result written with
    `tensor.insert_slice`; each line buffer is a loop-carried tensor that
    `partial.rotate_rows` shifts before a step inserts its new rows.

    Example: a chain of 24 channels in slices of 8

    ```mlir
    %y = partial.chain(%x) channels(24) slice(8) accumulate
        : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
    ^bb0(%in: tensor<1x8x8x4xi8>):
      %e = tosa.conv2d %in, %w1, %b1, ... -> tensor<1x8x8x24xi32>
      %e8 = tosa.rescale %e, %m1, %s1, ... -> tensor<1x8x8x24xi8>
      %p = tosa.conv2d %e8, %w2, %b2, ... -> tensor<1x8x8x4xi32>
      %r = tosa.rescale %p, ... -> tensor<1x8x8x4xi8>
      partial.yield %r : tensor<1x8x8x4xi8>
    }
    ```

    becomes

    ```mlir
    %zero = linalg.fill ins(%c0_i32 : i32) outs(%empty : tensor<1x8x8x4xi32>)
    %acc = scf.for %c = %c0 to %c24 step %c8 iter_args(%a = %zero)
        -> (tensor<1x8x8x4xi32>) {
      %w1s = tensor.extract_slice %w1[%c, 0, 0, 0] [8, 1, 1, 4] [1, 1, 1, 1]
      %e = tosa.conv2d %x, %w1s, %b1s, ... -> tensor<1x8x8x8xi32>
      %e8 = tosa.rescale %e, %m1s, %s1s, ... -> tensor<1x8x8x8xi8>
      %w2s = tensor.extract_slice %w2[0, 0, 0, %c] [4, 1, 1, 8] [1, 1, 1, 1]
      %p = tosa.conv2d %e8, %w2s, %zero_bias, ... -> tensor<1x8x8x4xi32>
      %sum = tosa.add %a, %p : ... -> tensor<1x8x8x4xi32>
      scf.yield %sum : tensor<1x8x8x4xi32>
    } {partial.slice_loop = {channels = 24, slice_size = 8, full_types = [...]}}
    %biased = tosa.add %acc, %b2_nhwc : ... -> tensor<1x8x8x4xi32>
    %y = tosa.rescale %biased, ... -> tensor<1x8x8x4xi8>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::tosa::TosaDialect",
  ];
  let options = [
    Option<"sliceSize", "slice-size", "int64_t", /*default=*/"0",
           "Channels per slice for every chain (0: each chain's own "
           "slice_size)">,
  ];
}

#endif // PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_TD
