// RUN: pex-opt %s -split-input-file --pex-memory-report -o /dev/null | FileCheck %s
// RUN: pex-opt %s -split-input-file --pex-memory-report="format=json" -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: pex-opt %s -split-input-file --pex-memory-report="format=json file=%t.json" -o /dev/null
// RUN: FileCheck %s --check-prefix=JSONFILE < %t.json
// RUN: not pex-opt %s -split-input-file --pex-memory-report="format=xml" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADFORMAT
// RUN: not pex-opt %s -split-input-file --pex-memory-report="file=%t.missing/dir/report.txt" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADFILE

// With -split-input-file each split rewrites the file: the last one remains.
// JSONFILE: "function": "float_and_returned_int32"
// JSONFILE: "peak_bytes": 384

// BADFORMAT: error: unknown memory report format 'xml' (expected 'text' or 'json')
// BADFILE: error: cannot open memory report file

// A chain of 12 channels in slices of 5 over a 4x4 image (bytes = 16 * C for
// int8 tensors).
// Whole buffer: expand x (64) + E (192) = 256; depthwise E + D (192) = 384;
// project D + y (64) = 256. As formed: a 4x4x5 slice is 80 bytes and the
// int32 accumulator of y is 256 bytes: produce x + e + acc = 400; depthwise
// x + e + d + acc = 480; consume x + d + acc = 400; finish acc + y = 320.
// Tiny chains cost more than they save: the report says so.

// CHECK-LABEL: memory report for @accumulate_chain
// CHECK-NEXT:    whole-buffer peak: 384 bytes at step 1 (tosa.depthwise_conv2d)
// CHECK-NEXT:    peak: 480 bytes at step 1 (tosa.depthwise_conv2d (chain 0 slice))
// CHECK-NEXT:    live-bytes bound: 480 bytes
// CHECK-NEXT:    chains: 1
// CHECK-NEXT:      chain 0: 12 channels in slices of 5, accumulate: tosa.conv2d[produce] tosa.depthwise_conv2d[slice] tosa.conv2d[consume]
// CHECK-NEXT:    whole-buffer steps:
// CHECK-NEXT:        0  tosa.conv2d 256 B: %arg0(64) chain0:%[[E:.*]](192)
// CHECK-NEXT:        1  tosa.depthwise_conv2d 384 B: chain0:%[[E]](192) chain0:%[[D:.*]](192)
// CHECK-NEXT:        2  tosa.conv2d 256 B: chain0:%[[D]](192) chain0:%[[Y:.*]](64)
// CHECK-NEXT:    steps:
// CHECK-NEXT:        0  tosa.conv2d (chain 0 produce) 400 B: %arg0(64) chain0:%[[E]][5/12](80) acc(chain0:%[[Y]])(256)
// CHECK-NEXT:        1  tosa.depthwise_conv2d (chain 0 slice) 480 B: %arg0(64) chain0:%[[E]][5/12](80) chain0:%[[D]][5/12](80) acc(chain0:%[[Y]])(256)
// CHECK-NEXT:        2  tosa.conv2d (chain 0 consume) 400 B: %arg0(64) chain0:%[[D]][5/12](80) acc(chain0:%[[Y]])(256)
// CHECK-NEXT:        3  tosa.conv2d (chain 0 finish) 320 B: acc(chain0:%[[Y]])(256) chain0:%[[Y]](64)

// JSON-LABEL: "function": "accumulate_chain"
// The chain's kernels peak at 384 bytes whole-buffer and at 480 split.
// JSON:       "peak_after_bytes": 480,
// JSON-NEXT:  "peak_before_bytes": 384,
// JSON:       "live_bytes_bound": 480
// JSON:       "peak_bytes": 480
// JSON:       "peak_op": "tosa.depthwise_conv2d (chain 0 slice)"
// JSON:       "steps": [
// JSON-NEXT:    {
// JSON-NEXT:      "chain": 0,
// JSON-NEXT:      "live_bytes": 400,
// JSON-NEXT:      "live_tensors": [
// JSON-NEXT:        "%arg0",
// JSON-NEXT:        "chain0:%[[E:.*]][5/12]",
// JSON-NEXT:        "acc(chain0:%[[Y:.*]])"
// JSON-NEXT:      ],
// JSON-NEXT:      "op": "tosa.conv2d",
// JSON-NEXT:      "stage": "produce"
// JSON-NEXT:    },
// JSON:       "whole_buffer_peak_bytes": 384
// JSON:       "whole_buffer_peak_op": "tosa.depthwise_conv2d"
// JSON:       "whole_buffer_steps": [
// JSON-NEXT:    {
// JSON-NEXT:      "live_bytes": 256,
// JSON-NEXT:      "live_tensors": [
// JSON-NEXT:        "%arg0",
// JSON-NEXT:        "chain0:%[[E]]"
// JSON-NEXT:      ],
// JSON-NEXT:      "op": "tosa.conv2d"
// JSON-NEXT:    },
func.func @accumulate_chain(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8> {
  %y = partial.chain(%x) channels(12) slice(5) accumulate : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8> {
  ^bb0(%in: tensor<1x4x4x4xi8>):
    %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
    %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
    %w1 = "tosa.const"() {values = dense<1> : tensor<12x1x1x4xi8>} : () -> tensor<12x1x1x4xi8>
    %b1 = "tosa.const"() {values = dense<0> : tensor<12xi32>} : () -> tensor<12xi32>
    %m1 = "tosa.const"() {values = dense<1073741824> : tensor<12xi32>} : () -> tensor<12xi32>
    %s1 = "tosa.const"() {values = dense<35> : tensor<12xi8>} : () -> tensor<12xi8>
    %e = tosa.conv2d %in, %w1, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<12x1x1x4xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x12xi32>
    %e8 = tosa.rescale %e, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x12xi32>, tensor<12xi32>, tensor<12xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x12xi8>
    %w2 = "tosa.const"() {values = dense<1> : tensor<3x3x12x1xi8>} : () -> tensor<3x3x12x1xi8>
    %d = tosa.depthwise_conv2d %e8, %w2, %b1, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x12xi8>, tensor<3x3x12x1xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x12xi32>
    %d8 = tosa.rescale %d, %m1, %s1, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x12xi32>, tensor<12xi32>, tensor<12xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x12xi8>
    %w3 = "tosa.const"() {values = dense<1> : tensor<4x1x1x12xi8>} : () -> tensor<4x1x1x12xi8>
    %b3 = "tosa.const"() {values = dense<0> : tensor<4xi32>} : () -> tensor<4xi32>
    %m3 = "tosa.const"() {values = dense<1073741824> : tensor<4xi32>} : () -> tensor<4xi32>
    %s3 = "tosa.const"() {values = dense<35> : tensor<4xi8>} : () -> tensor<4xi8>
    %p = tosa.conv2d %d8, %w3, %b3, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x12xi8>, tensor<4x1x1x12xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi32>
    %r = tosa.rescale %p, %m3, %s3, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
    partial.yield %r : tensor<1x4x4x4xi8>
  }
  return %y : tensor<1x4x4x4xi8>
}

// -----

// A quantised add, as TFLite's ADD lowers to TOSA: the three rescales and the
// add are one kernel with int8 inputs and output (3 x 64 bytes); the int32
// tensors are registers. A reshape is a view: %r shares %arg1's buffer.

// CHECK-LABEL: memory report for @quantised_add
// CHECK-NEXT:    whole-buffer peak: 192 bytes at step 0 (tosa.add)
// CHECK:         whole-buffer steps:
// CHECK-NEXT:        0  tosa.add 192 B: %arg0(64) %arg1(64) %[[S:.*]](64)
// CHECK-NEXT:    steps:
// JSON-LABEL: "function": "quantised_add"
// JSON: "peak_bytes": 192
func.func @quantised_add(%a: tensor<1x4x4x4xi8>, %b: tensor<1x64xi8>) -> tensor<1x4x4x4xi8> {
  %shape = tosa.const_shape {values = dense<[1, 4, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %b, %shape : (tensor<1x64xi8>, !tosa.shape<4>) -> tensor<1x4x4x4xi8>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s20 = "tosa.const"() {values = dense<20> : tensor<1xi8>} : () -> tensor<1xi8>
  %s50 = "tosa.const"() {values = dense<50> : tensor<1xi8>} : () -> tensor<1xi8>
  %zp8 = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %zp32 = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ra = tosa.rescale %a, %m, %s20, %zp8, %zp32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x4x4x4xi32>
  %rb = tosa.rescale %r, %m, %s20, %zp8, %zp32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x4x4x4xi32>
  %sum = tosa.add %ra, %rb : (tensor<1x4x4x4xi32>, tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  %y = tosa.rescale %sum, %m, %s50, %zp32, %zp8 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x4x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
  return %y : tensor<1x4x4x4xi8>
}

// -----

// f32: a convolution and its clamp are one kernel; an int32 tensor returned
// by the function is a buffer. Sizes: x 4x4x2 f32 = 128 bytes, c 4x4x3 f32 =
// 192 bytes, q 4x4x3 i32 = 192 bytes; x is dead once the convolution ran.

// CHECK-LABEL: memory report for @float_and_returned_int32
// CHECK:         whole-buffer steps:
// CHECK-NEXT:        0  tosa.conv2d 320 B: %arg0(128) %[[C:.*]](192)
// CHECK-NEXT:        1  tosa.cast 384 B: %[[C]](192) %[[Q:.*]](192)
func.func @float_and_returned_int32(%x: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x3xf32>, tensor<1x4x4x3xi32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x1x1x2xf32>} : () -> tensor<3x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %r = tosa.clamp %c {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %q = tosa.cast %r : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xi32>
  return %r, %q : tensor<1x4x4x3xf32>, tensor<1x4x4x3xi32>
}
