# Re-runs cmake/defs/generate.mjs into WORK_DIR and fails if any generated header differs from
# the committed one in include/hl7v2/defs/ (version headers and parts/), if a committed part is one the
# generator no longer writes, if the reconciliation report differs from the committed
# cmake/defs/RECONCILIATION.md, or if cmake/defs/README.md lacks the report's summary table.
# Prints "SKIPPED: ..." (a ctest skip) when node or the generator's node_modules is missing.
#   cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<tmp dir> -P check_regenerate.cmake
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST)
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
execute_process(COMMAND ${NODE} generate.mjs --out ${WORK_DIR} --report ${WORK_DIR}/RECONCILIATION.md
  WORKING_DIRECTORY ${generator_dir}
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "generate.mjs failed (${rc}): ${err}")
endif()

file(GLOB_RECURSE generated RELATIVE ${WORK_DIR} ${WORK_DIR}/*.hpp)
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
file(GLOB committed_parts RELATIVE ${SOURCE_DIR}/include/hl7v2/defs ${SOURCE_DIR}/include/hl7v2/defs/parts/*.hpp)
foreach(name ${committed_parts})
  if(NOT name IN_LIST generated)
    list(APPEND stale "${name} (no longer generated)")
  endif()
endforeach()
if(stale)
  message(FATAL_ERROR "committed headers differ from the generator's output: ${stale}\n"
                      "Run ./dev regen-defs and commit include/hl7v2/defs/.")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
  ${WORK_DIR}/RECONCILIATION.md ${generator_dir}/RECONCILIATION.md RESULT_VARIABLE report_differs)
if(NOT report_differs EQUAL 0)
  message(FATAL_ERROR "cmake/defs/RECONCILIATION.md differs from the generator's report.\n"
                      "Run ./dev regen-defs and commit it.")
endif()
# The summary table of the report is copied into README.md: it must be the current one.
file(READ ${WORK_DIR}/RECONCILIATION.md report)
string(REGEX MATCH "<!-- reconciliation summary[^\n]*-->.*<!-- end of reconciliation summary -->" summary "${report}")
file(READ ${generator_dir}/README.md readme)
string(FIND "${readme}" "${summary}" at)
if(summary STREQUAL "" OR at EQUAL -1)
  message(FATAL_ERROR "cmake/defs/README.md does not hold the current reconciliation summary: "
                      "copy it from cmake/defs/RECONCILIATION.md.")
endif()
message(STATUS "all ${count} generated headers, the report and the README summary match the generator")
