//===- CortexMProfile.cpp - wrap operators in profiling hooks -------------===//
//
// The profiling build of pex-compile --profile: each operator's code runs
// between pex_profile_begin(id) and pex_profile_end(id), which the QEMU
// harness implements by reading SysTick. Operators are locations, so that
// the ids name what the model names (a TFLite operator, a line of the TOSA
// file) and a chain's slices add up under one id.
//
// The hooks are called from inline assembly that saves the registers a call
// clobbers: a plain call would make the register allocator treat r0-r3, r12
// and lr as clobbered there, which changes the code of the operators it
// measures (VWW's generic loops ran 0.3% more instructions that way).
//
//===----------------------------------------------------------------------===//

#include "pex/Target/CortexM/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <map>

namespace mlir::pex {
#define GEN_PASS_DEF_PEXCORTEXMPROFILE
#include "pex/Target/CortexM/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

constexpr StringLiteral kBeginHook = "pex_profile_begin";
constexpr StringLiteral kEndHook = "pex_profile_end";

/// Code that takes time of its own: anything with memory effects (calls,
/// loop nests, copies). Pure operations (views, pointer arithmetic) ride
/// with the region they precede.
bool isWork(Operation *op) {
  return !op->hasTrait<OpTrait::IsTerminator>() && !isMemoryEffectFree(op);
}

/// What a region runs, for the table: the kernel functions it calls, else
/// its named linalg operations, else `linalg.generic` or `memref.copy`.
struct Description {
  llvm::SetVector<StringRef> calls, named;
  bool generic = false, copy = false;
  StringRef first;

  void add(Operation *root) {
    if (first.empty() && isWork(root))
      first = root->getName().getStringRef();
    root->walk([&](Operation *op) {
      if (auto call = dyn_cast<func::CallOp>(op)) {
        calls.insert(call.getCallee());
      } else if (isa<linalg::GenericOp>(op)) {
        generic = true;
      } else if (isa<linalg::LinalgOp>(op) && !isa<linalg::FillOp>(op)) {
        named.insert(op->getName().getStringRef());
      } else if (isa<memref::CopyOp>(op)) {
        copy = true;
      }
    });
  }

  std::string str() const {
    if (!calls.empty())
      return llvm::join(calls, "+");
    if (!named.empty())
      return llvm::join(named, "+");
    if (generic)
      return "linalg.generic";
    if (copy)
      return "memref.copy";
    return first.str();
  }
};

/// One profiled id: an operator (inside a chain or not) or a chain.
struct Entry {
  int64_t id;
  bool chain;
  std::string location;
  std::optional<int64_t> chainIndex;
  int64_t slices = 0;
  Description description;
};

class Instrumenter {
public:
  Instrumenter(func::FuncOp func, std::vector<Entry> &entries, int64_t &chains)
      : func(func), entries(entries), chains(chains) {
    ModuleOp module = func->getParentOfType<ModuleOp>();
    for (Location loc : {func.getLoc(), module.getLoc()})
      if (std::string key = pex::getOperatorKey(loc); !key.empty())
        glueKeys.insert(key);
  }

  void run() { instrumentBlock(func.getBody().front(), std::nullopt); }

private:
  /// The operator `op` belongs to, or "" for glue.
  std::string keyOf(Operation *op) const {
    std::string key = pex::getOperatorKey(op->getLoc());
    return glueKeys.contains(key) ? "" : key;
  }

  int64_t operatorId(const std::string &key, std::optional<int64_t> chain) {
    auto [it, inserted] = ids.try_emplace({key, chain}, entries.size());
    if (inserted)
      entries.push_back(Entry{it->second, false, key, chain, 0, {}});
    return it->second;
  }

  /// `hook(id)`, saving what the call clobbers; a memory barrier, so that
  /// the region's loads and stores stay inside it. The stack stays 8-byte
  /// aligned at the call (six registers).
  static void callHook(OpBuilder &b, Location loc, StringRef hook, int64_t id) {
    std::string code =
        ("push {r0, r1, r2, r3, r12, lr}\n\tmovw r0, #" + Twine(id) +
         "\n\tbl " + hook + "\n\tpop {r0, r1, r2, r3, r12, lr}")
            .str();
    LLVM::InlineAsmOp::create(b, loc, TypeRange{}, ValueRange{}, code,
                              "~{memory},~{cpsr}", /*has_side_effects=*/true,
                              /*is_align_stack=*/false,
                              LLVM::tailcallkind::TailCallKind::None,
                              /*asm_dialect=*/LLVM::AsmDialectAttr(),
                              /*operand_attrs=*/ArrayAttr());
  }

  void wrap(Operation *first, Operation *last, int64_t id) {
    OpBuilder b(first);
    callHook(b, first->getLoc(), kBeginHook, id);
    b.setInsertionPointAfter(last);
    callHook(b, first->getLoc(), kEndHook, id);
  }

  void instrumentBlock(Block &block, std::optional<int64_t> chain);

  func::FuncOp func;
  std::vector<Entry> &entries;
  int64_t &chains;
  llvm::StringSet<> glueKeys;
  std::map<std::pair<std::string, std::optional<int64_t>>, int64_t> ids;
};

void Instrumenter::instrumentBlock(Block &block, std::optional<int64_t> chain) {
  struct Region {
    Operation *first, *last;
    int64_t id;
  };
  SmallVector<Region> regions;
  std::string openKey;
  for (Operation &op : block.without_terminator()) {
    if (!isWork(&op))
      continue;
    // A chain's loop: over slices, or over the steady periods of a row
    // chain (whose first and last steps are peeled before and after it).
    if (auto loop = dyn_cast<scf::ForOp>(op);
        loop && (loop->hasAttr(pex::partial::kSliceLoopAttrName) ||
                 loop->hasAttr(pex::partial::kRowLoopAttrName))) {
      openKey.clear();
      int64_t index = chains++;
      Entry entry{static_cast<int64_t>(entries.size()),
                  true,
                  pex::getOperatorKey(loop.getLoc()),
                  index,
                  0,
                  {}};
      if (auto info = loop->getAttrOfType<DictionaryAttr>(
              pex::partial::kSliceLoopAttrName)) {
        auto channels = info.getAs<IntegerAttr>("channels");
        auto size = info.getAs<IntegerAttr>("slice_size");
        if (channels && size && size.getInt() > 0)
          entry.slices = llvm::divideCeil(channels.getInt(), size.getInt());
      }
      // A row loop's slices are the steps it runs: periods times steps.
      if (auto info = loop->getAttrOfType<DictionaryAttr>(
              pex::partial::kRowLoopAttrName)) {
        auto period = info.getAs<IntegerAttr>("period");
        std::optional<int64_t> lower =
            getConstantIntValue(loop.getLowerBound());
        std::optional<int64_t> upper =
            getConstantIntValue(loop.getUpperBound());
        std::optional<int64_t> step = getConstantIntValue(loop.getStep());
        if (period && lower && upper && step && *step > 0)
          entry.slices =
              llvm::divideCeil(*upper - *lower, *step) * period.getInt();
      }
      entries.push_back(entry);
      regions.push_back({loop, loop, entry.id});
      // Now, so that ids follow program order.
      instrumentBlock(*loop.getBody(), index);
      continue;
    }
    std::string key = keyOf(&op);
    if (key.empty()) {
      openKey.clear();
      continue;
    }
    int64_t id = operatorId(key, chain);
    entries[id].description.add(&op);
    if (!regions.empty() && key == openKey) {
      regions.back().last = &op;
      continue;
    }
    // The pure operations just before it that share its location (the
    // pointers and views of a kernel call) belong to its region.
    Operation *first = &op;
    while (Operation *previous = first->getPrevNode()) {
      if (isWork(previous) || keyOf(previous) != key)
        break;
      first = previous;
    }
    regions.push_back({first, &op, id});
    openKey = key;
  }
  for (const Region &region : regions)
    wrap(region.first, region.last, region.id);
}

/// The assembly calls the hooks by name: the program provides them, the
/// model may not define or declare them.
LogicalResult checkHookName(SymbolTable &symbols, StringRef name) {
  if (Operation *existing = symbols.lookup(name))
    return existing->emitError("'")
           << name
           << "' is the name of a profiling hook, which the program "
              "provides: the model cannot define or declare it";
  return success();
}

struct PexCortexMProfilePass
    : public pex::impl::PexCortexMProfileBase<PexCortexMProfilePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module->hasAttr(pex::kProfileAttrName)) {
      module.emitError("the module is already instrumented for profiling (")
          << pex::kProfileAttrName << ")";
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    if (failed(checkHookName(symbols, kBeginHook)) ||
        failed(checkHookName(symbols, kEndHook)))
      return signalPassFailure();

    std::vector<Entry> entries;
    int64_t chains = 0;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        Instrumenter(func, entries, chains).run();
    // movw's immediate.
    if (entries.size() > 65536) {
      module.emitError("the model has ")
          << entries.size()
          << " operators and chains to profile, more than the 65536 ids "
             "of the profiling hooks";
      return signalPassFailure();
    }

    Builder b(&getContext());
    SmallVector<Attribute> regions;
    for (const Entry &entry : entries) {
      SmallVector<NamedAttribute> fields = {
          b.getNamedAttr("id", b.getI64IntegerAttr(entry.id)),
          b.getNamedAttr("kind", b.getStringAttr(entry.chain ? "chain" : "op")),
          b.getNamedAttr("location", b.getStringAttr(entry.location)),
          b.getNamedAttr("op", b.getStringAttr(entry.chain
                                                   ? "chain"
                                                   : entry.description.str()))};
      if (entry.chainIndex)
        fields.push_back(
            b.getNamedAttr("chain", b.getI64IntegerAttr(*entry.chainIndex)));
      if (entry.chain)
        fields.push_back(
            b.getNamedAttr("slices", b.getI64IntegerAttr(entry.slices)));
      regions.push_back(b.getDictionaryAttr(fields));
    }
    module->setAttr(pex::kProfileAttrName,
                    b.getDictionaryAttr(
                        {b.getNamedAttr("begin", b.getStringAttr(kBeginHook)),
                         b.getNamedAttr("end", b.getStringAttr(kEndHook)),
                         b.getNamedAttr("regions", b.getArrayAttr(regions))}));
  }
};

} // namespace
