//===- Passes.td - passes of the host target ---------------*- tablegen -*-===//
//
// Passes that only `--pex-host-pipeline` runs.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_TARGET_HOST_PASSES_TD
#define PEX_TARGET_HOST_PASSES_TD

include "mlir/Pass/PassBase.td"

def PexHostEntry : Pass<"pex-host-entry", "::mlir::ModuleOp"> {
  let summary = "Give the public functions host entry-point names";
  let description = [{
    Prefixes the name of each public function with `prefix` (and updates its
    callers), so that a model's `@main` can be linked with a C program whose
    own `main` calls it:

    ```mlir
    func.func @main(%x: memref<1x8x8x4xi8>, %y: memref<1x8x8x4xi8>)
    // becomes
    func.func @pex_main(%x: memref<1x8x8x4xi8>, %y: memref<1x8x8x4xi8>)
    ```
  }];
  let options = [
    Option<"prefix", "prefix", "std::string", /*default=*/"\"pex_\"",
           "Prefix of the entry-point names">,
  ];
}

#endif // PEX_TARGET_HOST_PASSES_TD
