# cmake -P: the Conan 2 recipe (cmake/packaging/conan/). conan_shim.py runs its methods as
# `conan create` would (export, generate, build, package, package_info) with the default options
# (simdjson, no fmt) and with the tokenizer and fmt only (with_simdjson off, with_fmt on);
# this checks what the recipe declares, the package folder it leaves (headers, licences/LICENSE,
# nothing else), and builds test_package with CMake against an install made with exactly the CMake
# variables the recipe passed. (In Conan, test_package finds the package through CMakeDeps' files;
# here our own CMake config, which defines the same target names, stands in for them.)
cmake_minimum_required(VERSION 3.21)
include(${CONSUMER_DIR}/consumer.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/packaging.cmake)
set(recipe_dir ${SOURCE_DIR}/cmake/packaging/conan)
file(REMOVE_RECURSE ${WORK_DIR})
project_version(version)

function(json_get out json)
  string(JSON value ERROR_VARIABLE err GET "${json}" ${ARGN})
  if(err)
    message(FATAL_ERROR "conan recipe: ${ARGN}: ${err}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(check_recipe label)
  set(work ${WORK_DIR}/${label})
  if(label STREQUAL "without_simdjson")
    set(ENV{CMAKE_PREFIX_PATH} ${no_simdjson_prefix})  # its configure must not look for simdjson
    run(${PYTHON} -B ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/conan_shim.py ${recipe_dir} ${work} --without-simdjson
        --with-fmt --cmake ${CMAKE_COMMAND})
    unset(ENV{CMAKE_PREFIX_PATH})
  else()
    run(${PYTHON} -B ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/conan_shim.py ${recipe_dir} ${work} --cmake ${CMAKE_COMMAND})
  endif()
  set(r "${last_output}")

  json_get(name "${r}" name)
  json_get(recipe_version "${r}" version)
  json_get(type "${r}" package_type)
  json_get(licence "${r}" license)
  json_get(cleared "${r}" info_cleared)
  json_get(cppstd "${r}" min_cppstd)
  if(NOT name STREQUAL "hl7v2" OR NOT recipe_version STREQUAL version OR NOT type STREQUAL "header-library"
     OR NOT licence STREQUAL "MIT" OR NOT cleared OR NOT cppstd STREQUAL "20")
    message(FATAL_ERROR "conan recipe declares ${name} ${recipe_version}, package_type ${type}, licence "
      "${licence}, package_id cleared: ${cleared}, min cppstd ${cppstd}; expected hl7v2 ${version}, "
      "header-library, MIT, cleared, 20")
  endif()

  # The CMake variables it passes are the project's options, the same as the vcpkg port's.
  json_get(vars "${r}" cmake_variables)
  string(JSON n LENGTH "${vars}")
  math(EXPR last "${n} - 1")
  set(defines "")
  set(names "")
  foreach(i RANGE ${last})
    string(JSON key MEMBER "${vars}" ${i})
    json_get(value "${vars}" ${key})
    list(APPEND names ${key})
    list(APPEND defines -D${key}=${value})
  endforeach()
  expect_declared_options("conanfile.py" ${names})
  file(READ ${SOURCE_DIR}/cmake/packaging/vcpkg/hl7v2/portfile.cmake portfile)
  string(REGEX MATCHALL "-DHL7V2_[A-Z_]+=[A-Z]+" port_defines "${portfile}")
  list(SORT port_defines)
  set(sorted ${defines})
  list(SORT sorted)
  if(NOT sorted STREQUAL port_defines)
    message(FATAL_ERROR "the Conan recipe passes ${sorted}, the vcpkg port ${port_defines}")
  endif()

  # Requirements and what package_info() tells consumers.
  json_get(requires "${r}" requires)
  json_get(core_requires "${r}" cpp_info components core requires)
  json_get(core_target "${r}" cpp_info components core properties cmake_target_name)
  json_get(core_pc "${r}" cpp_info components core properties pkg_config_name)
  json_get(root_target "${r}" cpp_info properties cmake_target_name)
  json_get(root_file "${r}" cpp_info properties cmake_file_name)
  if(NOT core_requires STREQUAL "[]" OR NOT core_target STREQUAL "hl7v2::core" OR NOT core_pc STREQUAL "hl7v2-core"
     OR NOT root_target STREQUAL "hl7v2::hl7v2" OR NOT root_file STREQUAL "hl7v2")
    message(FATAL_ERROR "conan package_info: core requires ${core_requires}, targets ${core_target} / "
      "${root_target}, file ${root_file}, pkg-config ${core_pc}")
  endif()
  string(JSON json_component ERROR_VARIABLE no_json GET "${r}" cpp_info components json requires)
  string(JSON fmt_component ERROR_VARIABLE no_fmt GET "${r}" cpp_info components fmt requires)
  if(label STREQUAL "without_simdjson")
    if(requires MATCHES "simdjson" OR NOT no_json)
      message(FATAL_ERROR "without simdjson the recipe still requires ${requires} / has a json component")
    endif()
    json_get(fmt_target "${r}" cpp_info components fmt properties cmake_target_name)
    json_get(fmt_pc "${r}" cpp_info components fmt properties pkg_config_name)
    if(NOT requires MATCHES "\"fmt/" OR NOT fmt_component MATCHES "\"fmt::fmt\""
       OR NOT fmt_component MATCHES "\"core\"" OR NOT fmt_target STREQUAL "hl7v2::fmt"
       OR NOT fmt_pc STREQUAL "hl7v2-fmt")
      message(FATAL_ERROR "with fmt: requires ${requires}, fmt component requires ${fmt_component}, target "
        "${fmt_target}, pkg-config ${fmt_pc}")
    endif()
  else()
    if(NOT requires MATCHES "\"simdjson/" OR NOT json_component MATCHES "\"simdjson::simdjson\""
       OR NOT json_component MATCHES "\"core\"")
      message(FATAL_ERROR "with simdjson: requires ${requires}, json component requires ${json_component}")
    endif()
    if(requires MATCHES "fmt" OR NOT no_fmt)
      message(FATAL_ERROR "fmt is off by default, yet the recipe requires ${requires} / has an fmt component")
    endif()
  endif()

  # The package folder: the headers and the licence, nothing else (CMakeDeps makes the config).
  json_get(package "${r}" package_folder)
  expect_headers(${package}/include)
  expect_same_file(${package}/licenses/LICENSE ${SOURCE_DIR}/LICENSE)
  file(GLOB top RELATIVE ${package} ${package}/*)
  list(SORT top)
  if(NOT top STREQUAL "include;licenses")
    message(FATAL_ERROR "conan package folder holds ${top}, expected include and licenses only")
  endif()

  # test_package, built with CMake against the install the recipe's variables give.
  if(NOT label STREQUAL "without_simdjson")
    json_get(build "${r}" build_folder)
    run(${CMAKE_COMMAND} --install ${build} --prefix ${work}/install)
    set(tp ${recipe_dir}/test_package)
    run(${CMAKE_COMMAND} -S ${tp} -B ${work}/test_package -DCMAKE_PREFIX_PATH=${work}/install
        -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
    expect_found_in(${work}/test_package ${work}/install)
    run(${CMAKE_COMMAND} --build ${work}/test_package)
    run(${work}/test_package/test_package)
    if(NOT last_output MATCHES "CTRL42 round-trips")
      message(FATAL_ERROR "test_package printed:\n${last_output}")
    endif()
    message(STATUS "conan recipe, ${label}: test_package built and run")
  endif()
  message(STATUS "conan recipe, ${label}: declarations and package folder OK")
endfunction()

# Both recipes parse (test_package's cannot run here: it needs Conan's generators).
run(${PYTHON} -B -c "import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]"
    ${recipe_dir}/conanfile.py ${recipe_dir}/test_package/conanfile.py)
check_recipe(default)
check_recipe(without_simdjson)
