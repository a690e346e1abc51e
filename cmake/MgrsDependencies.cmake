# Third-party packages, all from Debian 12 (scripts/setup.sh installs them). MGRS_MODEL_ONLY looks for only what
# mgrs::core and mgrs::model_core need: nlohmann-json, Threads and LibTorch.
find_package(nlohmann_json 3.10 REQUIRED)
if(NOT MGRS_MODEL_ONLY)
  # Eigen3::Eigen is for the modules that need linear algebra beyond OpenCV's; none links it yet.
  find_package(Eigen3 3.4 REQUIRED NO_MODULE)
  find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
  find_package(SQLite3 REQUIRED)
  find_package(GDAL REQUIRED)
  find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs photo)
endif()
find_package(Threads REQUIRED)

if(MGRS_BUILD_TESTS AND NOT MGRS_MODEL_ONLY)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()

if(MGRS_WITH_TORCH)
  find_package(Torch REQUIRED)
  # Torch's config exports its flags through TORCH_CXX_FLAGS and plain include paths; wrap it in one imported
  # target whose headers are system headers, so our warnings-as-errors never fire inside LibTorch.
  add_library(mgrs_torch INTERFACE)
  target_link_libraries(mgrs_torch INTERFACE ${TORCH_LIBRARIES})
  target_include_directories(mgrs_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
  target_compile_definitions(mgrs_torch INTERFACE MGRS_WITH_TORCH=1)
  if(MGRS_MODEL_ONLY)
    # Another LibTorch than Debian's (a pip wheel's, say) may use the other libstdc++ ABI: TORCH_CXX_FLAGS names it,
    # and mgrs::core, which passes std::string to the model, must be compiled with the same.
    separate_arguments(torch_cxx_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
    add_compile_options(${torch_cxx_flags})
    # LibTorch 2.14's headers refuse anything older than C++20 (#error in ATen/ATen.h); 2.13 and older take C++17.
    if(Torch_VERSION VERSION_GREATER_EQUAL 2.14)
      set(CMAKE_CXX_STANDARD 20)
    endif()
  endif()
endif()
