//===- KernelDialect.cpp - kernel dialect ---------------------------------===//

#include "pex/Dialect/Kernel/IR/KernelDialect.h"
#include "pex/Dialect/Kernel/IR/KernelOps.h"

using namespace mlir;
using namespace mlir::pex::kernel;

#include "pex/Dialect/Kernel/IR/KernelOpsDialect.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "pex/Dialect/Kernel/IR/KernelOps.cpp.inc"
      >();
}
