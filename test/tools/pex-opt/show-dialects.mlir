// RUN: pex-opt --show-dialects | FileCheck %s

// CHECK: Available Dialects:
// CHECK-SAME: bufferization
// CHECK-SAME: func
// CHECK-SAME: linalg
// CHECK-SAME: llvm
// CHECK-SAME: memref
// CHECK-SAME: partial
// CHECK-SAME: scf
// CHECK-SAME: tensor
// CHECK-SAME: tosa
