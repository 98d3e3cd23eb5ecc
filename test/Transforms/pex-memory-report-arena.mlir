// RUN: pex-opt %s --pex-plan-memory --pex-memory-report=format=json -o /dev/null | FileCheck %s
// RUN: pex-opt %s --pex-plan-memory --pex-memory-report -o /dev/null | FileCheck %s --check-prefix=TEXT

// Bufferized code planned without a recorded report: the report holds the
// arena alone. Input (16 bytes), two int32 temporaries (64 bytes each) and
// the output (16 bytes): the second temporary is written in place of the
// first, which dies at the elementwise operation that writes it, and the
// output reuses the input's bytes: 80 bytes, the live-bytes bound. TFLite
// Micro's greedy-by-size packing, without in-place reuse, needs 128.

// CHECK:      "arena_alignment": 8,
// CHECK-NEXT: "arena_buffers": [
// CHECK:          "role": "input",
// CHECK:      "arena_bytes": 80,
// CHECK-NEXT: "arena_heuristic": "{{.*}}",
// CHECK-NEXT: "arena_live_bytes_bound": 80,
// CHECK-NEXT: "arena_symbol": "pex_arena",
// CHECK-NEXT: "function": "f",
// CHECK-NEXT: "functions": [
// CHECK:      "greedy_by_size_arena_bytes": 128

// TEXT:      memory report for @f (arena only)
// TEXT-NEXT:   arena: 80 bytes (@pex_arena, aligned to 8)
// TEXT-NEXT:   arena live-bytes bound: 80 bytes (the arena is 0 bytes above it)
// TEXT-NEXT:   greedy-by-size arena: 128 bytes
// TEXT-NEXT:   arena heuristic: {{.*}}/in-place
#id = affine_map<(d0) -> (d0)>
func.func @f(%x: memref<16xi8>, %y: memref<16xi8>) {
  %a = memref.alloc() : memref<16xi32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : memref<16xi8>) outs(%a : memref<16xi32>) {
  ^bb0(%in: i8, %out: i32):
    %0 = arith.extsi %in : i8 to i32
    linalg.yield %0 : i32
  }
  %b = memref.alloc() : memref<16xi32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : memref<16xi32>) outs(%b : memref<16xi32>) {
  ^bb0(%in: i32, %out: i32):
    %0 = arith.addi %in, %in : i32
    linalg.yield %0 : i32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%b : memref<16xi32>) outs(%y : memref<16xi8>) {
  ^bb0(%in: i32, %out: i8):
    %0 = arith.trunci %in : i32 to i8
    linalg.yield %0 : i8
  }
  return
}
