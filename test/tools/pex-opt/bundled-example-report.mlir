// The bundled example block: chain formation and the figures its memory report gives.
// RUN: pex-opt %pex_src_root/examples/mobilenetv2-block-int8.mlir --pex-verify-input --partial-form-chains --pex-memory-report -o /dev/null | FileCheck %s

// CHECK-LABEL: memory report for @mobilenetv2_block
// CHECK-NEXT:    whole-buffer peak: 119808 bytes at step 1 (tosa.depthwise_conv2d)
// CHECK-NEXT:    peak: 55296 bytes
// CHECK:         chain 0: 96 channels in slices of 8, accumulate
