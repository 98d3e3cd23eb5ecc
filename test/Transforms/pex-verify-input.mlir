// RUN: pex-opt %s -split-input-file --pex-verify-input -verify-diagnostics | FileCheck %s
// RUN: not pex-opt %s -split-input-file --pex-verify-input="max-sram=-1" 2>&1 | FileCheck %s --check-prefix=OPTIONS

// OPTIONS: error: pex-verify-input needs max-sram >= 0

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

func.func @control_flow(%c: tensor<1xi1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'tosa.cond_if' op is not supported by Pex: control flow}}
  %r = tosa.cond_if %c (%a = %x) : tensor<1xi1> (tensor<4xf32>) -> tensor<4xf32> {
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

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: rank-0 tensor tensor<i8> (tensors need rank 1 to 6)}}
func.func @rank0_argument(%x: tensor<i8>) -> tensor<i8> {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<i8>) -> tensor<i8>
  return %c : tensor<i8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: result #0: rank-0 tensor tensor<i8> (tensors need rank 1 to 6)}}
func.func private @rank0_result() -> tensor<i8>

// -----

func.func @rank0_in_body(%x: tensor<1xi8>) -> tensor<1xi8> {
  %scalar = tosa.const_shape {values = dense<> : tensor<0xindex>} : () -> !tosa.shape<0>
  %one = tosa.const_shape {values = dense<1> : tensor<1xindex>} : () -> !tosa.shape<1>
  // expected-error@+1 {{'tosa.reshape' op is not supported by Pex: result #0: rank-0 tensor tensor<i8> (tensors need rank 1 to 6)}}
  %s = tosa.reshape %x, %scalar : (tensor<1xi8>, !tosa.shape<0>) -> tensor<i8>
  %r = tosa.reshape %s, %one : (tensor<i8>, !tosa.shape<1>) -> tensor<1xi8>
  return %r : tensor<1xi8>
}

// -----

// Accepted: rank 6, and tensors that fit max-sram one channel at a time or
// that are never whole in SRAM (int32 results, constants).
// CHECK-LABEL: func.func @accepted_limits(
// CHECK:         tosa.rescale
// CHECK:         tosa.tile
// CHECK:         tosa.tile
func.func @accepted_limits(%x: tensor<1x1x2x1x2x4xi8>, %p: tensor<1x1x1x4xi8>, %q: tensor<1x1x1x1xi32>) -> (tensor<1x1x2x1x2x4xi8>, tensor<1x1x1x4xi8>, tensor<1x1x1x1xi32>) {
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<31> : tensor<1xi8>} : () -> tensor<1xi8>
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %r = tosa.rescale %x, %m, %s, %zp, %zp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x1x2x1x2x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x2x1x2x4xi8>
  // 4 MiB of int8, 1 MiB per channel.
  %wide = tosa.const_shape {values = dense<[1, 1024, 1024, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t = tosa.tile %p, %wide : (tensor<1x1x1x4xi8>, !tosa.shape<4>) -> tensor<1x1024x1024x4xi8>
  %tr = tosa.reduce_max %t {axis = 1 : i32} : (tensor<1x1024x1024x4xi8>) -> tensor<1x1x1024x4xi8>
  %trr = tosa.reduce_max %tr {axis = 2 : i32} : (tensor<1x1x1024x4xi8>) -> tensor<1x1x1x4xi8>
  // 4 MiB of int32, one channel.
  %u = tosa.tile %q, %wide : (tensor<1x1x1x1xi32>, !tosa.shape<4>) -> tensor<1x1024x1024x1xi32>
  %ur = tosa.reduce_max %u {axis = 1 : i32} : (tensor<1x1024x1024x1xi32>) -> tensor<1x1x1024x1xi32>
  %urr = tosa.reduce_max %ur {axis = 2 : i32} : (tensor<1x1x1024x1xi32>) -> tensor<1x1x1x1xi32>
  return %r, %trr, %urr : tensor<1x1x2x1x2x4xi8>, tensor<1x1x1x4xi8>, tensor<1x1x1x1xi32>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: rank 7 of tensor<1x1x1x2x2x2x2xi8> is above TOSA's maximum rank 6}}
func.func @rank7_argument(%x: tensor<1x1x1x2x2x2x2xi8>) -> tensor<1x1x1x2x2x2x2xi8> {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x1x1x2x2x2x2xi8>) -> tensor<1x1x1x2x2x2x2xi8>
  return %c : tensor<1x1x1x2x2x2x2xi8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: tensor<1x65536x65536xi8> has 4294967296 bytes: its byte size overflows 32 bits (limit 2147483647 bytes, the range of a 32-bit index)}}
func.func @overflow_argument(%x: tensor<1x65536x65536xi8>) -> tensor<1x65536x65536xi8> {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x65536x65536xi8>) -> tensor<1x65536x65536xi8>
  return %c : tensor<1x65536x65536xi8>
}

// -----

func.func @overflow_constant(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error@+1 {{'tosa.const' op is not supported by Pex: result #0: tensor<65536x65536xi8> has 4294967296 bytes: its byte size overflows 32 bits}}
  %k = "tosa.const"() {values = dense<0> : tensor<65536x65536xi8>} : () -> tensor<65536x65536xi8>
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x4xi8>) -> tensor<1x4xi8>
  return %c : tensor<1x4xi8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: tensor<4611686018427387904x4xi8>: its byte size overflows 32 bits}}
func.func @overflow_int64(%x: tensor<4611686018427387904x4xi8>) -> tensor<1xi8> {
  %s = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %z = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %one = tosa.const_shape {values = dense<1> : tensor<1xindex>} : () -> !tosa.shape<1>
  %c = tosa.slice %x, %s, %z : (tensor<4611686018427387904x4xi8>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x1xi8>
  %r = tosa.reshape %c, %one : (tensor<1x1xi8>, !tosa.shape<1>) -> tensor<1xi8>
  return %r : tensor<1xi8>
}

// -----

// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: tensor<1x1024x1024x3xi8> needs 3145728 bytes of SRAM, more than max-sram=2097152}}
func.func @input_over_max_sram(%x: tensor<1x1024x1024x3xi8>) -> tensor<1x1024x1024x3xi8> {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x1024x1024x3xi8>) -> tensor<1x1024x1024x3xi8>
  return %c : tensor<1x1024x1024x3xi8>
}

// -----

func.func @activation_over_max_sram(%x: tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xi8> {
  %m = tosa.const_shape {values = dense<[1, 2048, 1025, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error@+1 {{'tosa.tile' op is not supported by Pex: result #0: tensor<1x2048x1025x1xi8> needs 2099200 bytes of SRAM even one channel at a time, more than max-sram=2097152}}
  %t = tosa.tile %x, %m : (tensor<1x1x1x1xi8>, !tosa.shape<4>) -> tensor<1x2048x1025x1xi8>
  %r = tosa.reduce_max %t {axis = 1 : i32} : (tensor<1x2048x1025x1xi8>) -> tensor<1x1x1025x1xi8>
  %rr = tosa.reduce_max %r {axis = 2 : i32} : (tensor<1x1x1025x1xi8>) -> tensor<1x1x1x1xi8>
  return %rr : tensor<1x1x1x1xi8>
}

// -----

func.func @duplicate_result(%x: tensor<1x4xi8>) -> (tensor<1x4xi8>, tensor<1x4xi8>) {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x4xi8>) -> tensor<1x4xi8>
  // expected-error@+1 {{'func.return' op is not supported by Pex: result #1 is the same value as result #0 (each output needs a buffer of its own)}}
  return %c, %c : tensor<1x4xi8>, tensor<1x4xi8>
}

// -----

func.func @argument_returned(%x: tensor<1x4xi8>, %y: tensor<1x4xi8>) -> (tensor<1x4xi8>, tensor<1x4xi8>) {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x4xi8>) -> tensor<1x4xi8>
  // expected-error@+1 {{'func.return' op is not supported by Pex: result #1 is argument #1 returned directly (an output cannot alias an input)}}
  return %c, %y : tensor<1x4xi8>, tensor<1x4xi8>
}

// -----

func.func @rescale_shift_low(%x: tensor<1x4xi32>) -> tensor<1x4xi8> {
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<1> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %zo = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error@+1 {{'tosa.rescale' op is not supported by Pex: shift #0 is 1, TOSA requires 2 <= shift <= 62}}
  %r = tosa.rescale %x, %m, %s, %zi, %zo {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4xi8>
  return %r : tensor<1x4xi8>
}

// -----

func.func @rescale_shift_high(%x: tensor<1x4xi32>) -> tensor<1x4xi8> {
  %m = "tosa.const"() {values = dense<1073741824> : tensor<4xi32>} : () -> tensor<4xi32>
  %s = "tosa.const"() {values = dense<[31, 62, 63, 30]> : tensor<4xi8>} : () -> tensor<4xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %zo = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error@+1 {{'tosa.rescale' op is not supported by Pex: shift #2 is 63, TOSA requires 2 <= shift <= 62}}
  %r = tosa.rescale %x, %m, %s, %zi, %zo {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = true, input_unsigned = false, output_unsigned = false} : (tensor<1x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4xi8>
  return %r : tensor<1x4xi8>
}

// -----

func.func @rescale_negative_multiplier(%x: tensor<1x4xi32>) -> tensor<1x4xi8> {
  %m = "tosa.const"() {values = dense<-1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<31> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %zo = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error@+1 {{'tosa.rescale' op is not supported by Pex: multiplier #0 is -1073741824, TOSA requires multiplier >= 0}}
  %r = tosa.rescale %x, %m, %s, %zi, %zo {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4xi8>
  return %r : tensor<1x4xi8>
}

// -----

func.func @rescale_variable_multiplier(%x: tensor<1x4xi32>, %m: tensor<1xi32>) -> tensor<1x4xi8> {
  %s = "tosa.const"() {values = dense<31> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %zo = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error@+1 {{'tosa.rescale' op is not supported by Pex: multiplier and shift must be constants}}
  %r = tosa.rescale %x, %m, %s, %zi, %zo {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4xi8>
  return %r : tensor<1x4xi8>
}

// -----

// TOSA's slice bounds, which its verifier leaves unchecked: a size of 0, a
// window past the input's end, a negative start and a size other than the
// result's extent were lowered to tensor.extract_slice ops that do not
// verify (found by pex-pipeline-fuzzer).

// CHECK-LABEL: func.func @slice_accepted(
// CHECK:         tosa.slice
func.func @slice_accepted(%x: tensor<1x8x9x11xi8>) -> tensor<1x7x9x11xi8> {
  %start = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 9, 11]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %x, %start, %size : (tensor<1x8x9x11xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x9x11xi8>
  return %s : tensor<1x7x9x11xi8>
}

// -----

func.func @slice_size_zero(%x: tensor<1x8x9x11xi8>) -> tensor<1x7x9x11xi8> {
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[0, 7, 9, 11]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error@+1 {{'tosa.slice' op is not supported by Pex: dimension 0: size 0, TOSA requires size >= 1}}
  %s = tosa.slice %x, %start, %size : (tensor<1x8x9x11xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x9x11xi8>
  return %s : tensor<1x7x9x11xi8>
}

// -----

func.func @slice_past_the_end(%x: tensor<1x8x9x11xi8>) -> tensor<1x7x9x11xi8> {
  %start = tosa.const_shape {values = dense<[0, 2, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 9, 11]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error@+1 {{'tosa.slice' op is not supported by Pex: dimension 1: start 2 and size 7 are outside the input's extent 8}}
  %s = tosa.slice %x, %start, %size : (tensor<1x8x9x11xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x9x11xi8>
  return %s : tensor<1x7x9x11xi8>
}

// -----

func.func @slice_negative_start(%x: tensor<1x8x9x11xi8>) -> tensor<1x7x9x11xi8> {
  %start = tosa.const_shape {values = dense<[0, -1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 9, 11]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error@+1 {{'tosa.slice' op is not supported by Pex: dimension 1: start -1 and size 7 are outside the input's extent 8}}
  %s = tosa.slice %x, %start, %size : (tensor<1x8x9x11xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x9x11xi8>
  return %s : tensor<1x7x9x11xi8>
}

// -----

func.func @slice_size_not_result(%x: tensor<1x8x9x11xi8>) -> tensor<1x7x9x11xi8> {
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 6, 9, 11]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error@+1 {{'tosa.slice' op is not supported by Pex: dimension 1: size 6 differs from the result's extent 7}}
  %s = tosa.slice %x, %start, %size : (tensor<1x8x9x11xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x9x11xi8>
  return %s : tensor<1x7x9x11xi8>
}
