# Included by cmake -P scripts (run_consumer.cmake, tests/packaging/*.cmake): build user programs
# against an installed hl7v2 and run them. Needs CXX (the compiler), SAMPLE (an HL7 file whose
# message has control id MSGID10001) and CONSUMER_DIR (this folder).

# run(COMMAND...): fails the test with the command's output unless it exits 0; the output (stdout)
# is left in `last_output`.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

# run_fails(EXPECT <regex> COMMAND...): the command must fail, its output matching <regex>.
function(run_fails)
  cmake_parse_arguments(arg "" "EXPECT" "COMMAND" ${ARGN})
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0)
    message(FATAL_ERROR "expected to fail, but succeeded: ${arg_COMMAND}\n${out}\n${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${arg_EXPECT}")
    message(FATAL_ERROR "failed as expected but without \"${arg_EXPECT}\": ${arg_COMMAND}\n${out}\n${err}")
  endif()
endfunction()

# expect_sample_output(WHAT): the program run last printed the sample's control id.
macro(expect_sample_output what)
  if(NOT last_output MATCHES "MSGID10001")
    message(FATAL_ERROR "${what} printed an unexpected result:\n${last_output}")
  endif()
endmacro()

# expect_found_in(BUILD PREFIX): the consumer configured in BUILD found hl7v2 under PREFIX, not
# some other copy on the machine.
function(expect_found_in build prefix)
  file(STRINGS ${build}/CMakeCache.txt dir REGEX "^hl7v2_DIR:")
  string(REGEX REPLACE "^hl7v2_DIR:[A-Z]+=" "" dir "${dir}")
  file(REAL_PATH "${prefix}" real_prefix)
  file(REAL_PATH "${dir}" real_dir)
  string(FIND "${real_dir}/" "${real_prefix}/" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "the consumer in ${build} found hl7v2 in '${dir}', not under ${prefix}")
  endif()
endfunction()

# Where simdjson cannot be found: a simdjson-config.cmake and a simdjson.h that fail when used, put
# ahead of everything else. A core-only program must configure, compile and link there.
set(no_simdjson_prefix ${CONSUMER_DIR}/no_simdjson/cmake)
set(no_simdjson_include ${CONSUMER_DIR}/no_simdjson/include)

# expect_fmt_output(WHAT): the fmt program run last printed the sample's control id (a view) and an
# error code (hl7v2::errc), both through hl7v2/fmt.hpp's formatters.
macro(expect_fmt_output what)
  if(NOT last_output MATCHES "MSGID10001 \\[[a-z_]+\\]")
    message(FATAL_ERROR "${what} printed an unexpected result:\n${last_output}")
  endif()
endmacro()

# consumer_cmake(PREFIX <dir> WORK <dir>): the full program (project/) with
# find_package(hl7v2); the core program (core/) with find_package(hl7v2 COMPONENTS core) where
# simdjson cannot be found; and the full program in that place must fail with the package's message.
# The fmt program (fmt/) with find_package(hl7v2 COMPONENTS fmt), also where simdjson cannot be
# found; where fmt cannot be, it must fail with the package's message.
function(consumer_cmake)
  cmake_parse_arguments(arg "" "PREFIX;WORK" "" ${ARGN})
  set(common -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
  run(${CMAKE_COMMAND} -S ${CONSUMER_DIR}/project -B ${arg_WORK}/full -DCMAKE_PREFIX_PATH=${arg_PREFIX}
      ${common})
  expect_found_in(${arg_WORK}/full ${arg_PREFIX})
  run(${CMAKE_COMMAND} --build ${arg_WORK}/full)
  run(${arg_WORK}/full/consumer ${SAMPLE})
  expect_sample_output("full program (CMake, ${arg_PREFIX})")

  run(${CMAKE_COMMAND} -S ${CONSUMER_DIR}/core -B ${arg_WORK}/core
      "-DCMAKE_PREFIX_PATH=${no_simdjson_prefix}\;${arg_PREFIX}" "-DCMAKE_CXX_FLAGS=-I${no_simdjson_include}"
      ${common})
  expect_found_in(${arg_WORK}/core ${arg_PREFIX})
  run(${CMAKE_COMMAND} --build ${arg_WORK}/core)
  run(${arg_WORK}/core/consumer_core ${SAMPLE})
  expect_sample_output("core program (CMake, ${arg_PREFIX})")

  run_fails(EXPECT "hl7v2::hl7v2 needs simdjson"
    COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR}/project -B ${arg_WORK}/full_no_simdjson
      -DCMAKE_PREFIX_PATH=${arg_PREFIX} -DCMAKE_DISABLE_FIND_PACKAGE_simdjson=ON ${common})

  run(${CMAKE_COMMAND} -S ${CONSUMER_DIR}/fmt -B ${arg_WORK}/fmt
      "-DCMAKE_PREFIX_PATH=${no_simdjson_prefix}\;${arg_PREFIX}" "-DCMAKE_CXX_FLAGS=-I${no_simdjson_include}"
      ${common})
  expect_found_in(${arg_WORK}/fmt ${arg_PREFIX})
  run(${CMAKE_COMMAND} --build ${arg_WORK}/fmt)
  run(${arg_WORK}/fmt/consumer_fmt ${SAMPLE})
  expect_fmt_output("fmt program (CMake, ${arg_PREFIX})")
  run_fails(EXPECT "hl7v2::fmt"
    COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR}/fmt -B ${arg_WORK}/fmt_no_fmt
      -DCMAKE_PREFIX_PATH=${arg_PREFIX} -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON ${common})
endfunction()

# consumer_pkgconfig(PCDIR <dir> WORK <dir>): the full program built with `pkg-config hl7v2` and
# the fmt program with `pkg-config hl7v2-fmt`; the core program with `pkg-config hl7v2-core` when
# only PCDIR is searched (no simdjson.pc, no fmt.pc), where `pkg-config hl7v2` and `hl7v2-fmt` must
# then fail.
function(consumer_pkgconfig)
  cmake_parse_arguments(arg "" "PCDIR;WORK" "" ${ARGN})
  find_program(PKG_CONFIG pkg-config REQUIRED)
  file(MAKE_DIRECTORY ${arg_WORK})
  set(ENV{PKG_CONFIG_PATH} ${arg_PCDIR})
  run(${PKG_CONFIG} --cflags --libs hl7v2)
  string(STRIP "${last_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} ${CONSUMER_DIR}/project/main.cpp -o ${arg_WORK}/consumer_pc ${flags})
  run(${arg_WORK}/consumer_pc ${SAMPLE})
  expect_sample_output("full program (pkg-config, ${arg_PCDIR})")
  run(${PKG_CONFIG} --cflags --libs hl7v2-fmt)
  string(STRIP "${last_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} -I${no_simdjson_include} ${CONSUMER_DIR}/fmt/main.cpp -o ${arg_WORK}/consumer_fmt_pc ${flags})
  run(${arg_WORK}/consumer_fmt_pc ${SAMPLE})
  expect_fmt_output("fmt program (pkg-config, ${arg_PCDIR})")

  set(ENV{PKG_CONFIG_LIBDIR} ${arg_PCDIR})
  run_fails(EXPECT "simdjson" COMMAND ${PKG_CONFIG} --print-errors --exists hl7v2)
  run_fails(EXPECT "fmt" COMMAND ${PKG_CONFIG} --print-errors --exists hl7v2-fmt)
  run(${PKG_CONFIG} --cflags --libs hl7v2-core)
  string(STRIP "${last_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} -I${no_simdjson_include} ${CONSUMER_DIR}/core/main.cpp -o ${arg_WORK}/consumer_core_pc ${flags})
  run(${arg_WORK}/consumer_core_pc ${SAMPLE})
  expect_sample_output("core program (pkg-config, ${arg_PCDIR})")
  unset(ENV{PKG_CONFIG_LIBDIR})
  unset(ENV{PKG_CONFIG_PATH})
endfunction()
