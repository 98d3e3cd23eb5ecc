//===- PartialBase.td - partial dialect definition ---------*- tablegen -*-===//
//
// The `partial` dialect describes channel-tiled ("partial") execution of
// operator chains: a chain's wide intermediate tensors are produced and
// consumed one channel slice at a time and never exist in full.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_DIALECT_PARTIAL_IR_PARTIALBASE_TD
#define PEX_DIALECT_PARTIAL_IR_PARTIALBASE_TD

include "mlir/IR/OpBase.td"

def Partial_Dialect : Dialect {
  let name = "partial";
  let cppNamespace = "::mlir::pex::partial";
  let summary = "Channel-tiled partial execution of operator chains";
  let description = [{
    The `partial` dialect makes partial execution explicit in the IR. Many
    operators of an int8 network can consume or produce a fraction of their
    input or output along the channel dimension (the last dimension, NHWC).
    A chain such as `1x1 conv (expand) -> depthwise -> 1x1 conv (project)` can
    therefore run slice by slice over the wide middle channels, so that the
    middle tensors only ever exist as slice buffers. Peak SRAM drops with no
    extra multiply-accumulates.

    The dialect works on tensors of the TOSA dialect: the operations inside a
    chain are ordinary TOSA operations, and the chain operation records which
    channel extent is split, into slices of which size, and how the chain
    ends (accumulating into a full-size accumulator, or writing a materialised
    output slice by slice).
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

class Partial_Op<string mnemonic, list<Trait> traits = []>
    : Op<Partial_Dialect, mnemonic, traits>;

#endif // PEX_DIALECT_PARTIAL_IR_PARTIALBASE_TD
