//===- ChannelSplitOpInterface.cpp - channel-split interface --------------===//

#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::pex::partial;

#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.cpp.inc"

int64_t mlir::pex::partial::getTensorBytes(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  int64_t bitWidth = shaped.getElementType().getIntOrFloatBitWidth();
  return shaped.getNumElements() * ((bitWidth + 7) / 8);
}

StringRef mlir::pex::partial::stringifyChannelRole(ChannelRole role) {
  switch (role) {
  case ChannelRole::Local:
    return "local";
  case ChannelRole::Produce:
    return "produce";
  case ChannelRole::Consume:
    return "consume";
  }
  llvm_unreachable("unknown channel role");
}

std::string mlir::pex::partial::stringifyChannelClass(ChannelClass cls) {
  if (cls == ChannelClass::Barrier)
    return "barrier";
  std::string result;
  auto append = [&](ChannelClass bit, StringRef name) {
    if ((cls & bit) == ChannelClass::Barrier)
      return;
    if (!result.empty())
      result += "|";
    result += name;
  };
  append(ChannelClass::Local, "local");
  append(ChannelClass::Producer, "producer");
  append(ChannelClass::Consumer, "consumer");
  return result;
}
