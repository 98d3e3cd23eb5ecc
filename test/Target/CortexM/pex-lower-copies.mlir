// RUN: pex-opt %s --pex-lower-copies | FileCheck %s

// Copies between contiguous buffers stay: they lower to llvm.memcpy. A copy
// that reads or writes a strided view becomes linalg.copy (loops), never a
// call to the runtime library's memrefCopy.

// CHECK-LABEL: func.func @copies(
// CHECK-SAME:    %[[A:.*]]: memref<4x4xi8>, %[[B:.*]]: memref<4x4xi8>, %[[D:.*]]: memref<?xi8>, %[[E:.*]]: memref<?xi8>)
// CHECK:         memref.copy %[[A]], %[[B]] : memref<4x4xi8> to memref<4x4xi8>
// CHECK:         memref.copy %[[D]], %[[E]] : memref<?xi8> to memref<?xi8>
// CHECK:         %[[ROW:.*]] = memref.subview %[[A]][1, 0] [1, 4] [1, 1]
// CHECK:         %[[ROW2:.*]] = memref.subview %[[B]][2, 0] [1, 4] [1, 1]
// CHECK:         memref.copy %[[ROW]], %[[ROW2]]
// CHECK:         %[[COL:.*]] = memref.subview %[[A]][0, 0] [4, 2] [1, 1]
// CHECK:         %[[COL2:.*]] = memref.subview %[[B]][0, 2] [4, 2] [1, 1]
// CHECK:         linalg.copy ins(%[[COL]] : memref<4x2xi8, strided<[4, 1]>>) outs(%[[COL2]] : memref<4x2xi8, strided<[4, 1], offset: 2>>)
// CHECK-NOT:     memref.copy
// CHECK:         return
func.func @copies(%a: memref<4x4xi8>, %b: memref<4x4xi8>, %d: memref<?xi8>, %e: memref<?xi8>) {
  memref.copy %a, %b : memref<4x4xi8> to memref<4x4xi8>
  memref.copy %d, %e : memref<?xi8> to memref<?xi8>
  %row = memref.subview %a[1, 0] [1, 4] [1, 1] : memref<4x4xi8> to memref<1x4xi8, strided<[4, 1], offset: 4>>
  %row2 = memref.subview %b[2, 0] [1, 4] [1, 1] : memref<4x4xi8> to memref<1x4xi8, strided<[4, 1], offset: 8>>
  memref.copy %row, %row2 : memref<1x4xi8, strided<[4, 1], offset: 4>> to memref<1x4xi8, strided<[4, 1], offset: 8>>
  %col = memref.subview %a[0, 0] [4, 2] [1, 1] : memref<4x4xi8> to memref<4x2xi8, strided<[4, 1]>>
  %col2 = memref.subview %b[0, 2] [4, 2] [1, 1] : memref<4x4xi8> to memref<4x2xi8, strided<[4, 1], offset: 2>>
  memref.copy %col, %col2 : memref<4x2xi8, strided<[4, 1]>> to memref<4x2xi8, strided<[4, 1], offset: 2>>
  return
}
