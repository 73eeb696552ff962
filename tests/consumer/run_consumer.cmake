# cmake -P script: install, configure a consumer against the installed package, build, run.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${HL7V2_BINARY_DIR} --prefix ${prefix})
foreach(required include/hl7v2/hl7v2.hpp share/cmake/hl7v2/hl7v2Config.cmake
                 share/cmake/hl7v2/hl7v2ConfigVersion.cmake share/pkgconfig/hl7v2.pc)
  if(NOT EXISTS ${prefix}/${required})
    message(FATAL_ERROR "install did not write ${required}")
  endif()
endforeach()

# 1. CMake package config.
run(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer ${SAMPLE})
if(NOT last_output MATCHES "MSGID10001")
  message(FATAL_ERROR "consumer (CMake) printed an unexpected result:\n${last_output}")
endif()

# 2. pkg-config.
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} ${prefix}/share/pkgconfig)
  run(${PKG_CONFIG} --cflags --libs hl7v2)
  string(STRIP "${last_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} ${flags} ${CONSUMER_SOURCE_DIR}/main.cpp -o ${WORK_DIR}/consumer_pc -lsimdjson)
  run(${WORK_DIR}/consumer_pc ${SAMPLE})
  if(NOT last_output MATCHES "MSGID10001")
    message(FATAL_ERROR "consumer (pkg-config) printed an unexpected result:\n${last_output}")
  endif()
endif()
message(STATUS "consumer builds OK")
