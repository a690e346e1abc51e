# Project-wide compiler settings: warnings, warnings-as-errors, sanitizers, ccache.
find_program(MGRS_CCACHE ccache)
if(MGRS_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${MGRS_CCACHE}")
endif()

add_library(mgrs_warnings INTERFACE)
target_compile_options(mgrs_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                               -Wno-unused-parameter)
if(MGRS_WERROR)
  target_compile_options(mgrs_warnings INTERFACE -Werror)
endif()

# libFuzzer harnesses (tests/fuzz, scripts/fuzz.sh): every target gets coverage instrumentation and address and
# undefined-behaviour checks, and a UB report stops the run so the fuzzer records it.
option(MGRS_FUZZ "Build the libFuzzer harnesses in tests/fuzz (clang only)" OFF)
if(MGRS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MGRS_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MGRS_SANITIZE)
  add_compile_options(-fsanitize=${MGRS_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${MGRS_SANITIZE})
endif()
