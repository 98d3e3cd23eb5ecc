// Stock mlir-opt runs the Pex passes once the plugin is loaded.
// RUN: %mlir_opt --load-dialect-plugin=%pex_plugin --load-pass-plugin=%pex_plugin --pass-pipeline='builtin.module(pex-verify-input, func.func(partial-form-chains), pex-memory-report)' %pex_src_root/examples/mobilenetv2-block-int8.mlir -o - | FileCheck %s
// RUN: %mlir_opt --load-dialect-plugin=%pex_plugin %pex_src_root/test/Dialect/Partial/ops.mlir -split-input-file | FileCheck %s --check-prefix=DIALECT
// RUN: %mlir_opt --load-dialect-plugin=%pex_plugin --load-pass-plugin=%pex_plugin --pass-pipeline='builtin.module(pex-cortexm-pipeline{name=block report=text})' %pex_src_root/examples/mobilenetv2-block-int8.mlir -o /dev/null | FileCheck %s --check-prefix=CORTEXM

// The same chain and figures as with pex-opt (bundled-example-report.mlir).
// CHECK-LABEL: memory report for @mobilenetv2_block
// CHECK-NEXT:    whole-buffer peak: 119808 bytes
// CHECK-NEXT:    peak: 29952 bytes
// CHECK-LABEL: func.func @mobilenetv2_block(
// CHECK:         partial.row_chain(%{{.*}}) band(1)

// The Cortex-M pipeline, with the same arena as in pex-opt
// (test/Target/CortexM/pex-cortexm-pipeline.mlir).
// CORTEXM: memory report for @mobilenetv2_block (recorded)
// CORTEXM: arena: 29952 bytes (@block_arena, aligned to 8)

// DIALECT: partial.chain(%{{.*}}) channels(12) slice(5) accumulate
