//===- CortexMEntry.cpp - the C entry point of a model --------------------===//
//
// Gives the model function the name and the signature of the C contract,
// `int <name>_run(const int8_t *input, int8_t *output)`, and records what the
// generated header declares: shapes, element types, quantisation and the
// arena slots of the input and the output.
//
//===----------------------------------------------------------------------===//

#include "pex/Analysis/ArenaPlanner.h"
#include "pex/Target/CortexM/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXCORTEXMENTRY
#include "pex/Target/CortexM/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

bool isIdentifier(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name.front()) || name.front() == '_'))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// The plan that --pex-plan-memory recorded for `function`.
DictionaryAttr findPlan(ModuleOp module, StringRef function) {
  auto arena = module->getAttrOfType<DictionaryAttr>(pex::kArenaAttrName);
  auto functions = arena ? arena.getAs<ArrayAttr>("functions") : nullptr;
  if (!functions)
    return nullptr;
  for (Attribute attr : functions) {
    auto plan = dyn_cast<DictionaryAttr>(attr);
    auto name = plan ? plan.getAs<StringAttr>("function") : nullptr;
    if (name && name.getValue() == function)
      return plan;
  }
  return nullptr;
}

struct PexCortexMEntryPass
    : public pex::impl::PexCortexMEntryBase<PexCortexMEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!isIdentifier(name)) {
      module.emitError("model name '") << name << "' is not a C identifier";
      return signalPassFailure();
    }
    func::FuncOp entry = findEntry(module);
    if (!entry)
      return signalPassFailure();
    DictionaryAttr plan = findPlan(module, entry.getSymName());
    if (!plan) {
      entry.emitError("no arena plan for @")
          << entry.getSymName() << ": run --pex-plan-memory first";
      return signalPassFailure();
    }
    if (!SymbolTable::symbolKnownUseEmpty(entry, module)) {
      entry.emitError("@")
          << entry.getSymName()
          << " is called from within the module: the C entry point cannot "
             "have callers";
      return signalPassFailure();
    }
    if (entry.getNumResults() != 0) {
      entry.emitError("the model function returns values: results must be "
                      "out-parameters (buffer-results-to-out-params)");
      return signalPassFailure();
    }

    // Inputs and outputs, in argument order, with their arena slots.
    Builder b(&getContext());
    SmallVector<Attribute> inputs, outputs;
    llvm::SmallDenseMap<int64_t, DictionaryAttr> slots;
    for (Attribute attr : plan.getAs<ArrayAttr>("buffers")) {
      auto buffer = cast<DictionaryAttr>(attr);
      if (auto argument = buffer.getAs<IntegerAttr>("argument"))
        slots[argument.getInt()] = buffer;
    }
    for (BlockArgument arg : entry.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      DictionaryAttr slot = slots.lookup(arg.getArgNumber());
      if (!type || !slot) {
        entry.emitError("argument ")
            << arg.getArgNumber()
            << " has no arena slot: the C entry point takes one buffer per "
               "input and per output";
        return signalPassFailure();
      }
      SmallVector<NamedAttribute> fields = {
          b.getNamedAttr("argument", b.getI64IntegerAttr(arg.getArgNumber())),
          b.getNamedAttr("shape", b.getI64ArrayAttr(type.getShape())),
          b.getNamedAttr("element_type", TypeAttr::get(type.getElementType())),
          b.getNamedAttr("bytes", slot.get("bytes")),
          b.getNamedAttr("offset", slot.get("offset")),
      };
      // Quantisation and tensor names, as the TFLite importer records them.
      for (auto [from, to] :
           {std::pair<StringRef, StringRef>{"tflite.scale", "scale"},
            {"tflite.zero_point", "zero_point"},
            {"tflite.name", "name"}})
        if (Attribute value = entry.getArgAttr(arg.getArgNumber(), from))
          fields.push_back(b.getNamedAttr(to, value));
      StringRef role = slot.getAs<StringAttr>("role").getValue();
      (role == "input" ? inputs : outputs)
          .push_back(b.getDictionaryAttr(fields));
    }

    std::string runName = name + "_run";
    SymbolTable symbols(module);
    if (symbols.lookup(runName) && symbols.lookup(runName) != entry) {
      entry.emitError("cannot rename to '")
          << runName << "': the symbol already exists";
      return signalPassFailure();
    }
    if (failed(symbols.rename(entry, b.getStringAttr(runName))))
      return signalPassFailure();

    // The status the C entry point returns: 0, the model cannot fail.
    auto i32 = b.getI32Type();
    entry.setType(
        FunctionType::get(&getContext(), entry.getArgumentTypes(), {i32}));
    entry.walk([&](func::ReturnOp ret) {
      OpBuilder builder(ret);
      Value zero = arith::ConstantIntOp::create(builder, ret.getLoc(), i32, 0);
      ret.getOperandsMutable().assign(zero);
    });

    module->setAttr(pex::kModelAttrName,
                    b.getDictionaryAttr({
                        b.getNamedAttr("name", b.getStringAttr(name)),
                        b.getNamedAttr("entry", b.getStringAttr(runName)),
                        b.getNamedAttr("inputs", b.getArrayAttr(inputs)),
                        b.getNamedAttr("outputs", b.getArrayAttr(outputs)),
                    }));
  }

  func::FuncOp findEntry(ModuleOp module) {
    if (!function.empty()) {
      auto func = module.lookupSymbol<func::FuncOp>(function);
      if (!func || func.isExternal())
        module.emitError("no function @") << function << " with a body";
      return func && !func.isExternal() ? func : nullptr;
    }
    SmallVector<func::FuncOp> candidates;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        candidates.push_back(func);
    if (candidates.size() == 1)
      return candidates.front();
    if (candidates.empty())
      module.emitError("no public function to make the model entry point");
    else
      module.emitError("several public functions: choose the model with "
                       "'function'");
    return nullptr;
  }
};

} // namespace
