//===- ChannelSplitOpInterfaceTest.cpp - TOSA channel-split models --------===//

#include "pex/Dialect/Partial/IR/ChannelSplitOpInterface.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "pex/InitAllDialects.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::pex::partial;

namespace {

class ChannelSplitTest : public ::testing::Test {
protected:
  ChannelSplitTest() {
    DialectRegistry registry;
    mlir::pex::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `body` as the body of a function taking %x : tensor<1x4x4x8xf32>
  /// and returns the op that defines the returned value.
  ChannelSplitOpInterface parseReturnedOp(StringRef resultType,
                                          StringRef body) {
    std::string source = ("func.func @f(%x: tensor<1x4x4x8xf32>) -> " +
                          resultType + " {\n" + body + "\n}")
                             .str();
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return nullptr;
    auto func = *module->getOps<func::FuncOp>().begin();
    Operation *ret = func.getBody().front().getTerminator();
    return dyn_cast<ChannelSplitOpInterface>(
        ret->getOperand(0).getDefiningOp());
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(ChannelSplitTest, ReduceIsLocalOverSpaceAndBarrierOverChannels) {
  auto overH = parseReturnedOp("tensor<1x1x4x8xf32>", R"mlir(
  %r = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<1x4x4x8xf32>) -> tensor<1x1x4x8xf32>
  return %r : tensor<1x1x4x8xf32>)mlir");
  ASSERT_TRUE(overH);
  EXPECT_EQ(overH.getChannelClass(), ChannelClass::Local);
  auto overC = parseReturnedOp("tensor<1x4x4x1xf32>", R"mlir(
  %r = tosa.reduce_max %x {axis = 3 : i32} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x1xf32>
  return %r : tensor<1x4x4x1xf32>)mlir");
  ASSERT_TRUE(overC);
  EXPECT_EQ(overC.getChannelClass(), ChannelClass::Barrier);
}

TEST_F(ChannelSplitTest, TransposeKeepingChannelsLastIsLocal) {
  auto keep = parseReturnedOp("tensor<1x4x4x8xf32>", R"mlir(
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %t : tensor<1x4x4x8xf32>)mlir");
  ASSERT_TRUE(keep);
  EXPECT_EQ(keep.getChannelClass(), ChannelClass::Local);
  auto move = parseReturnedOp("tensor<1x8x4x4xf32>", R"mlir(
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  return %t : tensor<1x8x4x4xf32>)mlir");
  ASSERT_TRUE(move);
  EXPECT_EQ(move.getChannelClass(), ChannelClass::Barrier);
}

TEST_F(ChannelSplitTest, ConcatAlongChannelsIsABarrier) {
  auto alongW = parseReturnedOp("tensor<1x4x8x8xf32>", R"mlir(
  %c = tosa.concat %x, %x {axis = 2 : i32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x8x8xf32>
  return %c : tensor<1x4x8x8xf32>)mlir");
  ASSERT_TRUE(alongW);
  EXPECT_EQ(alongW.getChannelClass(), ChannelClass::Local);
  auto alongC = parseReturnedOp("tensor<1x4x4x16xf32>", R"mlir(
  %c = tosa.concat %x, %x {axis = 3 : i32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x16xf32>
  return %c : tensor<1x4x4x16xf32>)mlir");
  ASSERT_TRUE(alongC);
  EXPECT_EQ(alongC.getChannelClass(), ChannelClass::Barrier);
}

TEST_F(ChannelSplitTest, PadOfChannelsIsABarrier) {
  auto spatial = parseReturnedOp("tensor<1x6x6x8xf32>", R"mlir(
  %p = tosa.const_shape {values = dense<[0, 0, 1, 1, 1, 1, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %v = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.pad %x, %p, %v : (tensor<1x4x4x8xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  return %r : tensor<1x6x6x8xf32>)mlir");
  ASSERT_TRUE(spatial);
  EXPECT_EQ(spatial.getChannelClass(), ChannelClass::Local);
  auto channels = parseReturnedOp("tensor<1x4x4x10xf32>", R"mlir(
  %p = tosa.const_shape {values = dense<[0, 0, 0, 0, 0, 0, 1, 1]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %v = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.pad %x, %p, %v : (tensor<1x4x4x8xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x4x4x10xf32>
  return %r : tensor<1x4x4x10xf32>)mlir");
  ASSERT_TRUE(channels);
  EXPECT_EQ(channels.getChannelClass(), ChannelClass::Barrier);
}

TEST_F(ChannelSplitTest, ReshapeIsAViewAndFlattenIsABarrier) {
  auto keep = parseReturnedOp("tensor<1x16x8xf32>", R"mlir(
  %s = tosa.const_shape {values = dense<[1, 16, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %x, %s : (tensor<1x4x4x8xf32>, !tosa.shape<3>) -> tensor<1x16x8xf32>
  return %r : tensor<1x16x8xf32>)mlir");
  ASSERT_TRUE(keep);
  EXPECT_EQ(keep.getChannelClass(), ChannelClass::Local);
  EXPECT_TRUE(keep.isView());
  auto flatten = parseReturnedOp("tensor<1x128xf32>", R"mlir(
  %s = tosa.const_shape {values = dense<[1, 128]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %x, %s : (tensor<1x4x4x8xf32>, !tosa.shape<2>) -> tensor<1x128xf32>
  return %r : tensor<1x128xf32>)mlir");
  ASSERT_TRUE(flatten);
  EXPECT_EQ(flatten.getChannelClass(), ChannelClass::Barrier);
}

TEST_F(ChannelSplitTest, ConvSlicesWeightsByRole) {
  auto conv = parseReturnedOp("tensor<1x4x4x6xf32>", R"mlir(
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<6x1x1x8xf32>} : () -> tensor<6x1x1x8xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<6xf32>} : () -> tensor<6xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<6x1x1x8xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
  return %c : tensor<1x4x4x6xf32>)mlir");
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv.getChannelClass(),
            ChannelClass::Producer | ChannelClass::Consumer);
  OperandSlicing input = conv.getOperandSlicing(0, ChannelRole::Produce);
  EXPECT_EQ(input.kind, OperandKind::Activation);
  EXPECT_FALSE(input.isSliced());
  EXPECT_EQ(conv.getOperandSlicing(1, ChannelRole::Produce).slicedDim, 0);
  EXPECT_EQ(conv.getOperandSlicing(2, ChannelRole::Produce).slicedDim, 0);
  EXPECT_EQ(conv.getOperandSlicing(0, ChannelRole::Consume).slicedDim, 3);
  EXPECT_EQ(conv.getOperandSlicing(1, ChannelRole::Consume).slicedDim, 3);
  OperandSlicing bias = conv.getOperandSlicing(2, ChannelRole::Consume);
  EXPECT_EQ(bias.kind, OperandKind::Bias);
  EXPECT_FALSE(bias.isSliced());
  EXPECT_EQ(conv.getOperandSlicing(3, ChannelRole::Consume).kind,
            OperandKind::ZeroPoint);
  EXPECT_EQ(conv.getOperandBytes(0), 4 * 4 * 8 * 4);
  EXPECT_EQ(conv.getResultBytes(0), 4 * 4 * 6 * 4);
}

TEST_F(ChannelSplitTest, DepthwiseWithMultiplierIsABarrier) {
  auto dw = parseReturnedOp("tensor<1x4x4x16xf32>", R"mlir(
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x1x8x2xf32>} : () -> tensor<1x1x8x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %d = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<1x1x8x2xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x16xf32>
  return %d : tensor<1x4x4x16xf32>)mlir");
  ASSERT_TRUE(dw);
  EXPECT_EQ(dw.getChannelClass(), ChannelClass::Barrier);
}

TEST_F(ChannelSplitTest, BroadcastOperandIsUsedWhole) {
  auto add = parseReturnedOp("tensor<1x4x4x8xf32>", R"mlir(
  %k = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %a = tosa.add %x, %k : (tensor<1x4x4x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x4x4x8xf32>
  return %a : tensor<1x4x4x8xf32>)mlir");
  ASSERT_TRUE(add);
  EXPECT_EQ(add.getOperandSlicing(0, ChannelRole::Local).slicedDim, 3);
  EXPECT_FALSE(add.getOperandSlicing(1, ChannelRole::Local).isSliced());
}

TEST_F(ChannelSplitTest, OpsWithoutModelAreNotSplittable) {
  auto exp = parseReturnedOp("tensor<1x4x4x8xf32>", R"mlir(
  %e = tosa.exp %x : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %e : tensor<1x4x4x8xf32>)mlir");
  EXPECT_FALSE(exp);
}

} // namespace
