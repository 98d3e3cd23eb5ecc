// RUN: pex-opt %s -split-input-file --pex-verify-input -verify-diagnostics | FileCheck %s

// Accepted: a static int8 block with shape constants and a reshape.
// CHECK-LABEL: func.func @accepted(
// CHECK:         tosa.reshape
func.func @accepted(%x: tensor<1x2x2x4xi8>) -> tensor<1x16xi8> {
  %shape = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
  %r = tosa.reshape %c, %shape : (tensor<1x2x2x4xi8>, !tosa.shape<2>) -> tensor<1x16xi8>
  return %r : tensor<1x16xi8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: dynamic shape}}
func.func @dynamic_argument(%x: tensor<?x4xi8>) -> tensor<?x4xi8> {
  return %x : tensor<?x4xi8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: unranked tensor}}
func.func @unranked_argument(%x: tensor<*xi8>) -> tensor<*xi8> {
  return %x : tensor<*xi8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: result #0: dynamic shape}}
func.func private @dynamic_result() -> tensor<?xf32>

// -----

func.func @unranked_in_body(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'tosa.cast' op is not supported by Pex: result #0: unranked tensor}}
  %c = tosa.cast %x : (tensor<4xf32>) -> tensor<*xf32>
  %d = tosa.cast %c : (tensor<*xf32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @int16_activations(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error@+1 {{'tosa.cast' op is not supported by Pex: result #0: int16 activations (element type i16) are not supported}}
  %c = tosa.cast %x : (tensor<1x4xi8>) -> tensor<1x4xi16>
  %d = tosa.cast %c : (tensor<1x4xi16>) -> tensor<1x4xi8>
  return %d : tensor<1x4xi8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: unsupported element type f16}}
func.func @half_precision(%x: tensor<1x4xf16>) -> tensor<1x4xf16> {
  return %x : tensor<1x4xf16>
}

// -----

func.func @foreign_dialect(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{'arith.addi' op is not supported by Pex: operations of the 'arith' dialect are not accepted as input}}
  %y = arith.addi %x, %x : tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @control_flow(%c: tensor<i1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'tosa.cond_if' op is not supported by Pex: control flow}}
  %r = tosa.cond_if %c (%a = %x) : tensor<i1> (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    tosa.yield %a : tensor<4xf32>
  } else {
  ^bb0(%a: tensor<4xf32>):
    tosa.yield %a : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @custom_operator(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'tosa.custom' op is not supported by Pex: custom operators}}
  %y = tosa.custom %x {domain_name = "vendor", operator_name = "op", implementation_attrs = ""} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @fft(%re: tensor<1x4x4xf32>, %im: tensor<1x4x4xf32>) -> tensor<1x4x4xf32> {
  // expected-error@+1 {{'tosa.fft2d' op is not supported by Pex: FFTs}}
  %r, %i = tosa.fft2d %re, %im {inverse = false} : (tensor<1x4x4xf32>, tensor<1x4x4xf32>) -> (tensor<1x4x4xf32>, tensor<1x4x4xf32>)
  return %r : tensor<1x4x4xf32>
}

// -----

// expected-error@+1 {{'tosa.variable' op is not supported by Pex: stateful variables}}
tosa.variable @state = dense<0> : tensor<4xi8>
