# cmake -P: the Debian package. Configures an install-only build of the source (what a packager
# runs), builds the package with `cpack -G DEB`, checks its control fields, runs lintian (no error
# allowed; warnings are printed), installs it with dpkg into a throwaway root, and builds the
# consumer programs against that root with CMake and with pkg-config.
#
# Why a throwaway root (`dpkg --root`) and not `dpkg -i` on the machine: the test must not change the
# system it runs on (a /usr/include/hl7v2 left behind would be found by every other build there, and
# two test runs at once would fight over one package state), and it must not need the machine's
# dpkg lock. dpkg --root still does a real installation: the unpack, the file list, the status
# database. Without root privileges dpkg cannot install even there, so the package is unpacked with
# dpkg-deb -x instead (and the test says so).
cmake_minimum_required(VERSION 3.21)
include(${CONSUMER_DIR}/consumer.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/packaging.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
project_version(version)
find_program(DPKG dpkg REQUIRED)
find_program(DPKG_DEB dpkg-deb REQUIRED)
find_program(LINTIAN lintian)
if(NOT LINTIAN)
  message(FATAL_ERROR "lintian not found (Debian package lintian; ./dev deps installs it)")
endif()
get_filename_component(cmake_bin_dir ${CMAKE_COMMAND} DIRECTORY)
find_program(CPACK cpack HINTS ${cmake_bin_dir} REQUIRED)

# 1. The package, from an install-only configure.
set(build ${WORK_DIR}/build)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -DHL7V2_BUILD_TESTS=OFF -DHL7V2_BUILD_BENCH=OFF
    -DHL7V2_BUILD_EXAMPLES=OFF -DHL7V2_INSTALL=ON -DCMAKE_INSTALL_PREFIX=/usr)
run(${CPACK} -G DEB --config ${build}/CPackConfig.cmake -B ${WORK_DIR}/out)
file(GLOB debs ${WORK_DIR}/out/*.deb)
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "cpack wrote ${n} .deb files: ${debs}")
endif()
set(deb ${debs})
get_filename_component(deb_name ${deb} NAME)
if(NOT deb_name STREQUAL "libhl7v2-dev_${version}_all.deb")
  message(FATAL_ERROR "unexpected package file name ${deb_name}")
endif()

# 2. Control fields: the tokenizer needs nothing, so simdjson is recommended, not a dependency, and
# fmt (for hl7v2/fmt.hpp only) suggested.
foreach(field Package Version Architecture Section Recommends Suggests Depends)
  execute_process(COMMAND ${DPKG_DEB} --field ${deb} ${field} OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(control_${field} "${value}")
endforeach()
if(NOT control_Package STREQUAL "libhl7v2-dev" OR NOT control_Version STREQUAL version
   OR NOT control_Architecture STREQUAL "all" OR NOT control_Section STREQUAL "libdevel"
   OR NOT control_Recommends MATCHES "^libsimdjson-dev" OR NOT control_Suggests MATCHES "^libfmt-dev"
   OR NOT control_Depends STREQUAL "")
  message(FATAL_ERROR "control fields: Package ${control_Package}, Version ${control_Version}, Architecture "
    "${control_Architecture}, Section ${control_Section}, Recommends ${control_Recommends}, Suggests "
    "${control_Suggests}, Depends ${control_Depends}")
endif()

# 3. lintian: errors fail the test; warnings and the rest are shown.
execute_process(COMMAND ${LINTIAN} --no-cfg --fail-on error --display-info --pedantic ${deb}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lintian found errors (exit ${rc}):\n${out}\n${err}")
endif()
if(out)
  message(STATUS "lintian (no errors):\n${out}")
else()
  message(STATUS "lintian: no tags")
endif()

# 4. Install into a throwaway root.
set(root ${WORK_DIR}/root)
execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
if(uid STREQUAL "0")
  file(MAKE_DIRECTORY ${root}/var/lib/dpkg/info ${root}/var/lib/dpkg/updates)
  file(TOUCH ${root}/var/lib/dpkg/status)
  run(${DPKG} --root=${root} --log=/dev/null -i ${deb})
  run(${DPKG} --root=${root} -s libhl7v2-dev)
  if(NOT last_output MATCHES "Status: install ok installed")
    message(FATAL_ERROR "dpkg --root did not record the package as installed:\n${last_output}")
  endif()
  run(${DPKG} --root=${root} -L libhl7v2-dev)
  foreach(p /usr/include/hl7v2/core.hpp /usr/share/cmake/hl7v2/hl7v2Config.cmake /usr/share/pkgconfig/hl7v2.pc
            /usr/share/pkgconfig/hl7v2-core.pc /usr/share/pkgconfig/hl7v2-fmt.pc
            /usr/share/cmake/hl7v2/hl7v2FmtTargets.cmake /usr/share/doc/libhl7v2-dev/copyright)
    if(NOT last_output MATCHES "\n${p}\n")
      message(FATAL_ERROR "dpkg -L libhl7v2-dev does not list ${p}")
    endif()
  endforeach()
  message(STATUS "installed with dpkg --root=${root}")
else()
  run(${DPKG_DEB} -x ${deb} ${root})
  message(STATUS "NOTE: not root, so the package was unpacked with dpkg-deb -x, not installed with dpkg")
endif()
expect_headers(${root}/usr/include)
expect_same_file(${root}/usr/share/doc/libhl7v2-dev/copyright ${build}/debian/copyright)

# 5. Users of the installed package.
consumer_cmake(PREFIX ${root}/usr WORK ${WORK_DIR}/cmake)
consumer_pkgconfig(PCDIR ${root}/usr/share/pkgconfig WORK ${WORK_DIR}/pc)
message(STATUS "Debian package ${deb_name}: built, lintian-clean, installed, consumers built and run")
