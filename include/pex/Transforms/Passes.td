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
    `slice_size`, `boundary`, `ops`), `steps` and `whole_buffer_steps` (lists
    of `op`, `live_bytes`, `live_tensors`, and `chain`, `stage` for chain
    steps). `file=<path>` writes to a file instead of standard output.

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
  ];
}

#endif // PEX_TRANSFORMS_PASSES_TD
