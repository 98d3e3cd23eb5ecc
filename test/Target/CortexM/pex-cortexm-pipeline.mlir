// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-cortexm-pipeline="name=block report=text" -o %t.rows.mlir | FileCheck %s --check-prefix=ROWS
// RUN: FileCheck %s --check-prefix=ROWSIR < %t.rows.mlir
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-cortexm-pipeline="name=block rows=false report=text" -o %t.mlir | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s < %t.mlir
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-cortexm-pipeline="partial=false report=json" -o %t.whole.mlir | FileCheck %s --check-prefix=WHOLE
// RUN: FileCheck %s --check-prefix=WHOLEIR < %t.whole.mlir
// RUN: pex-opt %t.mlir --pex-memory-report=format=json -o /dev/null | FileCheck %s --check-prefix=LATER
// RUN: not pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-cortexm-pipeline="name=block-1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADNAME
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-cortexm-pipeline="name=block rows=false kernels=false report=text" -o %t.generic.mlir | FileCheck %s --check-prefix=GENERIC
// RUN: FileCheck %s --check-prefix=GENERICIR < %t.generic.mlir

// By default the bundled MobileNetV2 block (x = 24x24x16, expansion 6) runs
// as a row chain in bands of one row: 29952 bytes, the input, the output and
// three rows of the expanded tensor and two of the depthwise result. Each
// band calls the three kernels; the input and output are copied with memcpy.
// ROWS:      memory report for @mobilenetv2_block (recorded)
// ROWS-NEXT:   whole-buffer peak: 119808 bytes (tosa.depthwise_conv2d)
// ROWS-NEXT:   peak: 29952 bytes (tosa.conv2d (chain 0 rows))
// ROWS-NEXT:   live-bytes bound: 29952 bytes
// ROWS-NEXT:   chains: 1
// ROWS-NEXT:   arena: 29952 bytes (@block_arena, aligned to 8)
// ROWSIR:       module attributes {pex.arena = {alignment = 8 : i64, bytes = 29952 : i64,
// ROWSIR-NOT:     llvm.func @malloc
// ROWSIR-LABEL:   llvm.func @block_run(
// ROWSIR:           "llvm.intr.memcpy"
// ROWSIR:           llvm.call @pex_conv2d_s8(
// ROWSIR:           llvm.call @pex_depthwise_conv2d_s8(
// ROWSIR:           llvm.call @pex_conv2d_s8(
// ROWSIR:           llvm.return %{{.*}} : i32

// With channel chains only (rows=false), for Cortex-M: the recorded memory
// report of the TOSA program (55296 bytes with partial
// execution) next to the arena that holds every buffer: 55296 bytes. The
// kernel library's scratch (the im2col windows of the convolutions) fits in
// the gaps of the arena.

// REPORT:      memory report for @mobilenetv2_block (recorded)
// REPORT-NEXT:   whole-buffer peak: 119808 bytes (tosa.depthwise_conv2d)
// REPORT-NEXT:   peak: 55296 bytes (tosa.depthwise_conv2d (chain 0 slice))
// REPORT-NEXT:   live-bytes bound: 55296 bytes
// REPORT-NEXT:   chains: 1
// REPORT-NEXT:   arena: 55296 bytes (@block_arena, aligned to 8)
// REPORT-NEXT:   arena live-bytes bound: 55296 bytes
// REPORT-NEXT:   greedy-by-size arena: 55296 bytes

// The LLVM dialect for a 32-bit target: the arena is an uninitialised
// (.bss) global, the constants and the kernels' parameter blocks are
// read-only, the entry point takes bare pointers and returns a status,
// indices are i32, and nothing is allocated. The chain's producer,
// depthwise convolution, consumer and finish are calls of the kernel
// library (pex-compile links it into the object); the input and output are
// copied with memcpy.

// CHECK:       module attributes {pex.arena = {alignment = 8 : i64, bytes = 55296 : i64,
// CHECK-SAME:    pex.memory_report = [{
// CHECK-SAME:    pex.model = {entry = "block_run", inputs = [{argument = 0 : i64, bytes = 9216 : i64, element_type = i8, offset = [[IN:[0-9]+]] : i64, shape = [1, 24, 24, 16]}], name = "block", outputs = [{argument = 1 : i64, bytes = 9216 : i64, element_type = i8, offset = [[OUT:[0-9]+]] : i64, shape = [1, 24, 24, 16]}]}
// CHECK-DAG:     llvm.mlir.global private constant @__pex_kernel_params{{.*}}(dense<[24, 24, 16, 16, 24, 24, 8, 8, 1, 1, 1, 1, 1, 1, 0, 0, 16, 5, -128, -128, 127]> : tensor<21xi32>)
// CHECK-DAG:     llvm.mlir.global private constant @__pex_kernel_params{{.*}}(dense<[24, 24, 8, 8, 24, 24, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 96, -128, -128, -128, 127]> : tensor<21xi32>)
// CHECK-DAG:     llvm.mlir.global private constant @__pex_kernel_params{{.*}}(dense<[24, 24, 8, 8, 24, 24, 16, 16, 1, 1, 1, 1, 1, 1, 0, 0, 96, -128, 0, -128, 127]> : tensor<21xi32>)
// CHECK-DAG:     llvm.mlir.global external @block_arena() {addr_space = 0 : i32, alignment = 8 : i64} : !llvm.array<55296 x i8> {
// CHECK-DAG:     llvm.mlir.global private constant @__constant_96x1x1x16xi8({{.*}}alignment = 8 : i64}
// CHECK-NOT:     llvm.func @malloc
// CHECK-NOT:     llvm.func @free
// CHECK-NOT:     llvm.func @memrefCopy
// CHECK-LABEL:   llvm.func @block_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32 {
// CHECK:           %[[ARENA:.*]] = llvm.mlir.addressof @block_arena : !llvm.ptr
// CHECK:           "llvm.intr.memcpy"
// CHECK:           llvm.call @pex_conv2d_s8(
// CHECK:           llvm.call @pex_depthwise_conv2d_s8(
// CHECK:           llvm.call @pex_conv2d_s8_consume(
// CHECK:           llvm.call @pex_requantize_s32_s8(
// CHECK:           "llvm.intr.memcpy"
// CHECK:           llvm.return %{{.*}} : i32
// CHECK-DAG:     llvm.func @pex_conv2d_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG:     llvm.func @pex_depthwise_conv2d_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG:     llvm.func @pex_conv2d_s8_consume(!llvm.ptr, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG:     llvm.func @pex_requantize_s32_s8(!llvm.ptr, i32, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, i32, !llvm.ptr, i32)

// Without the kernel library (kernels=false), the fused kernels are loops:
// 55472 bytes, the 55296 of the model plus the per-pixel windows and int32
// vectors of the fused kernels inside the slice loop, and nothing is called
// but memcpy and memset.
// GENERIC:      arena: 55472 bytes (@block_arena, aligned to 8)
// GENERICIR-LABEL: llvm.func @block_run(
// GENERICIR:         "llvm.intr.memcpy"
// GENERICIR-NOT:     llvm.call
// GENERICIR:         llvm.return %{{.*}} : i32
// GENERICIR-NOT:   llvm.func

// The whole-buffer baseline through the same backend: 119808 bytes in the
// model and in the arena.
// WHOLE:      "arena_bytes": 119808,
// WHOLE:      "arena_live_bytes_bound": 119808,
// WHOLE:      "arena_symbol": "model_arena",
// WHOLE:      "chains": [],
// WHOLE:      "function": "mobilenetv2_block",
// WHOLE:      "greedy_by_size_arena_bytes": 119808,
// WHOLE:      "live_bytes_bound": 119808,
// WHOLEIR:    llvm.func @model_run(

// The report can be printed later from the lowered module.
// LATER:      "arena_bytes": 55296,
// LATER:      "function": "mobilenetv2_block",
// LATER:      "live_bytes_bound": 55296,

// BADNAME: error: model name 'block-1' is not a C identifier
