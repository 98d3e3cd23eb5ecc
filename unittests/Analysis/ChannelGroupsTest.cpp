//===- ChannelGroupsTest.cpp - channel-consistency of pruning -------------===//

#include "pex/Analysis/ChannelGroups.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "pex/InitAllDialects.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::pex;

namespace {

class ChannelGroupsTest : public ::testing::Test {
protected:
  ChannelGroupsTest() {
    DialectRegistry registry;
    pex::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  func::FuncOp parse(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    return *module->getOps<func::FuncOp>().begin();
  }

  /// The op defining the value named by its result position in the body.
  Operation *opAt(func::FuncOp func, unsigned index) {
    unsigned i = 0;
    for (Operation &op : func.getBody().front())
      if (!op.hasTrait<OpTrait::ConstantLike>() && i++ == index)
        return &op;
    return nullptr;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

// x -> conv A (8) -> depthwise -> add(conv B (8) of x) -> conv C (2) -> out
constexpr StringLiteral kResidual = R"mlir(
func.func @f(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w8 = "tosa.const"() {values = dense<1.0> : tensor<8x1x1x2xf32>} : () -> tensor<8x1x1x2xf32>
  %b8 = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %wd = "tosa.const"() {values = dense<1.0> : tensor<3x3x8x1xf32>} : () -> tensor<3x3x8x1xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x8xf32>} : () -> tensor<2x1x1x8xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %a = tosa.conv2d %x, %w8, %b8, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %d = tosa.depthwise_conv2d %a, %wd, %b8, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<3x3x8x1xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %b = tosa.conv2d %x, %w8, %b8, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %s = tosa.add %d, %b : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %y = tosa.conv2d %s, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}
)mlir";

TEST_F(ChannelGroupsTest, ResidualAddJoinsProducersAndDepthwiseFollows) {
  func::FuncOp func = parse(kResidual);
  ChannelGroups groups(func);
  Operation *convA = opAt(func, 0), *depthwise = opAt(func, 1),
            *convB = opAt(func, 2), *add = opAt(func, 3),
            *convC = opAt(func, 4);
  int group = groups.getGroupOf(convA->getResult(0));
  ASSERT_GE(group, 0);
  EXPECT_EQ(groups.getGroupOf(depthwise->getResult(0)), group);
  EXPECT_EQ(groups.getGroupOf(convB->getResult(0)), group);
  EXPECT_EQ(groups.getGroupOf(add->getResult(0)), group);
  const ChannelGroup &joined = groups.getGroups()[group];
  EXPECT_EQ(joined.channels, 8);
  EXPECT_TRUE(joined.pinned.empty());
  EXPECT_EQ(joined.producers.size(), 2u);
  ASSERT_EQ(joined.consumers.size(), 1u);
  EXPECT_EQ(joined.consumers.front(), convC);
  EXPECT_TRUE(llvm::is_contained(joined.locals, depthwise));
  // Per channel: 2 producers (16 pixels x 2 inputs), the depthwise (16 x 9)
  // and the consumer (16 pixels x 2 outputs).
  EXPECT_EQ(joined.macsPerChannel, 2 * 32 + 144 + 32);
  EXPECT_EQ(groups.getTotalMacs(), 2 * 256 + 1152 + 256);
}

TEST_F(ChannelGroupsTest, ModelInputAndOutputArePinned) {
  func::FuncOp func = parse(kResidual);
  ChannelGroups groups(func);
  int input = groups.getGroupOf(func.getArgument(0));
  int output = groups.getGroupOf(opAt(func, 4)->getResult(0));
  ASSERT_GE(input, 0);
  ASSERT_GE(output, 0);
  EXPECT_EQ(groups.getGroups()[input].pinned, "model input");
  EXPECT_EQ(groups.getGroups()[output].pinned, "model output");
}

TEST_F(ChannelGroupsTest, FlatteningReshapePinsItsInput) {
  func::FuncOp func = parse(R"mlir(
func.func @f(%x: tensor<1x2x2x2xf32>) -> tensor<1x16xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shape = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %r = tosa.reshape %c, %shape : (tensor<1x2x2x4xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  return %r : tensor<1x16xf32>
}
)mlir");
  ChannelGroups groups(func);
  int conv = groups.getGroupOf(opAt(func, 0)->getResult(0));
  ASSERT_GE(conv, 0);
  EXPECT_EQ(groups.getGroups()[conv].pinned, "read by tosa.reshape");
}

} // namespace
