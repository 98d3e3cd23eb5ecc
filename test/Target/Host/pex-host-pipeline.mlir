// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-host-pipeline="buffer-report=true" | FileCheck %s --check-prefix=ROWS
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-host-pipeline="rows=false buffer-report=true" | FileCheck %s
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-host-pipeline="partial=false buffer-report=true" | FileCheck %s --check-prefix=WHOLE
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-host-pipeline="slice-size=5 entry-prefix=net_" | FileCheck %s --check-prefix=REM
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-host-pipeline="slice-size=5" | pex-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVM

// By default the block streams by rows: no buffer is larger than the
// 24x24x16 input and output; the expanded tensors exist as line buffers of a
// few rows.

// ROWS: buffer check for @mobilenetv2_block: {{[0-9]+}} allocations, 0 in slice loops, 0 accumulators, {{[0-9]+}} in kernel tiles, {{[0-9]+}} other; largest 9216 bytes (memref<1x24x24x16xi8>)
// ROWS: llvm.func @pex_mobilenetv2_block(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) {

// Split by channels (rows=false): the 96 expanded channels live only in slice loops, next to the
// int32 accumulator of the projection; no other int32 buffer exists. The
// model lowers to one LLVM function taking the input and the output buffer.

// CHECK: buffer check for @mobilenetv2_block: 7 allocations, 6 in slice loops, 1 accumulators, 0 in kernel tiles, 0 other; largest 36864 bytes (memref<1x24x24x16xi32>)
// CHECK: llvm.func @pex_mobilenetv2_block(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) {
// CHECK-NOT: partial.
// CHECK-NOT: tosa.

// Unsplit: the 24x24x96 int8 tensors are materialised, every int32 value is
// a one-pixel tile of a fused kernel.

// WHOLE: buffer check for @mobilenetv2_block: 8 allocations, 0 in slice loops, 0 accumulators, 3 in kernel tiles, 5 other; largest 55296 bytes (memref<1x24x24x96xi8>)
// WHOLE: llvm.func @pex_mobilenetv2_block(

// REM: llvm.func @net_mobilenetv2_block(

// LLVM: define void @pex_mobilenetv2_block(ptr %0, ptr %1)
