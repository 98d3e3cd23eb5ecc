// RUN: pex-opt %s -split-input-file --partial-form-chains | FileCheck %s
// RUN: pex-opt %s -split-input-file --partial-form-chains --pex-memory-report -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: pex-opt %s -split-input-file --partial-form-chains="band=4" | FileCheck %s --check-prefix=BAND
// RUN: pex-opt %s -split-input-file --partial-form-chains=rows=false | FileCheck %s --check-prefix=NOROWS

// A stem: a stride-2 convolution of a tall image, a depthwise convolution
// and a pointwise projection. A channel chain would hold the image, the
// projection's accumulator and whole-height channel slices; streaming rows
// holds the image, the projection's output and a few rows of the
// intermediate tensors.

// CHECK-LABEL: func.func @stem
// CHECK:         %[[Y:.*]] = partial.row_chain(%{{.*}}) band(2) : (tensor<1x128x8x3xf32>) -> tensor<1x64x4x1xf32> {
// CHECK:           tosa.conv2d
// CHECK:           tosa.clamp
// CHECK:           tosa.depthwise_conv2d
// CHECK:           tosa.clamp
// CHECK:           %[[P:.*]] = tosa.conv2d
// CHECK:           partial.yield %[[P]]
// CHECK:         tosa.avg_pool2d %[[Y]]

// Bands of two rows of the stride-2 convolution: it keeps four rows (two
// kept for the depthwise window, two new), the depthwise three.
// REPORT:      whole-buffer peak: 16384 bytes at step 0 (tosa.conv2d)
// REPORT:      peak: 13760 bytes at step 0 (tosa.conv2d (chain 0 rows))
// REPORT:      chain 0: rows in bands of 2: tosa.conv2d tosa.depthwise_conv2d tosa.conv2d
// REPORT:      {{^}}  steps:
// REPORT-NEXT:   0  tosa.conv2d (chain 0 rows) 13760 B: %arg0(12288) chain0:%{{[0-9]+}}(1024) chain0:%{{[0-9]+}}[4/64 rows](256) chain0:%{{[0-9]+}}[3/64 rows](192)
// REPORT-NEXT:   1  tosa.avg_pool2d

// BAND-LABEL: func.func @stem
// BAND: partial.row_chain(%{{.*}}) band(4)

// NOROWS-NOT: partial.row_chain
func.func @stem(%x: tensor<1x128x8x3xf32>) -> tensor<1x1x1x1xf32> {
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %w3 = "tosa.const"() {values = dense<0.1> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %b3 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x128x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x4x4xf32>
  %c6 = tosa.clamp %c {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x64x4x4xf32>) -> tensor<1x64x4x4xf32>
  %d = tosa.depthwise_conv2d %c6, %w2, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x64x4x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x4x4xf32>
  %d6 = tosa.clamp %d {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x64x4x4xf32>) -> tensor<1x64x4x4xf32>
  %p = tosa.conv2d %d6, %w3, %b3, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x64x4x4xf32>, tensor<1x1x1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x4x1xf32>
  %a = tosa.avg_pool2d %p, %zp, %zp {acc_type = f32, kernel = array<i64: 64, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x64x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %a : tensor<1x1x1x1xf32>
}

// -----

// The same stem behind an NCHW -> NHWC transpose (as PyTorch exports have
// it): the transpose cannot stream, and a row chain may start at the
// convolution that reads its result. Here the transpose's step (the input
// and its copy) is the peak, so only a forced band streams.

// CHECK-LABEL: func.func @nchw_stem
// CHECK-NOT:     partial.row_chain
// BAND-LABEL:  func.func @nchw_stem
// BAND:          %[[T:.*]] = tosa.transpose
// BAND:          partial.row_chain(%[[T]]) band(4)
func.func @nchw_stem(%in: tensor<1x3x128x8xf32>) -> tensor<1x1x1x1xf32> {
  %x = tosa.transpose %in {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x128x8xf32>) -> tensor<1x128x8x3xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %w3 = "tosa.const"() {values = dense<0.1> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %b3 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x128x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x4x4xf32>
  %c6 = tosa.clamp %c {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x64x4x4xf32>) -> tensor<1x64x4x4xf32>
  %d = tosa.depthwise_conv2d %c6, %w2, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x64x4x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x4x4xf32>
  %d6 = tosa.clamp %d {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x64x4x4xf32>) -> tensor<1x64x4x4xf32>
  %p = tosa.conv2d %d6, %w3, %b3, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x64x4x4xf32>, tensor<1x1x1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x4x1xf32>
  %a = tosa.avg_pool2d %p, %zp, %zp {acc_type = f32, kernel = array<i64: 64, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x64x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %a : tensor<1x1x1x1xf32>
}
