//===- PartialOps.h - partial dialect operations ----------------*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_IR_PARTIALOPS_H
#define PEX_DIALECT_PARTIAL_IR_PARTIALOPS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"

#define GET_OP_CLASSES
#include "pex/Dialect/Partial/IR/PartialOps.h.inc"

#endif // PEX_DIALECT_PARTIAL_IR_PARTIALOPS_H
