//===- PartialDialect.h - partial dialect -----------------------*- C++ -*-===//

#ifndef PEX_DIALECT_PARTIAL_IR_PARTIALDIALECT_H
#define PEX_DIALECT_PARTIAL_IR_PARTIALDIALECT_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Dialect.h"

#include "pex/Dialect/Partial/IR/PartialOpsDialect.h.inc"

#endif // PEX_DIALECT_PARTIAL_IR_PARTIALDIALECT_H
