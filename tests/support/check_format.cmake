# Fails when any C++ source under the project's own directories differs from .clang-format.
file(GLOB_RECURSE files ${ROOT}/app/*.cpp ${ROOT}/app/*.h ${ROOT}/core/*.cpp ${ROOT}/core/*.h
     ${ROOT}/views/*.cpp ${ROOT}/views/*.h ${ROOT}/capture/*.cpp ${ROOT}/capture/*.h
     ${ROOT}/tests/*.cpp ${ROOT}/tests/*.h)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${files} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "clang-format differences (run: clang-format-14 -i <file>):\n${err}")
endif()
list(LENGTH files n)
message(STATUS "format: ${n} files clean")
