//===- KernelOps.h - kernel dialect operations ------------------*- C++ -*-===//

#ifndef PEX_DIALECT_KERNEL_IR_KERNELOPS_H
#define PEX_DIALECT_KERNEL_IR_KERNELOPS_H

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "pex/Dialect/Kernel/IR/KernelDialect.h"

namespace mlir::pex::kernel {

/// Bytes of scratch `pex_conv2d_s8` and `pex_conv2d_s8_consume` need for a
/// KH x KW kernel reading `channels` input channels per tap: two im2col
/// windows of int16, plus an int8 staging window when the channels are not a
/// multiple of four and the kernel has several taps, unless the weights are
/// `segmented` (not contiguous across taps: a consumer's slice of a KxK
/// convolution). The library's formula, `pex_conv_scratch_bytes` of
/// runtime/kernels/include/pex_kernels_abi.h (evaluated in int64).
int64_t getConvScratchBytes(int64_t kernelH, int64_t kernelW, int64_t channels,
                            bool segmented);

/// The functions of the kernel library that operations of the dialect
/// become, which a model object may leave undefined until the library is
/// linked: `PEX_KERNEL_ENTRY_POINTS` of pex_kernels_abi.h.
ArrayRef<StringLiteral> getLibraryFunctions();

/// Whether `op` is an operation of the kernel dialect and `operand` its
/// scratch buffer.
bool isScratchOperand(Operation *op, unsigned operandNumber);

} // namespace mlir::pex::kernel

#define GET_OP_CLASSES
#include "pex/Dialect/Kernel/IR/KernelOps.h.inc"

#endif // PEX_DIALECT_KERNEL_IR_KERNELOPS_H
