# cmake -P script: fails when a source file differs from what clang-format makes of it.
file(GLOB_RECURSE sources ${SOURCE_DIR}/include/*.hpp ${SOURCE_DIR}/tests/*.hpp ${SOURCE_DIR}/tests/*.cpp
     ${SOURCE_DIR}/examples/*.hpp ${SOURCE_DIR}/examples/*.cpp ${SOURCE_DIR}/bench/*.hpp ${SOURCE_DIR}/bench/*.cpp
     ${SOURCE_DIR}/cmake/packaging/*.cpp ${SOURCE_DIR}/src/*.cpp)
list(FILTER sources EXCLUDE REGEX "/include/hl7v2/defs/v2_[0-9_]+\\.hpp$|/include/hl7v2/defs/parts/|/node_modules/")
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${sources} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  string(SUBSTRING "${err}" 0 4000 err)
  message(FATAL_ERROR "clang-format would change these sources (run ./dev format):\n${err}")
endif()
