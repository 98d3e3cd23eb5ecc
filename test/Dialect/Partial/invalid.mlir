// RUN: pex-opt %s -split-input-file -verify-diagnostics

func.func @slice_exceeds_channels(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  // expected-error@+1 {{slice size 8 exceeds the 4 channels being split}}
  %y = partial.chain(%x) channels(4) slice(8) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    %c = tosa.clamp %in {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
    partial.yield %c : tensor<1x2x2x4xi8>
  }
  return %y : tensor<1x2x2x4xi8>
}

// -----

func.func @zero_slice(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  // expected-error@+1 {{attribute 'slice_size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = partial.chain(%x) channels(4) slice(0) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    partial.yield %in : tensor<1x2x2x4xi8>
  }
  return %y : tensor<1x2x2x4xi8>
}

// -----

func.func @argument_count(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  // expected-error@+1 {{body has 2 arguments for 1 inputs}}
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  ^bb0(%in: tensor<1x2x2x4xi8>, %extra: tensor<1x2x2x4xi8>):
    %c = tosa.clamp %in {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
    partial.yield %c : tensor<1x2x2x4xi8>
  }
  return %y : tensor<1x2x2x4xi8>
}

// -----

func.func @argument_type(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  // expected-error@+1 {{body argument #0 has type 'tensor<1x2x2x4xi32>' but input is 'tensor<1x2x2x4xi8>'}}
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  ^bb0(%in: tensor<1x2x2x4xi32>):
    %c = tosa.clamp %in {max_val = 127 : i32, min_val = 0 : i32} : (tensor<1x2x2x4xi32>) -> tensor<1x2x2x4xi32>
    partial.yield %c : tensor<1x2x2x4xi32>
  }
  return %y : tensor<1x2x2x4xi8>
}

// -----

func.func @yield_types(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  // expected-error@+1 {{yielded types do not match the result types}}
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    %c = tosa.cast %in : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32>
    partial.yield %c : tensor<1x2x2x4xi32>
  }
  return %y : tensor<1x2x2x4xi8>
}

// -----

func.func @no_results(%x: tensor<1x2x2x4xi8>) {
  // expected-error@+1 {{must have at least one result}}
  partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> () {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    partial.yield
  }
  return
}

// -----

func.func @missing_yield(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  // expected-error@+1 {{body must end with partial.yield}}
  %y = "partial.chain"(%x) <{boundary = 1 : i32, channels = 4 : i64, slice_size = 2 : i64}> ({
  ^bb0(%in: tensor<1x2x2x4xi8>):
    "func.return"(%in) : (tensor<1x2x2x4xi8>) -> ()
  }) : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
  return %y : tensor<1x2x2x4xi8>
}

// -----

func.func @yield_outside_chain(%x: tensor<1x2x2x4xi8>) {
  // expected-error@+1 {{expects parent op to be one of 'partial.chain, partial.row_chain'}}
  partial.yield %x : tensor<1x2x2x4xi8>
}

// -----

func.func @op_without_model(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32> {
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    // expected-error@+1 {{'tosa.cast' op is a barrier (no channel-split model) and cannot be part of a partial.chain}}
    %c = tosa.cast %in : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32>
    partial.yield %c : tensor<1x2x2x4xi32>
  }
  return %y : tensor<1x2x2x4xi32>
}

// -----

func.func @barrier_reduce_over_channels(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x1xi8> {
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x1xi8> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    // expected-error@+1 {{'tosa.reduce_max' op needs all channels at once and cannot be part of a partial.chain}}
    %r = tosa.reduce_max %in {axis = 3 : i32} : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x1xi8>
    partial.yield %r : tensor<1x2x2x1xi8>
  }
  return %y : tensor<1x2x2x1xi8>
}

// -----

func.func @depthwise_multiplier(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x8xi32> {
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x8xi32> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %w = "tosa.const"() {values = dense<1> : tensor<1x1x4x2xi8>} : () -> tensor<1x1x4x2xi8>
    %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
    // expected-error@+1 {{'tosa.depthwise_conv2d' op needs all channels at once}}
    %d = tosa.depthwise_conv2d %in, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<1x1x4x2xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x8xi32>
    partial.yield %d : tensor<1x2x2x8xi32>
  }
  return %y : tensor<1x2x2x8xi32>
}

// -----

func.func @no_activation(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    %k = "tosa.const"() {values = dense<3> : tensor<1x2x2x4xi8>} : () -> tensor<1x2x2x4xi8>
    // expected-error@+1 {{'tosa.clamp' op reads no activation of the chain}}
    %c = tosa.clamp %k {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
    partial.yield %c : tensor<1x2x2x4xi8>
  }
  return %y : tensor<1x2x2x4xi8>
}

// -----

func.func @second_producer(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32> {
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %w = "tosa.const"() {values = dense<1> : tensor<4x1x1x4xi8>} : () -> tensor<4x1x1x4xi8>
    %b = "tosa.const"() {values = dense<0> : tensor<4xi32>} : () -> tensor<4xi32>
    %a = tosa.conv2d %in, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x4xi32>
    // expected-error@+1 {{'tosa.conv2d' op is a second producer; a chain has at most one}}
    %c = tosa.conv2d %in, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x4xi32>
    %s = tosa.add %a, %c : (tensor<1x2x2x4xi32>, tensor<1x2x2x4xi32>) -> tensor<1x2x2x4xi32>
    partial.yield %s : tensor<1x2x2x4xi32>
  }
  return %y : tensor<1x2x2x4xi32>
}

// -----

func.func @second_consumer(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32> {
  %y = partial.chain(%x) channels(4) slice(2) accumulate : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi32> {
  ^bb0(%in: tensor<1x2x2x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %w = "tosa.const"() {values = dense<1> : tensor<4x1x1x4xi8>} : () -> tensor<4x1x1x4xi8>
    %b = "tosa.const"() {values = dense<0> : tensor<4xi32>} : () -> tensor<4xi32>
    %c = tosa.clamp %in {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
    %p = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x4xi32>
    // expected-error@+1 {{'tosa.conv2d' op is a second consumer; a chain has at most one}}
    %q = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x4xi32>
    %s = tosa.add %p, %q : (tensor<1x2x2x4xi32>, tensor<1x2x2x4xi32>) -> tensor<1x2x2x4xi32>
    partial.yield %s : tensor<1x2x2x4xi32>
  }
  return %y : tensor<1x2x2x4xi32>
}

// -----

func.func @mixing_after_consumer(%x: tensor<1x2x2x4xf32>) -> tensor<1x4x4xf32> {
  %y = partial.chain(%x) channels(4) slice(2) accumulate : (tensor<1x2x2x4xf32>) -> tensor<1x4x4xf32> {
  ^bb0(%in: tensor<1x2x2x4xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
    %mw = "tosa.const"() {values = dense<1.0> : tensor<1x4x4xf32>} : () -> tensor<1x4x4xf32>
    %shape = tosa.const_shape {values = dense<[1, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
    %p = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
    %m = tosa.reshape %p, %shape : (tensor<1x2x2x4xf32>, !tosa.shape<3>) -> tensor<1x4x4xf32>
    // expected-error@+1 {{'tosa.matmul' op mixes channels after the chain's consumer; a chain has at most one consumer}}
    %q = tosa.matmul %m, %mw, %zp, %zp : (tensor<1x4x4xf32>, tensor<1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4xf32>
    partial.yield %q : tensor<1x4x4xf32>
  }
  return %y : tensor<1x4x4xf32>
}

// -----

func.func @slice_mixed_with_accumulator(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %y = partial.chain(%x) channels(4) slice(2) accumulate : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  ^bb0(%in: tensor<1x2x2x4xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
    %p = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
    // expected-error@+1 {{'tosa.add' op mixes channel slices with the chain's accumulator}}
    %s = tosa.add %p, %c : (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
    partial.yield %s : tensor<1x2x2x4xf32>
  }
  return %y : tensor<1x2x2x4xf32>
}

// -----

func.func @wrong_channel_extent(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x6xf32> {
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x6xf32> {
  ^bb0(%in: tensor<1x2x2x4xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w = "tosa.const"() {values = dense<1.0> : tensor<6x1x1x4xf32>} : () -> tensor<6x1x1x4xf32>
    %b = "tosa.const"() {values = dense<0.0> : tensor<6xf32>} : () -> tensor<6xf32>
    // expected-error@+1 {{'tosa.conv2d' op slices a channel dimension of size 6, but the chain splits 4 channels}}
    %p = tosa.conv2d %in, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<6x1x1x4xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x6xf32>
    partial.yield %p : tensor<1x2x2x6xf32>
  }
  return %y : tensor<1x2x2x6xf32>
}

// -----

func.func @accumulate_without_consumer(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  // expected-error@+1 {{'partial.chain' op ends in an accumulator but has no consumer}}
  %y = partial.chain(%x) channels(4) slice(2) accumulate : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  ^bb0(%in: tensor<1x2x2x4xf32>):
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
    partial.yield %c : tensor<1x2x2x4xf32>
  }
  return %y : tensor<1x2x2x4xf32>
}

// -----

func.func @materialize_with_consumer(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  // expected-error@+1 {{'partial.chain' op materializes its results but has a consumer; use the 'accumulate' boundary}}
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  ^bb0(%in: tensor<1x2x2x4xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
    %p = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
    partial.yield %p : tensor<1x2x2x4xf32>
  }
  return %y : tensor<1x2x2x4xf32>
}

// -----

func.func @materialized_result_not_sliced(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  // expected-error@+1 {{'partial.chain' op result #0 is not written slice by slice}}
  %y = partial.chain(%x) channels(4) slice(2) materialize : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  ^bb0(%in: tensor<1x2x2x4xf32>):
    partial.yield %in : tensor<1x2x2x4xf32>
  }
  return %y : tensor<1x2x2x4xf32>
}

// -----

func.func @accumulated_result_not_finished(%x: tensor<1x2x2x4xf32>) -> (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) {
  // expected-error@+1 {{'partial.chain' op result #1 is not the finished accumulator}}
  %y:2 = partial.chain(%x) channels(4) slice(2) accumulate : (tensor<1x2x2x4xf32>) -> (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) {
  ^bb0(%in: tensor<1x2x2x4xf32>):
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
    %p = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
    partial.yield %p, %c : tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>
  }
  return %y#0, %y#1 : tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>
}

// -----

func.func @row_band_too_large(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error@+1 {{cannot run band by band: band of 8 rows is not between 1 and the first operation's 4 rows}}
  %y = partial.row_chain(%x) band(8) : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  ^bb0(%in: tensor<1x4x4x2xf32>):
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    partial.yield %c : tensor<1x4x4x2xf32>
  }
  return %y : tensor<1x4x4x2xf32>
}

// -----

func.func @row_chain_of_a_reduction(%x: tensor<1x4x4x2xf32>) -> tensor<1x1x4x2xf32> {
  // expected-error@+1 {{cannot run band by band: 'tosa.reduce_sum' is not computed row by row}}
  %y = partial.row_chain(%x) band(1) : (tensor<1x4x4x2xf32>) -> tensor<1x1x4x2xf32> {
  ^bb0(%in: tensor<1x4x4x2xf32>):
    %s = tosa.reduce_sum %in {axis = 1 : i32} : (tensor<1x4x4x2xf32>) -> tensor<1x1x4x2xf32>
    partial.yield %s : tensor<1x1x4x2xf32>
  }
  return %y : tensor<1x1x4x2xf32>
}

// -----

func.func @row_chain_batch(%x: tensor<2x4x4x2xf32>) -> tensor<2x4x4x2xf32> {
  // expected-error@+1 {{result must be a static NHWC tensor of batch 1}}
  %y = partial.row_chain(%x) band(1) : (tensor<2x4x4x2xf32>) -> tensor<2x4x4x2xf32> {
  ^bb0(%in: tensor<2x4x4x2xf32>):
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<2x4x4x2xf32>) -> tensor<2x4x4x2xf32>
    partial.yield %c : tensor<2x4x4x2xf32>
  }
  return %y : tensor<2x4x4x2xf32>
}

// -----

func.func @row_chain_side_result(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error@+1 {{cannot run band by band: 'tosa.clamp' has no consumer in the chain: only the last operation's result leaves a row chain}}
  %y = partial.row_chain(%x) band(1) : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  ^bb0(%in: tensor<1x4x4x2xf32>):
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    %d = tosa.clamp %in {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    partial.yield %d : tensor<1x4x4x2xf32>
  }
  return %y : tensor<1x4x4x2xf32>
}

// -----

func.func @row_chain_yields_early(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error@+1 {{must yield the result of its last operation}}
  %y = partial.row_chain(%x) band(1) : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  ^bb0(%in: tensor<1x4x4x2xf32>):
    %c = tosa.clamp %in {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    %d = tosa.clamp %c {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    partial.yield %c : tensor<1x4x4x2xf32>
  }
  return %y : tensor<1x4x4x2xf32>
}

// -----

func.func @row_chain_yield_type(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error@+1 {{must yield one value of the result type}}
  %y = partial.row_chain(%x) band(1) : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  ^bb0(%in: tensor<1x4x4x2xf32>):
    partial.yield
  }
  return %y : tensor<1x4x4x2xf32>
}

// -----

func.func @rotate_out_of_range(%b: tensor<1x3x4x2xi8>) -> tensor<1x3x4x2xi8> {
  // expected-error@+1 {{moves rows [2, 4) of 3 rows}}
  %r = partial.rotate_rows %b by 2 keep 2 : tensor<1x3x4x2xi8>
  return %r : tensor<1x3x4x2xi8>
}
