# cmake -P script: install this build tree into a scratch prefix, then build and run the consumer
# programs against it with CMake and with pkg-config (consumer.cmake), the core-only ones where
# simdjson cannot be found.
cmake_minimum_required(VERSION 3.21)
include(${CONSUMER_DIR}/consumer.cmake)

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${HL7V2_BINARY_DIR} --prefix ${prefix})
foreach(required include/hl7v2/hl7v2.hpp include/hl7v2/core.hpp share/cmake/hl7v2/hl7v2Config.cmake
                 share/cmake/hl7v2/hl7v2ConfigVersion.cmake share/cmake/hl7v2/hl7v2CoreTargets.cmake
                 share/cmake/hl7v2/hl7v2Targets.cmake share/cmake/hl7v2/hl7v2FmtTargets.cmake
                 share/pkgconfig/hl7v2.pc share/pkgconfig/hl7v2-core.pc share/pkgconfig/hl7v2-fmt.pc)
  if(NOT EXISTS ${prefix}/${required})
    message(FATAL_ERROR "install did not write ${required}")
  endif()
endforeach()
# The Debian files are for the .deb only (tests/packaging/deb_package.cmake).
if(EXISTS ${prefix}/share/doc)
  message(FATAL_ERROR "cmake --install wrote share/doc, which belongs to the Debian package only")
endif()

consumer_cmake(PREFIX ${prefix} WORK ${WORK_DIR})
consumer_pkgconfig(PCDIR ${prefix}/share/pkgconfig WORK ${WORK_DIR}/pc)
message(STATUS "consumer builds OK")
