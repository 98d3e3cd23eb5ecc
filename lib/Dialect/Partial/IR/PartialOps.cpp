//===- PartialOps.cpp - partial dialect operations --------------*- C++ -*-===//

#include "pex/Dialect/Partial/IR/PartialOps.h"

using namespace mlir;
using namespace mlir::pex::partial;

#define GET_OP_CLASSES
#include "pex/Dialect/Partial/IR/PartialOps.cpp.inc"
