# The toolchain and helpers every Pex build shares: the top-level project and
# the sanitized fuzzing build (fuzz/), which compiles the same include/ and
# lib/ trees. The includer sets PEX_SOURCE_DIR (the repository) and
# PEX_BINARY_DIR (where the generated headers go) first.

# Debian's LLVM/MLIR 22 is the supported toolchain; another MLIR can be chosen
# with -DMLIR_DIR=<prefix>/lib/cmake/mlir.
set(PEX_LLVM_PREFIX "/usr/lib/llvm-22" CACHE PATH "Prefix of the LLVM/MLIR 22 install")
set(MLIR_DIR "${PEX_LLVM_PREFIX}/lib/cmake/mlir" CACHE PATH "Directory of MLIRConfig.cmake")
find_package(MLIR REQUIRED CONFIG)
if(NOT LLVM_PACKAGE_VERSION VERSION_GREATER_EQUAL 22 OR
   LLVM_PACKAGE_VERSION VERSION_GREATER_EQUAL 23)
  message(FATAL_ERROR "Pex needs LLVM/MLIR 22, found ${LLVM_PACKAGE_VERSION} in ${MLIR_DIR}")
endif()
message(STATUS "Using MLIRConfig.cmake in: ${MLIR_DIR} (LLVM ${LLVM_PACKAGE_VERSION})")

set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})
set(LLVM_TOOLS_DIR "${LLVM_TOOLS_BINARY_DIR}")
# Debian names the tools mlir-tblgen-22 on PATH; use the unversioned binary.
set(MLIR_TABLEGEN_EXE "${LLVM_TOOLS_BINARY_DIR}/mlir-tblgen" CACHE FILEPATH "" FORCE)

list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
include(HandleLLVMOptions)

# Link every tool and library against the shared libMLIR.so / libLLVM.so:
# links take seconds and the same registries are shared with stock mlir-opt.
set(MLIR_LINK_MLIR_DYLIB ON)
if(NOT LLVM_LINK_LLVM_DYLIB)
  message(FATAL_ERROR "Pex links against libLLVM.so; this LLVM was not built with it")
endif()

include_directories(${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
include_directories(${PEX_SOURCE_DIR}/include ${PEX_BINARY_DIR}/include)
# The kernel library's C ABI (pex_kernels_abi.h), shared by the compiler.
include_directories(${PEX_SOURCE_DIR}/runtime/kernels/include)
link_directories(${LLVM_BUILD_LIBRARY_DIR})
separate_arguments(PEX_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_definitions(${PEX_LLVM_DEFINITIONS})

set(PEX_TOOLS_DIR ${CMAKE_BINARY_DIR}/bin)
# The Cortex-M CPUs the backend compiles for (the kernel library is built for
# each of them).
set(PEX_CORTEXM_CPUS cortex-m4 cortex-m7 cortex-m33 cortex-m55)

add_custom_target(pex-doc)
function(add_pex_doc td_filename output_file output_directory command)
  set(LLVM_TARGET_DEFINITIONS ${td_filename}.td)
  mlir_tablegen(${output_file}.md ${command} ${ARGN})
  set(GEN_DOC_FILE ${PEX_BINARY_DIR}/docs/${output_directory}${output_file}.md)
  add_custom_command(
    OUTPUT ${GEN_DOC_FILE}
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/${output_file}.md ${GEN_DOC_FILE}
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${output_file}.md)
  add_custom_target(${output_file}DocGen DEPENDS ${GEN_DOC_FILE})
  add_dependencies(pex-doc ${output_file}DocGen)
endfunction()

# Declares a Pex library linked against the shared MLIR/LLVM libraries.
function(add_pex_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    EXCLUDE_FROM_LIBMLIR
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS} MLIR)
  set_property(GLOBAL APPEND PROPERTY PEX_LIBS ${name})
endfunction()
