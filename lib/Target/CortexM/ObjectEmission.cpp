//===- ObjectEmission.cpp - ARMv7E-M object emission ----------------------===//

#include "pex/Target/CortexM/CortexMTarget.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
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
}

using namespace mlir;

namespace {

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

} // namespace

LogicalResult mlir::pex::emitCortexMObject(Operation *op,
                                           const CortexMTargetOptions &options,
                                           llvm::raw_ostream &os) {
  // Not op->emitError, which would append the whole program to the error.
  if (options.cpu != "cortex-m4" && options.cpu != "cortex-m7")
    return emitError(getModuleFileLoc(op), "unsupported --mcpu '")
           << options.cpu << "' (expected cortex-m4 or cortex-m7)";
  static const bool initialized = [] {
    LLVMInitializeARMTargetInfo();
    LLVMInitializeARMTarget();
    LLVMInitializeARMTargetMC();
    LLVMInitializeARMAsmPrinter();
    return true;
  }();
  (void)initialized;

  llvm::Triple triple(options.hardFloat ? "thumbv7em-none-eabihf"
                                        : "thumbv7em-none-eabi");
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(getModuleFileLoc(op), "no ARM target in this LLVM: ")
           << error;
  llvm::TargetOptions targetOptions;
  targetOptions.FloatABIType =
      options.hardFloat ? llvm::FloatABI::Hard : llvm::FloatABI::Soft;
  // Cortex-M4 has a single-precision FPU, Cortex-M7 (as in the mps2-an500
  // board) a double-precision one.
  std::string features = options.cpu == "cortex-m4"
                             ? "+vfp4d16sp,+thumb-mode"
                             : "+fp-armv8d16,+thumb-mode";
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, options.cpu, features, targetOptions, llvm::Reloc::Static,
      llvm::CodeModel::Small, llvm::CodeGenOptLevel::Aggressive));

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = translateModuleToLLVMIR(op, context);
  if (!module)
    return emitError(getModuleFileLoc(op),
                     "cannot translate the module to LLVM IR");
  module->setTargetTriple(triple);
  module->setDataLayout(machine->createDataLayout());
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

  llvm::SmallString<0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, stream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return emitError(getModuleFileLoc(op),
                     "the ARM target cannot emit object files");
  codegen.run(*module);
  os << buffer;
  return success();
}

void mlir::pex::registerCortexMTranslations() {
  static llvm::cl::opt<std::string> cpu(
      "mcpu",
      llvm::cl::desc("Target CPU of --mlir-to-cortexm-obj: "
                     "cortex-m4 (default) or cortex-m7"),
      llvm::cl::init("cortex-m4"));
  static llvm::cl::opt<std::string> floatAbi(
      "float-abi",
      llvm::cl::desc("Float ABI of --mlir-to-cortexm-obj: hard (default) or "
                     "soft"),
      llvm::cl::init("hard"));
  TranslateFromMLIRRegistration registration(
      "mlir-to-cortexm-obj",
      "Translate the LLVM dialect to an ARMv7E-M (Cortex-M4/M7) ELF object",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        if (floatAbi != "hard" && floatAbi != "soft")
          return emitError(getModuleFileLoc(op), "unsupported --float-abi '")
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
