//===- PartialDialect.cpp - partial dialect ---------------------*- C++ -*-===//

#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"

using namespace mlir;
using namespace mlir::pex::partial;

#include "pex/Dialect/Partial/IR/PartialOpsDialect.cpp.inc"

void PartialDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "pex/Dialect/Partial/IR/PartialOps.cpp.inc"
      >();
}
