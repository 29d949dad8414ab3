# Installs the built project to a scratch prefix, then configures, builds and runs
# examples/cpp against it with find_package(riskscale 0.1 CONFIG REQUIRED).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix})
foreach(required include/riskscale/riskscale.hpp lib/cmake/riskscale/riskscaleConfig.cmake
                 lib/cmake/riskscale/riskscaleConfigVersion.cmake lib/cmake/riskscale/riskscaleTargets.cmake)
  if(NOT EXISTS ${prefix}/${required})
    message(FATAL_ERROR "the install lacks ${required}")
  endif()
endforeach()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/cpp -B ${WORK_DIR}/example -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/example)
run(${WORK_DIR}/example/riskscale_example)
if(NOT last_output MATCHES "archetype: ")
  message(FATAL_ERROR "the example printed no assessment:\n${last_output}")
endif()
message(STATUS "${last_output}")
