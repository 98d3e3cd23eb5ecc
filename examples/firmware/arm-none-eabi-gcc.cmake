# CMake toolchain file: arm-none-eabi-gcc (with newlib) for a Cortex-M CPU.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=arm-none-eabi-gcc.cmake -DPEX_MCPU=cortex-m33 ...
#
# PEX_MCPU: cortex-m4 (default), cortex-m7, cortex-m33 or cortex-m55; the
# hard-float ABI, as pex-compile compiles by default.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# CMake's compiler checks build a library, not a program: a program needs the
# application's startup code and linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(NOT PEX_MCPU)
  set(PEX_MCPU cortex-m4)
endif()
set(PEX_MCPU "${PEX_MCPU}" CACHE STRING
  "Target CPU: cortex-m4, cortex-m7, cortex-m33 or cortex-m55")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PEX_MCPU)

if(PEX_MCPU STREQUAL "cortex-m4")
  set(_pex_cpu_flags "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16")
elseif(PEX_MCPU STREQUAL "cortex-m7")
  set(_pex_cpu_flags "-mcpu=cortex-m7 -mfpu=fpv5-d16")
elseif(PEX_MCPU STREQUAL "cortex-m33")
  set(_pex_cpu_flags "-mcpu=cortex-m33 -mfpu=fpv5-sp-d16")
elseif(PEX_MCPU STREQUAL "cortex-m55")
  # gcc picks the M55's FPU and Helium (MVE) from -mcpu.
  set(_pex_cpu_flags "-mcpu=cortex-m55")
else()
  message(FATAL_ERROR "PEX_MCPU: unsupported CPU '${PEX_MCPU}'")
endif()
set(CMAKE_C_FLAGS_INIT "${_pex_cpu_flags} -mthumb -mfloat-abi=hard -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
set(CMAKE_ASM_FLAGS_INIT "${_pex_cpu_flags} -mthumb -mfloat-abi=hard")
# newlib with semihosting (rdimon: printf and fopen reach the debugger or
# QEMU); the application brings its own vector table and reset handler.
# (newlib 3.3's objects lack .note.GNU-stack, which ld 2.40 warns about.)
set(CMAKE_EXE_LINKER_FLAGS_INIT
  "--specs=rdimon.specs -nostartfiles -Wl,--gc-sections -Wl,--no-warn-execstack")

# Programs (pex-compile, QEMU) from the host; libraries and headers from the
# toolchain.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
