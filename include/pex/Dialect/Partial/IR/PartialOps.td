//===- PartialOps.td - partial dialect operations ----------*- tablegen -*-===//

#ifndef PEX_DIALECT_PARTIAL_IR_PARTIALOPS_TD
#define PEX_DIALECT_PARTIAL_IR_PARTIALOPS_TD

include "pex/Dialect/Partial/IR/PartialBase.td"

#endif // PEX_DIALECT_PARTIAL_IR_PARTIALOPS_TD
