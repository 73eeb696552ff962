# cmake -P script: build every fuzz target with clang (libFuzzer + ASan + UBSan) and run each for
# SECONDS over a scratch copy of the seed corpus. Any crash, leak or sanitizer report fails the test.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(LENGTH "${err}" n)
    if(n GREATER 6000)
      math(EXPR start "${n} - 6000")
      string(SUBSTRING "${err}" ${start} 6000 err)
    endif()
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/fuzz/project -B ${WORK_DIR}/build -DCMAKE_CXX_COMPILER=${CLANGXX}
    -DHL7V2_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_BUILD_TYPE=RelWithDebInfo)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build -j 2)
file(GLOB targets ${SOURCE_DIR}/tests/fuzz/fuzz_*.cpp)
file(GLOB seeds ${SOURCE_DIR}/tests/data/*.hl7 ${SOURCE_DIR}/tests/data/framing/*.hl7 ${SOURCE_DIR}/tests/fuzz/seeds/*)
foreach(source ${targets})
  get_filename_component(name ${source} NAME_WE)
  set(corpus ${WORK_DIR}/corpus/${name})
  file(REMOVE_RECURSE ${corpus})
  file(MAKE_DIRECTORY ${corpus})
  file(COPY ${seeds} DESTINATION ${corpus})
  message(STATUS "fuzzing ${name} for ${SECONDS} s")
  run(${WORK_DIR}/build/${name} -seed=1 -max_total_time=${SECONDS} -max_len=65536 -rss_limit_mb=2048 -timeout=10
      -print_final_stats=1 ${corpus})
endforeach()
