# Shared by the package tests (cmake -P): what the project declares, read from its own files.

# project_version(OUT): VERSION of project(hl7v2 ...) in the top-level CMakeLists.txt.
function(project_version out)
  file(STRINGS ${SOURCE_DIR}/CMakeLists.txt line REGEX "^project\\(hl7v2 VERSION ")
  string(REGEX MATCH "VERSION ([0-9.]+)" _ "${line}")
  if(NOT CMAKE_MATCH_1)
    message(FATAL_ERROR "no project(hl7v2 VERSION ...) in ${SOURCE_DIR}/CMakeLists.txt")
  endif()
  set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

# expect_declared_options(WHAT NAME...): every name is an option() of the top-level CMakeLists.txt, so
# a package does not pass a misspelt or removed option, which CMake would only warn about.
function(expect_declared_options what)
  file(STRINGS ${SOURCE_DIR}/CMakeLists.txt lines REGEX "^option\\(")
  set(declared "")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "^option\\(([A-Za-z0-9_]+)" _ "${line}")
    list(APPEND declared ${CMAKE_MATCH_1})
  endforeach()
  if(NOT ARGN)
    message(FATAL_ERROR "${what} passes no HL7V2_ option")
  endif()
  foreach(name IN LISTS ARGN)
    if(NOT name IN_LIST declared)
      message(FATAL_ERROR "${what} passes ${name}, which CMakeLists.txt does not declare (options: ${declared})")
    endif()
  endforeach()
endfunction()

# expect_files(ROOT PATH...): each PATH exists under ROOT.
function(expect_files root)
  foreach(p IN LISTS ARGN)
    if(NOT EXISTS ${root}/${p})
      message(FATAL_ERROR "${root}: ${p} is missing")
    endif()
  endforeach()
endfunction()

# expect_headers(INCLUDE_DIR): the installed include/ holds exactly the headers of the source tree.
function(expect_headers dir)
  file(GLOB_RECURSE source RELATIVE ${SOURCE_DIR}/include ${SOURCE_DIR}/include/*)
  file(GLOB_RECURSE installed RELATIVE ${dir} ${dir}/*)
  list(SORT source)
  list(SORT installed)
  if(NOT source STREQUAL installed)
    message(FATAL_ERROR "${dir} does not hold the source tree's headers:\nsource: ${source}\ninstalled: ${installed}")
  endif()
endfunction()

# expect_same_file(A B)
function(expect_same_file a b)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${a} ${b} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${a} differs from ${b}")
  endif()
endfunction()
