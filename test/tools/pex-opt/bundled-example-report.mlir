// The bundled example block: chain formation and the figures its memory report gives.
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-verify-input --partial-form-chains --pex-memory-report -o /dev/null | FileCheck %s
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-verify-input --partial-form-chains=rows=false --pex-memory-report -o /dev/null | FileCheck %s --check-prefix=CHANNELS

// CHECK-LABEL: memory report for @mobilenetv2_block
// CHECK-NEXT:    whole-buffer peak: 119808 bytes at step 1 (tosa.depthwise_conv2d)
// CHECK-NEXT:    peak: 29952 bytes at step 0 (tosa.conv2d (chain 0 rows))
// CHECK:         chain 0: rows in bands of 1: tosa.conv2d tosa.depthwise_conv2d tosa.conv2d
// CHECK:       {{^}}  steps:
// CHECK-NEXT:    0  tosa.conv2d (chain 0 rows) {{ *}}29952 B: %arg0(9216) chain0:%{{[0-9]+}}(9216) chain0:%{{[0-9]+}}[3/24 rows](6912) chain0:%{{[0-9]+}}[2/24 rows](4608)

// With channel chains only.
// CHANNELS-LABEL: memory report for @mobilenetv2_block
// CHANNELS-NEXT:    whole-buffer peak: 119808 bytes at step 1 (tosa.depthwise_conv2d)
// CHANNELS-NEXT:    peak: 55296 bytes
// CHANNELS:         chain 0: 96 channels in slices of 8, accumulate
