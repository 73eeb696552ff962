# Stand-ins for the vcpkg helpers cmake/packaging/vcpkg/hl7v2/portfile.cmake calls, so that the
# portfile itself runs here (vcpkg cannot be installed on these machines). Each does what the vcpkg
# documentation says the helper does, on the real files; what the stand-in cannot know (the
# toolchain, the triplet) it leaves out. The caller sets PORT, VERSION, FEATURES,
# CURRENT_PACKAGES_DIR and CURRENT_BUILDTREES_DIR, then include()s the portfile.

function(z_shim_configs out)
  if(VCPKG_BUILD_TYPE STREQUAL "release")
    set(${out} release PARENT_SCOPE)
  else()
    set(${out} release debug PARENT_SCOPE)
  endif()
endfunction()

# Configures SOURCE_PATH once per configuration (release, and debug unless VCPKG_BUILD_TYPE is
# release) into the buildtree, installing into the packages folder (debug/ for debug), with the
# arguments vcpkg adds to every CMake port and then the port's OPTIONS.
function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS;OPTIONS_RELEASE;OPTIONS_DEBUG")
  if(NOT arg_SOURCE_PATH OR NOT EXISTS "${arg_SOURCE_PATH}/CMakeLists.txt")
    message(FATAL_ERROR "vcpkg_cmake_configure: SOURCE_PATH '${arg_SOURCE_PATH}' has no CMakeLists.txt")
  endif()
  z_shim_configs(configs)
  foreach(config IN LISTS configs)
    if(config STREQUAL "release")
      set(type Release)
      set(prefix "${CURRENT_PACKAGES_DIR}")
      set(extra ${arg_OPTIONS_RELEASE})
    else()
      set(type Debug)
      set(prefix "${CURRENT_PACKAGES_DIR}/debug")
      set(extra ${arg_OPTIONS_DEBUG})
    endif()
    set(build "${CURRENT_BUILDTREES_DIR}/${config}")
    execute_process(
      COMMAND ${CMAKE_COMMAND} -S "${arg_SOURCE_PATH}" -B "${build}" -DCMAKE_BUILD_TYPE=${type}
        "-DCMAKE_INSTALL_PREFIX=${prefix}" -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON
        -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON -DCMAKE_INSTALL_LIBDIR:STRING=lib
        -DCMAKE_INSTALL_BINDIR:STRING=bin -DFETCHCONTENT_FULLY_DISCONNECTED=ON
        ${arg_OPTIONS} ${extra}
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "vcpkg_cmake_configure (${config}) failed:\n${out}\n${err}")
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY z_shim_configured "${configs}")
  set_property(GLOBAL PROPERTY z_shim_options ${arg_OPTIONS})
endfunction()

# Builds the install target of every configured buildtree.
function(vcpkg_cmake_install)
  get_property(configs GLOBAL PROPERTY z_shim_configured)
  if(NOT configs)
    message(FATAL_ERROR "vcpkg_cmake_install called before vcpkg_cmake_configure")
  endif()
  foreach(config IN LISTS configs)
    execute_process(COMMAND ${CMAKE_COMMAND} --build "${CURRENT_BUILDTREES_DIR}/${config}" --target install
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "vcpkg_cmake_install (${config}) failed:\n${out}\n${err}")
    endif()
  endforeach()
endfunction()

# Moves CONFIG_PATH to share/<PACKAGE_NAME> (default: the port), drops the debug copy, and rewrites
# the prefix computations of the moved files for their new depth (two levels under the prefix).
function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "CONFIG_PATH;PACKAGE_NAME" "")
  if(NOT arg_PACKAGE_NAME)
    set(arg_PACKAGE_NAME "${PORT}")
  endif()
  set(from "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}")
  set(to "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
  if(NOT IS_DIRECTORY "${from}")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: '${from}' does not exist")
  endif()
  if(NOT from STREQUAL to)
    file(MAKE_DIRECTORY "${CURRENT_PACKAGES_DIR}/share")
    file(RENAME "${from}" "${to}")
  endif()
  file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/${arg_CONFIG_PATH}")
  # The folders CONFIG_PATH leaves empty (share/cmake) go too.
  get_filename_component(parent "${from}" DIRECTORY)
  while(NOT parent STREQUAL CURRENT_PACKAGES_DIR AND IS_DIRECTORY "${parent}")
    file(GLOB left "${parent}/*")
    if(left)
      break()
    endif()
    file(REMOVE_RECURSE "${parent}")
    get_filename_component(parent "${parent}" DIRECTORY)
  endwhile()
  file(GLOB files "${to}/*.cmake")
  foreach(f IN LISTS files)
    file(READ "${f}" text)
    string(REGEX REPLACE
      "(get_filename_component\\(_IMPORT_PREFIX \"\\\${CMAKE_CURRENT_LIST_FILE}\" PATH\\)\n)(get_filename_component\\(_IMPORT_PREFIX \"\\\${_IMPORT_PREFIX}\" PATH\\)\n)+"
      "\\1get_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\n"
      text "${text}")
    string(REGEX REPLACE "get_filename_component\\(PACKAGE_PREFIX_DIR \"\\\${CMAKE_CURRENT_LIST_DIR}/(\\.\\./)+\" ABSOLUTE\\)"
      "get_filename_component(PACKAGE_PREFIX_DIR \"\${CMAKE_CURRENT_LIST_DIR}/../../\" ABSOLUTE)" text "${text}")
    file(WRITE "${f}" "${text}")
  endforeach()
endfunction()

# Checks the .pc files of share/pkgconfig and lib/pkgconfig: each must resolve with pkg-config
# (its Requires found among the port's own files and, when the caller allows, the system's).
function(vcpkg_fixup_pkgconfig)
  find_program(PKG_CONFIG pkg-config REQUIRED)
  set(dirs "")
  foreach(d share/pkgconfig lib/pkgconfig)
    if(IS_DIRECTORY "${CURRENT_PACKAGES_DIR}/${d}")
      list(APPEND dirs "${CURRENT_PACKAGES_DIR}/${d}")
    endif()
  endforeach()
  string(REPLACE ";" ":" path "${dirs}")
  if(Z_SHIM_SYSTEM_PKGCONFIG)
    set(ENV{PKG_CONFIG_PATH} "${path}")
  else()
    set(ENV{PKG_CONFIG_LIBDIR} "${path}")
  endif()
  foreach(d IN LISTS dirs)
    file(GLOB pcs "${d}/*.pc")
    foreach(pc IN LISTS pcs)
      get_filename_component(name "${pc}" NAME_WE)
      execute_process(COMMAND ${PKG_CONFIG} --print-errors --exists "${name}" RESULT_VARIABLE rc ERROR_VARIABLE err)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "vcpkg_fixup_pkgconfig: ${pc} does not resolve:\n${err}")
      endif()
    endforeach()
  endforeach()
  unset(ENV{PKG_CONFIG_LIBDIR})
  unset(ENV{PKG_CONFIG_PATH})
endfunction()

# Writes the licence files, concatenated, to share/<port>/copyright.
function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "FILE_LIST")
  if(NOT arg_FILE_LIST)
    message(FATAL_ERROR "vcpkg_install_copyright: FILE_LIST is empty")
  endif()
  set(text "")
  foreach(f IN LISTS arg_FILE_LIST)
    if(NOT EXISTS "${f}")
      message(FATAL_ERROR "vcpkg_install_copyright: ${f} does not exist")
    endif()
    file(READ "${f}" part)
    string(APPEND text "${part}")
  endforeach()
  file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${text}")
endfunction()
