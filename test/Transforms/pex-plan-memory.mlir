// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-plan-memory | FileCheck %s
// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-plan-memory="alignment=16 place-arguments=false" | FileCheck %s --check-prefix=OPTS
// RUN: not pex-opt %s -split-input-file --pex-plan-memory="alignment=3" 2>&1 | FileCheck %s --check-prefix=ALIGN

// ALIGN: error: alignment must be a power of two, got 3

#id = affine_map<(d0) -> (d0)>

// Every allocation becomes a view of one arena. The input and the output get
// slots: the input is copied in and the output out unless the caller passes
// the slots themselves. %a is written in place of the input, which dies at
// the operation that writes %a (same shape and element size, identity
// indexing); %b (64 bytes) lives next to %a, and %c, written in place of %a,
// takes the bytes %b no longer needs. The output's slot takes %c's bytes:
// %c dies at the copy into the output, which then has nothing to copy and
// is erased. 128 bytes in all, the live-bytes bound; TFLite Micro's
// greedy-by-size packing needs 192.

// CHECK-LABEL: module attributes {pex.arena = {alignment = 8 : i64, bytes = 128 : i64, functions = [{buffers = [
// CHECK-SAME:    {argument = 0 : i64, bytes = 64 : i64, first = 0 : i64, last = 2 : i64, offset = 0 : i64, role = "input", type = memref<64xi8>},
// CHECK-SAME:    {argument = 1 : i64, bytes = 64 : i64, first = 8 : i64, in_place_of = 4 : i64, last = 11 : i64, offset = 0 : i64, role = "output", type = memref<64xi8>},
// CHECK-SAME:    {bytes = 64 : i64, first = 2 : i64, in_place_of = 0 : i64, last = 7 : i64, loc = "{{[^}]*}}pex-plan-memory.mlir:{{[0-9]+}}:{{[0-9]+}}", offset = 0 : i64, role = "buffer", type = memref<64xi8>},
// CHECK-SAME:    {bytes = 64 : i64, first = 5 : i64, last = 5 : i64, loc = "{{[^}]*}}", offset = 64 : i64, role = "buffer", type = memref<16xi32>},
// CHECK-SAME:    {bytes = 64 : i64, first = 7 : i64, in_place_of = 2 : i64, last = 8 : i64, loc = "{{[^}]*}}", offset = 0 : i64, role = "buffer", type = memref<64xi8>}],
// CHECK-SAME:    bytes = 128 : i64, function = "sequence", greedy_by_size_bytes = 192 : i64, heuristic = "{{.*}}/in-place", live_bytes_bound = 128 : i64}], symbol = "pex_arena"}}
// CHECK:       memref.global @pex_arena : memref<128xi8> = uninitialized {alignment = 8 : i64}
// CHECK-LABEL: func.func @sequence(
// CHECK-SAME:      %[[X:.*]]: memref<64xi8>, %[[Y:.*]]: memref<64xi8>)
// CHECK:         %[[ARENA:.*]] = memref.get_global @pex_arena : memref<128xi8>
// CHECK:         %[[XSLOT:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<128xi8> to memref<64xi8>
// CHECK:         %[[XP:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK:         %[[XSP:.*]] = memref.extract_aligned_pointer_as_index %[[XSLOT]]
// CHECK:         %[[XNE:.*]] = arith.cmpi ne, %[[XP]], %[[XSP]] : index
// CHECK:         scf.if %[[XNE]] {
// CHECK-NEXT:      memref.copy %[[X]], %[[XSLOT]]
// CHECK:         %[[YSLOT:.*]] = memref.view %[[ARENA]]
// CHECK:         %[[A:.*]] = memref.view %[[ARENA]]
// CHECK:         linalg.generic {{.*}} ins(%[[XSLOT]] : memref<64xi8>) outs(%[[A]] : memref<64xi8>)
// CHECK:         %[[C64:.*]] = arith.constant 64 : index
// CHECK:         %[[B:.*]] = memref.view %[[ARENA]][%[[C64]]][] : memref<128xi8> to memref<16xi32>
// CHECK:         linalg.fill {{.*}} outs(%[[B]] : memref<16xi32>)
// CHECK:         %[[C:.*]] = memref.view %[[ARENA]]
// CHECK:         linalg.generic {{.*}} ins(%[[A]] : memref<64xi8>) outs(%[[C]] : memref<64xi8>)
// CHECK-NOT:     memref.copy %[[C]]
// CHECK-NOT:     memref.dealloc
// CHECK:         %[[YSP:.*]] = memref.extract_aligned_pointer_as_index %[[YSLOT]]
// CHECK:         %[[YP:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:         %[[YNE:.*]] = arith.cmpi ne, %[[YSP]], %[[YP]] : index
// CHECK:         scf.if %[[YNE]] {
// CHECK-NEXT:      memref.copy %[[YSLOT]], %[[Y]]
// CHECK:         return

// Without argument slots, only the temporaries are in the arena, at the
// requested alignment: %b (an int32 buffer) cannot start inside %a's 64
// bytes and goes to 64, %c in place of %a at 0.
// OPTS-LABEL:  module attributes {pex.arena = {alignment = 16 : i64, bytes = 128 : i64
// OPTS:        memref.global @pex_arena : memref<128xi8> = uninitialized {alignment = 16 : i64}
// OPTS-LABEL:  func.func @sequence(
// OPTS-NOT:      memref.extract_aligned_pointer_as_index
// OPTS:          return
func.func @sequence(%x: memref<64xi8>, %y: memref<64xi8>) {
  %a = memref.alloc() : memref<64xi8>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : memref<64xi8>) outs(%a : memref<64xi8>) {
  ^bb0(%in: i8, %out: i8):
    %0 = arith.addi %in, %in : i8
    linalg.yield %0 : i8
  }
  %b = memref.alloc() : memref<16xi32>
  %c0 = arith.constant 0 : i32
  linalg.fill ins(%c0 : i32) outs(%b : memref<16xi32>)
  %c = memref.alloc() : memref<64xi8>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : memref<64xi8>) outs(%c : memref<64xi8>) {
  ^bb0(%in: i8, %out: i8):
    %0 = arith.addi %in, %in : i8
    linalg.yield %0 : i8
  }
  memref.copy %c, %y : memref<64xi8> to memref<64xi8>
  memref.dealloc %a : memref<64xi8>
  return
}

// -----

// The last result copied into the output through a reshape (a fully
// connected layer's [1, 1, 1, N] into the model's [1, N]): the output slot
// takes the result's bytes and the copy is erased, so the arena is the
// live-bytes bound, 80 bytes, not 144.

// CHECK-LABEL: module attributes {pex.arena = {alignment = 8 : i64, bytes = 80 : i64
// CHECK-SAME:    {argument = 1 : i64, bytes = 64 : i64, first = {{[0-9]+}} : i64, in_place_of = 3 : i64, last = {{[0-9]+}} : i64, offset = [[OUT:[0-9]+]] : i64, role = "output"
// CHECK-SAME:    {bytes = 64 : i64, first = {{[0-9]+}} : i64, in_place_of = 1 : i64, last = {{[0-9]+}} : i64, loc = "{{[^}]*}}", offset = [[OUT]] : i64, role = "buffer", type = memref<1x1x1x64xi8>}
// CHECK-SAME:    live_bytes_bound = 80 : i64
// CHECK-LABEL: func.func @copy_out(
// CHECK:         linalg.generic
// CHECK-NOT:     memref.copy %{{.*}}, %{{.*}} : memref<1x64xi8> to memref<1x64xi8>
// CHECK:         scf.if
// CHECK-NEXT:      memref.copy %{{.*}}, %{{.*}} : memref<1x64xi8> to memref<1x64xi8>
// CHECK:         return
func.func @copy_out(%x: memref<64xi8>, %y: memref<1x64xi8>) {
  %h = memref.alloc() : memref<16xi8>
  %xs = memref.subview %x[0] [16] [1] : memref<64xi8> to memref<16xi8, strided<[1]>>
  memref.copy %xs, %h : memref<16xi8, strided<[1]>> to memref<16xi8>
  %o = memref.alloc() : memref<1x1x1x64xi8>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3 mod 16)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%h : memref<16xi8>) outs(%o : memref<1x1x1x64xi8>) {
  ^bb0(%in: i8, %out: i8):
    linalg.yield %in : i8
  }
  %c = memref.collapse_shape %o [[0, 1, 2], [3]] : memref<1x1x1x64xi8> into memref<1x64xi8>
  memref.copy %c, %y : memref<1x64xi8> to memref<1x64xi8>
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

// Loops: %acc, defined before the loop and used in it, lives for the whole
// loop; %t1 and %t2, allocated in the loop body, live within one iteration
// and share their bytes. %window only gives a shape (nothing reads or
// writes it): it takes no bytes. The output is written in place of the
// input, which dies there, though a plan that does not use it is as small.

// CHECK-LABEL: module attributes {pex.arena = {alignment = 8 : i64, bytes = 160 : i64, functions = [{buffers = [
// CHECK-SAME:    {argument = 0 : i64, bytes = 64 : i64, first = 0 : i64, last = 16 : i64, {{[^}]*}}role = "input"
// CHECK-SAME:    {argument = 1 : i64, bytes = 64 : i64, first = 16 : i64, in_place_of = 0 : i64, last = 18 : i64, {{[^}]*}}role = "output"
// CHECK-SAME:    {bytes = 64 : i64, first = 6 : i64, last = 14 : i64, {{[^}]*}}type = memref<16xi32>}
// CHECK-SAME:    {bytes = 32 : i64, first = 9 : i64, last = 9 : i64, {{[^}]*}}offset = [[T:[0-9]+]] : i64, role = "buffer", type = memref<8xi32>}
// CHECK-SAME:    {bytes = 32 : i64, first = 11 : i64, last = 13 : i64, {{[^}]*}}offset = [[T]] : i64, role = "buffer", type = memref<8xi32>}
// CHECK-SAME:    {bytes = 0 : i64, first = 15 : i64, last = 15 : i64, {{[^}]*}}type = memref<4x4xi32>}
// CHECK-SAME:    function = "loop", {{.*}}live_bytes_bound = 160 : i64
// CHECK-LABEL: func.func @loop(
// CHECK:         scf.for
// CHECK:           memref.view
// CHECK:           memref.view
// CHECK-NOT:     memref.alloc
func.func @loop(%x: memref<64xi8>, %y: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0 : i32
  %acc = memref.alloc() : memref<16xi32>
  linalg.fill ins(%z : i32) outs(%acc : memref<16xi32>)
  scf.for %i = %c0 to %c4 step %c1 {
    %t1 = memref.alloc() : memref<8xi32>
    linalg.fill ins(%z : i32) outs(%t1 : memref<8xi32>)
    %t2 = memref.alloc() : memref<8xi32>
    linalg.fill ins(%z : i32) outs(%t2 : memref<8xi32>)
    %s = memref.subview %acc[0] [8] [1] : memref<16xi32> to memref<8xi32, strided<[1]>>
    memref.copy %t2, %s : memref<8xi32> to memref<8xi32, strided<[1]>>
  }
  %window = memref.alloc() : memref<4x4xi32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : memref<64xi8>) outs(%y : memref<64xi8>) {
  ^bb0(%in: i8, %out: i8):
    linalg.yield %in : i8
  }
  return
}

// -----

// A buffer carried from one iteration to the next lives for the whole loop,
// though it is allocated in it; an allocation asking for more alignment
// gets it.

// CHECK-LABEL: module attributes {pex.arena = {alignment = 32 : i64, bytes = 48 : i64
// CHECK-SAME:    {bytes = 16 : i64, first = 5 : i64, last = 10 : i64, {{[^}]*}}offset = 0 : i64, {{[^}]*}}type = memref<4xi32>}
// CHECK-SAME:    {bytes = 16 : i64, first = 5 : i64, last = 10 : i64, {{[^}]*}}offset = 32 : i64, {{[^}]*}}type = memref<4xi32>}
// CHECK-SAME:    {bytes = 12 : i64, first = 8 : i64, last = 8 : i64, {{[^}]*}}offset = 16 : i64, {{[^}]*}}type = memref<3xi32>}
// CHECK-SAME:    live_bytes_bound = 44 : i64
// CHECK-LABEL: func.func private @carried(
func.func private @carried(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %init = memref.alloc() {alignment = 32 : i64} : memref<4xi32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%b = %init) -> (memref<4xi32>) {
    %next = memref.alloc() {alignment = 32 : i64} : memref<4xi32>
    %t = memref.alloc() : memref<3xi32>
    linalg.fill ins(%z : i32) outs(%t : memref<3xi32>)
    memref.copy %b, %next : memref<4xi32> to memref<4xi32>
    scf.yield %next : memref<4xi32>
  }
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @+1 {{allocation of 'memref<?xi8>' has a dynamic size: the arena holds statically sized buffers only}}
  %a = memref.alloc(%n) : memref<?xi8>
  return
}

// -----

func.func @escapes() -> memref<4xi8> {
  %a = memref.alloc() : memref<4xi8>
  // expected-error @+1 {{buffer 'memref<4xi8>' escapes the function: the arena cannot place it}}
  return %a : memref<4xi8>
}

// -----

func.func private @callee(%x: memref<4xi8>) {
  return
}
func.func @caller(%x: memref<4xi8>) {
  // expected-error @+1 {{calls 'callee', which has a body: the arena is planned one function at a time (inline the callee first)}}
  call @callee(%x) : (memref<4xi8>) -> ()
  return
}

// -----

// expected-error @+1 {{cannot create the arena 'pex_arena': the symbol already exists}}
module {
  memref.global @pex_arena : memref<4xi8> = uninitialized
}

// -----

// expected-error @+1 {{the module already has an arena ('pex.arena')}}
module attributes {pex.arena = {bytes = 0 : i64}} {
}
