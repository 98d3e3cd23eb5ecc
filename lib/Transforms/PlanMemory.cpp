//===- PlanMemory.cpp - one static arena for every buffer -----------------===//
//
// Replaces the allocations of bufferized code by views at constant offsets of
// one statically allocated arena, planned with the arena planner from the
// lifetimes the operation order gives. A microcontroller then needs neither a
// heap nor a runtime planner, and the arena size is known at compile time.
//
//===----------------------------------------------------------------------===//

#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "pex/Analysis/ArenaPlanner.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXPLANMEMORY
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

/// How a buffer enters and leaves the function.
enum class Role { Buffer, Input, Output, InOut };

StringRef stringifyRole(Role role) {
  switch (role) {
  case Role::Buffer:
    return "buffer";
  case Role::Input:
    return "input";
  case Role::Output:
    return "output";
  case Role::InOut:
    return "inout";
  }
  llvm_unreachable("unknown role");
}

/// A buffer to place: an allocation or a memref argument.
struct Buffer {
  Value root;
  /// The allocation, or null for an argument.
  Operation *alloc = nullptr;
  int argument = -1;
  Role role = Role::Buffer;
  int64_t bytes = 0;
  int64_t alignment = 1;
  unsigned first = ~0u;
  unsigned last = 0;
  std::optional<unsigned> inPlaceOf;
  /// Nothing reads or writes it (the window operand of a linalg pooling
  /// operation only gives a shape): it needs no bytes of its own.
  bool shapeOnly = false;
  bool read = false;
  bool written = false;
  /// Where the allocation was (for the recorded plan).
  std::string loc;
  /// Deallocations of the buffer, erased with the allocation.
  SmallVector<Operation *> deallocs;

  void cover(unsigned from, unsigned to) {
    first = std::min(first, from);
    last = std::max(last, to);
  }
};

int64_t getElementBytes(Type type) {
  return (type.getIntOrFloatBitWidth() + 7) / 8;
}

std::string printLoc(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine() << ":"
       << fileLoc.getColumn();
  else if (auto nameLoc = dyn_cast<NameLoc>(loc))
    os << nameLoc.getName().getValue();
  else
    loc.print(os);
  return text;
}

/// The plan of one function, as the module attribute records it.
struct FunctionPlan {
  std::string function;
  std::vector<Buffer> buffers;
  pex::ArenaPlan plan;
  pex::ArenaPlan greedy;
  int64_t liveBytesBound = 0;
  /// Whole-buffer copies from a buffer that dies there into one that starts
  /// there (its in-place pair), by buffer index: a copy onto itself once
  /// the plan gives both the same offset.
  std::vector<std::tuple<memref::CopyOp, unsigned, unsigned>> inPlaceCopies;
};

class FunctionPlanner {
public:
  FunctionPlanner(func::FuncOp func, int64_t minAlignment, bool placeArguments)
      : func(func), minAlignment(minAlignment), placeArguments(placeArguments) {
  }

  /// Finds the buffers and their lifetimes, and packs them.
  LogicalResult plan(FunctionPlan &result);

private:
  void number(Operation *op);
  LogicalResult collectBuffers();
  LogicalResult traceUses(Buffer &buffer);
  void recordUse(Buffer &buffer, Operation *user, Value value);
  void findInPlacePairs();
  void findInPlaceCopies();

  func::FuncOp func;
  int64_t minAlignment;
  bool placeArguments;
  /// Position of each operation in the schedule, and of the last operation
  /// nested in it.
  llvm::DenseMap<Operation *, unsigned> begin, end;
  unsigned next = 1;
  std::vector<Buffer> buffers;
  std::vector<std::tuple<memref::CopyOp, unsigned, unsigned>> inPlaceCopies;
  llvm::DenseMap<Value, unsigned> bufferOfRoot;
};

/// Numbers the operations in program order. Control flow is entered (a
/// loop's body gets positions inside the loop's range); any other operation
/// with regions (a linalg payload) is one step.
void FunctionPlanner::number(Operation *op) {
  begin[op] = next++;
  if (isa<RegionBranchOpInterface, LoopLikeOpInterface>(op))
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Operation &nested : block)
          number(&nested);
  end[op] = next - 1;
}

LogicalResult FunctionPlanner::collectBuffers() {
  if (placeArguments && func.isPublic()) {
    for (BlockArgument arg : func.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type)
        continue;
      if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
        return func.emitError("argument ")
               << arg.getArgNumber() << " of type " << type
               << " cannot be placed in the arena: it needs a static shape "
                  "and an integer or float element type";
      Buffer buffer;
      buffer.root = arg;
      buffer.argument = arg.getArgNumber();
      buffer.bytes =
          type.getNumElements() * getElementBytes(type.getElementType());
      buffer.alignment = std::max<int64_t>(
          minAlignment,
          llvm::PowerOf2Ceil(getElementBytes(type.getElementType())));
      bufferOfRoot[arg] = buffers.size();
      buffers.push_back(buffer);
    }
  }

  WalkResult walk = func.walk([&](Operation *op) -> WalkResult {
    if (auto call = dyn_cast<CallOpInterface>(op)) {
      auto callee =
          dyn_cast_if_present<FunctionOpInterface>(call.resolveCallable());
      if (callee && !callee.isExternal())
        return op->emitError("calls '")
               << SymbolTable::getSymbolName(callee).getValue()
               << "', which has a body: the arena is planned one function at "
                  "a time (inline the callee first)";
    }
    if (!isa<memref::AllocOp, memref::AllocaOp>(op))
      return WalkResult::advance();
    auto type = cast<MemRefType>(op->getResult(0).getType());
    if (!type.hasStaticShape())
      return op->emitError("allocation of ")
             << type
             << " has a dynamic size: the arena holds statically sized "
                "buffers only";
    if (!type.getLayout().isIdentity() || type.getMemorySpace())
      return op->emitError("allocation of ")
             << type
             << " has a layout or a memory space: an arena view has neither";
    if (!type.getElementType().isIntOrFloat())
      return op->emitError("allocation of ")
             << type << " has an element type the arena cannot hold";
    Buffer buffer;
    buffer.root = op->getResult(0);
    buffer.alloc = op;
    buffer.loc = printLoc(op->getLoc());
    buffer.bytes =
        type.getNumElements() * getElementBytes(type.getElementType());
    int64_t alignment = std::max<int64_t>(
        minAlignment,
        llvm::PowerOf2Ceil(getElementBytes(type.getElementType())));
    if (auto attr = op->getAttrOfType<IntegerAttr>("alignment"))
      alignment = std::max<int64_t>(alignment, attr.getInt());
    buffer.alignment = alignment;
    bufferOfRoot[buffer.root] = buffers.size();
    buffers.push_back(buffer);
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// Extends `buffer`'s lifetime over `user`, over every loop around `user`
/// that does not also hold the buffer's definition (the buffer is used in
/// every iteration), and records how `user` accesses `value`.
void FunctionPlanner::recordUse(Buffer &buffer, Operation *user, Value value) {
  // A load inside a linalg payload (a gather or a resize reads a captured
  // buffer at computed positions) happens at the linalg operation's step.
  Operation *step = user;
  while (step->getParentOp() && !begin.count(step))
    step = step->getParentOp();
  buffer.cover(begin.lookup(step), end.lookup(step));
  Operation *definition = buffer.alloc;
  for (Operation *parent = user->getParentOp(); parent && parent != func;
       parent = parent->getParentOp())
    if (isa<LoopLikeOpInterface>(parent) &&
        (!definition || !parent->isProperAncestor(definition)))
      buffer.cover(begin.lookup(parent), end.lookup(parent));

  auto effects = dyn_cast<MemoryEffectOpInterface>(user);
  if (!effects) {
    // Control flow accesses the buffer through the aliases inside it;
    // anything else is unknown: assume the worst.
    if (!user->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
        !user->hasTrait<OpTrait::IsTerminator>())
      buffer.read = buffer.written = true;
    return;
  }
  SmallVector<MemoryEffects::EffectInstance> instances;
  effects.getEffectsOnValue(value, instances);
  for (const MemoryEffects::EffectInstance &instance : instances) {
    if (isa<MemoryEffects::Read>(instance.getEffect()))
      buffer.read = true;
    if (isa<MemoryEffects::Write>(instance.getEffect()))
      buffer.written = true;
  }
}

/// Follows `buffer` through views, casts and control flow, and records the
/// operations that use it.
LogicalResult FunctionPlanner::traceUses(Buffer &buffer) {
  SmallVector<Value> worklist = {buffer.root};
  llvm::DenseSet<Value> seen = {buffer.root};
  auto alias = [&](Value value) {
    if (isa<BaseMemRefType>(value.getType()) && seen.insert(value).second)
      worklist.push_back(value);
  };
  // A buffer carried from one iteration to the next lives for the whole
  // loop.
  auto carry = [&](Operation *loop) {
    buffer.cover(begin.lookup(loop), end.lookup(loop));
  };
  bool onlyShape = true;
  bool used = false;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (isa<func::ReturnOp, CallOpInterface>(user))
        return user->emitError("buffer ")
               << value.getType()
               << " escapes the function: the arena cannot place it";
      if (isa<memref::DeallocOp>(user)) {
        buffer.deallocs.push_back(user);
        continue;
      }
      if (isa<memref::CastOp>(user)) {
        alias(user->getResult(0));
        continue;
      }
      if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
        if (view.getViewSource() == value) {
          for (Value result : user->getResults())
            alias(result);
          continue;
        }
      }
      used = true;
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
          !linalgOp || !linalgOp.isDpsInput(&use) ||
          linalgOp.payloadUsesValueFromOperand(&use))
        onlyShape = false;
      recordUse(buffer, user, value);

      if (auto loop = dyn_cast<scf::ForOp>(user)) {
        if (use.getOperandNumber() >= loop.getNumControlOperands()) {
          unsigned index =
              use.getOperandNumber() - loop.getNumControlOperands();
          alias(loop.getRegionIterArgs()[index]);
          alias(loop.getResult(index));
        }
        continue;
      }
      if (user->hasTrait<OpTrait::IsTerminator>()) {
        Operation *parent = user->getParentOp();
        if (auto loop = dyn_cast<scf::ForOp>(parent)) {
          alias(loop.getRegionIterArgs()[use.getOperandNumber()]);
          alias(loop.getResult(use.getOperandNumber()));
          carry(loop);
        } else if (isa<scf::IfOp, scf::IndexSwitchOp, scf::ExecuteRegionOp>(
                       parent)) {
          alias(parent->getResult(use.getOperandNumber()));
        } else if (parent != func) {
          // Other control flow: every memref it defines or passes around
          // may be this buffer, for the whole region op.
          for (Value result : parent->getResults())
            alias(result);
          for (Region &region : parent->getRegions())
            for (Block &block : region)
              for (BlockArgument arg : block.getArguments())
                alias(arg);
          carry(parent);
        }
        continue;
      }
      if (user->getNumRegions() && !isa<linalg::LinalgOp>(user)) {
        // A region op taking the buffer as an operand (scf.while): its
        // results and block arguments may be the buffer.
        for (Value result : user->getResults())
          alias(result);
        for (Region &region : user->getRegions())
          for (Block &block : region)
            for (BlockArgument arg : block.getArguments())
              alias(arg);
        carry(user);
      }
    }
  }
  buffer.shapeOnly = buffer.alloc && used && onlyShape;
  if (!used && buffer.alloc)
    buffer.shapeOnly = true;
  return success();
}

/// An elementwise linalg operation may write a whole buffer `b` in place of
/// an input `a` that dies there: element i of `a` is read before element i
/// of `b` is written, at the same address when both have the same shape,
/// element size and indexing.
void FunctionPlanner::findInPlacePairs() {
  func.walk([&](linalg::LinalgOp op) {
    if (!op.hasPureBufferSemantics() || !linalg::isElementwise(op))
      return;
    auto rootOf = [&](Value value) -> std::optional<unsigned> {
      auto it = bufferOfRoot.find(value);
      if (it == bufferOfRoot.end())
        return std::nullopt;
      return it->second;
    };
    unsigned position = begin.lookup(op);
    for (OpOperand &init : op.getDpsInitsMutable()) {
      std::optional<unsigned> b = rootOf(init.get());
      if (!b || buffers[*b].first != position || buffers[*b].inPlaceOf ||
          buffers[*b].shapeOnly)
        continue;
      AffineMap initMap = op.getMatchingIndexingMap(&init);
      if (!initMap.isIdentity())
        continue;
      auto initType = cast<MemRefType>(init.get().getType());
      for (OpOperand *input : op.getDpsInputOperands()) {
        std::optional<unsigned> a = rootOf(input->get());
        if (!a || *a == *b || buffers[*a].last != position ||
            buffers[*a].shapeOnly)
          continue;
        auto inputType = cast<MemRefType>(input->get().getType());
        if (inputType.getShape() != initType.getShape() ||
            getElementBytes(inputType.getElementType()) !=
                getElementBytes(initType.getElementType()) ||
            buffers[*a].alignment < buffers[*b].alignment)
          continue;
        // Every operand reading `a` must read element i for element i.
        bool sameIndexing =
            llvm::all_of(op.getDpsInputOperands(), [&](OpOperand *other) {
              return rootOf(other->get()) != a ||
                     op.getMatchingIndexingMap(other) == initMap;
            });
        if (!sameIndexing)
          continue;
        buffers[*b].inPlaceOf = *a;
        break;
      }
    }
  });
}

/// A copy of a whole buffer `a` that dies at it into a whole buffer `b` that
/// starts at it (the result of a model's last kernel copied into its output
/// slot): `b` may take `a`'s bytes, and the copy then has nothing to do.
/// Both sides must be the buffers' contiguous bytes, seen through reshapes.
void FunctionPlanner::findInPlaceCopies() {
  auto wholeBuffer = [&](Value value) -> std::optional<unsigned> {
    auto type = cast<MemRefType>(value.getType());
    if (!type.hasStaticShape() || !type.getLayout().isIdentity())
      return std::nullopt;
    while (Operation *def = value.getDefiningOp()) {
      if (auto collapse = dyn_cast<memref::CollapseShapeOp>(def))
        value = collapse.getSrc();
      else if (auto expand = dyn_cast<memref::ExpandShapeOp>(def))
        value = expand.getSrc();
      else
        break;
    }
    auto it = bufferOfRoot.find(value);
    if (it == bufferOfRoot.end() ||
        type.getNumElements() * getElementBytes(type.getElementType()) !=
            buffers[it->second].bytes ||
        !cast<MemRefType>(value.getType()).getLayout().isIdentity())
      return std::nullopt;
    return it->second;
  };
  for (auto copy : func.getBody().front().getOps<memref::CopyOp>()) {
    std::optional<unsigned> a = wholeBuffer(copy.getSource());
    std::optional<unsigned> b = wholeBuffer(copy.getTarget());
    unsigned position = begin.lookup(copy);
    if (!a || !b || *a == *b || buffers[*a].last != position ||
        buffers[*b].first != position || buffers[*a].shapeOnly ||
        buffers[*b].shapeOnly || buffers[*b].inPlaceOf ||
        buffers[*a].bytes != buffers[*b].bytes ||
        buffers[*a].alignment < buffers[*b].alignment)
      continue;
    buffers[*b].inPlaceOf = *a;
    // A copy moves bytes unchanged, so the pair may share them whichever
    // the planner places first (the arena planner lets a buffer take the
    // offset of its in-place partner only once that one is placed: the
    // model's output slot comes before the last kernel's buffer in size
    // order). The live-bytes bound still counts the pair once, at the copy.
    if (!buffers[*a].inPlaceOf)
      buffers[*a].inPlaceOf = *b;
    inPlaceCopies.emplace_back(copy, *a, *b);
  }
}

LogicalResult FunctionPlanner::plan(FunctionPlan &result) {
  // Position 0 is the copy into the input slots, the last one the copy out
  // of the output slots.
  for (Operation &op : func.getBody().front())
    number(&op);
  unsigned exit = next;
  if (failed(collectBuffers()))
    return failure();
  for (Buffer &buffer : buffers)
    if (failed(traceUses(buffer)))
      return failure();

  // Arguments: outputs are written, inputs only read; an argument that is
  // neither keeps no slot.
  std::vector<Buffer> placed;
  for (Buffer &buffer : buffers) {
    if (buffer.alloc) {
      if (buffer.first == ~0u)
        buffer.first = buffer.last = begin.lookup(buffer.alloc);
      continue;
    }
    if (buffer.written && buffer.read)
      buffer.role = Role::InOut;
    else if (buffer.written)
      buffer.role = Role::Output;
    else if (buffer.read)
      buffer.role = Role::Input;
    else
      continue;
    if (buffer.role != Role::Output)
      buffer.cover(0, 0);
    if (buffer.role != Role::Input)
      buffer.cover(exit, exit);
  }
  // Unused arguments get no slot.
  llvm::erase_if(buffers, [](const Buffer &buffer) {
    return !buffer.alloc && !buffer.read && !buffer.written;
  });
  bufferOfRoot.clear();
  for (auto [index, buffer] : llvm::enumerate(buffers))
    bufferOfRoot[buffer.root] = index;
  findInPlacePairs();
  findInPlaceCopies();

  std::vector<pex::ArenaBuffer> arenaBuffers;
  for (const Buffer &buffer : buffers) {
    pex::ArenaBuffer arenaBuffer;
    arenaBuffer.size = buffer.shapeOnly ? 0 : buffer.bytes;
    arenaBuffer.alignment = buffer.alignment;
    arenaBuffer.first = buffer.first;
    arenaBuffer.last = buffer.last;
    arenaBuffer.inPlaceOf = buffer.inPlaceOf;
    arenaBuffers.push_back(arenaBuffer);
  }
  result.function = func.getSymName().str();
  result.plan = pex::planArena(arenaBuffers);
  result.greedy = pex::planGreedyBySize(arenaBuffers);
  result.liveBytesBound = pex::computeLiveBytesBound(arenaBuffers);
  if (std::optional<std::string> error =
          pex::verifyArenaPlan(arenaBuffers, result.plan))
    return func.emitError("internal error: invalid arena plan: ") << *error;
  result.buffers = std::move(buffers);
  result.inPlaceCopies = std::move(inPlaceCopies);
  return success();
}

struct PexPlanMemoryPass
    : public pex::impl::PexPlanMemoryBase<PexPlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      module.emitError("alignment must be a power of two, got ")
          << static_cast<int64_t>(alignment);
      return signalPassFailure();
    }
    if (module->hasAttr(pex::kArenaAttrName)) {
      module.emitError("the module already has an arena ('")
          << pex::kArenaAttrName << "')";
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    if (symbols.lookup(arenaName)) {
      module.emitError("cannot create the arena '")
          << arenaName << "': the symbol already exists";
      return signalPassFailure();
    }

    std::vector<std::pair<func::FuncOp, FunctionPlan>> plans;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      FunctionPlan plan;
      if (failed(FunctionPlanner(func, alignment, placeArguments).plan(plan)))
        return signalPassFailure();
      plans.emplace_back(func, std::move(plan));
    }

    // The functions never run at the same time: they share the arena.
    int64_t arenaBytes = 0;
    int64_t arenaAlignment = alignment;
    for (auto &[func, plan] : plans) {
      arenaBytes = std::max(arenaBytes, plan.plan.arenaBytes);
      for (auto [index, buffer] : llvm::enumerate(plan.buffers)) {
        arenaAlignment = std::max(arenaAlignment, buffer.alignment);
        // A view that nothing accesses must still lie inside the arena.
        arenaBytes =
            std::max(arenaBytes, plan.plan.offsets[index] + buffer.bytes);
      }
    }

    OpBuilder builder(module.getBodyRegion());
    MLIRContext *context = &getContext();
    auto arenaType = MemRefType::get({arenaBytes}, builder.getI8Type());
    if (arenaBytes > 0) {
      builder.setInsertionPointToStart(module.getBody());
      memref::GlobalOp::create(builder, module.getLoc(), arenaName,
                               /*sym_visibility=*/nullptr, arenaType,
                               builder.getUnitAttr(), /*constant=*/false,
                               builder.getI64IntegerAttr(arenaAlignment));
    }

    SmallVector<Attribute> functionAttrs;
    for (auto &[func, plan] : plans) {
      functionAttrs.push_back(describe(context, plan));
      if (!plan.buffers.empty())
        rewrite(func, plan, arenaType);
      for (auto [copy, a, b] : plan.inPlaceCopies)
        if (plan.plan.offsets[a] == plan.plan.offsets[b])
          copy.erase();
    }
    Builder b(context);
    module->setAttr(
        pex::kArenaAttrName,
        b.getDictionaryAttr({
            b.getNamedAttr("symbol", b.getStringAttr(arenaName)),
            b.getNamedAttr("bytes", b.getI64IntegerAttr(arenaBytes)),
            b.getNamedAttr("alignment", b.getI64IntegerAttr(arenaAlignment)),
            b.getNamedAttr("functions", b.getArrayAttr(functionAttrs)),
        }));
  }

  /// Replaces each allocation by a view of the arena, and each argument by
  /// its slot, with the copies in and out.
  void rewrite(func::FuncOp func, FunctionPlan &plan, MemRefType arenaType) {
    Block &entry = func.getBody().front();
    OpBuilder builder = OpBuilder::atBlockBegin(&entry);
    Location loc = func.getLoc();
    Value arena =
        memref::GetGlobalOp::create(builder, loc, arenaType, arenaName);
    auto viewAt = [&](OpBuilder &b, Location at, int64_t offset,
                      MemRefType type) -> Value {
      Value shift = arith::ConstantIndexOp::create(b, at, offset);
      return memref::ViewOp::create(b, at, type, arena, shift, ValueRange{});
    };
    // The caller may pass the slot itself: then there is nothing to copy.
    auto copyUnlessSame = [&](OpBuilder &b, Value from, Value to) {
      Value fromPointer =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, from);
      Value toPointer =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, to);
      Value differ = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                           fromPointer, toPointer);
      auto ifOp = scf::IfOp::create(b, loc, differ, /*withElseRegion=*/false);
      OpBuilder thenBuilder = ifOp.getThenBodyBuilder();
      memref::CopyOp::create(thenBuilder, loc, from, to);
    };

    for (auto [index, buffer] : llvm::enumerate(plan.buffers)) {
      int64_t offset = plan.plan.offsets[index];
      auto type = cast<MemRefType>(buffer.root.getType());
      if (buffer.alloc) {
        OpBuilder b(buffer.alloc);
        Value view = viewAt(b, buffer.alloc->getLoc(), offset, type);
        buffer.alloc->getResult(0).replaceAllUsesWith(view);
        continue;
      }
      Value slot = viewAt(builder, loc, offset, type);
      buffer.root.replaceAllUsesExcept(slot, slot.getDefiningOp());
      if (buffer.role == Role::Input || buffer.role == Role::InOut)
        copyUnlessSame(builder, buffer.root, slot);
      if (buffer.role == Role::Output || buffer.role == Role::InOut)
        func.walk([&](func::ReturnOp ret) {
          OpBuilder b(ret);
          copyUnlessSame(b, slot, buffer.root);
        });
    }
    // The allocations are views now; their deallocations go.
    // Two allocations yielded by the branches of one scf.if share a
    // deallocation.
    llvm::SetVector<Operation *> deallocs;
    for (Buffer &buffer : plan.buffers) {
      deallocs.insert(buffer.deallocs.begin(), buffer.deallocs.end());
      if (buffer.alloc)
        buffer.alloc->erase();
    }
    for (Operation *dealloc : deallocs)
      dealloc->erase();
  }

  DictionaryAttr describe(MLIRContext *context, const FunctionPlan &plan) {
    Builder b(context);
    SmallVector<Attribute> buffers;
    for (auto [index, buffer] : llvm::enumerate(plan.buffers)) {
      SmallVector<NamedAttribute> fields = {
          b.getNamedAttr("role", b.getStringAttr(stringifyRole(buffer.role))),
          b.getNamedAttr("type", TypeAttr::get(buffer.root.getType())),
          b.getNamedAttr("offset",
                         b.getI64IntegerAttr(plan.plan.offsets[index])),
          b.getNamedAttr("bytes", b.getI64IntegerAttr(
                                      buffer.shapeOnly ? 0 : buffer.bytes)),
          b.getNamedAttr("first", b.getI64IntegerAttr(buffer.first)),
          b.getNamedAttr("last", b.getI64IntegerAttr(buffer.last)),
      };
      if (buffer.argument >= 0)
        fields.push_back(
            b.getNamedAttr("argument", b.getI64IntegerAttr(buffer.argument)));
      else
        fields.push_back(b.getNamedAttr("loc", b.getStringAttr(buffer.loc)));
      if (buffer.inPlaceOf)
        fields.push_back(b.getNamedAttr(
            "in_place_of", b.getI64IntegerAttr(*buffer.inPlaceOf)));
      buffers.push_back(b.getDictionaryAttr(fields));
    }
    return b.getDictionaryAttr({
        b.getNamedAttr("function", b.getStringAttr(plan.function)),
        b.getNamedAttr("bytes", b.getI64IntegerAttr(plan.plan.arenaBytes)),
        b.getNamedAttr("greedy_by_size_bytes",
                       b.getI64IntegerAttr(plan.greedy.arenaBytes)),
        b.getNamedAttr("live_bytes_bound",
                       b.getI64IntegerAttr(plan.liveBytesBound)),
        b.getNamedAttr("heuristic", b.getStringAttr(plan.plan.heuristic)),
        b.getNamedAttr("buffers", b.getArrayAttr(buffers)),
    });
  }
};

} // namespace
