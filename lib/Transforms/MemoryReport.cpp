//===- MemoryReport.cpp - print the memory report -------------------------===//

#include "pex/Analysis/ArenaPlanner.h"
#include "pex/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Support/FileUtilities.h"
#include "pex/Analysis/MemoryModel.h"
#include "pex/Dialect/Partial/IR/PartialDialect.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::pex {
#define GEN_PASS_DEF_PEXMEMORYREPORT
#include "pex/Transforms/Passes.h.inc"
} // namespace mlir::pex

using namespace mlir;

namespace {

constexpr StringLiteral kRecordedAttr = "pex.memory_report";

/// JSON as attributes, so that a report survives the lowering on the module.
Attribute toAttribute(Builder &b, const llvm::json::Value &value) {
  if (const llvm::json::Object *object = value.getAsObject()) {
    SmallVector<NamedAttribute> fields;
    for (const auto &[key, field] : *object)
      fields.push_back(b.getNamedAttr(key, toAttribute(b, field)));
    return b.getDictionaryAttr(fields);
  }
  if (const llvm::json::Array *array = value.getAsArray()) {
    SmallVector<Attribute> elements;
    for (const llvm::json::Value &element : *array)
      elements.push_back(toAttribute(b, element));
    return b.getArrayAttr(elements);
  }
  if (std::optional<int64_t> integer = value.getAsInteger())
    return b.getI64IntegerAttr(*integer);
  if (std::optional<double> number = value.getAsNumber())
    return b.getF64FloatAttr(*number);
  if (std::optional<bool> boolean = value.getAsBoolean())
    return b.getBoolAttr(*boolean);
  if (std::optional<StringRef> string = value.getAsString())
    return b.getStringAttr(*string);
  return b.getUnitAttr();
}

llvm::json::Value toJSON(Attribute attr) {
  if (auto dict = dyn_cast<DictionaryAttr>(attr)) {
    llvm::json::Object object;
    for (NamedAttribute field : dict)
      object[field.getName().getValue()] = toJSON(field.getValue());
    return object;
  }
  if (auto array = dyn_cast<ArrayAttr>(attr)) {
    llvm::json::Array elements;
    for (Attribute element : array)
      elements.push_back(toJSON(element));
    return elements;
  }
  if (auto boolean = dyn_cast<BoolAttr>(attr))
    return boolean.getValue();
  if (auto integer = dyn_cast<IntegerAttr>(attr))
    return integer.getInt();
  if (auto number = dyn_cast<FloatAttr>(attr))
    return number.getValueAsDouble();
  if (auto string = dyn_cast<StringAttr>(attr))
    return string.getValue();
  if (auto type = dyn_cast<TypeAttr>(attr)) {
    std::string text;
    llvm::raw_string_ostream os(text);
    type.getValue().print(os);
    return text;
  }
  return nullptr;
}

/// Whether `func` still holds the TOSA program the memory model describes.
bool describesTensors(func::FuncOp func) {
  if (func.isExternal())
    return false;
  auto isTensor = [](Type type) { return isa<TensorType>(type); };
  if (llvm::any_of(func.getArgumentTypes(), isTensor) ||
      llvm::any_of(func.getResultTypes(), isTensor))
    return true;
  return func
      .walk([](Operation *op) {
        return isa<tosa::TosaDialect, pex::partial::PartialDialect>(
                   op->getDialect())
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// The arena plan of `function`, or the only plan.
DictionaryAttr findArenaPlan(DictionaryAttr arena, StringRef function) {
  auto functions = arena.getAs<ArrayAttr>("functions");
  if (!functions)
    return nullptr;
  for (Attribute attr : functions) {
    auto plan = dyn_cast<DictionaryAttr>(attr);
    auto name = plan ? plan.getAs<StringAttr>("function") : nullptr;
    if (name && name.getValue() == function)
      return plan;
  }
  return functions.size() == 1 ? dyn_cast<DictionaryAttr>(functions[0])
                               : nullptr;
}

int64_t getInt(DictionaryAttr dict, StringRef key) {
  auto attr = dict ? dict.getAs<IntegerAttr>(key) : nullptr;
  return attr ? attr.getInt() : 0;
}

/// Adds the arena keys to a function's JSON report.
void addArena(llvm::json::Object &report, DictionaryAttr arena) {
  StringRef name;
  if (std::optional<StringRef> value = report.getString("function"))
    name = *value;
  DictionaryAttr plan = findArenaPlan(arena, name);
  report["arena_bytes"] = getInt(arena, "bytes");
  report["arena_alignment"] = getInt(arena, "alignment");
  if (auto symbol = arena.getAs<StringAttr>("symbol"))
    report["arena_symbol"] = symbol.getValue();
  if (!plan)
    return;
  report["greedy_by_size_arena_bytes"] = getInt(plan, "greedy_by_size_bytes");
  report["arena_live_bytes_bound"] = getInt(plan, "live_bytes_bound");
  if (auto heuristic = plan.getAs<StringAttr>("heuristic"))
    report["arena_heuristic"] = heuristic.getValue();
  if (auto buffers = plan.getAs<ArrayAttr>("buffers"))
    report["arena_buffers"] = toJSON(buffers);
}

void printArenaText(llvm::raw_ostream &os, const llvm::json::Object &report) {
  if (!report.get("arena_bytes"))
    return;
  os << "  arena: " << *report.getInteger("arena_bytes") << " bytes";
  if (std::optional<StringRef> symbol = report.getString("arena_symbol"))
    os << " (@" << *symbol << ", aligned to "
       << *report.getInteger("arena_alignment") << ")";
  os << "\n";
  if (std::optional<int64_t> greedy =
          report.getInteger("greedy_by_size_arena_bytes")) {
    int64_t bound = *report.getInteger("arena_live_bytes_bound");
    int64_t arena = *report.getInteger("arena_bytes");
    os << "  arena live-bytes bound: " << bound << " bytes (the arena is "
       << arena - bound << " bytes above it)\n";
    os << "  greedy-by-size arena: " << *greedy << " bytes\n";
    os << "  arena heuristic: " << *report.getString("arena_heuristic") << "\n";
  }
}

/// A recorded report: the summary lines of the text format.
void printRecordedText(llvm::raw_ostream &os,
                       const llvm::json::Object &report) {
  auto str = [&](StringRef key) {
    std::optional<StringRef> value = report.getString(key);
    return value ? *value : StringRef();
  };
  auto num = [&](StringRef key) {
    std::optional<int64_t> value = report.getInteger(key);
    return value ? *value : 0;
  };
  os << "memory report for @" << str("function") << " (recorded)\n";
  os << "  whole-buffer peak: " << num("whole_buffer_peak_bytes") << " bytes ("
     << str("whole_buffer_peak_op") << ")\n";
  os << "  peak: " << num("peak_bytes") << " bytes (" << str("peak_op")
     << ")\n";
  os << "  live-bytes bound: " << num("live_bytes_bound") << " bytes\n";
  const llvm::json::Array *chains = report.getArray("chains");
  os << "  chains: " << (chains ? chains->size() : 0) << "\n";
}

struct PexMemoryReportPass
    : public pex::impl::PexMemoryReportBase<PexMemoryReportPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (format != "text" && format != "json") {
      module.emitError("unknown memory report format '")
          << format << "' (expected 'text' or 'json')";
      return signalPassFailure();
    }
    std::vector<pex::MemoryReport> reports;
    for (auto func : module.getOps<func::FuncOp>())
      if (describesTensors(func))
        reports.push_back(pex::MemoryReport::build(func));

    if (record) {
      if (reports.empty()) {
        module.emitError("no TOSA function to record a memory report of");
        return signalPassFailure();
      }
      Builder b(&getContext());
      SmallVector<Attribute> recorded;
      for (const pex::MemoryReport &report : reports)
        recorded.push_back(toAttribute(b, report.toJSON()));
      module->setAttr(kRecordedAttr, b.getArrayAttr(recorded));
      return;
    }

    // Reports as JSON objects: fresh ones from the TOSA functions, or the
    // recorded ones once the model is lowered.
    std::vector<llvm::json::Object> objects;
    bool recorded = false;
    if (!reports.empty()) {
      for (const pex::MemoryReport &report : reports)
        objects.push_back(report.toJSON());
    } else if (auto attr = module->getAttrOfType<ArrayAttr>(kRecordedAttr)) {
      recorded = true;
      for (Attribute report : attr) {
        llvm::json::Value value = toJSON(report);
        if (llvm::json::Object *object = value.getAsObject())
          objects.push_back(std::move(*object));
      }
    }
    auto arena = module->getAttrOfType<DictionaryAttr>(pex::kArenaAttrName);
    // Bufferized code planned without a recorded report: the arena alone.
    if (objects.empty() && arena)
      if (auto functions = arena.getAs<ArrayAttr>("functions"))
        for (Attribute plan : functions)
          if (auto name =
                  cast<DictionaryAttr>(plan).getAs<StringAttr>("function"))
            objects.push_back(
                llvm::json::Object{{"function", name.getValue()}});
    if (arena)
      for (llvm::json::Object &object : objects)
        addArena(object, arena);
    // The C entry point's inputs and outputs, so that drivers read them from
    // the report rather than from the header.
    if (auto model = module->getAttrOfType<DictionaryAttr>(pex::kModelAttrName))
      for (llvm::json::Object &object : objects)
        for (StringRef key : {"entry", "inputs", "outputs"})
          if (Attribute value = model.get(key))
            object[key] = toJSON(value);
    // The profiling build's ids (--pex-cortexm-profile), for the driver
    // that reads the harness's counts.
    if (auto profile =
            module->getAttrOfType<DictionaryAttr>(pex::kProfileAttrName))
      if (Attribute regions = profile.get("regions"))
        for (llvm::json::Object &object : objects)
          object["profile_regions"] = toJSON(regions);

    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(file, &error);
    if (!output) {
      module.emitError("cannot open memory report file '")
          << file << "': " << error;
      return signalPassFailure();
    }
    if (format == "json") {
      llvm::json::Object root;
      if (!objects.empty())
        root = objects.front();
      llvm::json::Array functions;
      for (llvm::json::Object &object : objects)
        functions.push_back(std::move(object));
      root["functions"] = std::move(functions);
      output->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root)))
                   << "\n";
    } else {
      for (auto [index, object] : llvm::enumerate(objects)) {
        if (recorded)
          printRecordedText(output->os(), object);
        else if (reports.empty())
          output->os() << "memory report for @" << *object.getString("function")
                       << " (arena only)\n";
        else
          reports[index].printText(output->os());
        printArenaText(output->os(), object);
      }
    }
    output->keep();
    markAllAnalysesPreserved();
  }
};

} // namespace
