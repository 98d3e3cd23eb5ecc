//===- MemoryModelTest.cpp - memory model unit tests ----------------------===//

#include "pex/Analysis/MemoryModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "pex/InitAllDialects.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::pex;

namespace {

//===----------------------------------------------------------------------===//
// Schedule liveness
//===----------------------------------------------------------------------===//

ScheduleStep step(std::initializer_list<unsigned> defs,
                  std::initializer_list<unsigned> uses) {
  ScheduleStep result;
  result.defs.assign(defs);
  result.uses.assign(uses);
  return result;
}

TEST(ScheduleTest, EmptyScheduleHasNoPeak) {
  Schedule schedule;
  LivenessResult liveness = schedule.computeLiveness();
  EXPECT_EQ(liveness.peakBytes, 0);
  EXPECT_EQ(liveness.peakStep, -1);
  EXPECT_TRUE(liveness.liveBytes.empty());
}

TEST(ScheduleTest, TensorLiveFromFirstToLastTouch) {
  Schedule schedule;
  unsigned a = schedule.addTensor({"a", 10});
  unsigned b = schedule.addTensor({"b", 100});
  unsigned c = schedule.addTensor({"c", 1000});
  schedule.addStep(step({a}, {}));
  schedule.addStep(step({b}, {a}));
  schedule.addStep(step({c}, {b}));
  schedule.addStep(step({}, {c}));
  LivenessResult liveness = schedule.computeLiveness();
  EXPECT_EQ(liveness.liveBytes, (std::vector<int64_t>{10, 110, 1100, 1000}));
  EXPECT_EQ(liveness.peakBytes, 1100);
  EXPECT_EQ(liveness.peakStep, 2);
  EXPECT_EQ(liveness.stepsAtPeak, 1u);
  EXPECT_EQ(liveness.area, 10 + 110 + 1100 + 1000);
}

TEST(ScheduleTest, EntryAndExitTensorsSpanTheSchedule) {
  Schedule schedule;
  ScheduleTensor input{"input", 7};
  input.liveAtEntry = true;
  ScheduleTensor output{"output", 5};
  output.liveAtExit = true;
  unsigned in = schedule.addTensor(input);
  unsigned out = schedule.addTensor(output);
  unsigned tmp = schedule.addTensor({"tmp", 3});
  schedule.addStep(step({tmp}, {}));
  schedule.addStep(step({}, {tmp}));
  schedule.addStep(step({out}, {in}));
  schedule.addStep(step({}, {}));
  LivenessResult liveness = schedule.computeLiveness();
  EXPECT_EQ(liveness.liveBytes, (std::vector<int64_t>{10, 10, 12, 5}));
  EXPECT_EQ(liveness.liveTensors[0], (SmallVector<unsigned>{in, tmp}));
}

TEST(ScheduleTest, UntouchedTensorIsNeverLive) {
  Schedule schedule;
  schedule.addTensor({"unused", 1 << 20});
  unsigned used = schedule.addTensor({"used", 4});
  schedule.addStep(step({used}, {}));
  EXPECT_EQ(schedule.computeLiveness().peakBytes, 4);
}

TEST(ScheduleTest, TiesCountStepsAtPeak) {
  Schedule schedule;
  unsigned a = schedule.addTensor({"a", 8});
  unsigned b = schedule.addTensor({"b", 8});
  schedule.addStep(step({a}, {}));
  schedule.addStep(step({b}, {}));
  schedule.addStep(step({}, {a}));
  LivenessResult liveness = schedule.computeLiveness();
  // a is live over steps 0-2, b only at step 1.
  EXPECT_EQ(liveness.peakBytes, 16);
  EXPECT_EQ(liveness.peakStep, 1);
  EXPECT_EQ(liveness.stepsAtPeak, 1u);
}

//===----------------------------------------------------------------------===//
// Kernel graph on IR
//===----------------------------------------------------------------------===//

class KernelGraphTest : public ::testing::Test {
protected:
  KernelGraphTest() {
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

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

constexpr StringLiteral kConvRescaleClamp = R"mlir(
func.func @f(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x8xi8> {
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zi = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %w = "tosa.const"() {values = dense<1> : tensor<8x1x1x4xi8>} : () -> tensor<8x1x1x4xi8>
  %b = "tosa.const"() {values = dense<0> : tensor<8xi32>} : () -> tensor<8xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<8xi32>} : () -> tensor<8xi32>
  %s = "tosa.const"() {values = dense<31> : tensor<8xi8>} : () -> tensor<8xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<8x1x1x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x8xi32>
  %r = tosa.rescale %c, %m, %s, %zi, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x2x2x8xi32>, tensor<8xi32>, tensor<8xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x8xi8>
  %y = tosa.clamp %r {max_val = 127 : i8, min_val = 0 : i8} : (tensor<1x2x2x8xi8>) -> tensor<1x2x2x8xi8>
  return %y : tensor<1x2x2x8xi8>
}
)mlir";

TEST_F(KernelGraphTest, ConvRescaleClampIsOneKernel) {
  KernelGraph graph(parse(kConvRescaleClamp));
  ASSERT_EQ(graph.getKernels().size(), 1u);
  const Kernel &kernel = graph.getKernels().front();
  EXPECT_EQ(kernel.ops.size(), 3u);
  EXPECT_EQ(kernel.anchor->getName().getStringRef(), "tosa.conv2d");
  EXPECT_EQ(kernel.mixingOp, kernel.anchor);
  EXPECT_EQ(kernel.channelClass,
            partial::ChannelClass::Producer | partial::ChannelClass::Consumer);
  ASSERT_EQ(kernel.inputs.size(), 1u);
  EXPECT_TRUE(graph.isFunctionArgument(kernel.inputs.front()));
  ASSERT_EQ(kernel.outputs.size(), 1u);
  EXPECT_TRUE(graph.isFunctionResult(kernel.outputs.front()));
  // Only the int8 input (16 bytes) and output (32 bytes) are buffers.
  LivenessResult liveness = buildSchedule(graph, {}).computeLiveness();
  EXPECT_EQ(liveness.peakBytes, 16 + 32);
}

TEST_F(KernelGraphTest, ReshapeIsAViewAndUnknownOpsAreBarriers) {
  func::FuncOp func = parse(R"mlir(
func.func @f(%a: tensor<1x8xf32>, %b: tensor<8xf32>) -> tensor<1x8xf32> {
  %shape = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %b, %shape : (tensor<8xf32>, !tosa.shape<2>) -> tensor<1x8xf32>
  %s = tosa.add %a, %r : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %e = tosa.exp %s : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %e : tensor<1x8xf32>
}
)mlir");
  KernelGraph graph(func);
  ASSERT_EQ(graph.getKernels().size(), 2u);
  const Kernel &add = graph.getKernels()[0];
  EXPECT_EQ(add.channelClass, partial::ChannelClass::Local);
  // The reshape's result is the argument's buffer.
  ASSERT_EQ(add.inputs.size(), 2u);
  EXPECT_TRUE(graph.isFunctionArgument(add.inputs[1]));
  EXPECT_EQ(graph.getKernels()[1].channelClass, partial::ChannelClass::Barrier);
  // a, b and s at the add: 3 x 32 bytes.
  EXPECT_EQ(buildSchedule(graph, {}).computeLiveness().peakBytes, 96);
}

} // namespace
