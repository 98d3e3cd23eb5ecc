// An invalid option or a module that is not a compiled model gives one
// line of error, at the file (not the module, whose first line holds the
// whole pex.arena plan), exit status 1 and no output file.

// RUN: rm -rf %t && mkdir -p %t
// RUN: not pex-translate --mlir-to-cortexm-obj --mcpu=bogus %s -o %t/model.o 2>&1 | FileCheck %s --check-prefix=MCPU
// RUN: not pex-translate --mlir-to-cortexm-obj --mcpu=bogus %s -o %t/model.o 2>&1 | count 1
// RUN: not pex-translate --mlir-to-cortexm-obj --float-abi=none %s -o %t/model.o 2>&1 | FileCheck %s --check-prefix=FLOAT_ABI
// RUN: not pex-translate --mlir-to-cortexm-header %s -o %t/model.h 2>&1 | FileCheck %s --check-prefix=HEADER
// RUN: not pex-translate --mlir-to-cortexm-header %s -o %t/model.h 2>&1 | count 1
// RUN: ls %t | count 0

// MCPU: cortexm-invalid-options.mlir:0:0: error: unsupported --mcpu 'bogus' (expected cortex-m4, cortex-m7, cortex-m33 or cortex-m55)
// FLOAT_ABI: cortexm-invalid-options.mlir:0:0: error: unsupported --float-abi 'none' (expected hard or soft)
// HEADER: cortexm-invalid-options.mlir:0:0: error: no 'pex.model' and 'pex.arena' attributes: compile the model with --pex-cortexm-pipeline

module attributes {pex.note = "an attribute on the module's line"} {
  llvm.func @model_run() -> i32 {
    %0 = llvm.mlir.constant(0 : i32) : i32
    llvm.return %0 : i32
  }
}
