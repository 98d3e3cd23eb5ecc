//===- Passes.td - partial dialect passes ------------------*- tablegen -*-===//

#ifndef PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_TD
#define PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PartialFormChains : Pass<"partial-form-chains", "::mlir::func::FuncOp"> {
  let summary = "Wrap splittable TOSA subgraphs into partial.chain ops";
  let description = [{
    Finds chains of fused kernels that can run one channel slice at a time
    and wraps each in a `partial.chain`, choosing its boundaries and its slice
    size with the memory model of `--pex-memory-report`.

    A candidate chain is a path of kernels linked by tensors that have no
    other use: it starts at a producer (a convolution or fully connected
    layer reading its materialised input whole) or at a channel-local kernel,
    continues through channel-local kernels, and ends either at a consumer
    (`accumulate`: a full-size accumulator, finished once after the loop) or
    at a channel-local kernel whose output is written slice by slice
    (`materialize`). A tensor used outside its chain is materialised, so
    fan-out and function results end chains; barriers (softmax, flattening
    reshapes, reductions over C, ...) never join one.

    The pass repeatedly adds the candidate that lowers the function's peak
    live bytes most (with slices of one channel), until the peak meets
    `sram-budget` or no candidate lowers it. Each chosen chain then gets the
    fewest slices that keep it under max(peak, budget), preferring a slice
    size that divides the channel count; `slices=<n>` forces n slices.

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
  ];
}

#endif // PEX_DIALECT_PARTIAL_TRANSFORMS_PASSES_TD
