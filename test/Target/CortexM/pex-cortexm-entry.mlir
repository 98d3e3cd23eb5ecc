// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-cortexm-entry=name=net | FileCheck %s
// RUN: not pex-opt %s -split-input-file --pex-cortexm-entry=name=1net 2>&1 | FileCheck %s --check-prefix=NAME

// NAME: error: model name '1net' is not a C identifier

// The model function becomes `int net_run(...)`, returning 0, and the module
// records its inputs and outputs with their arena slots (from pex.arena),
// shapes, element types and, when the arguments carry them, the tensor names
// and quantisation of the TFLite importer. The input is argument 0, the
// output argument 1, whatever their order in the arena.

// CHECK-LABEL: module attributes {
// CHECK-SAME:    pex.model = {entry = "net_run",
// CHECK-SAME:      inputs = [{argument = 0 : i64, bytes = 64 : i64, element_type = i8, name = "image", offset = 64 : i64, scale = 5.000000e-01 : f32, shape = [1, 8, 8, 1], zero_point = -3 : i64}],
// CHECK-SAME:      name = "net",
// CHECK-SAME:      outputs = [{argument = 1 : i64, bytes = 40 : i64, element_type = f32, offset = 0 : i64, shape = [1, 10]}]}
// CHECK-LABEL: func.func @net_run(
// CHECK-SAME:      %{{.*}}: memref<1x8x8x1xi8> {tflite.name = "image", tflite.scale = 5.000000e-01 : f32, tflite.zero_point = -3 : i64}, %{{.*}}: memref<1x10xf32>) -> i32
// CHECK:         %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK:         return %[[ZERO]] : i32
module attributes {pex.arena = {alignment = 8 : i64, bytes = 128 : i64, functions = [{bytes = 128 : i64, buffers = [{argument = 1 : i64, bytes = 40 : i64, offset = 0 : i64, role = "output"}, {argument = 0 : i64, bytes = 64 : i64, offset = 64 : i64, role = "input"}], function = "main"}], symbol = "net_arena"}} {
  func.func @main(%x: memref<1x8x8x1xi8> {tflite.name = "image", tflite.scale = 0.5 : f32, tflite.zero_point = -3 : i64}, %y: memref<1x10xf32>) {
    return
  }
}

// -----

module attributes {pex.arena = {functions = [{buffers = [], function = "main"}]}} {
  // expected-error @+1 {{@main is called from within the module: the C entry point cannot have callers}}
  func.func @main() {
    return
  }
  func.func private @user() {
    call @main() : () -> ()
    return
  }
}

// -----

// expected-error @+1 {{no arena plan for @main: run --pex-plan-memory first}}
func.func @main(%x: memref<4xi8>) {
  return
}

// -----

module attributes {pex.arena = {functions = [{buffers = [{argument = 0 : i64, bytes = 4 : i64, offset = 0 : i64, role = "input"}], function = "main"}]}} {
  // expected-error @+1 {{argument 1 has no arena slot: the C entry point takes one buffer per input and per output}}
  func.func @main(%x: memref<4xi8>, %y: memref<4xi8>) {
    return
  }
}

// -----

module attributes {pex.arena = {functions = [{buffers = [], function = "main"}]}} {
  // expected-error @+1 {{the model function returns values: results must be out-parameters (buffer-results-to-out-params)}}
  func.func @main() -> i32 {
    %0 = arith.constant 0 : i32
    return %0 : i32
  }
}

// -----

module attributes {pex.arena = {functions = [{buffers = [], function = "main"}]}} {
  // expected-error @+1 {{cannot rename to 'net_run': the symbol already exists}}
  func.func @main() {
    return
  }
  func.func private @net_run()
}

// -----

// expected-error @+1 {{several public functions: choose the model with 'function'}}
module {
  func.func @a() {
    return
  }
  func.func @b() {
    return
  }
}

// -----

// expected-error @+1 {{no public function to make the model entry point}}
module {
  func.func private @a()
}
