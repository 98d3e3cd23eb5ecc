# pex_add_model: compiles a model with pex-compile when the firmware is built
# and wraps the object in a static library, the header's folder on its
# include path. Included by PexConfig.cmake, which defines PEX_COMPILE,
# PEX_COMPILE_DEPENDS (the files whose change recompiles every model: the
# driver, its Python module, pex-opt and pex-translate) and
# PEX_CORTEXM_CPUS.
#
#   pex_add_model(<target> MODEL <file.tflite|file.mlir>
#                 [MCPU cortex-m4|cortex-m7|cortex-m33|cortex-m55]
#                 [FLOAT_ABI hard|soft] [SRAM_BUDGET <bytes>] [NAME <c-name>]
#                 [NO_PARTIAL] [STREAM_INPUT] [OPTIONS <pex-compile flag>...])
#
# writes <build>/<target>.pex/<name>.o, <name>.h and <name>.json and defines
# the static library <target> (link it: the include path comes with it).
# Target properties: PEX_REPORT (the JSON report), PEX_HEADER, PEX_OBJECT,
# PEX_NAME, PEX_MCPU, PEX_ARENA_SYMBOL, PEX_ARENA_SECTION (the section the
# arena is in, for the linker script) and PEX_ARENA_BYTES. The arena size is
# known once the model is compiled: PEX_ARENA_BYTES is read from the report
# when it exists at configure time (after a first build), and is empty before.
# The header's <NAME>_ARENA_BYTES always has it.

function(pex_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_PARTIAL;STREAM_INPUT"
    "MODEL;MCPU;FLOAT_ABI;SRAM_BUDGET;NAME" "OPTIONS")
  set(where "pex_add_model(${target})")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${where}: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "${where}: MODEL <file> is required")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE
    BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${model}")
    message(FATAL_ERROR "${where}: no such model file: ${model}")
  endif()
  if(NOT model MATCHES "\\.(tflite|mlir)$")
    message(FATAL_ERROR "${where}: expected a .tflite or .mlir (TOSA) model: ${model}")
  endif()

  set(mcpu cortex-m4)
  if(ARG_MCPU)
    set(mcpu "${ARG_MCPU}")
  endif()
  if(NOT mcpu IN_LIST PEX_CORTEXM_CPUS)
    string(REPLACE ";" ", " cpus "${PEX_CORTEXM_CPUS}")
    message(FATAL_ERROR "${where}: unsupported MCPU '${mcpu}' (expected one of ${cpus})")
  endif()
  set(float_abi hard)
  if(ARG_FLOAT_ABI)
    set(float_abi "${ARG_FLOAT_ABI}")
  endif()
  if(NOT float_abi MATCHES "^(hard|soft)$")
    message(FATAL_ERROR "${where}: FLOAT_ABI must be hard or soft, not '${float_abi}'")
  endif()

  # The C name: NAME, or the target's name with what C rejects replaced.
  if(ARG_NAME)
    set(name "${ARG_NAME}")
  else()
    string(MAKE_C_IDENTIFIER "${target}" name)
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "${where}: NAME '${name}' is not a C identifier")
  endif()

  set(flags --name ${name} --mcpu ${mcpu} --float-abi ${float_abi} --quiet)
  if(DEFINED ARG_SRAM_BUDGET AND NOT ARG_SRAM_BUDGET STREQUAL "")
    if(NOT ARG_SRAM_BUDGET MATCHES "^[0-9]+$")
      message(FATAL_ERROR "${where}: SRAM_BUDGET must be a number of bytes, not '${ARG_SRAM_BUDGET}'")
    endif()
    list(APPEND flags --sram-budget ${ARG_SRAM_BUDGET})
  endif()
  if(ARG_NO_PARTIAL)
    list(APPEND flags --no-partial)
  endif()
  if(ARG_STREAM_INPUT)
    # Streaming the input is another pex-compile feature; this pex-compile
    # may predate it.
    if(NOT DEFINED PEX_COMPILE_HAS_STREAM_INPUT)
      execute_process(COMMAND "${PEX_COMPILE}" --help OUTPUT_VARIABLE help
        ERROR_QUIET)
      string(FIND "${help}" "--stream-input" found)
      if(found EQUAL -1)
        set(PEX_COMPILE_HAS_STREAM_INPUT OFF CACHE INTERNAL "")
      else()
        set(PEX_COMPILE_HAS_STREAM_INPUT ON CACHE INTERNAL "")
      endif()
    endif()
    if(NOT PEX_COMPILE_HAS_STREAM_INPUT)
      message(FATAL_ERROR "${where}: STREAM_INPUT is not supported yet: "
        "${PEX_COMPILE} has no --stream-input")
    endif()
    list(APPEND flags --stream-input)
  endif()
  list(APPEND flags ${ARG_OPTIONS})

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}.pex")
  set(object "${dir}/${name}.o")
  set(header "${dir}/${name}.h")
  set(report "${dir}/${name}.json")
  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${object}" "${header}" "${report}"
    COMMAND "${PEX_COMPILE}" "${model}" -o "${dir}/${name}" ${flags}
    DEPENDS "${model}" ${PEX_COMPILE_DEPENDS}
    COMMENT "Compiling ${ARG_MODEL} for ${mcpu} with pex-compile"
    VERBATIM)
  set_source_files_properties("${object}" PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${target} STATIC "${object}" "${header}")
  target_include_directories(${target} INTERFACE "${dir}")
  set(arena_bytes "")
  if(EXISTS "${report}" AND "${report}" IS_NEWER_THAN "${model}")
    file(READ "${report}" json)
    string(JSON arena_bytes ERROR_VARIABLE json_error GET "${json}" arena_bytes)
    if(json_error)
      set(arena_bytes "")
    endif()
  endif()
  set_target_properties(${target} PROPERTIES
    LINKER_LANGUAGE C
    PEX_REPORT "${report}"
    PEX_HEADER "${header}"
    PEX_OBJECT "${object}"
    PEX_NAME "${name}"
    PEX_MCPU "${mcpu}"
    PEX_ARENA_SYMBOL "${name}_arena"
    PEX_ARENA_SECTION ".bss.${name}_arena"
    PEX_ARENA_BYTES "${arena_bytes}")
endfunction()
