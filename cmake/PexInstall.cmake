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
install(EXPORT PexTargets NAMESPACE Pex::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/pex)

configure_package_config_file(${PEX_SOURCE_DIR}/cmake/PexConfig.cmake.in
  ${PEX_BINARY_DIR}/cmake/PexConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/pex
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PEX_BINARY_DIR}/cmake/PexConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${PEX_BINARY_DIR}/cmake/PexConfig.cmake
  ${PEX_BINARY_DIR}/cmake/PexConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/pex)
