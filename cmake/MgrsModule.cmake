# Three helpers: one declares a module library, one a tool, one a test.
#
#   mgrs_add_library(<name> [SOURCES ...] [DEPS ...] [PRIVATE_DEPS ...])
#     Builds every src/*.cpp of the calling folder (or only SOURCES, when given) into the static library
#     mgrs_<name> with the alias mgrs::<name>; include/ is its public face (<mgrs/<name>/...>).
#   mgrs_add_tool(<name> SOURCES ... [DEPS ...])
#   mgrs_add_test(<name> SOURCES ... [DEPS ...])
#     A GoogleTest executable whose tests are registered with CTest; its data folder is
#     MGRS_SHARED (tests/data unless configured otherwise; the environment variable overrides it).

function(mgrs_add_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  if(arg_SOURCES)
    set(sources ${arg_SOURCES})
  else()
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp")
  endif()
  add_library(mgrs_${name} STATIC ${sources})
  add_library(mgrs::${name} ALIAS mgrs_${name})
  target_include_directories(mgrs_${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(mgrs_${name} PUBLIC ${arg_DEPS} PRIVATE mgrs_warnings ${arg_PRIVATE_DEPS})
  set_target_properties(mgrs_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

function(mgrs_add_tool name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE mgrs_warnings ${arg_DEPS})
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()

function(mgrs_add_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE mgrs_warnings mgrs_test_support ${arg_DEPS} GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE MGRS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  # No MGRS_SHARED in the tests' environment: the configured folder is compiled into mgrs_test_support, so a
  # MGRS_SHARED set by the user when running ctest still overrides it.
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
