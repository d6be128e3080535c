# Shared build helpers: the warnings interface target and licet_test().

add_library(licet_warnings INTERFACE)
target_compile_options(licet_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wmissing-declarations
  # GCC 12 warns when a designated initializer omits members even if they have in-struct defaults,
  # which is exactly how our option structs are meant to be used (STYLE.md rule 9).
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(licet_warnings INTERFACE -Wthread-safety)
endif()
if(LICET_WERROR)
  target_compile_options(licet_warnings INTERFACE -Werror)
endif()

# licet_test(NAME SOURCES... LIBS ...): one GoogleTest executable registered with CTest.
function(licet_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main licet_warnings)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()

# licet_first_check_sources(FILE...): sources whose code an application's first license check runs
# once, in a fresh process, where each page of code it touches costs more than the instructions on
# it (bench/RESULTS.md, "Application SDK"): compiled for size, which runs the check in fewer pages,
# and with switches kept as code (no table of results in .rodata, pages away from the laid-out
# functions: src/sdk/first_check.order). Sanitizer builds keep their own flags.
function(licet_first_check_sources)
  if(NOT LICET_FUZZ)
    set_source_files_properties(${ARGN} DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                                PROPERTIES COMPILE_OPTIONS "-Os;-fno-tree-switch-conversion")
  endif()
endfunction()
