# Re-runs cmake/defs/generate.mjs into WORK_DIR and fails if any generated header differs from
# the committed one in include/hl7v2/defs/. Prints "SKIPPED: ..." (a ctest skip) when node or
# the generator's node_modules is missing.
#   cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<tmp dir> -P check_regenerate.cmake
if(NOT SOURCE_DIR OR NOT WORK_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<dir> -P check_regenerate.cmake")
endif()

find_program(NODE node)
if(NOT NODE)
  message("SKIPPED: node is not installed, cannot regenerate the definitions")
  return()
endif()
set(generator_dir ${SOURCE_DIR}/cmake/defs)
if(NOT EXISTS ${generator_dir}/node_modules/hl7v2-dictionary OR NOT EXISTS ${generator_dir}/node_modules/hl7-dictionary)
  message("SKIPPED: ${generator_dir}/node_modules is missing (run ./dev regen-defs or npm ci there)")
  return()
endif()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${NODE} generate.mjs --out ${WORK_DIR}
  WORKING_DIRECTORY ${generator_dir}
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "generate.mjs failed (${rc}): ${err}")
endif()

file(GLOB generated RELATIVE ${WORK_DIR} ${WORK_DIR}/*.hpp)
list(LENGTH generated count)
if(count EQUAL 0)
  message(FATAL_ERROR "generate.mjs wrote no headers into ${WORK_DIR}")
endif()
set(stale)
foreach(name ${generated})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
    ${WORK_DIR}/${name} ${SOURCE_DIR}/include/hl7v2/defs/${name} RESULT_VARIABLE differs)
  if(NOT differs EQUAL 0)
    list(APPEND stale ${name})
  endif()
endforeach()
if(stale)
  message(FATAL_ERROR "committed headers differ from the generator's output: ${stale}\n"
                      "Run ./dev regen-defs and commit include/hl7v2/defs/.")
endif()
message(STATUS "all ${count} generated headers match the generator")
