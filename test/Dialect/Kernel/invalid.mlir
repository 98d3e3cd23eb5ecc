// RUN: pex-opt %s -split-input-file -verify-diagnostics

// A memref destination among tensors.

func.func @mixed_output(%x: tensor<1x8x8x16xi8>, %w: tensor<32x1x1x16xi8>, %b: tensor<32xi32>, %m: tensor<32xi32>, %sh: tensor<32xi8>, %y: memref<1x8x8x32xi8>, %s: tensor<64xi8>) {
  // expected-error@+1 {{expects all operands to be tensors or all to be memrefs}}
  %r0 = kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<1x8x8x16xi8>, tensor<32x1x1x16xi8>, tensor<32xi32>, tensor<32xi32>, tensor<32xi8>, memref<1x8x8x32xi8>, tensor<64xi8>) -> tensor<64xi8>
  return
}

// -----

func.func @mixed_input(%x: memref<1x1x1x64xi8>, %w: tensor<10x1x1x64xi8>, %b: tensor<10xi32>, %m: tensor<10xi32>, %sh: tensor<10xi8>, %y: tensor<1x1x1x10xi8>) {
  // expected-error@+1 {{expects all operands to be tensors or all to be memrefs}}
  %r0 = kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, tensor<10x1x1x64xi8>, tensor<10xi32>, tensor<10xi32>, tensor<10xi8>, tensor<1x1x1x10xi8>) -> tensor<1x1x1x10xi8>
  return
}

// -----

func.func @mixed_no_results(%acc: memref<1x8x8x16xi32>, %b: tensor<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{expects all operands to be tensors or all to be memrefs}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, tensor<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @results_on_memrefs(%x: memref<1x1x1x64xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{on memrefs has no results}}
  %r0 = kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<10x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> tensor<1x1x1x10xi8>
  return
}

// -----

func.func @result_type(%x: tensor<1x1x1x64xi8>, %w: tensor<10x1x1x64xi8>, %b: tensor<10xi32>, %m: tensor<10xi32>, %sh: tensor<10xi8>, %y: tensor<1x1x1x10xi8>) {
  // expected-error@+1 {{on tensors returns one result of each destination's type}}
  %r0 = kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<1x1x1x64xi8>, tensor<10x1x1x64xi8>, tensor<10xi32>, tensor<10xi32>, tensor<10xi8>, tensor<1x1x1x10xi8>) -> tensor<1x1x1x11xi8>
  return
}

// -----

func.func @no_results_on_tensors(%acc: tensor<1x8x8x16xi32>, %b: tensor<16xi32>, %m: tensor<16xi32>, %sh: tensor<16xi8>, %y: tensor<1x8x8x16xi8>) {
  // expected-error@+1 {{on tensors returns one result of each destination's type}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<1x8x8x16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>) -> ()
  return
}

// -----

// conv2d has two destinations, the output and the scratch.

func.func @missing_scratch_result(%x: tensor<1x8x8x16xi8>, %w: tensor<32x1x1x16xi8>, %b: tensor<32xi32>, %m: tensor<32xi32>, %sh: tensor<32xi8>, %y: tensor<1x8x8x32xi8>, %s: tensor<64xi8>) {
  // expected-error@+1 {{on tensors returns one result of each destination's type}}
  %r0 = kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<1x8x8x16xi8>, tensor<32x1x1x16xi8>, tensor<32xi32>, tensor<32xi32>, tensor<32xi8>, tensor<1x8x8x32xi8>, tensor<64xi8>) -> tensor<1x8x8x32xi8>
  return
}

// -----

func.func @swapped_results(%x: tensor<1x8x8x8xi8>, %w: tensor<16x1x1x8xi8>, %acc: tensor<1x8x8x16xi32>, %s: tensor<32xi8>) {
  // expected-error@+1 {{on tensors returns one result of each destination's type}}
  %r0, %r1 = kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (tensor<1x8x8x8xi8>, tensor<16x1x1x8xi8>, tensor<1x8x8x16xi32>, tensor<32xi8>) -> (tensor<32xi8>, tensor<1x8x8x16xi32>)
  return
}

// -----

func.func @unranked(%acc: tensor<*xi32>, %b: tensor<16xi32>, %m: tensor<16xi32>, %sh: tensor<16xi8>, %y: tensor<1x8x8x16xi8>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of any type values or memref of any type values, but got 'tensor<*xi32>'}}
  %r0 = kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<*xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
  return
}

// -----

func.func @missing_attribute(%acc: memref<1x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{requires attribute 'output_zp'}}
  kernel.requantize %acc, %b, %m, %sh, %y {act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @input_rank(%x: memref<8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{input must be a statically shaped tensor or memref of rank 4, got 'memref<8x8x16xi8>'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @dynamic_weights(%x: memref<1x8x8x16xi8>, %w: memref<?x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{weights must be a statically shaped tensor or memref of rank 4, got 'memref<?x1x1x16xi8>'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<?x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @output_element(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi32>, %s: memref<64xi8>) {
  // expected-error@+1 {{output must have element type 'i8', got 'i32'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi32>, memref<64xi8>) -> ()
  return
}

// -----

func.func @depthwise_input_element(%x: memref<1x8x8x16xi16>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{input must have element type 'i8', got 'i16'}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi16>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @depthwise_output_rank(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<8x8x16xi8>) {
  // expected-error@+1 {{output must be a statically shaped tensor or memref of rank 4, got 'memref<8x8x16xi8>'}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<8x8x16xi8>) -> ()
  return
}

// -----

func.func @fully_connected_weights_rank(%x: memref<1x1x1x64xi8>, %w: memref<10x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{weights must be a statically shaped tensor or memref of rank 4, got 'memref<10x64xi8>'}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<10x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @accumulator_element(%x: memref<1x8x8x8xi8>, %w: memref<16x1x1x8xi8>, %acc: memref<1x8x8x16xi8>, %s: memref<32xi8>) {
  // expected-error@+1 {{acc must have element type 'i32', got 'i8'}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<16x1x1x8xi8>, memref<1x8x8x16xi8>, memref<32xi8>) -> ()
  return
}

// -----

func.func @accumulate_weights_element(%x: memref<1x8x8x8xi8>, %w: memref<16x1x1x8xi32>, %acc: memref<1x8x8x16xi32>, %s: memref<32xi8>) {
  // expected-error@+1 {{weights must have element type 'i8', got 'i32'}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<16x1x1x8xi32>, memref<1x8x8x16xi32>, memref<32xi8>) -> ()
  return
}

// -----

func.func @requantize_acc_element(%acc: memref<1x8x8x16xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{acc must have element type 'i32', got 'i8'}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @requantize_dynamic_output(%acc: memref<1x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x?x8x16xi8>) {
  // expected-error@+1 {{output must be a statically shaped tensor or memref of rank 4, got 'memref<1x?x8x16xi8>'}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x?x8x16xi8>) -> ()
  return
}

// -----

func.func @conv_weight_channels(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x8xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{weights [O, KH, KW, C] do not match the input and output channels}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x8xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @conv_output_channels(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x16xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{weights [O, KH, KW, C] do not match the input and output channels}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x16xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @depthwise_multiplier(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x2xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{weights [KH, KW, C, 1] do not match the input and output channels (channel multiplier 1)}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x2xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @depthwise_weight_channels(%x: memref<1x8x8x16xi8>, %w: memref<3x3x8x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{weights [KH, KW, C, 1] do not match the input and output channels (channel multiplier 1)}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x8x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @depthwise_output_channels(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x32xi8>) {
  // expected-error@+1 {{weights [KH, KW, C, 1] do not match the input and output channels (channel multiplier 1)}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x32xi8>) -> ()
  return
}

// -----

func.func @accumulate_weight_channels(%x: memref<1x8x8x8xi8>, %w: memref<16x1x1x16xi8>, %acc: memref<1x8x8x16xi32>, %s: memref<32xi8>) {
  // expected-error@+1 {{weights [O, KH, KW, K] do not match the input channels and the accumulator}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<16x1x1x16xi8>, memref<1x8x8x16xi32>, memref<32xi8>) -> ()
  return
}

// -----

func.func @accumulate_output_channels(%x: memref<1x8x8x8xi8>, %w: memref<8x1x1x8xi8>, %acc: memref<1x8x8x16xi32>, %s: memref<32xi8>) {
  // expected-error@+1 {{weights [O, KH, KW, K] do not match the input channels and the accumulator}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<8x1x1x8xi8>, memref<1x8x8x16xi32>, memref<32xi8>) -> ()
  return
}

// -----

func.func @bias_elements(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<16xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{bias must have 32 elements, got 16}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<16xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @multiplier_element(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi8>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{multiplier must have element type 'i32', got 'i8'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi8>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @shift_rank(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<1x32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{shift must be a statically shaped tensor or memref of rank 1, got 'memref<1x32xi8>'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<1x32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @depthwise_shift_elements(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{shift must have 16 elements, got 32}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<32xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @depthwise_shift_element(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi32>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{shift must have element type 'i8', got 'i32'}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi32>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @fully_connected_multiplier_elements(%x: memref<1x1x1x64xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<64xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{multiplier must have 10 elements, got 64}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<10x1x1x64xi8>, memref<10xi32>, memref<64xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @requantize_bias_elements(%acc: memref<1x8x8x16xi32>, %b: memref<8xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{bias must have 16 elements, got 8}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, memref<8xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @requantize_bias_element(%acc: memref<1x8x8x16xi32>, %b: memref<16xi8>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{bias must have element type 'i32', got 'i8'}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, memref<16xi8>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @input_batch(%x: memref<2x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{expects one batch element, got 2 and 1}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<2x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @output_batch(%x: memref<1x8x8x8xi8>, %w: memref<16x1x1x8xi8>, %acc: memref<2x8x8x16xi32>, %s: memref<32xi8>) {
  // expected-error@+1 {{expects one batch element, got 1 and 2}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<16x1x1x8xi8>, memref<2x8x8x16xi32>, memref<32xi8>) -> ()
  return
}

// -----

func.func @depthwise_batch(%x: memref<4x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<4x8x8x16xi8>) {
  // expected-error@+1 {{expects one batch element, got 4 and 4}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<4x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<4x8x8x16xi8>) -> ()
  return
}

// -----

func.func @stride_count(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{expects 2 strides, 2 dilations and 4 paddings}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @pad_count(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{expects 2 strides, 2 dilations and 4 paddings}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @dilation_count(%x: memref<1x8x8x8xi8>, %w: memref<16x1x1x8xi8>, %acc: memref<1x8x8x16xi32>, %s: memref<32xi8>) {
  // expected-error@+1 {{expects 2 strides, 2 dilations and 4 paddings}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<16x1x1x8xi8>, memref<1x8x8x16xi32>, memref<32xi8>) -> ()
  return
}

// -----

func.func @zero_stride(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{expects positive strides and dilations and non-negative paddings}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 0>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @zero_dilation(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{expects positive strides and dilations and non-negative paddings}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 0, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @negative_pad(%x: memref<1x8x8x8xi8>, %w: memref<16x1x1x8xi8>, %acc: memref<1x8x8x16xi32>, %s: memref<32xi8>) {
  // expected-error@+1 {{expects positive strides and dilations and non-negative paddings}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, -1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<16x1x1x8xi8>, memref<1x8x8x16xi32>, memref<32xi8>) -> ()
  return
}

// -----

// (8 - 1 + 0 + 0 - 0) / 1 + 1 = 8 rows.

func.func @output_height(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x7x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{output height 7 does not match the window: expected 8}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x7x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

// TFLite's SAME padding with stride 2: (8 - 1 + 0 + 1 - 2) / 2 + 1 = 4.

func.func @output_width_stride(%x: memref<1x8x8x16xi8>, %w: memref<32x3x3x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x4x3x32xi8>, %s: memref<576xi8>) {
  // expected-error@+1 {{output width 3 does not match the window: expected 4}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x3x3x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x4x3x32xi8>, memref<576xi8>) -> ()
  return
}

// -----

// A dilated 3x3 window spans 5 pixels: (8 - 1 - 2 * 2) / 1 + 1 = 4.

func.func @depthwise_output_dilation(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{output height 8 does not match the window: expected 4}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 2, 2>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

// Only the left padding: (8 - 1 + 1 + 0 - 2) / 1 + 1 = 7 columns.

func.func @depthwise_output_width_pad(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{output width 8 does not match the window: expected 7}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

// A 3x3 window does not fit in 2x2 pixels without padding.

func.func @window_larger_than_input(%x: memref<1x2x2x8xi8>, %w: memref<16x3x3x8xi8>, %acc: memref<1x1x1x16xi32>, %s: memref<288xi8>) {
  // expected-error@+1 {{output height 1 does not match the window: expected 0}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x2x2x8xi8>, memref<16x3x3x8xi8>, memref<1x1x1x16xi32>, memref<288xi8>) -> ()
  return
}

// -----

func.func @input_zp_range(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{input_zp must be in [-128, 127], got 128}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 128 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @accumulate_input_zp_range(%x: memref<1x8x8x8xi8>, %w: memref<16x1x1x8xi8>, %acc: memref<1x8x8x16xi32>, %s: memref<32xi8>) {
  // expected-error@+1 {{input_zp must be in [-128, 127], got -129}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = -129 : i32} : (memref<1x8x8x8xi8>, memref<16x1x1x8xi8>, memref<1x8x8x16xi32>, memref<32xi8>) -> ()
  return
}

// -----

func.func @depthwise_input_zp_range(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{input_zp must be in [-128, 127], got -200}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = -200 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @fully_connected_input_zp_range(%x: memref<1x1x1x64xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{input_zp must be in [-128, 127], got 255}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 255 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<10x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @output_zp_range(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{output_zp must be in [-128, 127], got -129}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = -129 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @fully_connected_output_zp_range(%x: memref<1x1x1x64xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{output_zp must be in [-128, 127], got 200}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 200 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<10x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @requantize_output_zp_range(%acc: memref<1x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{output_zp must be in [-128, 127], got 128}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 128 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @act_range(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{act_min 10 is greater than act_max 5}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = 10 : i32, act_max = 5 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @depthwise_act_range(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{act_min 0 is greater than act_max -1}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = 0 : i32, act_max = -1 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @fully_connected_act_range(%x: memref<1x1x1x64xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{act_min 127 is greater than act_max -128}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = 127 : i32, act_max = -128 : i32} : (memref<1x1x1x64xi8>, memref<10x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @requantize_act_range(%acc: memref<1x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{act_min 6 is greater than act_max -6}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = 6 : i32, act_max = -6 : i32} : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

// Two int16 im2col windows of 3 * 3 * 16 values: 576 bytes.

func.func @scratch_size(%x: memref<1x8x8x16xi8>, %w: memref<32x3x3x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x6x6x32xi8>, %s: memref<575xi8>) {
  // expected-error@+1 {{scratch has 575 bytes, the kernel needs 576}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x3x3x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x6x6x32xi8>, memref<575xi8>) -> ()
  return
}

// -----

// 3 channels per tap straddle the groups of four: 4 * 27 bytes of
// windows and 28 bytes of int8 staging.

func.func @scratch_size_staged(%x: memref<1x8x8x3xi8>, %w: memref<32x3x3x3xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x6x6x32xi8>, %s: memref<135xi8>) {
  // expected-error@+1 {{scratch has 135 bytes, the kernel needs 136}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x3xi8>, memref<32x3x3x3xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x6x6x32xi8>, memref<135xi8>) -> ()
  return
}

// -----

// A single tap needs no staging: 4 * 3 bytes.

func.func @scratch_size_pointwise(%x: memref<1x8x8x3xi8>, %w: memref<32x1x1x3xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<11xi8>) {
  // expected-error@+1 {{scratch has 11 bytes, the kernel needs 12}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x3xi8>, memref<32x1x1x3xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<11xi8>) -> ()
  return
}

// -----

func.func @scratch_element(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<16xi32>) {
  // expected-error@+1 {{scratch must have element type 'i8', got 'i32'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<16xi32>) -> ()
  return
}

// -----

func.func @scratch_rank(%x: memref<1x8x8x16xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<2x32xi8>) {
  // expected-error@+1 {{scratch must be a statically shaped tensor or memref of rank 1, got 'memref<2x32xi8>'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<2x32xi8>) -> ()
  return
}

// -----

// The consumer's minimum is that of segmented weights, without
// staging: 4 * 27 bytes.

func.func @accumulate_scratch_size(%x: memref<1x8x8x3xi8>, %w: memref<16x3x3x3xi8>, %acc: memref<1x6x6x16xi32>, %s: memref<107xi8>) {
  // expected-error@+1 {{scratch has 107 bytes, the kernel needs 108}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x3xi8>, memref<16x3x3x3xi8>, memref<1x6x6x16xi32>, memref<107xi8>) -> ()
  return
}

// -----

func.func @fully_connected_input_pixels(%x: memref<1x2x1x32xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{expects input [N, 1, 1, C], weights [O, 1, 1, C] and output [N, 1, 1, O]}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x2x1x32xi8>, memref<10x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @fully_connected_output_pixels(%x: memref<1x1x1x64xi8>, %w: memref<5x1x1x64xi8>, %b: memref<5xi32>, %m: memref<5xi32>, %sh: memref<5xi8>, %y: memref<1x1x2x5xi8>) {
  // expected-error@+1 {{expects input [N, 1, 1, C], weights [O, 1, 1, C] and output [N, 1, 1, O]}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<5x1x1x64xi8>, memref<5xi32>, memref<5xi32>, memref<5xi8>, memref<1x1x2x5xi8>) -> ()
  return
}

// -----

func.func @fully_connected_weights_taps(%x: memref<1x1x1x64xi8>, %w: memref<10x3x3x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{expects input [N, 1, 1, C], weights [O, 1, 1, C] and output [N, 1, 1, O]}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<10x3x3x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @fully_connected_batch(%x: memref<2x1x1x64xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{expects input [N, 1, 1, C], weights [O, 1, 1, C] and output [N, 1, 1, O]}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<2x1x1x64xi8>, memref<10x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @fully_connected_features(%x: memref<1x1x1x64xi8>, %w: memref<10x1x1x32xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{expects input [N, 1, 1, C], weights [O, 1, 1, C] and output [N, 1, 1, O]}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<10x1x1x32xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @fully_connected_outputs(%x: memref<1x1x1x64xi8>, %w: memref<12x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  // expected-error@+1 {{expects input [N, 1, 1, C], weights [O, 1, 1, C] and output [N, 1, 1, O]}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8>, memref<12x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @requantize_shape(%acc: memref<1x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x4x16xi8>) {
  // expected-error@+1 {{accumulator and output must have the same shape}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x4x16xi8>) -> ()
  return
}

// -----

func.func @requantize_batch(%acc: memref<2x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<2x8x8x16xi8>) {
  // expected-error@+1 {{expects one batch element, got 2}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<2x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<2x8x8x16xi8>) -> ()
  return
}
