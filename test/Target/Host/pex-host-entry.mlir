// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-host-entry | FileCheck %s
// RUN: pex-opt %s -split-input-file --pex-host-entry=prefix=run_ | FileCheck %s --check-prefix=ALT

// Public functions get the prefix, their callers follow; private functions
// and declarations keep their names.

// CHECK-LABEL: func.func @pex_main(
// CHECK:         call @helper(
// CHECK-LABEL: func.func @pex_other(
// CHECK:         call @pex_main(
// CHECK-LABEL: func.func private @helper(
// CHECK-LABEL: func.func private @external(

// ALT-LABEL: func.func @run_main(
// ALT-LABEL: func.func @run_other(
func.func @main(%x: memref<4xi8>) {
  call @helper(%x) : (memref<4xi8>) -> ()
  return
}
func.func @other(%x: memref<4xi8>) {
  call @main(%x) : (memref<4xi8>) -> ()
  return
}
func.func private @helper(%x: memref<4xi8>) {
  return
}
func.func private @external(%x: memref<4xi8>)

// -----

// expected-error @+1 {{cannot rename to 'pex_main': the symbol already exists}}
func.func @main() {
  return
}
func.func private @pex_main() {
  return
}
