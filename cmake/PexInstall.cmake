# Installs headers, libraries, tools, the plugin and PexConfig.cmake so that
# external projects can find_package(Pex).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PEX_SOURCE_DIR}/include/pex
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PEX_BINARY_DIR}/include/pex
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc"
  PATTERN "CMakeFiles" EXCLUDE)

get_property(pex_libs GLOBAL PROPERTY PEX_LIBS)
set(PEX_EXPORTED_TARGETS)
foreach(lib ${pex_libs})
  target_include_directories(${lib} INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  list(APPEND PEX_EXPORTED_TARGETS "Pex::${lib}")
endforeach()
install(TARGETS ${pex_libs} EXPORT PexTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS pex-opt pex-translate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The installed tools and plugin find libMLIR.so / libLLVM.so where they were
# linked from (CMake drops the build tree's RPATH on install).
set_target_properties(pex-opt pex-translate PexPlugin PROPERTIES
  INSTALL_RPATH "${LLVM_LIBRARY_DIR}")
# The firmware flow: the QEMU runner (pex-compile is installed by
# tools/pex-compile), the Python tooling they share, the bare-metal runtime
# the runner links models with, and pex_add_model.
install(PROGRAMS ${PEX_SOURCE_DIR}/tools/pex-run-qemu/pex-run-qemu
  DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PEX_SOURCE_DIR}/python/pex
  DESTINATION ${CMAKE_INSTALL_DATADIR}/pex/python
  FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
install(DIRECTORY ${PEX_SOURCE_DIR}/python/tools/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/pex/python/tools
  USE_SOURCE_PERMISSIONS)
install(DIRECTORY ${PEX_SOURCE_DIR}/runtime/cortexm
  DESTINATION ${CMAKE_INSTALL_DATADIR}/pex/runtime)
install(EXPORT PexTargets NAMESPACE Pex::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/pex)

configure_package_config_file(${PEX_SOURCE_DIR}/cmake/PexConfig.cmake.in
  ${PEX_BINARY_DIR}/cmake/PexConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/pex
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR CMAKE_INSTALL_DATADIR
            CMAKE_INSTALL_LIBDIR)
# ARCH_INDEPENDENT: a firmware project (32-bit target) uses the tools and
# pex_add_model; only the Compiler component is tied to this host.
write_basic_package_version_file(${PEX_BINARY_DIR}/cmake/PexConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES
  ${PEX_SOURCE_DIR}/cmake/PexFirmware.cmake
  ${PEX_BINARY_DIR}/cmake/PexConfig.cmake
  ${PEX_BINARY_DIR}/cmake/PexConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/pex)
