//===- KernelDialect.h - kernel dialect -------------------------*- C++ -*-===//

#ifndef PEX_DIALECT_KERNEL_IR_KERNELDIALECT_H
#define PEX_DIALECT_KERNEL_IR_KERNELDIALECT_H

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/Dialect.h"

#include "pex/Dialect/Kernel/IR/KernelOpsDialect.h.inc"

#endif // PEX_DIALECT_KERNEL_IR_KERNELDIALECT_H
