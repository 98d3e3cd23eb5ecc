// RUN: pex-opt %s -split-input-file --pex-cortexm-pipeline -verify-diagnostics -o /dev/null

// Inputs the pipeline cannot compile fail with one diagnostic each: those
// that crashed it past the legality gate now stop there.

// The memory model indexes a channel dimension that a scalar lacks.
// expected-error@+1 {{'func.func' op is not supported by Pex: argument #0: rank-0 tensor tensor<i8> (tensors need rank 1 to 6)}}
func.func @rank0(%x: tensor<i8>) -> tensor<i8> {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<i8>) -> tensor<i8>
  return %c : tensor<i8>
}

// -----

// Bufferization cannot give one value two output buffers (a TFLite model
// that lists one tensor twice as an output).
func.func @duplicate_result(%x: tensor<1x4xi8>) -> (tensor<1x4xi8>, tensor<1x4xi8>) {
  %c = tosa.clamp %x {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x4xi8>) -> tensor<1x4xi8>
  // expected-error@+1 {{'func.return' op is not supported by Pex: result #1 is the same value as result #0}}
  return %c, %c : tensor<1x4xi8>, tensor<1x4xi8>
}

// -----

func.func @argument_result(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error@+1 {{'func.return' op is not supported by Pex: result #0 is argument #0 returned directly}}
  return %x : tensor<1x4xi8>
}

// -----

// A float sin passes the gate (the host links the C math library) and the
// backend contract rejects it at the end, at the TOSA operation's location.
func.func @float_sin(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'llvm.intr.sin' op needs 'sinf' of the C math library, which a bare-metal object cannot link}}
  %r = tosa.sin %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}
