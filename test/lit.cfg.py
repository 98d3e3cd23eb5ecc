# -*- Python -*-
# lit configuration of the Pex regression suite.

import os
import shutil
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "PEX"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.pex_obj_root, "test")
config.excludes = ["Inputs", "external-consumer", "CMakeLists.txt", "README.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%pex_src_root", config.pex_src_root))
config.substitutions.append(("%pex_obj_root", config.pex_obj_root))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Tools from the build tree first, then LLVM's (FileCheck, not, count).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.pex_tools_dir, config.llvm_tools_dir]
tools = ["pex-opt", "pex-translate"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Python tooling (model generator, reference interpreter) runs with the
# interpreter that runs lit: Debian's python3 with numpy.
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(
    ("%pex_modelgen",
     sys.executable + " " + os.path.join(config.pex_src_root, "python", "tools", "pex-modelgen")))

# The Cortex-M runner and its emulator.
config.substitutions.append(
    ("%pex_run_qemu",
     sys.executable + " " + os.path.join(config.pex_src_root, "tools", "pex-run-qemu", "pex-run-qemu")))
if shutil.which("qemu-system-arm") and shutil.which("arm-none-eabi-gcc"):
    config.available_features.add("qemu")
else:
    lit_config.note("qemu-system-arm or arm-none-eabi-gcc missing: on-target "
                     "tests are UNSUPPORTED (scripts/setup.sh installs them)")

# Memory timeline plots (pex-compile --plot, benchmarks/run.py) need
# Debian's python3-matplotlib.
try:
    import matplotlib  # noqa: F401
    config.available_features.add("matplotlib")
except ImportError:
    lit_config.note("matplotlib missing: the plot tests are UNSUPPORTED")

# The kernel library's host tests (test/Runtime) build with clang-22.
if shutil.which("clang-22"):
    config.available_features.add("clang-22")

# Stock MLIR tools and the plugin that extends them.
config.substitutions.append(
    ("%mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt")))
config.substitutions.append(
    ("%pex_plugin", os.path.join(config.pex_obj_root, "lib", "PexPlugin.so")))

# TFLite import. The MLPerf Tiny reference models live next to the
# checkout (../shared/models, or $PEX_MLPERF_TINY_DIR); the tests that need
# them are UNSUPPORTED when they are absent.
mlperf_tiny_dir = os.environ.get(
    "PEX_MLPERF_TINY_DIR",
    os.path.join(os.path.dirname(config.pex_src_root), "shared", "models",
                 "mlperf-tiny"))
if os.path.isdir(mlperf_tiny_dir):
    config.available_features.add("mlperf-tiny-models")
    config.substitutions.append(("%mlperf_tiny", mlperf_tiny_dir))
else:
    lit_config.note("MLPerf Tiny models not found in %s: the TFLite "
                    "reference-model tests are skipped (set "
                    "PEX_MLPERF_TINY_DIR)" % mlperf_tiny_dir)
# TFLite Micro's per-operator cases and its example models, with TFLM's
# reference outputs (../shared/models/ops and ../shared/models/tflm-examples).
models_dir = os.path.join(os.path.dirname(config.pex_src_root), "shared", "models")
tflm_ops_dir = os.path.join(models_dir, "ops")
if os.path.isdir(tflm_ops_dir):
    config.available_features.add("tflm-ops-models")
    config.substitutions.append(("%tflm_ops", tflm_ops_dir))
else:
    lit_config.note("TFLite Micro operator cases not found in %s: the per-operator "
                    "golden tests are UNSUPPORTED" % tflm_ops_dir)
if os.path.isdir(models_dir) and os.path.isdir(mlperf_tiny_dir):
    config.available_features.add("shared-models")
    config.substitutions.append(("%shared_models", models_dir))
else:
    lit_config.note("../shared/models not found: the real-model corpus test is "
                    "UNSUPPORTED")
# Running imported models needs mlir-opt-22, mlir-runner-22 and its libraries.
runner_libs = [os.path.join(config.llvm_tools_dir, os.pardir, "lib", name)
               for name in ("libmlir_c_runner_utils.so",
                            "libmlir_runner_utils.so")]
if (shutil.which("mlir-opt-22") and shutil.which("mlir-runner-22")
        and all(os.path.exists(lib) for lib in runner_libs)):
    config.available_features.add("mlir-runner")
config.substitutions.append(("%pex_tools_dir", config.pex_tools_dir))
# The libFuzzer targets of the importer and of the Cortex-M pipeline (fuzz/),
# when clang-22 could build them.
for fuzzer in ("tflite-fuzzer", "pipeline-fuzzer"):
    path = os.path.join(config.pex_obj_root, "fuzz", "bin", "pex-" + fuzzer)
    if os.path.exists(path):
        config.available_features.add(fuzzer)
        config.substitutions.append(
            ("%pex_" + fuzzer.replace("-", "_"), path))

# Host execution of compiled models (pex-run-host, pex-difftest): the
# drivers CMake configures into the tools directory, clang to link models
# with their harness, MLIR's C runner utilities, and numpy for the
# reference interpreter.
llvm_config.add_tool_substitutions(["pex-run-host", "pex-difftest", "pex-compile"],
                                   tool_dirs)
host_runtime = os.path.join(config.llvm_tools_dir, os.pardir, "lib",
                            "libmlir_c_runner_utils.so")
try:
    import numpy  # noqa: F401
    has_numpy = True
except ImportError:
    has_numpy = False
if (os.path.exists(os.path.join(config.pex_tools_dir, "pex-run-host"))
        and (shutil.which("clang-22") or shutil.which("clang"))
        and os.path.exists(host_runtime) and has_numpy):
    config.available_features.add("host-execution")
    config.substitutions.append(("%host_cc", shutil.which("clang-22") or shutil.which("clang")))
else:
    lit_config.note("clang-22, libmlir_c_runner_utils or numpy missing: the "
                    "host execution tests are UNSUPPORTED")
