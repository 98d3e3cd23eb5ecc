//===- PartialDialect.cpp - partial dialect ---------------------*- C++ -*-===//

#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "pex/Dialect/Partial/IR/PartialOps.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::pex::partial;

bool mlir::pex::partial::isZeroSplat(Value value) {
  DenseElementsAttr values;
  if (!matchPattern(value, m_Constant(&values)) || !values.isSplat())
    return false;
  Attribute splat = values.getSplatValue<Attribute>();
  if (auto integer = dyn_cast<IntegerAttr>(splat))
    return integer.getValue().isZero();
  if (auto real = dyn_cast<FloatAttr>(splat))
    return real.getValue().isPosZero();
  return false;
}

#include "pex/Dialect/Partial/IR/PartialOpsDialect.cpp.inc"

void PartialDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "pex/Dialect/Partial/IR/PartialOps.cpp.inc"
      >();
}
