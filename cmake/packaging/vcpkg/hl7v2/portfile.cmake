# Overlay port: builds the hl7v2 checkout this file lives in (cmake/packaging/vcpkg/hl7v2/).
#   vcpkg install hl7v2 --overlay-ports=<hl7v2>/cmake/packaging/vcpkg
# Header-only: one release configuration, nothing compiled. tests/packaging/ runs this file with
# stand-ins for the vcpkg helpers it calls and checks the tree it leaves.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
set(VCPKG_BUILD_TYPE release)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DHL7V2_BUILD_TESTS=OFF
    -DHL7V2_BUILD_BENCH=OFF
    -DHL7V2_BUILD_EXAMPLES=OFF
    -DHL7V2_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/hl7v2)
if(NOT "json" IN_LIST FEATURES)
  # hl7v2.pc requires simdjson, which this install does not have; hl7v2-core.pc needs nothing.
  file(REMOVE "${CURRENT_PACKAGES_DIR}/share/pkgconfig/hl7v2.pc")
endif()
if(NOT "fmt" IN_LIST FEATURES)
  # Likewise hl7v2-fmt.pc and fmt.
  file(REMOVE "${CURRENT_PACKAGES_DIR}/share/pkgconfig/hl7v2-fmt.pc")
endif()
vcpkg_fixup_pkgconfig()

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
