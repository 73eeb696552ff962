# The Debian package (libhl7v2-dev, architecture all): `cpack -G DEB` in a build tree. It holds what
# `cmake --install` writes (headers, CMake config, pkg-config files) plus what Debian policy asks of
# every package: /usr/share/doc/<package>/copyright and a compressed changelog. Those two are an
# install component of their own, excluded from `cmake --install`, so the vcpkg and Conan installs
# (which place the licence their own way) do not get them. tests/packaging/ builds the package,
# installs it with dpkg, runs lintian on it and builds a consumer against it.
set(HL7V2_DEB_MAINTAINER "hl7v2 maintainers <maintainers@hl7v2.example.org>" CACHE STRING
  "Maintainer field of the Debian package")
set(deb_package libhl7v2-dev)
set(deb_dir ${PROJECT_BINARY_DIR}/debian)

# Machine-readable copyright (DEP-5) from LICENSE: its holder, then the licence text after the
# copyright line, indented, a blank line written as " .".
file(STRINGS ${PROJECT_SOURCE_DIR}/LICENSE licence_lines)
set(deb_copyright_holder "")
set(deb_licence_text "")
foreach(line IN LISTS licence_lines)
  if(deb_copyright_holder STREQUAL "")
    if(line MATCHES "^Copyright \\(c\\) (.+)$")
      set(deb_copyright_holder "${CMAKE_MATCH_1}")
    endif()
  elseif(line STREQUAL "")
    if(NOT deb_licence_text STREQUAL "")
      string(APPEND deb_licence_text " .\n")
    endif()
  else()
    string(APPEND deb_licence_text " ${line}\n")
  endif()
endforeach()
if(deb_copyright_holder STREQUAL "" OR deb_licence_text STREQUAL "")
  message(FATAL_ERROR "LICENSE has no \"Copyright (c) ...\" line followed by the licence text")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/copyright.in ${deb_dir}/copyright @ONLY)

# A native package's changelog: one entry for this version, dated from SOURCE_DATE_EPOCH when set
# (string(TIMESTAMP) reads it), gzip -n so the package does not change with the build time.
string(TIMESTAMP deb_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in ${deb_dir}/changelog @ONLY)
find_program(HL7V2_GZIP gzip)
if(HL7V2_GZIP)
  execute_process(COMMAND ${HL7V2_GZIP} -9nf ${deb_dir}/changelog RESULT_VARIABLE gzip_rc)
  if(gzip_rc EQUAL 0)
    install(FILES ${deb_dir}/copyright ${deb_dir}/changelog.gz
      DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${deb_package} COMPONENT debian EXCLUDE_FROM_ALL)
  endif()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hl7v2)
set(CPACK_PACKAGE_VENDOR "The hl7v2 authors")
set(CPACK_PACKAGE_CONTACT "${HL7V2_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "header-only C++20 HL7 v2 parser and JSON converter")
set(CPACK_PACKAGE_DESCRIPTION "hl7v2 parses HL7 v2 messages in ER7 encoding into a zero-copy tree of
string views, names every part from constexpr definitions of HL7 v2.1 to 2.8,
converts messages to JSON and back, validates them and builds acknowledgements.
.
This package holds the headers, the CMake package (targets hl7v2::core, the
tokenizer with no dependency, hl7v2::hl7v2, which adds simdjson, and
hl7v2::fmt, fmt formatters for errors, diagnostics and views, which adds fmt)
and the pkg-config files hl7v2-core.pc, hl7v2.pc and hl7v2-fmt.pc.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified debian)
set(CPACK_DEBIAN_PACKAGE_NAME ${deb_package})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Only hl7v2::hl7v2 (hl7v2.pc) needs simdjson; the tokenizer needs nothing, so not a hard dependency.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libsimdjson-dev (>= 3)")
# Only hl7v2/fmt.hpp (hl7v2::fmt, hl7v2-fmt.pc) needs fmt, for programs that use fmt anyway.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libfmt-dev (>= 9)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
