// RUN: pex-translate --mlir-to-llvmir %s | FileCheck %s

// The upstream translations are available: LLVM dialect to LLVM IR.

// CHECK-LABEL: define i32 @add
// CHECK: add i32
llvm.func @add(%a: i32, %b: i32) -> i32 {
  %0 = llvm.add %a, %b : i32
  llvm.return %0 : i32
}
