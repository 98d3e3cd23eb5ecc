//===- ObjectEmission.cpp - Cortex-M object emission ----------------------===//

#include "pex/Analysis/ArenaPlanner.h"
#include "pex/Target/CortexM/CortexMTarget.h"
#include "pex/Target/CortexM/KernelLibrary.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

extern "C" {
void LLVMInitializeARMTargetInfo();
void LLVMInitializeARMTarget();
void LLVMInitializeARMTargetMC();
void LLVMInitializeARMAsmPrinter();
void LLVMInitializeARMAsmParser();
}

using namespace mlir;

namespace {

/// A CPU --mlir-to-cortexm-obj compiles for: its triples and the features of
/// the code, which are those of the CPU as the boards that run it have it.
struct CortexMCpu {
  llvm::StringLiteral name;
  llvm::StringLiteral hardFloatTriple;
  llvm::StringLiteral softFloatTriple;
  llvm::StringLiteral features;
};

// Cortex-M4 has a single-precision FPU, Cortex-M7 (as in the mps2-an500
// board) a double-precision one; Cortex-M33 (ARMv8-M Mainline) has the DSP
// extension and a single-precision FPU, Cortex-M55 (ARMv8.1-M) the DSP
// extension, a double-precision FPU and Helium (MVE), which LLVM may use for
// the model's own loops (the kernel library uses the DSP instructions only).
const CortexMCpu kCortexMCpus[] = {
    {"cortex-m4", "thumbv7em-none-eabihf", "thumbv7em-none-eabi",
     "+vfp4d16sp,+thumb-mode"},
    {"cortex-m7", "thumbv7em-none-eabihf", "thumbv7em-none-eabi",
     "+fp-armv8d16,+thumb-mode"},
    {"cortex-m33", "thumbv8m.main-none-eabihf", "thumbv8m.main-none-eabi",
     "+dsp,+fp-armv8d16sp,+thumb-mode"},
    {"cortex-m55", "thumbv8.1m.main-none-eabihf", "thumbv8.1m.main-none-eabi",
     "+dsp,+fp-armv8d16,+mve.fp,+thumb-mode"},
};

const CortexMCpu *lookupCpu(llvm::StringRef name) {
  for (const CortexMCpu &cpu : kCortexMCpus)
    if (cpu.name == name)
      return &cpu;
  return nullptr;
}

/// Runs LLVM's -O3 pipeline on the module.
void optimize(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3)
      .run(module, modules);
}

/// Links the kernel library's functions that `module` calls (and what they
/// call) into it, as internal symbols: the object is then complete, and two
/// models can share one program. Runs after the -O3 pipeline so the kernels
/// keep the code of the library's -Os build.
LogicalResult linkKernelLibrary(Operation *op, llvm::Module &module,
                                const pex::CortexMTargetOptions &options) {
  llvm::StringRef bitcode =
      pex::getKernelBitcode(options.cpu, options.hardFloat);
  if (bitcode.empty())
    return emitError(pex::getModuleFileLoc(op),
                     "this build has no kernel library for ")
           << options.cpu << (options.hardFloat ? " (hard" : " (soft")
           << " float ABI)";
  llvm::Expected<std::unique_ptr<llvm::Module>> kernels =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "pex_kernels"),
                             module.getContext());
  if (!kernels)
    return emitError(pex::getModuleFileLoc(op),
                     "cannot read the kernel library: ")
           << llvm::toString(kernels.takeError());
  // The same target, spelt as the model's module spells it.
  (*kernels)->setTargetTriple(module.getTargetTriple());
  (*kernels)->setDataLayout(module.getDataLayout());
  llvm::StringSet<> own;
  for (llvm::GlobalValue &value : module.global_values())
    if (!value.isDeclaration())
      own.insert(value.getName());
  if (llvm::Linker::linkModules(module, std::move(*kernels),
                                llvm::Linker::Flags::LinkOnlyNeeded))
    return emitError(pex::getModuleFileLoc(op),
                     "cannot link the kernel library into the model");
  for (llvm::GlobalValue &value : module.global_values())
    if (!value.isDeclaration() && !own.contains(value.getName()))
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  return success();
}

} // namespace

LogicalResult mlir::pex::emitCortexMObject(Operation *op,
                                           const CortexMTargetOptions &options,
                                           llvm::raw_ostream &os) {
  // Not op->emitError, which would append the whole program to the error.
  const CortexMCpu *cpu = lookupCpu(options.cpu);
  if (!cpu)
    return emitError(pex::getModuleFileLoc(op), "unsupported --mcpu '")
           << options.cpu << "' (expected " << pex::getCortexMCpuList() << ")";
  static const bool initialized = [] {
    LLVMInitializeARMTargetInfo();
    LLVMInitializeARMTarget();
    LLVMInitializeARMTargetMC();
    LLVMInitializeARMAsmPrinter();
    // The kernels' assembly (inline and naked functions) is parsed.
    LLVMInitializeARMAsmParser();
    return true;
  }();
  (void)initialized;

  llvm::Triple triple(options.hardFloat ? cpu->hardFloatTriple
                                        : cpu->softFloatTriple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(pex::getModuleFileLoc(op), "no ARM target in this LLVM: ")
           << error;
  llvm::TargetOptions targetOptions;
  targetOptions.FloatABIType =
      options.hardFloat ? llvm::FloatABI::Hard : llvm::FloatABI::Soft;
  // One section per function, as the kernel library was always built: each
  // function starts aligned, so its loops keep their alignment (and their
  // instruction counts), and a final link can drop what a program leaves
  // unused.
  targetOptions.FunctionSections = true;
  std::string features = cpu->features.str();
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, options.cpu, features, targetOptions, llvm::Reloc::Static,
      llvm::CodeModel::Small, llvm::CodeGenOptLevel::Aggressive));

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = translateModuleToLLVMIR(op, context);
  if (!module)
    return emitError(pex::getModuleFileLoc(op),
                     "cannot translate the module to LLVM IR");
  module->setTargetTriple(triple);
  module->setDataLayout(machine->createDataLayout());
  // The arena in a section of its own, `.bss.<symbol>` (still zero-filled
  // NOBITS): an application's linker script can place it in the SRAM it
  // chooses without naming the object file.
  if (auto arena = op->getAttrOfType<DictionaryAttr>(pex::kArenaAttrName))
    if (auto symbol = arena.getAs<StringAttr>("symbol"))
      if (llvm::GlobalVariable *global =
              module->getGlobalVariable(symbol.getValue(), true))
        global->setSection((".bss." + symbol.getValue()).str());
  for (llvm::Function &function : *module) {
    // Nothing unwinds through a model: the C library and the kernel library
    // do not throw. Without this, calls would pull in the EHABI personality
    // routine (__aeabi_unwind_cpp_pr0), which bare-metal programs lack.
    function.addFnAttr(llvm::Attribute::NoUnwind);
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", options.cpu);
    function.addFnAttr("target-features", features);
  }
  optimize(*module, *machine);
  if (failed(linkKernelLibrary(op, *module, options)))
    return failure();

  llvm::SmallString<0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, stream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return emitError(pex::getModuleFileLoc(op),
                     "the ARM target cannot emit object files");
  codegen.run(*module);
  os << buffer;
  return success();
}

std::string mlir::pex::getCortexMCpuList() {
  std::string list;
  for (auto [index, cpu] : llvm::enumerate(kCortexMCpus))
    list += (index == 0                             ? ""
             : index + 1 == std::size(kCortexMCpus) ? " or "
                                                    : ", ") +
            cpu.name.str();
  return list;
}

void mlir::pex::registerCortexMTranslations() {
  static llvm::cl::opt<std::string> cpu(
      "mcpu",
      llvm::cl::desc("Target CPU of --mlir-to-cortexm-obj: cortex-m4 "
                     "(default), cortex-m7, cortex-m33 or cortex-m55"),
      llvm::cl::init("cortex-m4"));
  static llvm::cl::opt<std::string> floatAbi(
      "float-abi",
      llvm::cl::desc("Float ABI of --mlir-to-cortexm-obj: hard (default) or "
                     "soft"),
      llvm::cl::init("hard"));
  TranslateFromMLIRRegistration registration(
      "mlir-to-cortexm-obj",
      "Translate the LLVM dialect to a Cortex-M4/M7/M33/M55 ELF object",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        if (floatAbi != "hard" && floatAbi != "soft")
          return emitError(pex::getModuleFileLoc(op),
                           "unsupported --float-abi '")
                 << floatAbi << "' (expected hard or soft)";
        CortexMTargetOptions options;
        options.cpu = cpu;
        options.hardFloat = floatAbi == "hard";
        return emitCortexMObject(op, options, os);
      },
      [](DialectRegistry &registry) {
        registry.insert<DLTIDialect, LLVM::LLVMDialect>();
        registerBuiltinDialectTranslation(registry);
        registerLLVMDialectTranslation(registry);
      });
  TranslateFromMLIRRegistration header(
      "mlir-to-cortexm-header",
      "Write the C header of a model compiled by --pex-cortexm-pipeline",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        return emitCortexMHeader(op, os);
      },
      [](DialectRegistry &registry) {
        registry.insert<DLTIDialect, LLVM::LLVMDialect>();
      });
}
