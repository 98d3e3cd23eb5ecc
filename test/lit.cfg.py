# -*- Python -*-
# lit configuration of the Pex regression suite.

import os
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

# Stock MLIR tools and the plugin that extends them.
config.substitutions.append(
    ("%mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt")))
config.substitutions.append(
    ("%pex_plugin", os.path.join(config.pex_obj_root, "lib", "PexPlugin.so")))
