# cmake -P script: the compiled definitions library (hl7v2::definitions) as a user gets it. Configures
# this source tree with HL7V2_DEFINITIONS_LIBRARY=ON, installs it into a scratch prefix, then builds the
# same program (definitions/main.cpp) header-only and in compiled mode, with CMake and with pkg-config:
# every build must print the same named JSON, and a compiled-mode build without the library must fail
# to link (so the library, not the headers, supplied the tables).
cmake_minimum_required(VERSION 3.21)
include(${CONSUMER_DIR}/consumer.cmake)

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/hl7v2 -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release
    -DHL7V2_BUILD_TESTS=OFF -DHL7V2_BUILD_BENCH=OFF -DHL7V2_BUILD_EXAMPLES=OFF -DHL7V2_INSTALL=ON
    -DHL7V2_DEFINITIONS_LIBRARY=ON)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/hl7v2 -j2)
run(${CMAKE_COMMAND} --install ${WORK_DIR}/hl7v2 --prefix ${prefix})
# The library and its .pc go to the libdir (lib, lib64 or lib/<multiarch>), the rest as for header-only.
file(GLOB_RECURSE archive ${prefix}/lib*/libhl7v2_definitions.a)
file(GLOB_RECURSE definitions_pc ${prefix}/lib*/hl7v2-definitions.pc)
if(NOT archive OR NOT definitions_pc OR NOT EXISTS ${prefix}/share/cmake/hl7v2/hl7v2DefinitionsTargets.cmake)
  message(FATAL_ERROR "install did not write the library, its .pc or hl7v2DefinitionsTargets.cmake")
endif()
get_filename_component(definitions_pcdir ${definitions_pc} DIRECTORY)

# CMake: both programs, the same output.
set(dir ${CONSUMER_DIR}/definitions)
run(${CMAKE_COMMAND} -S ${dir} -B ${WORK_DIR}/cmake -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=Release)
expect_found_in(${WORK_DIR}/cmake ${prefix})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake)
run(${WORK_DIR}/cmake/named_header_only ${SAMPLE})
set(reference "${last_output}")
if(NOT reference MATCHES "\"message_control_id\":\"MSGID10001\"")
  message(FATAL_ERROR "the header-only program printed no named JSON for the sample:\n${reference}")
endif()
run(${WORK_DIR}/cmake/named_compiled ${SAMPLE})
if(NOT last_output STREQUAL reference)
  message(FATAL_ERROR "compiled mode (CMake) printed other JSON than header-only:\n${last_output}")
endif()

# pkg-config: hl7v2 plus hl7v2-definitions.
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${prefix}/share/pkgconfig:${definitions_pcdir}")
run(${PKG_CONFIG} --cflags --libs hl7v2 hl7v2-definitions)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CXX} -O2 -DEXPECT_COMPILED ${dir}/main.cpp -o ${WORK_DIR}/named_pc ${flags})
run(${WORK_DIR}/named_pc ${SAMPLE})
if(NOT last_output STREQUAL reference)
  message(FATAL_ERROR "compiled mode (pkg-config) printed other JSON than header-only:\n${last_output}")
endif()
run(${PKG_CONFIG} --cflags --libs hl7v2)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run_fails(EXPECT "undefined reference to `hl7v2::defs::v2_"
  COMMAND ${CXX} -O2 -DEXPECT_COMPILED -DHL7V2_DEFINITIONS_COMPILED ${dir}/main.cpp -o ${WORK_DIR}/no_lib ${flags})
unset(ENV{PKG_CONFIG_PATH})
message(STATUS "compiled definitions: consumer builds OK")
