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

if(MGRS_SANITIZE)
  add_compile_options(-fsanitize=${MGRS_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${MGRS_SANITIZE})
endif()
